"""CRNN: a convolutional backbone that turns a text-line image into a feature sequence, read by
two bidirectional LSTM blocks (Shi, Bai & Yao, 2015).

Shapes for a ``32 x 100`` image at ``width_mult=1``::

    image (B, 1, 32, 100)
      -> backbone          (B, 512, 1, 26)    7 conv layers, 4 poolings (the last two (2, 1))
      -> squeeze + permute (B, 26, 512)       one 512-dim feature per image column group
      -> BiLSTM            (B, 26, 2*H)
      -> Linear            (B, 26, H)
      -> BiLSTM            (B, 26, 2*H)
      -> Linear            (B, 26, K + 1)     per-step class scores, blank = 0 (CTC)

The backbone halves the width twice, then pools height only with ``stride (2, 1)`` and one
column of padding each side, and ends on a ``2 x 2`` convolution, so ``T = floor(W / 4) + 1``
steps for width ``W`` (:func:`crnn_output_length`): 26 for 100. Each step sees a window of about
4 pixels of the input, which is what makes the per-step CTC alignment work.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Literal, NamedTuple

import torch
from torch import Tensor, nn

from lstmzoo.nn.encoders import RecurrentEncoder

__all__ = [
    "BACKBONE_CHANNELS",
    "CRNN",
    "CRNNBackbone",
    "CRNNOutput",
    "SequenceBlock",
    "crnn_char_ranges",
    "crnn_output_length",
]

#: Output channels of the seven convolutions of the paper's backbone (``width_mult=1``).
BACKBONE_CHANNELS = (64, 128, 256, 256, 512, 512, 512)

BatchNormWhere = Literal["deep", "all", "none"]


def crnn_output_length(width: int | Tensor) -> int | Tensor:
    """Steps the backbone emits for an input of ``width`` pixels: ``floor(width / 4) + 1``."""
    if isinstance(width, Tensor):
        return torch.div(width, 4, rounding_mode="floor") + 1
    return int(width) // 4 + 1


def crnn_char_ranges(
    steps: Sequence[tuple[int, int]], input_width: int, source_width: int | None = None
) -> list[tuple[int, int]]:
    """Where characters are in an image, from the output steps CTC gave them.

    Step ``t`` of the backbone is centred on input column ``4 t``. Each character gets a range
    of columns reaching halfway to its neighbours' steps, so the ranges of a text tile it (a
    word's range is from its first character's start to its last one's end); the first and
    last characters reach as far outwards as inwards (a single one: its steps +- 2 columns).

    Args:
        steps: the ``(first, last)`` step of every character, in order (see
            :func:`~lstmzoo.nn.ctc.ctc_align`).
        input_width: the width of the image the model read (columns of its input).
        source_width: the width of the image it was resized from (default: ``input_width``);
            the ranges are in its pixels.

    Returns:
        ``[(x0, x1), ...]``: every character's columns ``x0 <= x < x1``, within
        ``[0, source_width]``, at least one column wide where the image has room.
    """
    if not steps:
        return []
    source_width = input_width if source_width is None else source_width
    centres = [2.0 * (a + b) for a, b in steps]
    bounds = [2.0 * (steps[k][1] + steps[k + 1][0]) for k in range(len(steps) - 1)]
    if bounds:
        left = 2 * centres[0] - bounds[0]
        right = 2 * centres[-1] - bounds[-1]
    else:
        left, right = 4.0 * steps[0][0] - 2, 4.0 * steps[0][1] + 2
    edges = [min(left, 4.0 * steps[0][0] - 2), *bounds, max(right, 4.0 * steps[-1][1] + 2)]
    scale = source_width / max(1, input_width)
    cols = [min(source_width, max(0, round(e * scale))) for e in edges]
    ranges = []
    for x0, x1 in itertools.pairwise(cols):
        ranges.append((x0, max(x1, min(x0 + 1, source_width))))  # at least one column
    return ranges


class CRNNBackbone(nn.Module):
    """VGG-style CNN: ``(B, C_in, 32, W) -> (B, C_out, 1, floor(W/4) + 1)``.

    Args:
        in_channels: image channels (1 for grayscale).
        width_mult: scales every layer's channels (``0.5`` = half width, 4x fewer conv weights);
            ``C_out = round(512 * width_mult)``.
        batch_norm: ``"deep"`` (the paper: after the 5th and 6th convolutions), ``"all"`` (every
            convolution; trains faster from scratch) or ``"none"``.
    """

    def __init__(
        self, in_channels: int = 1, width_mult: float = 1.0, batch_norm: BatchNormWhere = "deep"
    ) -> None:
        super().__init__()
        if width_mult <= 0:
            raise ValueError(f"width_mult must be > 0, got {width_mult}")
        if batch_norm not in ("deep", "all", "none"):
            raise ValueError(f"batch_norm must be 'deep', 'all' or 'none', got {batch_norm!r}")
        channels = [max(4, round(c * width_mult)) for c in BACKBONE_CHANNELS]
        bn_layers = {"deep": {4, 5}, "all": set(range(7)), "none": set()}[batch_norm]
        # (kernel, padding) of each conv, and the (kernel, stride, padding) of the pooling after it
        pool_2x2 = (2, 2, 0)
        pool_h = ((2, 2), (2, 1), (0, 1))  # halve the height, keep the width (+1 column)
        plan: list[tuple[int, int, tuple | None]] = [
            (3, 1, pool_2x2),
            (3, 1, pool_2x2),
            (3, 1, None),
            (3, 1, pool_h),
            (3, 1, None),
            (3, 1, pool_h),
            (2, 0, None),
        ]
        layers: list[nn.Module] = []
        c_in = in_channels
        for i, ((kernel, padding, pool), c_out) in enumerate(zip(plan, channels)):
            use_bn = i in bn_layers
            layers.append(nn.Conv2d(c_in, c_out, kernel, 1, padding, bias=not use_bn))
            if use_bn:
                layers.append(nn.BatchNorm2d(c_out))
            layers.append(nn.ReLU(inplace=True))
            if pool is not None:
                layers.append(nn.MaxPool2d(*pool))
            c_in = c_out
        self.layers = nn.Sequential(*layers)
        self.in_channels = in_channels
        self.out_channels = channels[-1]
        self.width_mult = width_mult

    def forward(self, images: Tensor) -> Tensor:
        """``images: (B, C_in, 32, W) -> (B, C_out, 1, floor(W/4) + 1)``."""
        if images.dim() != 4 or images.shape[1] != self.in_channels:
            raise ValueError(
                f"expected images of shape (B, {self.in_channels}, 32, W), "
                f"got {tuple(images.shape)}"
            )
        if images.shape[-2] != 32 or images.shape[-1] < 4:
            raise ValueError(
                "CRNN images must be 32 pixels high and at least 4 wide, "
                f"got {tuple(images.shape[-2:])}"
            )
        return self.layers(images)


class SequenceBlock(nn.Module):
    """Bidirectional LSTM followed by a per-step Linear: ``(B, T, D) -> (B, T, out)``."""

    def __init__(
        self, input_size: int, hidden_size: int, output_size: int, dropout: float = 0.0
    ) -> None:
        super().__init__()
        self.rnn = RecurrentEncoder(input_size, hidden_size, cell="lstm", bidirectional=True)
        self.dropout = nn.Dropout(dropout)
        self.linear = nn.Linear(self.rnn.output_size, output_size)

    def forward(self, x: Tensor, lengths: Tensor | None = None) -> Tensor:
        """``x: (B, T, D)``, ``lengths: (B,) | None`` -> ``(B, T, out)``."""
        return self.linear(self.dropout(self.rnn(x, lengths).outputs))


class CRNNOutput(NamedTuple):
    """What :class:`CRNN` returns: ``logits (B, T, K + 1)`` and valid ``lengths (B,)`` (or None)."""

    logits: Tensor
    lengths: Tensor | None


class CRNN(nn.Module):
    """CNN backbone + BiLSTM -> Linear -> BiLSTM -> Linear, for CTC training.

    Args:
        num_classes: classes per step including the blank (``len(alphabet) + 1``).
        hidden_size: LSTM units per direction ``H``.
        width_mult: backbone channel multiplier (1 = paper width, 512 features per step).
        batch_norm: where the backbone uses batch norm (see :class:`CRNNBackbone`).
        in_channels: image channels.
        dropout: dropout on the BiLSTM outputs.

    ``forward(images: (B, C, 32, W), widths: (B,) | None) -> CRNNOutput`` where ``widths`` are
    the true widths of right-padded images; the LSTMs then skip the padded steps (through packed
    sequences), unless ``pack=False``: then they run over them as over any other columns, which
    is several times faster on CPUs for a batch of mixed widths (packed LSTMs are slow there,
    above all backwards). The output ``lengths`` are the valid steps either way.
    """

    def __init__(
        self,
        num_classes: int,
        hidden_size: int = 256,
        width_mult: float = 1.0,
        batch_norm: BatchNormWhere = "deep",
        in_channels: int = 1,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if num_classes < 2:
            raise ValueError(f"num_classes must be >= 2 (blank + 1 character), got {num_classes}")
        self.backbone = CRNNBackbone(in_channels, width_mult, batch_norm)
        features = self.backbone.out_channels
        self.rnn1 = SequenceBlock(features, hidden_size, hidden_size, dropout)
        self.rnn2 = SequenceBlock(hidden_size, hidden_size, num_classes, dropout)
        self.num_classes = num_classes
        self.hidden_size = hidden_size

    def features(self, images: Tensor) -> Tensor:
        """``(B, C, 32, W) -> (B, T, C_out)``: the backbone's feature sequence."""
        conv = self.backbone(images)
        if conv.shape[2] != 1:
            raise ValueError(f"backbone output height must be 1, got {conv.shape[2]}")
        return conv.squeeze(2).transpose(1, 2)

    def forward(
        self, images: Tensor, widths: Tensor | None = None, pack: bool = True
    ) -> CRNNOutput:
        """``images: (B, C, 32, W)``, ``widths: (B,)`` -> ``CRNNOutput`` (see the class
        docstring); with ``pack=False`` the LSTMs run over the padded steps too (the valid
        ``lengths`` are still returned)."""
        seq = self.features(images)
        lengths = None
        if widths is not None:
            lengths = crnn_output_length(widths.to("cpu", torch.long)).clamp(1, seq.shape[1])
        rnn_lengths = lengths if pack else None
        hidden = self.rnn1(seq, rnn_lengths)
        logits = self.rnn2(hidden, rnn_lengths)
        return CRNNOutput(logits, lengths)
