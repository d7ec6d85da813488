"""Measurements behind the explainer figures and notebooks.

Small, seeded helpers that work on the zoo's own models (no plotting here; see
:mod:`lstmzoo.viz`):

* :func:`train_steps`: a short plain-PyTorch training loop over a data module's batches, returning
  the loss of every step (for the notebooks' quick experiments; real runs use ``lstmzoo fit``);
* :func:`input_gradient_norms`: ``||d loss / d x_t||`` for every step ``t``, the picture of
  vanishing gradients;
* :func:`lstm_gate_trace`: every gate of every step of a trained LSTM, through the from-scratch
  :class:`~lstmzoo.nn.ExplainedRNN`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

import torch
from torch import Tensor, nn

from lstmzoo.nn.cells import ExplainedRNN, LSTMGates

__all__ = ["input_gradient_norms", "lstm_gate_trace", "train_steps"]


def train_steps(
    model: Any,
    batches: Iterable[Mapping[str, Any]],
    steps: int,
    *,
    lr: float | None = None,
    clip: float | None = 1.0,
) -> list[float]:
    """Train ``model`` for ``steps`` optimizer steps and return the loss of each step.

    ``model`` is a zoo model (e.g. from :func:`lstmzoo.create_model`): its own forward pass and loss
    are used, with Adam (``lr`` defaults to the model's ``lr`` hyperparameter) and gradient-norm
    clipping. ``batches`` is any iterable of batch dicts ``{"x", "y", "lengths"}`` such as a data
    module's ``train_dataloader()``; it is cycled when shorter than ``steps``.
    """
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    lr = float(model.hparams.get("lr", 1e-3)) if lr is None else lr
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses: list[float] = []
    for batch in itertools.islice(itertools.cycle(batches), steps):
        y_hat = model(batch["x"], batch.get("lengths"))
        loss = model._loss(*model._flat(batch, y_hat))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        losses.append(float(loss.detach()))
    model.eval()
    return losses


def input_gradient_norms(model: Any, batch: Mapping[str, Any]) -> Tensor:
    """How strongly the loss reacts to each input step: ``||d loss / d x_t||``.

    ``batch = {"x": (B, T, D), "y": ..., "lengths": ...}`` -> ``(T,)``: the Euclidean norm over
    the ``D`` features of the gradient of the batch loss with respect to ``x[:, t]``, averaged over
    the batch. For a vanilla RNN it shrinks geometrically as ``t`` moves away from the step the
    loss reads (the last one for an N -> 1 model): its memory is short.
    """
    x = batch["x"].detach().clone().requires_grad_(True)
    was_training = model.training
    model.eval()
    y_hat = model(x, batch.get("lengths"))
    loss = model._loss(*model._flat(batch, y_hat))
    (grad,) = torch.autograd.grad(loss, x)
    model.train(was_training)
    return grad.norm(dim=-1).mean(0)


def lstm_gate_trace(lstm: nn.LSTM, x: Tensor, lengths: Tensor | None = None) -> LSTMGates:
    """Every gate of the first layer of ``lstm`` over ``x``, computed by the from-scratch cell.

    ``lstm``: a ``batch_first`` ``nn.LSTM`` (a zoo model's ``model.encoder.rnn``);
    ``x: (B, T, D)`` -> :class:`~lstmzoo.nn.LSTMGates` of ``(B, T, H)`` tensors
    ``i, f, g, o, c, h``.
    """
    explained = ExplainedRNN.from_torch(lstm)
    with torch.no_grad():
        out = explained(x.to(next(lstm.parameters()).dtype), lengths, return_gates=True)
    assert out.gates is not None
    return out.gates[0]
