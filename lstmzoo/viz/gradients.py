"""The vanishing-gradient picture: how much each input step moves the loss."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from torch import Tensor

from lstmzoo.viz._figure import as_floats, model_color, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_gradient_norms"]


def plot_gradient_norms(
    panels: Mapping[str, Mapping[str, Sequence[float] | Tensor]],
    *,
    title: str | None = "How much each input step moves the loss",
) -> Figure:
    """Input-gradient norms over time, log scale: the vanishing-gradient picture.

    Args:
        panels: ``{"at initialisation": {"rnn": norms, "lstm": norms}, "after training": {...}}``
            where each ``norms`` is ``(T,)`` (see :func:`lstmzoo.explain.input_gradient_norms`).
        title: the figure's title (``None``: none).

    Returns:
        One panel per entry of ``panels``, side by side, sharing the y axis; one line per model.
    """
    fig = new_figure(figsize=(4.2 * len(panels) + 0.6, 3.8), layout="constrained")
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    for ax, (panel_title, curves) in zip(axes, panels.items()):
        for k, (name, norms) in enumerate(curves.items()):
            values = as_floats(norms)
            ax.semilogy(range(len(values)), values, color=model_color(name, k), label=name, lw=1.8)
        ax.set_title(panel_title)
        ax.set_xlabel("input step t (the loss reads the last step)")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend()
    axes[0].set_ylabel(r"$\|\partial\,\mathrm{loss} / \partial x_t\|$")
    if title:
        fig.suptitle(title)
    return fig
