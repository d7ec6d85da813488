"""Training curves: the loss of several models, step by step."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from lstmzoo.viz._figure import as_floats, model_color, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_training_curves"]


def moving_average(values: Sequence[float], window: int) -> list[float]:
    """The mean of each value and the ``window - 1`` before it (fewer at the start)."""
    out, total = [], 0.0
    for k, v in enumerate(values):
        total += v
        if k >= window:
            total -= values[k - window]
        out.append(total / min(k + 1, window))
    return out


def plot_training_curves(
    histories: Mapping[str, Sequence[float]],
    *,
    baseline: float | None = None,
    baseline_label: str = "baseline",
    ylabel: str = "training loss",
    smooth: int = 20,
    log_y: bool = True,
) -> Figure:
    """Loss per training step of several models (faint) with a moving average (bold).

    Args:
        histories: ``{"rnn": [loss, ...], "lstm": [...]}``, one loss per step (a ``(S,)`` tensor
            works too, e.g. from :func:`lstmzoo.explain.train_steps`).
        baseline: draws a horizontal reference (e.g. the loss of always predicting the mean).
        baseline_label: the legend entry of ``baseline``.
        ylabel: the y axis label.
        smooth: the window of the moving average, in steps.
        log_y: a log-scale y axis.

    Returns:
        One axes; per model a faint raw line and a bold smoothed line in the model's colour.
    """
    fig = new_figure(figsize=(6.4, 3.8), layout="constrained")
    ax = fig.subplots()
    for k, (name, losses) in enumerate(histories.items()):
        values = as_floats(losses)
        color = model_color(name, k)
        ax.plot(values, color=color, alpha=0.25, lw=0.8)
        ax.plot(moving_average(values, max(1, smooth)), color=color, lw=2.0, label=name)
    if baseline is not None:
        ax.axhline(baseline, color="0.3", ls="--", lw=1.2, label=baseline_label)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig
