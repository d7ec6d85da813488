"""The study's trials, read by (point, seed): what is done, running, retried, or left behind.

A trial is one (point, seed). The runner records on each trial, as user attributes under
:data:`ATTR`, the point, the seed, their :func:`point_key`, the point's group, the runner that
owns it (``host:pid``) and its folder, so any runner that opens the storage can tell:

* which (point, seed) keys are finished or running (:func:`classify`);
* which runs of a key died and are to run again, up to :data:`MAX_ATTEMPTS`
  (:func:`earlier_attempts`, whose folders hold the ``last.ckpt`` a retry resumes from);
* whether a trial it just created repeats a key another runner took first
  (:func:`claimed_before`);
* which running trials lost their runner (:func:`reap_dead_trials`).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lstmzoo.sweep.trial_ids import trial_id

__all__ = [
    "ATTR",
    "MAX_ATTEMPTS",
    "Attempt",
    "SweepState",
    "TrialOutcome",
    "claimed_before",
    "classify",
    "earlier_attempts",
    "point_key",
    "reap_dead_trials",
]

ATTR = "sweep:"
MAX_ATTEMPTS = 3  # runs of one (point, seed) that died (killed, runner gone) before giving up


def point_key(point: dict[str, Any], seed: int | None = None) -> str:
    """A canonical string for a point (and seed)."""
    body = json.dumps(point, sort_keys=True, default=str)
    return body if seed is None else f"{body}#seed={seed}"


@dataclass
class SweepState:
    """What the storage says, grouped by (point, seed) key."""

    done: dict[str, str] = field(default_factory=dict)  # key -> COMPLETE | PRUNED | FAIL
    running: set[str] = field(default_factory=set)
    attempts: dict[str, int] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)  # group -> point
    any_running: bool = False

    def is_open(self, key: str) -> bool:
        """Neither finished nor running: the key is for the taking."""
        return key not in self.done and key not in self.running


@dataclass
class TrialOutcome:
    """How one trial ended, as the runner saw it (the live view's lines and ETA)."""

    number: int
    status: str  # complete | pruned | failed | killed | interrupted
    value: float | None = None
    seconds: float = 0.0
    error: str | None = None


@dataclass(frozen=True)
class Attempt:
    """An earlier run of a (point, seed) that died: its trial number, folder and config."""

    number: int
    folder: Path
    config: str | None  # the fingerprint of its composed config (None: not recorded)


def _is_sweep_trial(attrs: dict[str, Any]) -> bool:
    return ATTR + "key" in attrs and not attrs.get(ATTR + "duplicate")


def classify(trials: Iterable[Any]) -> SweepState:
    """Group ``trials`` (:class:`optuna.trial.FrozenTrial`) by (point, seed) key."""
    from optuna.trial import TrialState

    out = SweepState()
    for t in trials:
        attrs = t.user_attrs
        if not _is_sweep_trial(attrs):
            continue
        key = attrs[ATTR + "key"]
        group = str(attrs.get(ATTR + "group"))
        out.groups.setdefault(group, attrs.get(ATTR + "point", {}))
        if t.state == TrialState.RUNNING:
            out.running.add(key)
            out.any_running = True
        elif t.state in (TrialState.COMPLETE, TrialState.PRUNED):
            out.done[key] = t.state.name
        elif t.state == TrialState.FAIL:
            if attrs.get(ATTR + "final"):
                out.done.setdefault(key, "FAIL")
            elif not attrs.get(ATTR + "interrupted"):
                out.attempts[key] = out.attempts.get(key, 0) + 1
                if out.attempts[key] >= MAX_ATTEMPTS:
                    out.done.setdefault(key, "FAIL")
    return out


def claimed_before(trials: Iterable[Any], number: int, key: str) -> bool:
    """True when a trial older than ``number`` runs, or has finished, the same ``key``: two
    runners that picked the same (point, seed) at the same moment, of which the first wins."""
    from optuna.trial import TrialState

    taken = (TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED)
    return any(
        t.number < number
        and t.user_attrs.get(ATTR + "key") == key
        and not t.user_attrs.get(ATTR + "duplicate")
        and t.state in taken
        for t in trials
    )


def earlier_attempts(trials: Iterable[Any], number: int, key: str) -> list[Attempt]:
    """The runs of ``key`` older than trial ``number`` that died and may be continued (failed,
    not for good: killed, interrupted, their runner gone), newest first."""
    from optuna.trial import TrialState

    found = [
        Attempt(
            number=t.number,
            folder=Path(str(t.user_attrs[ATTR + "dir"])),
            config=t.user_attrs.get(ATTR + "config"),
        )
        for t in trials
        if t.number < number
        and t.user_attrs.get(ATTR + "key") == key
        and _is_sweep_trial(t.user_attrs)
        and t.state == TrialState.FAIL
        and not t.user_attrs.get(ATTR + "final")
        and t.user_attrs.get(ATTR + "dir")
    ]
    return sorted(found, key=lambda a: a.number, reverse=True)


def reap_dead_trials(study: Any, storage: Any) -> None:
    """Fail the running trials whose runner is gone: at once when it ran on this host and its
    process no longer exists, elsewhere once its heartbeat has been silent for the grace period
    (Optuna's ``fail_stale_trials``). A failed trial that did not fail for good runs again."""
    import optuna
    from optuna.trial import TrialState

    host = socket.gethostname()
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        owner = str(t.user_attrs.get(ATTR + "owner", ""))
        owner_host, _, pid = owner.rpartition(":")
        if owner_host != host or not pid.isdigit() or int(pid) == os.getpid():
            continue
        if _alive(int(pid)):
            continue
        with contextlib.suppress(Exception):  # another runner may be failing it too
            tid = trial_id(storage, study.study_name, t.number)
            storage.set_trial_user_attr(tid, ATTR + "error", f"its runner (pid {pid}) is gone")
            storage.set_trial_state_values(tid, state=TrialState.FAIL)
    # elsewhere (or when the pid check could not tell): no heartbeat for the grace period
    optuna.storages.fail_stale_trials(study)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
