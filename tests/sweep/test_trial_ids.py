"""The one place the sweep turns a trial's number into its storage id: through Optuna's public
storage lookups, which must keep addressing the trial Optuna itself uses."""

from __future__ import annotations

from pathlib import Path

import optuna
import pytest

from lstmzoo.sweep.storage import make_storage
from lstmzoo.sweep.trial_ids import trial_id


@pytest.fixture
def two_studies(tmp_path: Path):
    storage = make_storage(f"sqlite:///{tmp_path / 'ids.db'}", interval=1)
    for name in ("other", "mine"):  # a second study: ids and numbers no longer coincide
        study = optuna.create_study(study_name=name, storage=storage)
        for _ in range(3):
            study.tell(study.ask(), 1.0)
    return storage, optuna.load_study(study_name="mine", storage=storage)


def test_the_storage_still_maps_study_names_and_trial_numbers_to_ids(two_studies) -> None:
    storage, _ = two_studies
    for method in ("get_study_id_from_name", "get_trial_id_from_study_id_trial_number"):
        assert callable(getattr(storage, method, None)), (
            f"Optuna's storage has no public {method}() any more: lstmzoo.sweep.trial_ids "
            "needs another route from a trial's number to its id"
        )


def test_the_id_addresses_the_trial_of_that_number(two_studies) -> None:
    storage, study = two_studies
    running = study.ask()
    tid = trial_id(storage, "mine", running.number)
    assert storage.get_trial(tid).number == running.number
    assert storage.get_trial_number_from_id(tid) == running.number
    # what the runner does with it: attributes, heartbeats, and a trial process's Trial
    storage.set_trial_user_attr(tid, "sweep:probe", 1)
    storage.record_heartbeat(tid)
    assert optuna.trial.Trial(study, tid).number == running.number
    (frozen,) = [t for t in study.get_trials() if t.number == running.number]
    assert frozen.user_attrs["sweep:probe"] == 1
    ids = {trial_id(storage, "mine", t.number) for t in study.get_trials()}
    assert len(ids) == 4  # one id per trial, none shared with the other study


def test_an_unknown_trial_is_a_key_error(two_studies) -> None:
    storage, _ = two_studies
    with pytest.raises(KeyError):
        trial_id(storage, "mine", 99)
