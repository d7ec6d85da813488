"""A retried trial continues its earlier run from that run's ``last.ckpt``.

A trial whose process was killed, whose runner died, or that was interrupted runs again as a
new trial of the same (point, seed). Every trial is an ordinary ``lstmzoo fit`` whose
checkpoint callback keeps ``<run folder>/checkpoints/last.ckpt``, so the retry picks up the
newest earlier run (:class:`~lstmzoo.sweep.runner.bookkeeping.Attempt`) that left a usable one,
fits in that run's folder with ``--ckpt_path`` (Lightning restores the weights, optimizer,
epoch and step; the CLI keeps the earlier rows of ``metrics.csv``), and a killed 50-minute
trial costs the minutes since its last checkpoint, not 50 again.

A ``last.ckpt`` is used only when the run's config is the retry's (same fingerprint: a base
config edited in between starts afresh) and the file loads as a complete training state. A
file cut short by a kill during its write, or one holding weights only, is skipped with the
reason logged, and the retry starts afresh in its own folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lstmzoo.errors import CheckpointError
from lstmzoo.sweep.runner.bookkeeping import Attempt

__all__ = ["ResumeDecision", "config_fingerprint", "decide_resume", "last_checkpoint"]

log = logging.getLogger(__name__)

#: what a checkpoint needs beyond the weights for ``fit`` to continue it
TRAINING_STATE = ("global_step", "optimizer_states", "loops")


def last_checkpoint(folder: Path) -> Path:
    """Where the ``lstmzoo fit`` of a trial folder keeps its latest state."""
    return folder / "checkpoints" / "last.ckpt"


def config_fingerprint(config: Mapping[str, Any]) -> str:
    """What identifies a trial's composed config, whatever folder it was composed for (the
    logger's ``save_dir`` is left out)."""
    plain = json.loads(json.dumps(config, default=str))
    logger = (plain.get("trainer") or {}).get("logger")
    if isinstance(logger, dict) and isinstance(logger.get("init_args"), dict):
        logger["init_args"].pop("save_dir", None)
    blob = json.dumps(plain, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def training_step(path: Path) -> int:
    """The global step at which the checkpoint ``path`` was saved.

    Raises:
        CheckpointError: the file does not load (missing, empty, cut short, not a checkpoint)
            or holds no training state to continue (weights only).
    """
    from lstmzoo.checkpoint import read_checkpoint  # torch: only when there is a file to read

    ckpt = read_checkpoint(path)
    missing = [key for key in TRAINING_STATE if key not in ckpt]
    if missing:
        raise CheckpointError(
            f"checkpoint {path} has no training state to continue ({', '.join(missing)} missing)"
        )
    return int(ckpt["global_step"])


@dataclass(frozen=True)
class ResumeDecision:
    """Where a retry runs and what it continues.

    Attributes:
        folder: the run folder (an earlier run's when resuming, else the trial's own).
        checkpoint: the ``last.ckpt`` to pass as ``--ckpt_path``, or ``None`` (a fresh start).
        step: the global step of ``checkpoint`` (``0`` for a fresh start).
        attempt: the number of the trial whose run is continued, or ``None``.
        skipped: why each ``last.ckpt`` found was not used, one line each.
    """

    folder: Path
    checkpoint: Path | None = None
    step: int = 0
    attempt: int | None = None
    skipped: tuple[str, ...] = ()


def decide_resume(attempts: Sequence[Attempt], config: str, fresh: Path) -> ResumeDecision:
    """Choose the checkpoint a trial continues.

    Args:
        attempts: earlier runs of the trial's (point, seed), newest first.
        config: the fingerprint of the trial's own composed config (:func:`config_fingerprint`).
        fresh: the trial's own folder, for a fresh start.

    Returns:
        The newest attempt's folder and ``last.ckpt`` when the attempt ran this config and the
        file holds a complete training state; otherwise a fresh start in ``fresh``, with the
        reasons for every ``last.ckpt`` passed over (each is also logged as a warning).
    """
    skipped: list[str] = []
    seen: set[Path] = set()
    for attempt in attempts:
        if attempt.folder in seen:
            continue
        seen.add(attempt.folder)
        path = last_checkpoint(attempt.folder)
        if not path.is_file():
            continue
        if attempt.config != config:
            reason = f"{path}: trial {attempt.number} ran another config"
        else:
            try:
                step = training_step(path)
            except CheckpointError as err:
                reason = str(err)
            else:
                return ResumeDecision(attempt.folder, path, step, attempt.number, tuple(skipped))
        log.warning("the retry starts afresh: %s", reason)
        skipped.append(reason)
    return ResumeDecision(fresh, skipped=tuple(skipped))
