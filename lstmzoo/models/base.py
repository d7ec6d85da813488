"""The shared LightningModule base of every zoo model."""

from __future__ import annotations

import logging
import os
from typing import Any

import lightning.pytorch as pl
import torch

from lstmzoo.errors import ConfigError

__all__ = ["TopologyMismatchError", "ZooModule"]

log = logging.getLogger(__name__)


class TopologyMismatchError(ConfigError):
    """The model's I/O topology cannot be fed by the data module (raised before training)."""


class ZooModule(pl.LightningModule):
    """Base of the zoo's LightningModules.

    It gives every model:

    * a default optimizer (Adam with the ``lr`` / ``weight_decay`` hyperparameters) that
      LightningCLI's ``optimizer:`` / ``lr_scheduler:`` config groups replace;
    * a check, before any step runs, that the data module feeds what the model's head expects
      (``input_kind`` / ``target_kind`` attributes of the data module);
    * checkpoints that carry an ``lstmzoo`` record (class path and package version) so
      :func:`lstmzoo.load_model` can rebuild any zoo model from the file alone.

    Subclasses call ``self.save_hyperparameters()`` with plain values only (numbers, strings, lists,
    dicts), so the checkpoint loads with ``torch.load(weights_only=True)``.
    """

    #: ``"sequence"`` or ``"vector"``: what the model reads per sample (set by subclasses).
    input_kind: str = "sequence"
    #: ``"sequence"`` or ``"vector"``: what it predicts per sample (set by subclasses).
    target_kind: str = "vector"

    @classmethod
    def load_from_checkpoint(cls, checkpoint_path: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Lightning's ``load_from_checkpoint``; a bad file raises :class:`CheckpointError`."""
        try:
            return super().load_from_checkpoint(checkpoint_path, *args, **kwargs)
        except Exception:
            if isinstance(checkpoint_path, (str, os.PathLike)):
                from lstmzoo.checkpoint import read_checkpoint

                read_checkpoint(checkpoint_path)  # raises a CheckpointError naming the problem
            raise

    def configure_optimizers(self) -> Any:
        lr = float(self.hparams.get("lr", 1e-3))
        weight_decay = float(self.hparams.get("weight_decay", 0.0))
        return torch.optim.Adam(self.parameters(), lr=lr, weight_decay=weight_decay)

    # -- export (see lstmzoo.export) ----------------------------------------------------------

    def export_module(self) -> torch.nn.Module:
        """A module whose ``forward`` takes and returns tensors only (what ONNX and TorchScript
        see). The default exports ``self`` as it is."""
        return self

    def example_inputs(self) -> tuple[torch.Tensor, ...]:
        """Inputs to trace the export with (small, any valid shape)."""
        raise NotImplementedError(f"{type(self).__name__} does not describe its export inputs")

    def export_axes(self) -> dict[str, dict[str, dict[int, str]]]:
        """``{"inputs": {name: {axis: label}}, "outputs": {...}}`` with the dynamic axes."""
        raise NotImplementedError(f"{type(self).__name__} does not describe its export axes")

    def setup(self, stage: str) -> None:
        trainer = getattr(self, "_trainer", None)
        datamodule = getattr(trainer, "datamodule", None) if trainer is not None else None
        if datamodule is not None:
            self.check_datamodule(datamodule)

    def check_datamodule(self, datamodule: Any) -> None:
        """Raise :class:`TopologyMismatchError` when ``datamodule`` cannot feed this model."""
        for what in ("input_kind", "target_kind"):
            have = getattr(datamodule, what, None)
            want = getattr(self, what)
            if have is not None and have != want:
                raise TopologyMismatchError(
                    f"{type(self).__name__} with head {self._head_name()} expects a {want} "
                    f"{what.split('_')[0]} per sample, but {type(datamodule).__name__} provides a "
                    f"{have} {what.split('_')[0]}. Pick a head whose topology matches the data "
                    "(see lstmzoo.heads) or another data module."
                )

    def _head_name(self) -> str:
        head = getattr(self, "head", None)
        if head is None:
            return "(none)"
        opts = ", ".join(f"{k}={v!r}" for k, v in head.options().items() if k != "dropout")
        return f"{type(head).__name__}({opts})"

    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        from lstmzoo import __version__

        cls = type(self)
        checkpoint["lstmzoo"] = {
            "class_path": f"{cls.__module__}.{cls.__qualname__}",
            "version": __version__,
        }
