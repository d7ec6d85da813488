"""The Optuna study of a sweep file: created on first use, checked to be that file's afterwards."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lstmzoo.errors import ConfigError
from lstmzoo.sweep.runner.bookkeeping import ATTR
from lstmzoo.sweep.runner.sampling import planned_sampler
from lstmzoo.sweep.spec import SweepSpec
from lstmzoo.sweep.storage import make_storage, quiet_optuna, redact

__all__ = ["SweepStudy", "open_sweep_study"]


@dataclass
class SweepStudy:
    """What :func:`open_sweep_study` opens.

    Attributes:
        study: the :class:`optuna.Study`.
        storage: the ``RDBStorage`` under it (heartbeats are recorded there).
        sampler: the study's sampler (:func:`~lstmzoo.sweep.runner.sampling.planned_sampler`).
    """

    study: Any
    storage: Any
    sampler: Any


def _sampler(spec: SweepSpec) -> Any:
    import optuna

    if spec.sampler == "tpe":
        base = optuna.samplers.TPESampler(
            seed=spec.sampler_seed, n_startup_trials=max(1, min(10, (spec.trials or 3) // 3))
        )
    else:
        base = optuna.samplers.RandomSampler(seed=spec.sampler_seed)
    return planned_sampler(base)


def open_sweep_study(spec: SweepSpec, name: str, url: str, *, heartbeat: int) -> SweepStudy:
    """Create or load the study ``name`` in the storage at ``url`` for the sweep ``spec``.

    Args:
        spec: the sweep file, already checked against the config.
        name: the study's name.
        url: an Optuna RDB URL (a ``sqlite:///`` file's folder is created).
        heartbeat: seconds between the heartbeats of a running trial.

    Raises:
        ConfigError: the storage cannot be opened, or the study there was started from another
            sweep (space, seeds, sampler or metric differ, and a trial has finished) or
            optimises in the other direction.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    quiet_optuna()
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    storage = make_storage(url, interval=heartbeat)
    sampler = _sampler(spec)
    pruner = (
        optuna.pruners.MedianPruner(**spec.pruner_args)
        if spec.pruner == "median"
        else optuna.pruners.NopPruner()
    )
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        sampler=sampler,
        pruner=pruner,
        direction=spec.direction,
        load_if_exists=True,
    )
    attrs = study.user_attrs
    finished = any(
        t.state.is_finished()
        and not t.user_attrs.get(ATTR + "duplicate")
        and t.state.name in ("COMPLETE", "PRUNED")
        for t in study.get_trials(deepcopy=False)
    )
    stored = attrs.get(ATTR + "fingerprint")
    if stored is not None and stored != spec.fingerprint() and finished:
        raise ConfigError(
            f"the study {name!r} in {redact(url)} was started from a "
            f"different sweep ({attrs.get(ATTR + 'file')}: space, seeds, sampler or metric "
            "differ); give another --name to start a new study"
        )
    if study.direction.name.lower() != spec.direction:
        raise ConfigError(
            f"the study {name!r} optimises in direction {study.direction.name.lower()}, "
            f"the sweep file says mode: {spec.mode}; give another --name"
        )
    if stored != spec.fingerprint():
        study.set_user_attr(ATTR + "fingerprint", spec.fingerprint())
    # the latest file's entries (budget, report options) are what `sweep show` reads
    study.set_user_attr(ATTR + "spec", json.loads(json.dumps(spec.raw, default=str)))
    study.set_user_attr(ATTR + "file", str(spec.path))
    return SweepStudy(study, storage, sampler)
