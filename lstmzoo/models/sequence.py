"""Sequence models of the zoo: vanilla RNN, LSTM, stacked LSTM and GRU with any topology head."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, Optional, Union

import torch
import torch.nn.functional as F
from torch import Tensor
from torchmetrics import MeanAbsoluteError, MeanSquaredError, MetricCollection
from torchmetrics.classification import MulticlassAccuracy

from lstmzoo.argtypes import NonNegativeFloat, PositiveFloat, PositiveInt, Probability
from lstmzoo.defaults import DEFAULT_LR
from lstmzoo.inference import engine_for, equal_length_batches
from lstmzoo.models.base import TopologyMismatchError, ZooModule
from lstmzoo.nn.encoders import CellType, RecurrentEncoder
from lstmzoo.nn.heads import Head, build_head
from lstmzoo.registry import register_model

__all__ = ["SequenceModel"]


class _SequenceNet(torch.nn.Module):
    """Encoder + head as a plain module (what gets exported): ``x -> head output``."""

    def __init__(self, encoder: RecurrentEncoder, head: Head) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = head

    def forward(self, x: Tensor) -> Tensor:
        x, lengths = self.head.prepare_inputs(x, None)
        return self.head(self.encoder(x, lengths))


HeadArg = Optional[Union[str, Callable[[int, int], Head]]]


@register_model(
    "rnn",
    cell="rnn",
    task="adding problem (regression)",
    topology="N->1",
    config="configs/rnn_adding.yaml",
    description="Vanilla tanh RNN (Elman): short memory, vanishing gradients",
)
@register_model(
    "lstm",
    cell="lstm",
    task="adding problem (regression)",
    topology="N->1",
    config="configs/lstm_adding.yaml",
    description="1-layer LSTM: gates carry information along long sequences",
)
@register_model(
    "lstm_2layer",
    cell="lstm",
    num_layers=2,
    task="delayed copy (per-step tagging)",
    topology="N->N",
    config="configs/lstm_2layer_copy.yaml",
    description="2 stacked LSTM layers: layer 1's hidden sequence is layer 2's input",
)
@register_model(
    "gru",
    cell="gru",
    task="adding problem (regression)",
    topology="N->1",
    config="configs/gru_adding.yaml",
    description="1-layer GRU (bonus entry)",
)
class SequenceModel(ZooModule):
    """Recurrent encoder + topology head for regression or classification.

    ``batch = {"x": (B, T, D) or (B, D), "y": target, "lengths": (B,) | None}``, or the tuple
    ``(x, y)`` / ``(x, y, lengths)`` a ``TensorDataset`` gives (predict also takes a bare ``x``).
    Shapes by head:
    ``ManyToOne``: ``y: (B, out)`` (regression) or ``(B,)`` class ids; ``ManyToMany`` /
    ``OneToMany``: ``y: (B, T, out)`` or ``(B, T)`` class ids, padded steps ignored.

    Args:
        input_size: features per input step (linked from the data module by the CLI).
        output_size: regression targets per prediction, or number of classes.
        task: ``"regression"`` (MSE loss; MSE and MAE metrics) or ``"classification"``
            (cross-entropy; accuracy).
        cell, hidden_size, num_layers, bidirectional, dropout, nonlinearity, forget_bias: the
            :class:`~lstmzoo.nn.RecurrentEncoder`.
        head: the I/O-topology head (short name, ``class_path`` mapping or factory); default
            ``ManyToOne(pool="last")``.
        lr, weight_decay: the default Adam optimizer (a config ``optimizer:`` group replaces it).
    """

    def __init__(
        self,
        input_size: PositiveInt = 1,
        output_size: PositiveInt = 1,
        task: Literal["regression", "classification"] = "regression",
        cell: CellType = "lstm",
        hidden_size: PositiveInt = 64,
        num_layers: PositiveInt = 1,
        bidirectional: bool = False,
        dropout: Probability = 0.0,
        nonlinearity: Literal["tanh", "relu"] = "tanh",
        forget_bias: Optional[float] = None,
        head: HeadArg = None,
        lr: PositiveFloat = DEFAULT_LR,
        weight_decay: NonNegativeFloat = 0.0,
    ) -> None:
        super().__init__()
        if task not in ("regression", "classification"):
            raise ValueError(f"task must be 'regression' or 'classification', got {task!r}")
        if task == "classification" and output_size < 2:
            raise ValueError(f"classification needs output_size >= 2 classes, got {output_size}")
        self.encoder = RecurrentEncoder(
            input_size,
            hidden_size,
            cell,
            num_layers,
            bidirectional,
            dropout,
            nonlinearity,
            forget_bias,
        )
        self.head = build_head(head, self.encoder.output_size, output_size, default="many_to_one")
        self.input_kind = self.head.input_kind
        self.target_kind = self.head.output_kind
        self.task = task
        hparams = dict(locals())
        for key in ("self", "__class__"):
            hparams.pop(key, None)
        hparams["head"] = self.head.config()  # plain dict: the checkpoint stays weights_only-safe
        self.save_hyperparameters(hparams)
        if task == "regression":
            metrics = MetricCollection({"mse": MeanSquaredError(), "mae": MeanAbsoluteError()})
        else:
            metrics = MetricCollection({"acc": MulticlassAccuracy(output_size, average="micro")})
        self.val_metrics = metrics.clone(prefix="val/")
        self.test_metrics = metrics.clone(prefix="test/")

    def check_datamodule(self, datamodule: Any) -> None:
        super().check_datamodule(datamodule)
        steps = getattr(datamodule, "steps", None)
        head_steps = getattr(self.head, "steps", None)
        if steps is not None and head_steps is not None and steps != head_steps:
            raise TopologyMismatchError(
                f"{self._head_name()} emits {head_steps} steps but {type(datamodule).__name__} "
                f"has {steps}-step targets; set the head's steps to {steps}"
            )

    def forward(self, x: Tensor, lengths: Tensor | None = None) -> Tensor:
        """``x: (B, T, D)`` (or ``(B, D)`` for ``OneToMany``) -> head output."""
        x, lengths = self.head.prepare_inputs(x, lengths)
        return self.head(self.encoder(x, lengths))

    def export_module(self) -> torch.nn.Module:
        return _SequenceNet(self.encoder, self.head)

    def _predict_outputs(self, x: Tensor, lengths: Tensor | None) -> list[Tensor] | Tensor:
        """Per-sample outputs for ``predict_step``: the model's forward, or with non-default
        :attr:`inference_options` the fast path on sub-batches of one length each."""
        options = self.inference_options
        if options is None or options.is_default:
            return self(x, lengths)
        engine = engine_for(self, options)
        n = x.shape[0]
        if lengths is None or self.input_kind == "vector":
            steps = [x.shape[1] if x.dim() == 3 else 1] * n
        else:
            steps = [int(v) for v in lengths.tolist()]
        outputs: list[Tensor] = [x] * n  # every slot is overwritten below
        with self.evaluating():
            for group in equal_length_batches(steps, n):
                part = x[group] if x.dim() != 3 else x[group, : steps[group[0]]]
                for i, out in zip(group, engine(part)):
                    outputs[i] = out
        return outputs

    def example_inputs(self) -> tuple[Tensor, ...]:
        size = self.encoder.input_size
        if self.input_kind == "vector":
            return (torch.randn(2, size),)
        return (torch.randn(2, 5, size),)

    def export_axes(self) -> dict[str, dict[str, dict[int, str]]]:
        inputs = {0: "batch"} if self.input_kind == "vector" else {0: "batch", 1: "time"}
        # OneToMany emits a fixed number of steps; the others follow the input's time axis
        outputs = {0: "batch"}
        if self.target_kind == "sequence" and self.input_kind == "sequence":
            outputs[1] = "time"
        return {"inputs": {"x": inputs}, "outputs": {"y": outputs}}

    def loss(self, batch: Mapping[str, Any], y_hat: Tensor | None = None) -> Tensor:
        """The training loss on ``batch`` (``{"x", "y", "lengths"}``), padded steps left out.

        ``y_hat`` is the model's output for the batch; ``None`` runs the forward pass. MSE for
        regression, cross-entropy for classification, always computed in float32.
        """
        batch = self.as_batch(batch)
        if y_hat is None:
            y_hat = self(batch["x"], batch.get("lengths"))
        return self._loss(*self._flat(batch, y_hat))

    def _flat(self, batch: Mapping[str, Any], y_hat: Tensor) -> tuple[Tensor, Tensor]:
        """Predictions and targets of the real (unpadded) positions, flattened for loss/metrics."""
        y = batch["y"]
        if self.task == "regression" and y.dim() == y_hat.dim() - 1:
            y = y.unsqueeze(-1)
        if self.target_kind == "sequence":
            lengths = batch.get("lengths")
            if lengths is not None and self.input_kind == "sequence":
                steps = torch.arange(y_hat.shape[1], device=y_hat.device)
                mask = steps.unsqueeze(0) < lengths.to(y_hat.device).unsqueeze(1)
                return y_hat[mask], y[mask]
            return y_hat.reshape(-1, y_hat.shape[-1]), y.reshape(-1, *y.shape[2:])
        return y_hat, y

    def _loss(self, y_hat: Tensor, y: Tensor) -> Tensor:
        if self.task == "regression":
            return F.mse_loss(y_hat.float(), y.float())
        return F.cross_entropy(y_hat.float(), y.long())

    def _shared_step(self, batch: Any, stage: str) -> Tensor:
        batch = self.as_batch(batch, stage)
        y_hat = self(batch["x"], batch.get("lengths"))
        pred, target = self._flat(batch, y_hat)
        loss = self._loss(pred, target)
        batch_size = batch["x"].shape[0]
        if stage == "train":
            if self.log_this_step():
                self.log("train/loss", loss, prog_bar=True, batch_size=batch_size)
            return loss
        self.log(f"{stage}/loss", loss, prog_bar=True, batch_size=batch_size, sync_dist=True)
        metrics = self.val_metrics if stage == "val" else self.test_metrics
        if self.task == "regression":
            metrics.update(pred.float(), target.float())
        else:
            metrics.update(pred.argmax(-1), target.long())
        self.log_dict(metrics, batch_size=batch_size)
        return loss

    def training_step(self, batch: Any, batch_idx: int) -> Tensor:
        return self._shared_step(batch, "train")

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        self._shared_step(batch, "val")

    def test_step(self, batch: Any, batch_idx: int) -> None:
        self._shared_step(batch, "test")

    def predict_step(self, batch: Any, batch_idx: int) -> list[dict[str, Any]]:
        """One JSON-ready record per sample: the prediction, and the target if the batch has one.

        ``batch`` is a dict, ``(x, y)``, ``(x, y, lengths)``, ``(x,)`` or a bare ``x`` tensor.
        """
        batch = self.as_batch(batch, "predict")
        lengths = batch.get("lengths")
        y_hat = self._predict_outputs(batch["x"], lengths)
        records = []
        for i in range(len(y_hat)):
            pred = y_hat[i].argmax(-1) if self.task == "classification" else y_hat[i]
            if (
                self.target_kind == "sequence"
                and lengths is not None
                and self.input_kind == "sequence"
            ):
                pred = pred[: int(lengths[i])]
            record: dict[str, Any] = {"prediction": pred.tolist()}
            if batch.get("y") is not None:
                target = batch["y"][i]
                if self.target_kind == "sequence" and lengths is not None:
                    target = target[: int(lengths[i])]
                record["target"] = target.tolist()
            records.append(record)
        return records
