"""The callback that prints the end-of-fit summary (:mod:`lstmzoo.summary`) of an
``lstmzoo fit``."""

from __future__ import annotations

import time
from collections.abc import Sequence

import lightning.pytorch as pl
from lightning.pytorch.callbacks import Callback
from lightning.pytorch.utilities.exceptions import SIGTERMException
from typing_extensions import override

from lstmzoo.summary import render_fit_summary, summarize_fit

__all__ = ["FitSummaryPrinter"]


class FitSummaryPrinter(Callback):
    """Prints the end-of-fit summary on rank 0: after a finished fit, and after one stopped by
    Ctrl+C or SIGTERM (the checkpoint callbacks save ``last.ckpt`` after this callback's
    ``on_exception``; the summary names where it goes).

    Args:
        command_args: the user's arguments after ``fit``, for the ``lstmzoo test`` line.
    """

    def __init__(self, command_args: Sequence[str]) -> None:
        self.command_args = list(command_args)
        self._started = time.monotonic()
        self._finished = False

    @override
    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._started = time.monotonic()

    @override
    def on_fit_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._finished = True

    @override
    def teardown(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        # after the progress bar's teardown (it comes earlier in the callback list), so the
        # table is printed below the bar, not inside its live display
        if stage == "fit" and self._finished:
            self._finished = False
            self._print(trainer)

    @override
    def on_exception(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, exception: BaseException
    ) -> None:
        if isinstance(exception, (KeyboardInterrupt, SIGTERMException)):
            self._print(trainer, interrupted=True)

    def _print(self, trainer: pl.Trainer, interrupted: bool = False) -> None:
        if not trainer.is_global_zero or trainer.sanity_checking:
            return
        from rich.console import Console

        summary = summarize_fit(trainer, time.monotonic() - self._started, interrupted)
        render_fit_summary(summary, self.command_args, Console(highlight=False))
