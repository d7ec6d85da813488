"""Measurements behind the explainer figures and notebooks.

Small, seeded helpers that work on the zoo's own models (no plotting here; see
:mod:`lstmzoo.viz`):

* :func:`train_steps`: a short plain-PyTorch training loop over a data module's batches, returning
  the loss of every step (for the notebooks' quick experiments; real runs use ``lstmzoo fit``);
  it trains the sequence models and the CTC-trained ``crnn_ocr``;
* :func:`input_gradient_norms`: ``||d loss / d x_t||`` for every step ``t``, the picture of
  vanishing gradients;
* :func:`lstm_gate_trace`: every gate of every step of a trained LSTM, through the from-scratch
  :class:`~lstmzoo.nn.ExplainedRNN`;
* :func:`receptive_columns` and :func:`column_saliency`: which image columns each output step of
  a CRNN backbone reads, by arithmetic over its layers and measured by gradients;
* :func:`template_sentences`: a tiny hand-written sentiment set (for a BiLSTM that trains in
  seconds without downloading anything) and :func:`bidirectional_states`: a BiLSTM's forward and
  backward hidden states word by word.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Literal, NamedTuple

import torch
from torch import Tensor, nn

from lstmzoo.defaults import DEFAULT_LR
from lstmzoo.nn.cells import ExplainedRNN, LSTMGates

__all__ = [
    "SENTIMENT_CLASSES",
    "ReceptiveColumns",
    "bidirectional_states",
    "column_saliency",
    "input_gradient_norms",
    "lstm_gate_trace",
    "receptive_columns",
    "template_sentences",
    "train_steps",
]


def train_steps(
    model: Any,
    batches: Iterable[Mapping[str, Any]],
    steps: int,
    *,
    lr: float | None = None,
    clip: float | None = 1.0,
    schedule: Literal["constant", "one_cycle"] = "constant",
) -> list[float]:
    """Train ``model`` for ``steps`` optimizer steps and return the loss of each step.

    ``model`` is a zoo model (e.g. from :func:`lstmzoo.create_model`): its own forward pass and loss
    are used, with Adam (``lr`` defaults to the model's ``lr`` hyperparameter) and gradient-norm
    clipping. ``batches`` is any iterable of batch dicts such as a data module's
    ``train_dataloader()``; it is cycled when shorter than ``steps``. Sequence models read
    ``{"x", "y", "lengths"}``; a CTC model (one with a ``ctc_loss`` method, such as ``crnn_ocr``)
    reads ``{"x", "widths", "text"}``.

    ``schedule="one_cycle"`` uses torch's ``OneCycleLR``: the learning rate rises from
    ``lr / 25`` to ``lr`` over the first 10% of the steps (at least two), then decays along a
    cosine to nearly zero, while Adam's first momentum coefficient moves between 0.95 and 0.85
    the opposite way; it needs at least 4 steps. ``"constant"`` keeps ``lr``.
    """
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    if schedule not in ("constant", "one_cycle"):
        raise ValueError(f"schedule must be 'constant' or 'one_cycle', got {schedule!r}")
    lr = float(model.hparams.get("lr", DEFAULT_LR)) if lr is None else lr
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = None
    if schedule == "one_cycle" and steps > 0:
        if steps < 4:
            raise ValueError(f"schedule 'one_cycle' needs at least 4 steps, got {steps}")
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=lr, total_steps=steps, pct_start=max(0.1, 2 / steps)
        )
    model.train()
    losses: list[float] = []
    for batch in itertools.islice(itertools.cycle(batches), steps):
        loss = _batch_loss(model, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(float(loss.detach()))
    model.eval()
    return losses


def _batch_loss(model: Any, batch: Mapping[str, Any]) -> Tensor:
    if hasattr(model, "ctc_loss"):  # crnn_ocr: images with their widths, text labels
        return model.ctc_loss(model(batch["x"], batch.get("widths")), batch["text"])
    return model.loss(batch)


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
    loss = model.loss(batch, model(x, batch.get("lengths")))
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


class ReceptiveColumns(NamedTuple):
    """Where the output steps of a convolutional backbone sit along the input's width.

    Positions are in pixels along the image, ``0`` at its left edge and ``W`` at its right edge.

    Attributes:
        centers: ``(T,)`` centre of each output step's window.
        stride: pixels between neighbouring steps; step ``t``'s own *slice* of the image is
            ``centers[t] +- stride / 2``.
        size: width of each step's theoretical receptive field: every pixel within
            ``centers[t] +- size / 2`` can change step ``t`` (the borders may fall outside).
    """

    centers: Tensor
    stride: float
    size: float


def _along_width(value: int | tuple[int, ...]) -> int:
    return value[-1] if isinstance(value, tuple) else int(value)


def receptive_columns(backbone: nn.Module, width: int) -> ReceptiveColumns:
    """The column geometry of ``backbone`` (e.g. a CRNN's ``net.backbone``) for ``width`` pixels.

    Walks the backbone's ``Conv2d`` and ``MaxPool2d`` layers in order (other layers keep the
    geometry) and applies the receptive-field arithmetic along the width: a layer with kernel
    ``k``, stride ``s`` and padding ``p`` widens the field by ``(k - 1) * jump``, multiplies the
    jump between neighbouring outputs by ``s`` and shifts the first output's centre by
    ``((k - 1) / 2 - p) * jump``. For the CRNN backbone and ``width=100``: 26 steps, 4 pixels
    apart, centred at ``0, 4, ..., 100``, each seeing a 54-pixel window.
    """
    jump, size, first = 1.0, 1.0, 0.5  # one pixel: centre of pixel 0 at 0.5
    steps = int(width)
    for layer in backbone.modules():
        if not isinstance(layer, (nn.Conv2d, nn.MaxPool2d)):
            continue
        k = _along_width(layer.kernel_size)
        s = _along_width(layer.stride)
        p = _along_width(layer.padding)
        d = _along_width(layer.dilation)
        k_eff = d * (k - 1) + 1
        first += ((k_eff - 1) / 2 - p) * jump
        size += (k_eff - 1) * jump
        jump *= s
        steps = (steps + 2 * p - k_eff) // s + 1
    if steps < 1:
        raise ValueError(f"a width of {width} pixels leaves no output step")
    centers = first + jump * torch.arange(steps, dtype=torch.float64)
    return ReceptiveColumns(centers.float(), float(jump), float(size))


def column_saliency(backbone: nn.Module, image: Tensor) -> Tensor:
    """How strongly each input column moves each output step: ``(T, W)``.

    ``image: (C, H, W)`` or ``(1, C, H, W)``; ``backbone`` maps it to ``(1, F, 1, T)`` (a CRNN
    backbone). Row ``t`` is ``|d s_t / d image|`` summed over channels and rows, where ``s_t`` is
    the sum of the ``F`` features of step ``t``: the columns step ``t`` actually depends on
    (its effective receptive field), always inside :func:`receptive_columns`'s window. The
    backbone runs in eval mode (batch norm with its running statistics); its mode is restored.
    """
    x = image.unsqueeze(0) if image.dim() == 3 else image
    if x.dim() != 4 or x.shape[0] != 1:
        raise ValueError(f"expected one image (C, H, W), got {tuple(image.shape)}")
    x = x.detach().clone().requires_grad_(True)
    was_training = backbone.training
    backbone.eval()
    try:
        with torch.enable_grad():
            steps = backbone(x).sum(dim=(0, 1, 2))  # (T,)
            rows = []
            for t in range(steps.shape[0]):
                (grad,) = torch.autograd.grad(steps[t], x, retain_graph=t + 1 < steps.shape[0])
                rows.append(grad.abs().sum(dim=(0, 1, 2)))
    finally:
        backbone.train(was_training)
    return torch.stack(rows)


# --- a toy sentiment set and a BiLSTM's two directions -------------------------------------------

#: Class names of :func:`template_sentences` (label 0 and 1).
SENTIMENT_CLASSES = ("negative", "positive")

_SUBJECTS = ("the film", "this movie", "the story", "the acting", "the plot", "the ending",
             "the cast", "the script", "the music", "the show")  # fmt: skip
_VERBS = ("was", "is", "felt", "seemed")
_ADVERBS = ("really", "quite", "very", "truly", "rather", "so", "pretty", "surprisingly")
_ADJECTIVES = {
    "positive": ("good", "great", "fun", "funny", "charming", "clever", "moving", "wonderful",
                 "brilliant", "delightful", "lovely", "smart"),
    "negative": ("bad", "boring", "dull", "awful", "terrible", "weak", "tedious", "flat",
                 "silly", "messy", "clumsy", "bland"),
}  # fmt: skip


def _template_sentence(rng: random.Random) -> tuple[str, int]:
    label = rng.choice(SENTIMENT_CLASSES)
    subject, verb, adverb = rng.choice(_SUBJECTS), rng.choice(_VERBS), rng.choice(_ADVERBS)
    adj, adj2 = rng.sample(_ADJECTIVES[label], 2)
    opposite = rng.choice(_ADJECTIVES["positive" if label == "negative" else "negative"])
    template = rng.randrange(5)
    if template == 0:
        text = f"{subject} {verb} {adj}"
    elif template == 1:
        text = f"{subject} {verb} {adverb} {adj}"
    elif template == 2:
        text = f"{subject} {verb} {adj} and {adj2}"
    elif template == 3:
        text = f"{subject} {verb} {adverb} {adj} and {adj2}"
    else:  # "not" + a word of the other list: "the plot was not dull" is positive
        text = f"{subject} {verb} not {opposite}"
    return text, SENTIMENT_CLASSES.index(label)


def template_sentences(
    n: int, seed: int = 0, exclude: Collection[str] = ()
) -> tuple[list[str], list[int]]:
    """``n`` distinct short review sentences and their labels (0 negative, 1 positive).

    Each is a subject, a verb, optionally an adverb, and one or two words of a positive or a
    negative list ("the acting was truly wonderful"), or "not" in front of a word of the
    opposite list ("the plot was not dull" is positive). A toy set, far easier than real
    reviews, for models that must train in seconds offline. Sentences in ``exclude`` are never
    drawn (keep your test sentences out). Deterministic for a given ``seed``.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    words, adverbs = len(_ADJECTIVES["positive"]), len(_ADVERBS)
    # one or two (ordered) words, with or without an adverb, or "not" + one of the other list
    per_label = (1 + adverbs) * words * words + words
    distinct = 2 * len(_SUBJECTS) * len(_VERBS) * per_label
    if n > distinct:
        raise ValueError(f"the templates give only {distinct} distinct sentences, asked {n}")
    rng = random.Random(seed)
    drawn: dict[str, int] = {}
    for _ in range(1000 * max(n, 1)):
        if len(drawn) >= n:
            break
        text, label = _template_sentence(rng)
        if text not in exclude:
            drawn.setdefault(text, label)
    if len(drawn) < n:  # only when ``exclude`` removes most of what the templates can give
        raise ValueError(f"drew only {len(drawn)} distinct sentences outside exclude, asked {n}")
    return list(drawn), list(drawn.values())


def bidirectional_states(lstm: nn.LSTM, x: Tensor) -> tuple[Tensor, Tensor]:
    """The forward and backward hidden states of a 1-layer bidirectional ``lstm`` over one
    sequence ``x: (T, D)`` (or ``(1, T, D)``), each ``(T, H)`` in word order.

    ``forward[t]`` has read steps ``0..t``; ``backward[t]`` has read steps ``t..T-1``. A
    many-to-one BiLSTM classifier reads ``forward[-1]`` and ``backward[0]``.
    """
    if not (lstm.bidirectional and lstm.num_layers == 1 and lstm.batch_first):
        raise ValueError("expected a 1-layer, batch_first, bidirectional nn.LSTM")
    seq = x.unsqueeze(0) if x.dim() == 2 else x
    if seq.dim() != 3 or seq.shape[0] != 1:
        raise ValueError(f"expected one sequence (T, D), got {tuple(x.shape)}")
    with torch.no_grad():
        out = ExplainedRNN.from_torch(lstm)(seq.to(next(lstm.parameters()).dtype)).outputs[0]
    hidden = lstm.hidden_size
    return out[:, :hidden], out[:, hidden:]
