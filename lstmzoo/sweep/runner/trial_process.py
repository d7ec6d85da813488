"""How the runner talks to a trial process: its command line and environment going in, and its
exit status and ``result.json`` coming out (the other side is :mod:`lstmzoo.sweep.trial`)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lstmzoo.sweep.launch import exit_signal
from lstmzoo.sweep.spec import SweepSpec

__all__ = ["RESULT_ATTRS", "Verdict", "read_result", "trial_args", "trial_env", "verdict"]

#: the entries of ``result.json`` the runner copies into the trial's user attributes
RESULT_ATTRS = ("metrics", "test", "steps", "best_checkpoint", "seconds")


def trial_args(
    spec: SweepSpec,
    study: str,
    folder: Path,
    trial_id: int,
    checkpoint: Path | None = None,
) -> list[str]:
    """The arguments of ``python -m lstmzoo.sweep.trial`` for a trial of ``spec``.

    Args:
        spec: the sweep.
        study: the study's name (for pruning, which reports to the study).
        folder: the trial's run folder, holding its ``config.yaml``.
        trial_id: the trial's storage id (for pruning).
        checkpoint: the ``last.ckpt`` the fit continues, if any.
    """
    args = [
        str(folder / "config.yaml"),
        "--result",
        str(folder / "result.json"),
        "--metric",
        spec.metric,
    ]
    if spec.test:
        args.append("--test")
    if spec.pruner == "median":
        args += [  # the storage URL (it may hold a password) goes in the environment
            "--study",
            study,
            "--trial-id",
            str(trial_id),
            "--pruner-args",
            json.dumps(spec.pruner_args),
        ]
    if checkpoint is not None:
        args += ["--ckpt-path", str(checkpoint)]
    return args


def trial_env(spec: SweepSpec, storage_url: str, threads: int) -> dict[str, str]:
    """The trial's environment: this process's, with ``threads`` torch / OpenMP threads (and
    the storage URL when the trial reports to the study for pruning)."""
    env = dict(os.environ)
    if spec.pruner == "median":
        env["LSTMZOO_SWEEP_STORAGE"] = storage_url
    text = str(threads)
    env.update(
        OMP_NUM_THREADS=text,
        MKL_NUM_THREADS=text,
        LSTMZOO_SWEEP_THREADS=text,
        PYTHONUNBUFFERED="1",
    )
    return env


def read_result(path: Path) -> dict[str, Any] | None:
    """The trial's ``result.json``, or ``None`` when it wrote none (killed, crashed)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class Verdict:
    """What a trial's end means for the study.

    Attributes:
        status: ``complete``, ``pruned``, ``failed``, ``killed`` or ``interrupted``.
        value: the metric's value of a complete trial.
        error: what went wrong, one line.
        final: failed for good (the point is not run again).
        interrupted: stopped from outside (runs again, without counting as an attempt).
        fatal: the sweep itself is wrong (its metric is never logged): stop the sweep.
    """

    status: str
    value: float | None = None
    error: str | None = None
    final: bool = False
    interrupted: bool = False
    fatal: bool = False


def verdict(result: dict[str, Any] | None, code: int, *, stopping: bool, log_file: Path) -> Verdict:
    """Judge a trial by its ``result`` (``None``: it wrote none) and exit ``code``.

    Args:
        result: the trial's ``result.json``.
        code: the process's exit code (negative: the signal that ended it).
        stopping: the runner is stopping (a killed trial then counts as interrupted).
        log_file: the trial's log, named in the error of a trial that exited without a result.
    """
    if result is None:
        name = exit_signal(code)
        if name is not None:
            return Verdict(
                "killed", error=f"the trial process was killed ({name})", interrupted=stopping
            )
        return Verdict("failed", error=f"exited with status {code}; see {log_file}", final=True)
    status = result.get("status")
    if status == "complete":
        return Verdict("complete", value=float(result["value"]))
    if status == "pruned":
        return Verdict("pruned", error=result.get("error"))
    if status == "interrupted":
        return Verdict("interrupted", error="interrupted", interrupted=True)
    if status == "metric_missing":
        # not final: once the sweep file names a logged metric, this point runs again
        return Verdict("failed", error=result.get("error"), interrupted=True, fatal=True)
    return Verdict("failed", error=result.get("error"), final=True)
