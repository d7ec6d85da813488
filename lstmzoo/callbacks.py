"""Callbacks the CLI attaches by default."""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
from lightning.pytorch.callbacks import BasePredictionWriter

__all__ = ["JsonlPredictionWriter"]

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
    """

    def __init__(self, output: str | None = None) -> None:
        super().__init__(write_interval="batch")
        self.output = output
        self._handle: Any = None
        self.path: Path | None = None
        self.count = 0

    def on_predict_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
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
