"""Input/output structures: generated sequences (1 -> N), per-step tags (N -> N), one number
per sequence (N -> 1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from torch import Tensor

from lstmzoo.viz._figure import as_floats, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_topologies", "plot_waveforms"]


def plot_waveforms(
    panels: Mapping[str, tuple[Tensor, Tensor]],
    *,
    samples: int = 3,
    title: str | None = None,
) -> Figure:
    """Generated sequences against their targets, one panel per model.

    Args:
        panels: ``{"first_step": (prediction, target), ...}`` with ``(B, N, 1)`` or ``(B, N)``
            tensors.
        samples: how many sequences (the first ones) each panel draws.
        title: the figure's title (``None``: none).

    Returns:
        One panel per entry, sharing the y axis; per sequence the target solid and the
        prediction dashed, in the same colour.
    """
    fig = new_figure(figsize=(4.4 * len(panels) + 0.4, 3.6), layout="constrained")
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    for ax, (name, (pred, target)) in zip(axes, panels.items()):
        pred = pred.detach().cpu().float().reshape(pred.shape[0], -1).numpy()
        target = target.detach().cpu().float().reshape(target.shape[0], -1).numpy()
        for k in range(min(samples, pred.shape[0])):
            ax.plot(target[k], color=f"C{k}", lw=1.8, label="target" if k == 0 else None)
            ax.plot(pred[k], color=f"C{k}", lw=1.8, ls="--", label="prediction" if k == 0 else None)
        ax.set_title(name)
        ax.set_xlabel("output step")
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("value")
    axes[0].legend()
    if title:
        fig.suptitle(title)
    return fig


def plot_topologies(
    one_to_many: Mapping[str, tuple[Tensor, Tensor]],
    many_to_many: tuple[Tensor, Tensor, Tensor],
    many_to_one: tuple[Tensor, Tensor],
    *,
    symbols: str | None = None,
    title: str | None = None,
) -> Figure:
    """The four input/output structures side by side, one trained example each.

    Args:
        one_to_many: ``{panel title: (prediction, target)}``: generated sequences ``(B, N)`` or
            ``(B, N, 1)``, one panel per entry (the two 1 -> N modes); the first sequence is
            drawn.
        many_to_many: ``(inputs, targets, predictions)``: class ids ``(T,)`` of one sequence.
        many_to_one: ``(targets, predictions)``: one number per sequence ``(B,)`` or ``(B, 1)``,
            drawn as a scatter against the diagonal.
        symbols: ``symbols[k]`` names class ``k`` on the N -> N axis (default: the class ids).
        title: the figure's title (``None``: none).

    Returns:
        ``len(one_to_many) + 2`` panels in one row: the 1 -> N panels, N -> N, N -> 1.
    """
    panels = len(one_to_many) + 2
    fig = new_figure(figsize=(3.5 * panels, 3.5), layout="constrained")
    axes = fig.subplots(1, panels)
    for ax, (name, (pred, target)) in zip(axes, one_to_many.items()):
        p = as_floats(pred.reshape(pred.shape[0], -1)[0])
        y = as_floats(target.reshape(target.shape[0], -1)[0])
        ax.plot(y, color="0.3", lw=1.8, label="target")
        ax.plot(p, color="tab:blue", lw=1.8, ls="--", label="generated")
        ax.set(title=f"1 → N: {name}", xlabel="output step", ylabel="value")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    ax = axes[len(one_to_many)]
    inputs, targets, preds = (as_floats(v.reshape(-1)) for v in many_to_many)
    steps = range(len(targets))
    ax.scatter(steps, inputs, marker="s", s=28, color="0.75", label="input")
    ax.step(steps, targets, where="mid", color="0.3", lw=1.5, label="target")
    ax.scatter(steps, preds, marker="x", s=30, color="tab:red", label="predicted", zorder=3)
    classes = int(max(inputs + targets + preds)) + 1
    names = list(symbols) if symbols is not None else [str(k) for k in range(classes)]
    ax.set_yticks(range(len(names)), names)
    ax.set(title="N → N: one output per step", xlabel="step t", ylabel="symbol")
    ax.legend(fontsize=8, loc="upper left", ncols=3)
    ax.set_ylim(-0.6, len(names) + 0.2)  # room for the legend above
    ax = axes[-1]
    target, pred = (as_floats(v.reshape(-1)) for v in many_to_one)
    ax.scatter(target, pred, s=10, alpha=0.6)
    lo, hi = min(target + pred), max(target + pred)
    ax.plot([lo, hi], [lo, hi], color="0.4", ls="--", lw=1, label="perfect")
    ax.set(title="N → 1: one number per sequence", xlabel="target", ylabel="predicted")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
