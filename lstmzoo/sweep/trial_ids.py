"""A trial's storage id from its number, through Optuna's public storage API.

Optuna's storages address a trial by its id (``record_heartbeat``, ``set_trial_user_attr``,
``set_trial_state_values``, the ``optuna.trial.Trial(study, trial_id)`` of a trial process),
while ``Trial`` and ``FrozenTrial`` make only its ``number`` public: the id itself is their
private ``_trial_id``. Rather than read that, the sweep asks the storage, which maps a study's
name to its id and (study id, trial number) to the trial's id in its public API. This is the
one place that does it, so should Optuna change that route, one module (and its test,
``tests/sweep/test_trial_ids.py``) shows it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["trial_id"]


def trial_id(storage: Any, study_name: str, number: int) -> int:
    """The id under which ``storage`` keeps trial ``number`` of the study ``study_name``.

    Args:
        storage: an Optuna storage (:class:`optuna.storages.BaseStorage`).
        study_name: the study's name.
        number: the trial's number in that study (``trial.number``).

    Raises:
        KeyError: no such study or no such trial in it (Optuna's error).
    """
    study_id = storage.get_study_id_from_name(study_name)
    return int(storage.get_trial_id_from_study_id_trial_number(study_id, number))
