"""Callbacks the CLI attaches by default."""

from __future__ import annotations

import json
import logging
import math
import os
import signal
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import lightning.pytorch as pl
from lightning.pytorch.callbacks import (
    BasePredictionWriter,
    Callback,
    ModelCheckpoint,
    RichProgressBar,
)
from lightning.pytorch.utilities.exceptions import SIGTERMException

from lstmzoo.lightning_ties import request_stop_at_step_boundary

__all__ = [
    "JsonlPredictionWriter",
    "KeepMetricsOnResume",
    "PrecisionCheck",
    "ResumableCheckpoint",
    "ThrottledRichProgressBar",
]

log = logging.getLogger(__name__)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


class JsonlPredictionWriter(BasePredictionWriter):
    """Write what ``predict_step`` returns (a list of dicts per batch) as JSON lines.

    Args:
        output: the ``.jsonl`` file; default ``<log_dir>/predictions.jsonl``. Each ``predict``
            run overwrites it. Under several processes, rank ``r > 0`` writes
            ``<stem>.rank<r>.jsonl``.
        runtime: how the model computes the predictions: ``torch`` (eager) or ``onnx``
            (onnxruntime), see :mod:`lstmzoo.inference`.
        quantize: ``none`` (float32) or ``int8`` (dynamic int8 LSTM and Linear weights).
    """

    def __init__(
        self,
        output: str | None = None,
        runtime: Literal["torch", "onnx"] = "torch",
        quantize: Literal["none", "int8"] = "none",
    ) -> None:
        super().__init__(write_interval="batch")
        from lstmzoo.inference import InferenceOptions

        self.options = InferenceOptions(runtime, quantize)  # checked here: a bad value fails early
        self.output = output
        self._handle: Any = None
        self.path: Path | None = None
        self.count = 0

    def on_predict_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        from lstmzoo.errors import ConfigError

        if hasattr(pl_module, "use_inference"):
            pl_module.use_inference(self.options.runtime, self.options.quantize)
        elif not self.options.is_default:
            raise ConfigError(
                f"{type(pl_module).__name__} has no inference fast path: drop "
                "--predictions.runtime / --predictions.quantize"
            )
        base = (
            Path(self.output) if self.output else Path(trainer.log_dir or ".") / "predictions.jsonl"
        )
        if trainer.global_rank:
            base = base.with_name(f"{base.stem}.rank{trainer.global_rank}{base.suffix}")
        base.parent.mkdir(parents=True, exist_ok=True)
        self.path = base
        self.count = 0
        self._handle = open(base, "w", encoding="utf-8")  # noqa: SIM115 - closed at predict end

    def write_on_batch_end(
        self,
        trainer: pl.Trainer,
        pl_module: pl.LightningModule,
        prediction: Any,
        batch_indices: Sequence[int] | None,
        batch: Any,
        batch_idx: int,
        dataloader_idx: int,
    ) -> None:
        if self._handle is None or prediction is None:
            return
        records = prediction if isinstance(prediction, list) else [prediction]
        for record in records:
            self._handle.write(json.dumps(_json_safe(record), ensure_ascii=False) + "\n")
            self.count += 1

    def on_predict_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            log.info("wrote %d predictions to %s", self.count, os.fspath(self.path))


class PrecisionCheck(Callback):
    """Warns once, when ``fit`` starts, if the trainer's precision is emulated on its device
    (``bf16-mixed`` on a CPU without AVX512-BF16/AMX, ``16-mixed`` on a CPU): the reason and
    what to use instead (see :func:`lstmzoo.precision.precision_warning`)."""

    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        from lightning.pytorch.utilities import rank_zero_warn

        from lstmzoo.precision import precision_warning

        message = precision_warning(str(trainer.precision), trainer.strategy.root_device.type)
        if message:
            rank_zero_warn(message, category=UserWarning)


class ResumableCheckpoint(ModelCheckpoint):
    """``ModelCheckpoint`` that makes ``--ckpt_path last`` resume any interrupted run, and that
    writes named files only: one run, one folder, ``last.ckpt`` (and ``best.ckpt``).

    * ``save_last=True`` by default: ``last.ckpt`` holds the latest state, written at every
      epoch end, after every validation and every ``every_n_train_steps`` steps whether or not a
      top-k file is saved then (Lightning itself refreshes ``last.ckpt`` only when it saves a
      top-k file, so without a monitor, or in epochs that do not improve on the best, a killed
      run would lose everything since the last improvement);
    * without a ``monitor`` it keeps no top-k copy (``save_top_k=0`` by default), so
      ``last.ckpt`` is its only file. Lightning's default (``save_top_k=1``) would write an
      ``epoch=N-step=M.ckpt`` beside it, the same state under a name that changes each epoch;
    * with a ``monitor`` the best state is ``best.ckpt`` (``filename="best"`` by default, when
      one best file is kept). A ``ModelCheckpoint`` with a ``monitor`` in the config writes its
      own ``best.ckpt`` (its ``filename``) into the same folder;
    * no ``-v1`` suffixes: a new run in the same folder overwrites ``last.ckpt``
      (``enable_version_counter=False``), so ``last.ckpt`` is always the latest run's;
    * without an explicit ``dirpath`` checkpoints go to ``<save_dir>/<name>/checkpoints`` (the
      logger's folder without the version, or ``<default_root_dir>/checkpoints``), so a new run
      of the same experiment finds the previous run's ``last.ckpt``; under ``lstmzoo fit`` that
      is the run folder that also holds the logs and ``config.yaml`` (the CLI leaves the
      logger's version empty);
    * when ``fit`` is interrupted by SIGTERM (e.g. a scheduler's pre-emption) or SIGINT (Ctrl+C),
      training stops at the next step boundary and ``last.ckpt`` is written with the state after
      the last completed step (a second Ctrl+C stops at once, without saving). Zoo data modules
      then resume mid-epoch with exactly the remaining batches. Other exceptions save nothing,
      so a crash never overwrites a good ``last.ckpt`` with a broken state.

    An explicit ``filename`` or ``save_top_k`` is used as given. All other arguments are those
    of :class:`~lightning.pytorch.callbacks.ModelCheckpoint`.
    """

    #: the file name (without ``.ckpt``) of the best state when a monitor is set
    BEST_NAME = "best"

    def __init__(
        self,
        dirpath: str | os.PathLike[str] | None = None,
        filename: str | None = None,
        monitor: str | None = None,
        *,
        save_top_k: int | None = None,
        save_last: bool | None = True,
        enable_version_counter: bool = False,
        **kwargs: Any,
    ) -> None:
        if save_top_k is None:
            save_top_k = 1 if monitor else 0
        if filename is None and monitor and save_top_k == 1:
            filename = self.BEST_NAME
        super().__init__(
            dirpath=dirpath,
            filename=filename,
            monitor=monitor,
            save_top_k=save_top_k,
            save_last=save_last,
            enable_version_counter=enable_version_counter,
            **kwargs,
        )
        self._last_every_n_steps = int(kwargs.get("every_n_train_steps") or 0)
        self._last_written_step = -1

    def _refresh_last(self, trainer: pl.Trainer) -> None:
        """Write ``last.ckpt`` with the current state unless it already holds this step."""
        from lightning.pytorch.trainer.states import TrainerFn

        if (
            not self.save_last
            or self.dirpath is None
            or trainer.fast_dev_run
            or trainer.sanity_checking
            or trainer.state.fn != TrainerFn.FITTING
            or self._last_written_step == trainer.global_step
        ):
            return
        self._write_last(trainer)
        self._last_written_step = trainer.global_step

    def _write_last(self, trainer: pl.Trainer) -> str:
        """Save the current state as ``last.ckpt`` (as Lightning's own saves do: the callback's
        state inside, ``save_weights_only`` respected, the loggers told); returns the path."""
        assert self.dirpath is not None
        path = os.path.join(self.dirpath, self.CHECKPOINT_NAME_LAST + self.FILE_EXTENSION)
        self.last_model_path = path  # before saving: the callback's state is in the file
        trainer.save_checkpoint(path, weights_only=self.save_weights_only)
        if trainer.is_global_zero:
            for logger in trainer.loggers:
                logger.after_save_checkpoint(self)
        return path

    def on_train_batch_end(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, *args: Any, **kwargs: Any
    ) -> None:
        super().on_train_batch_end(trainer, pl_module, *args, **kwargs)
        n = self._last_every_n_steps
        if n and trainer.global_step % n == 0:
            self._refresh_last(trainer)

    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        super().on_validation_end(trainer, pl_module)
        self._refresh_last(trainer)

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        super().on_train_epoch_end(trainer, pl_module)
        self._refresh_last(trainer)

    def on_train_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if self._last_written_step == trainer.global_step:
            return  # last.ckpt holds this state already: Lightning would write it a second time
        super().on_train_end(trainer, pl_module)

    def setup(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        if self.dirpath is None:
            logger = trainer.logger
            if logger is not None and logger.save_dir is not None:
                base = Path(logger.save_dir) / str(logger.name or "")
            else:
                base = Path(trainer.default_root_dir)
            self.dirpath = os.fspath(base / "checkpoints")
        super().setup(trainer, pl_module, stage)

    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        # Ctrl+C: finish the current step like SIGTERM does, so the saved state is consistent
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGINT)

        def stop_at_step_boundary(signum: int, frame: Any) -> None:
            if trainer.received_sigterm:  # second Ctrl+C: stop now
                raise KeyboardInterrupt
            log.info("Ctrl+C: stopping after the current step (press again to stop at once)")
            request_stop_at_step_boundary(trainer)

        signal.signal(signal.SIGINT, stop_at_step_boundary)
        self._previous_sigint = previous

    def teardown(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        previous = getattr(self, "_previous_sigint", None)
        if previous is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, previous)
            self._previous_sigint = None

    def on_exception(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, exception: BaseException
    ) -> None:
        if not isinstance(exception, (KeyboardInterrupt, SIGTERMException)):
            return
        if trainer.state.fn != "fit" or self.dirpath is None or not self.save_last:
            return
        log.info("interrupted: saved %s", self._write_last(trainer))


class ThrottledRichProgressBar(RichProgressBar):
    """Lightning's ``RichProgressBar`` that redraws the training bar at most every
    ``min_interval`` seconds (and at the last batch of an epoch) instead of after every batch.

    A redraw formats every progress-bar metric and repaints the console: a few milliseconds, as
    long as a whole training step of a small model on a fast CPU. Throttled, the bar costs the
    same however fast the steps are. All other arguments are those of ``RichProgressBar``.
    """

    def __init__(self, *args: Any, min_interval: float = 0.2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.min_interval = float(min_interval)
        self._last_redraw = float("-inf")

    def on_train_batch_end(
        self,
        trainer: pl.Trainer,
        pl_module: pl.LightningModule,
        outputs: Any,
        batch: Any,
        batch_idx: int,
    ) -> None:
        now = time.monotonic()
        total = self.total_train_batches
        last = isinstance(total, (int, float)) and math.isfinite(total) and batch_idx + 1 >= total
        due = now - self._last_redraw >= self.min_interval
        if self.train_progress_bar_id is not None and not (due or last):
            return
        self._last_redraw = now
        super().on_train_batch_end(trainer, pl_module, outputs, batch, batch_idx)


class KeepMetricsOnResume(Callback):
    """Keep the CSV log of the interrupted part when ``fit`` resumes in the same run folder.

    Lightning's ``CSVLogger`` deletes an existing ``metrics.csv`` when it starts in a folder that
    is not empty, which would throw away everything logged before an interruption (the zoo's
    runs keep one folder per run, so a resumed run writes where the interrupted one did).
    :meth:`remember` reads the old file before the logger starts; at the start of training, once
    the checkpoint has restored the step, the rows logged before that step are written back, so
    ``metrics.csv`` reads as one uninterrupted run.
    """

    def __init__(self) -> None:
        self._rows: list[dict[str, str]] = []
        self._fields: list[str] = []

    def remember(self, metrics_file: str | os.PathLike[str]) -> None:
        """Read ``metrics_file`` (if it exists) to restore it after the logger has started."""
        import csv

        path = Path(metrics_file)
        if not path.is_file():
            return
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            self._fields = list(reader.fieldnames or [])
            self._rows = list(reader)

    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        import csv

        from lightning.pytorch.loggers import CSVLogger

        logger = trainer.logger
        if not self._rows or not isinstance(logger, CSVLogger) or trainer.global_rank:
            return
        step = trainer.global_step
        kept = [
            row for row in self._rows if row.get("step", "").isdigit() and int(row["step"]) < step
        ]
        writer = logger.experiment
        writer.save()  # anything logged so far, so the file below is complete
        fields = sorted(set(self._fields) | set(writer.metrics_keys))
        current: list[dict[str, str]] = []
        path = Path(writer.metrics_file_path)
        if path.is_file():
            with open(path, newline="", encoding="utf-8") as handle:
                current = list(csv.DictReader(handle))
        with open(path, "w", newline="", encoding="utf-8") as handle:
            out = csv.DictWriter(handle, fieldnames=fields)
            out.writeheader()
            out.writerows(kept + current)
        writer.metrics_keys = fields
        log.info("resumed at step %d: kept %d earlier rows of %s", step, len(kept), path)
        self._rows = []
