"""From the sweep's search space to Optuna's suggestions, and the sampler that plans trials.

Optuna's categorical choices are scalars, so list values travel as JSON text (:func:`encode`,
:func:`decode`). A grid, and the later seeds of a searched point, are trials whose values the
runner already knows: :func:`planned_sampler` wraps the study's sampler so that those trials
get the values fixed for them, and every other trial asks the wrapped sampler.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from lstmzoo.sweep.spec import Categorical, Dimension

__all__ = ["decode", "encode", "planned_sampler", "suggest"]


def encode(value: Any) -> Any:
    """Optuna's categorical choices are scalars: other values travel as JSON text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return json.dumps(value, sort_keys=True)


def decode(dim: Dimension, value: Any) -> Any:
    """The spec's value behind Optuna's ``value`` (the inverse of :func:`encode`)."""
    if isinstance(dim, Categorical):
        for candidate in dim.values:
            if encode(candidate) == value:
                return candidate
    return value


def suggest(trial: Any, key: str, dim: Dimension) -> Any:
    """Ask ``trial`` (an :class:`optuna.trial.Trial`) for a value of ``key`` in ``dim``."""
    if isinstance(dim, Categorical):
        return trial.suggest_categorical(key, [encode(v) for v in dim.values])
    if dim.is_int:
        return trial.suggest_int(key, dim.low, dim.high, step=dim.step or 1, log=dim.log)
    return trial.suggest_float(key, float(dim.low), float(dim.high), step=dim.step, log=dim.log)


def planned_sampler(base: Any) -> Any:
    """Wrap the sampler ``base``: trials the runner fixed (``.fix(number, params)``, by trial
    number) get those values, the others ask ``base``. (The class is defined in the function
    so that Optuna is imported only when a study is opened.)"""
    import optuna
    from typing_extensions import override

    class Planned(optuna.samplers.BaseSampler):
        def __init__(self) -> None:
            self.base = base
            self.fixed: dict[int, dict[str, Any]] = {}
            self._lock = threading.Lock()

        def fix(self, number: int, params: dict[str, Any]) -> None:
            with self._lock:
                self.fixed[number] = params

        @override
        def infer_relative_search_space(self, study: Any, trial: Any) -> Any:
            return self.base.infer_relative_search_space(study, trial)

        @override
        def sample_relative(self, study: Any, trial: Any, search_space: Any) -> Any:
            return self.base.sample_relative(study, trial, search_space)

        @override
        def sample_independent(self, study: Any, trial: Any, name: str, dist: Any) -> Any:
            with self._lock:
                fixed = self.fixed.get(trial.number)
            if fixed is not None and name in fixed:
                return fixed[name]
            return self.base.sample_independent(study, trial, name, dist)

        @override
        def before_trial(self, study: Any, trial: Any) -> None:
            self.base.before_trial(study, trial)

        @override
        def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
            with self._lock:
                self.fixed.pop(trial.number, None)
            self.base.after_trial(study, trial, state, values)

        @override
        def reseed_rng(self) -> None:
            self.base.reseed_rng()

    return Planned()
