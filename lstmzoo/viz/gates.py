"""Inside an LSTM cell: every gate and state over time, and single traces of one quantity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from torch import Tensor

from lstmzoo.viz._figure import new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from lstmzoo.nn.cells import LSTMGates

__all__ = ["plot_gate_heatmaps", "plot_state_traces"]

#: (field of :class:`~lstmzoo.nn.LSTMGates`, panel title, colour scale), top to bottom.
GATE_PANELS = (
    ("i", "input gate i", "sigmoid"),
    ("f", "forget gate f", "sigmoid"),
    ("g", "candidate g", "tanh"),
    ("o", "output gate o", "sigmoid"),
    ("c", "cell state c", "free"),
    ("h", "hidden state h", "tanh"),
)


def plot_gate_heatmaps(
    gates: LSTMGates,
    x: Tensor | None = None,
    *,
    sample: int = 0,
    input_names: Sequence[str] | None = None,
    highlight_steps: Sequence[int] = (),
    title: str | None = "Inside one LSTM cell, step by step",
) -> Figure:
    """Heat maps (hidden unit x time step) of every gate and state of one sequence.

    Gates use a 0..1 scale, ``g`` and ``h`` -1..1, ``c`` a symmetric scale around 0.

    Args:
        gates: :class:`~lstmzoo.nn.LSTMGates` of ``(B, T, H)`` tensors (e.g. from
            :func:`lstmzoo.explain.lstm_gate_trace`).
        x: ``(B, T, D)``, the input, drawn as the top panel when given.
        sample: which sequence of the batch to draw.
        input_names: ``D`` names for the rows of the input panel (default ``x[d]``).
        highlight_steps: steps marked by dotted vertical lines in every panel (e.g. the marked
            steps of the adding problem).
        title: the figure's title (``None``: none).

    Returns:
        Six ``(H, T)`` heat maps (seven with the input), each with its colour bar.
    """
    rows = list(GATE_PANELS)
    heights = [1.0] * len(rows)
    if x is not None:
        heights.insert(0, max(0.35, 0.12 * x.shape[-1]))
    steps, hidden = gates.i.shape[1], gates.i.shape[2]
    fig = new_figure(figsize=(9.0, 1.0 + 1.45 * sum(heights)), layout="constrained")
    axes = fig.subplots(len(heights), 1, sharex=True, height_ratios=heights)
    extent = (-0.5, steps - 0.5, hidden - 0.5, -0.5)
    panel_axes = list(axes)
    if x is not None:
        ax = panel_axes.pop(0)
        inp = x[sample].detach().cpu().float().T.numpy()  # (D, T)
        im = ax.imshow(inp, aspect="auto", cmap="Greys", interpolation="nearest")
        names = list(input_names) if input_names else [f"x[{d}]" for d in range(inp.shape[0])]
        ax.set_yticks(range(len(names)), names)
        ax.set_title("input", loc="left", fontsize=10)
        fig.colorbar(im, ax=ax, pad=0.01, aspect=8)
    for ax, (key, label, kind) in zip(panel_axes, rows):
        data = getattr(gates, key)[sample].detach().cpu().float().T.numpy()  # (H, T)
        if kind == "sigmoid":
            kw = {"cmap": "viridis", "vmin": 0.0, "vmax": 1.0}
        else:
            bound = 1.0 if kind == "tanh" else max(float(abs(data).max()), 1e-6)
            kw = {"cmap": "RdBu_r", "vmin": -bound, "vmax": bound}
        im = ax.imshow(data, aspect="auto", interpolation="nearest", extent=extent, **kw)
        ax.set_ylabel("unit")
        ax.set_title(label, loc="left", fontsize=10)
        fig.colorbar(im, ax=ax, pad=0.01, aspect=8)
    for ax in axes:
        for t in highlight_steps:
            ax.axvline(t, color="tab:orange", ls=":", lw=1.2)
    axes[-1].set_xlabel("time step t")
    if title:
        fig.suptitle(title)
    return fig


def plot_state_traces(
    traces: Tensor,
    *,
    highlight_steps: Sequence[Sequence[int]] = (),
    ylabel: str = "value",
    title: str | None = None,
) -> Figure:
    """One line per sequence of a single quantity over time (e.g. one unit's cell state).

    Args:
        traces: ``(N, T)``, one row per sequence.
        highlight_steps: ``highlight_steps[k]`` lists steps of sequence ``k`` to mark with a dot
            (e.g. the marked steps of the adding problem).
        ylabel: the y axis label.
        title: the axes' title (``None``: none).

    Returns:
        One axes with ``N`` lines (and one set of markers per highlighted sequence).
    """
    fig = new_figure(figsize=(6.4, 3.6), layout="constrained")
    ax = fig.subplots()
    values = traces.detach().cpu().float().numpy()
    for k in range(values.shape[0]):
        ax.plot(values[k], color=f"C{k}", lw=1.8, label=f"sequence {k}")
        steps = list(highlight_steps[k]) if k < len(highlight_steps) else []
        if steps:
            ax.plot(steps, values[k, steps], "o", color=f"C{k}", ms=7, mfc="white", mew=2)
    ax.set_xlabel("time step t")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return fig
