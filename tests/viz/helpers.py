"""Inputs shared by the figure tests: toy gate traces, text-line images, CRNN columns."""

from __future__ import annotations

from pathlib import Path

import torch
from matplotlib.figure import Figure

from lstmzoo.explain import ReceptiveColumns
from lstmzoo.nn import LSTMGates

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def save_png(fig: Figure, path: Path) -> bytes:
    """Write ``fig`` at a low resolution and return the file's bytes."""
    fig.savefig(path, dpi=50)
    return path.read_bytes()


def toy_gates(batch: int = 2, steps: int = 12, hidden: int = 5) -> LSTMGates:
    """Seeded ``(batch, steps, hidden)`` gates in their ranges: i, f, o in 0..1, g, h in -1..1."""
    g = torch.Generator().manual_seed(0)
    sig = [torch.rand(batch, steps, hidden, generator=g) for _ in range(3)]
    tanh = [torch.rand(batch, steps, hidden, generator=g) * 2 - 1 for _ in range(2)]
    c = torch.randn(batch, steps, hidden, generator=g) * 3
    return LSTMGates(i=sig[0], f=sig[1], g=tanh[0], o=sig[2], c=c, h=tanh[1])


def toy_columns(steps: int = 26, stride: float = 4.0) -> ReceptiveColumns:
    """``steps`` output steps every ``stride`` pixels from 0, each reading 54 px."""
    return ReceptiveColumns(torch.arange(steps) * stride, stride, 54.0)


def toy_line(width: int = 100) -> torch.Tensor:
    """A ``(1, 32, width)`` gradient image in ``[-1, 1]``."""
    return torch.linspace(-1, 1, 32 * width).reshape(1, 32, width)
