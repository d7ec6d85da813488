"""What a finished ``fit`` says about itself: why it stopped, how far it got, where its
checkpoints are, and the command that evaluates the best one.

:func:`summarize_fit` reads a :class:`~lightning.pytorch.Trainer` after ``fit`` and returns a
plain :class:`FitSummary`; the ``lstmzoo`` command prints it with rich (:func:`render_fit_summary`).
"""

from __future__ import annotations

import math
import os
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import lightning.pytorch as pl
from lightning.pytorch.callbacks import EarlyStopping, ModelCheckpoint, Timer

from lstmzoo.cli.output import print_table

__all__ = ["FitSummary", "evaluate_command", "render_fit_summary", "stop_reason", "summarize_fit"]


@dataclass(frozen=True)
class FitSummary:
    """The facts of one finished ``fit``."""

    reason: str
    steps: int
    epochs: int
    seconds: float
    monitor: str | None
    mode: str | None
    best_value: float | None
    last_value: float | None
    best_checkpoint: str | None
    last_checkpoint: str | None


def _float(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def stop_reason(trainer: pl.Trainer, interrupted: bool = False) -> str:
    """Why ``fit`` ended, in words: interrupted, early stopping, max_time, max_steps, max_epochs."""
    if interrupted or trainer.interrupted or trainer.received_sigterm:
        return "interrupted (Ctrl+C or SIGTERM); last.ckpt holds the state, resume with --ckpt_path"
    for callback in trainer.callbacks:
        if not isinstance(callback, EarlyStopping):
            continue
        message = getattr(callback, "stopping_reason_message", None)  # Lightning >= 2.6
        if message or callback.stopped_epoch > 0:
            why = message or f"{callback.monitor} stopped improving"
            return f"early stopping: {why}"
    for callback in trainer.callbacks:
        remaining = callback.time_remaining() if isinstance(callback, Timer) else None
        if remaining is not None and remaining <= 0:
            return "max_time reached"
    if trainer.max_steps not in (-1, None) and trainer.global_step >= trainer.max_steps:
        return f"max_steps reached ({trainer.max_steps})"
    if trainer.max_epochs not in (-1, None) and trainer.current_epoch >= trainer.max_epochs:
        return f"max_epochs reached ({trainer.max_epochs})"
    return "finished"


def _monitoring_checkpoint(trainer: pl.Trainer) -> ModelCheckpoint | None:
    for callback in trainer.checkpoint_callbacks:
        if isinstance(callback, ModelCheckpoint) and callback.monitor:
            return callback
    return None


def summarize_fit(trainer: pl.Trainer, seconds: float, interrupted: bool = False) -> FitSummary:
    """The :class:`FitSummary` of ``trainer`` after ``fit`` that took ``seconds``.

    The monitored metric is the first checkpoint callback's ``monitor`` (then its best value and
    file), else the first early-stopping callback's; the last value is the latest logged one.
    The last checkpoint is ``<dirpath>/last.ckpt`` of a checkpoint callback that saves one.
    """
    best_ckpt = _monitoring_checkpoint(trainer)
    monitor = mode = None
    best_value = None
    if best_ckpt is not None:
        monitor, mode = best_ckpt.monitor, best_ckpt.mode
        best_value = _float(best_ckpt.best_model_score)
    else:
        for callback in trainer.callbacks:
            if isinstance(callback, EarlyStopping):
                monitor, mode = callback.monitor, callback.mode
                best_value = _float(callback.best_score)
                break
    last_value = _float(trainer.callback_metrics.get(monitor)) if monitor else None
    last_path = None
    for callback in trainer.checkpoint_callbacks:
        if isinstance(callback, ModelCheckpoint) and callback.save_last and callback.dirpath:
            name = callback.CHECKPOINT_NAME_LAST + callback.FILE_EXTENSION
            last_path = os.path.join(callback.dirpath, name)
    return FitSummary(
        reason=stop_reason(trainer, interrupted),
        steps=int(trainer.global_step),
        epochs=int(trainer.current_epoch),
        seconds=float(seconds),
        monitor=monitor,
        mode=mode,
        best_value=best_value,
        last_value=last_value,
        best_checkpoint=(best_ckpt.best_model_path or None) if best_ckpt is not None else None,
        last_checkpoint=last_path,
    )


def evaluate_command(fit_args: Sequence[str], checkpoint: str) -> str:
    """``lstmzoo test`` with the arguments of the fit (its own ``--ckpt_path`` dropped)."""
    args: list[str] = []
    skip = False
    for arg in fit_args:
        if skip:
            skip = False
            continue
        if arg == "--ckpt_path":
            skip = True
            continue
        if arg.startswith("--ckpt_path="):
            continue
        args.append(arg)
    return shlex.join(["lstmzoo", "test", *args, "--ckpt_path", checkpoint])


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def render_fit_summary(summary: FitSummary, fit_args: Sequence[str], console: Any) -> None:
    """Print ``summary`` as a small rich table on ``console`` (a :class:`rich.console.Console`):
    fitted to a terminal's window, and as wide as its content anywhere else (a log file, a
    pipe), so that paths and the evaluate command stay whole and the border closes."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="fit summary", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("stopped", escape(summary.reason))
    table.add_row(
        "progress",
        f"{summary.steps:,} steps, {summary.epochs:,} epochs in {_duration(summary.seconds)}",
    )
    if summary.monitor:
        best = "n/a" if summary.best_value is None else f"{summary.best_value:.6g}"
        last = "n/a" if summary.last_value is None else f"{summary.last_value:.6g}"
        table.add_row(escape(summary.monitor), f"best {best} ({summary.mode}), last {last}")
    if summary.best_checkpoint:
        table.add_row("best checkpoint", escape(summary.best_checkpoint))
    if summary.last_checkpoint:
        table.add_row("last checkpoint", escape(summary.last_checkpoint))
    evaluate = summary.best_checkpoint or summary.last_checkpoint
    if evaluate:
        table.add_row("evaluate", escape(evaluate_command(fit_args, evaluate)))
    print_table(table, console)
