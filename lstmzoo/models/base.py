"""The shared LightningModule base of every zoo model."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping
from typing import Any

import lightning.pytorch as pl
import torch

from lstmzoo.argtypes import plain
from lstmzoo.checkpoint_file import read_checkpoint
from lstmzoo.defaults import DEFAULT_LR
from lstmzoo.errors import ConfigError, DataError
from lstmzoo.inference import InferenceOptions, Quantize, Runtime
from lstmzoo.lightning_ties import attached_trainer, convert_initial_hparams
from lstmzoo.version import __version__

__all__ = [
    "DEFAULT_LR",
    "BatchFormatError",
    "TopologyMismatchError",
    "ZooModule",
    "as_batch_dict",
]

log = logging.getLogger(__name__)


class TopologyMismatchError(ConfigError):
    """The model's I/O topology cannot be fed by the data module (raised before training)."""


class BatchFormatError(DataError, TypeError):
    """A batch that is neither a dict nor one of the accepted tuple forms."""


def as_batch_dict(
    batch: Any,
    keys: tuple[str, str, str] = ("x", "y", "lengths"),
    *,
    stage: str = "train",
    owner: str = "the model",
) -> dict[str, Any]:
    """One batch in the zoo's dict form, whatever form the data loader gave it.

    Accepted forms (``keys`` names the three positions; ``("x", "y", "lengths")`` by default):

    * a mapping with at least ``keys[0]`` (returned as a new ``dict``, other keys kept);
    * a tuple or list ``(x, y)`` or ``(x, y, lengths)``: what a ``TensorDataset`` with the default
      collate gives; ``lengths: (B,)`` or ``None``;
    * for ``stage="predict"`` also a bare ``x`` tensor and a one-element ``(x,)``.

    Training, validation and test batches must carry the target ``keys[1]``.

    Raises:
        BatchFormatError: any other form; the message lists the accepted ones.
    """
    x_key, y_key, len_key = keys
    predict = stage == "predict"
    forms = f"a dict {{'{x_key}', '{y_key}', '{len_key}'}}, a tuple/list ({x_key}, {y_key}) or "
    forms += f"({x_key}, {y_key}, {len_key})"
    if predict:
        forms += f", a bare {x_key} tensor or ({x_key},)"

    def fail(what: str) -> BatchFormatError:
        return BatchFormatError(f"{owner} got a {stage} batch {what}; accepted forms: {forms}")

    if isinstance(batch, Mapping):
        if x_key not in batch:
            raise fail(f"without the key {x_key!r} (keys: {sorted(map(str, batch))})")
        out = dict(batch)
    elif isinstance(batch, torch.Tensor):
        if not predict:
            raise fail(f"that is a bare tensor of shape {tuple(batch.shape)} (no target)")
        out = {x_key: batch, y_key: None, len_key: None}
    elif isinstance(batch, (tuple, list)) and not isinstance(batch, str):
        lowest = 1 if predict else 2
        if not lowest <= len(batch) <= 3:
            raise fail(f"of {len(batch)} elements")
        out = dict(zip(keys, [*batch, None, None]))  # missing positions are None
    else:
        raise fail(f"of type {type(batch).__name__}")
    if not isinstance(out[x_key], torch.Tensor):
        raise fail(f"whose {x_key!r} is a {type(out[x_key]).__name__}, not a tensor")
    if not predict and out.get(y_key) is None:
        raise fail(f"without a target {y_key!r}")
    lengths = out.get(len_key)
    if lengths is not None:
        if not isinstance(lengths, torch.Tensor) or lengths.dim() != 1:
            got = tuple(lengths.shape) if isinstance(lengths, torch.Tensor) else type(lengths)
            raise fail(f"whose {len_key!r} is {got}, not a (B,) tensor")
        if lengths.shape[0] != out[x_key].shape[0]:
            raise fail(
                f"with {lengths.shape[0]} {len_key} for {out[x_key].shape[0]} samples in {x_key!r}"
            )
    return out


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
    #: dict keys of the positions of a tuple batch: ``(x, y)`` or ``(x, y, lengths)``.
    batch_keys: tuple[str, str, str] = ("x", "y", "lengths")

    def as_batch(self, batch: Any, stage: str = "train") -> dict[str, Any]:
        """``batch`` in this model's dict form (see :func:`as_batch_dict` for the forms)."""
        return as_batch_dict(batch, self.batch_keys, stage=stage, owner=type(self).__name__)

    @classmethod
    def load_from_checkpoint(cls, checkpoint_path: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Lightning's ``load_from_checkpoint``; a bad file raises :class:`CheckpointError`."""
        try:
            return super().load_from_checkpoint(checkpoint_path, *args, **kwargs)
        except Exception:
            if isinstance(checkpoint_path, (str, os.PathLike)):
                read_checkpoint(checkpoint_path)  # raises a CheckpointError naming the problem
            raise

    def save_hyperparameters(self, *args: Any, **kwargs: Any) -> None:
        """Lightning's ``save_hyperparameters``, then every value made a built-in type (a config
        parser's ``PositiveInt`` becomes an ``int``), so checkpoints stay ``weights_only``-safe
        and the loggers' ``hparams.yaml`` reads back with a safe YAML loader."""
        if "frame" not in kwargs:
            import inspect

            kwargs["frame"] = inspect.currentframe().f_back  # type: ignore[union-attr]
        super().save_hyperparameters(*args, **kwargs)
        for key in list(self.hparams):
            self.hparams[key] = plain(self.hparams[key])
        convert_initial_hparams(self, plain)

    # -- per-step cost ------------------------------------------------------------------------

    def log_this_step(self) -> bool:
        """Whether a training step should log its per-step values now.

        ``True`` on the steps where Lightning writes to the logger (every
        ``trainer.log_every_n_steps`` optimizer steps, and the first step), always outside a
        fit, and never without a trainer (a step called by hand). Logging on the other steps
        costs about a millisecond per value and step in Lightning's result bookkeeping, and
        nothing would read the value before it is overwritten; the progress bar shows the value
        of the last logging step.
        """
        trainer = attached_trainer(self)
        if trainer is None:
            return False  # no trainer to log to (a step called by hand)
        if not trainer.training:
            return True
        every = max(1, int(trainer.log_every_n_steps or 1))
        return self.global_step == 0 or (self.global_step + 1) % every == 0

    def configure_optimizers(self) -> Any:
        lr = float(self.hparams.get("lr", DEFAULT_LR))
        weight_decay = float(self.hparams.get("weight_decay", 0.0))
        return torch.optim.Adam(self.parameters(), lr=lr, weight_decay=weight_decay)

    # -- inference (see lstmzoo.inference) ----------------------------------------------------

    #: How ``predict_step`` runs (``None``: float32 eager); set by :meth:`use_inference` or
    #: ``lstmzoo predict --predictions.runtime / --predictions.quantize``.
    inference_options: InferenceOptions | None = None

    @contextlib.contextmanager
    def evaluating(self) -> Iterator[None]:
        """Eval mode inside the block, the previous mode after it (the fast paths use it)."""
        was_training = self.training
        self.eval()
        try:
            yield
        finally:
            self.train(was_training)

    def use_inference(self, runtime: Runtime = "torch", quantize: Quantize = "none") -> None:
        """Run ``predict_step`` (``trainer.predict``, ``lstmzoo predict``) with ``runtime``
        ``"torch"`` or ``"onnx"`` and ``quantize`` ``"none"`` or ``"int8"``."""
        self.inference_options = InferenceOptions(runtime, quantize)

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
        trainer = attached_trainer(self)
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
        cls = type(self)
        checkpoint["lstmzoo"] = {
            "class_path": f"{cls.__module__}.{cls.__qualname__}",
            "version": __version__,
        }
