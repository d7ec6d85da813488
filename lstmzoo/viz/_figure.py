"""What every figure module shares: a ``Figure`` without pyplot, model colours, plain numbers.

matplotlib is imported here, inside :func:`new_figure`, and nowhere at module level: importing
any :mod:`lstmzoo.viz` module works without matplotlib, and a plotting function called without
it raises the ordinary ``ModuleNotFoundError: No module named 'matplotlib'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from torch import Tensor

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: One colour per model name, so a model looks the same in every figure.
MODEL_COLORS = {"rnn": "tab:red", "lstm": "tab:blue", "gru": "tab:green"}


def new_figure(**kwargs: Any) -> Figure:
    """A matplotlib ``Figure(**kwargs)`` made without pyplot.

    No global state, no GUI backend: the figure is garbage-collected like any object, and
    ``fig.savefig`` works on any machine.
    """
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def model_color(name: str, index: int) -> str:
    """The colour of a curve named ``name``: the model's own (its first word, as in
    :data:`MODEL_COLORS`), else matplotlib's ``C{index}`` cycle colour."""
    return MODEL_COLORS.get(name.split()[0].lower(), f"C{index}")


def as_floats(seq: Sequence[float] | Tensor) -> list[float]:
    """A sequence of numbers or a tensor of any shape (flattened, detached) as Python floats."""
    if isinstance(seq, Tensor):
        return [float(v) for v in seq.detach().flatten().cpu()]
    return [float(v) for v in seq]
