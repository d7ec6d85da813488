"""A BiLSTM reading a sentence: its forward and backward hidden states, word by word."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from torch import Tensor

from lstmzoo.viz._figure import new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_bidirectional_states"]


def plot_bidirectional_states(
    tokens: Sequence[str],
    forward: Tensor,
    backward: Tensor,
    *,
    title: str | None = None,
) -> Figure:
    """A BiLSTM's hidden states over one sentence: forward and backward pass side by side.

    One column per word, one row per hidden unit; the framed columns are what a many-to-one
    classifier reads: the forward state after the last word, the backward state after the first.

    Args:
        tokens: the ``T`` words of the sentence.
        forward: ``(T, H)``, the forward pass's hidden states in word order
            (:func:`lstmzoo.explain.bidirectional_states`).
        backward: ``(T, H)``, the backward pass's, also in word order.
        title: the figure's title (``None``: none).

    Returns:
        Two ``(H, T)`` heat maps sharing one colour bar.

    Raises:
        ValueError: ``forward`` and ``backward`` are not both ``(len(tokens), H)``.
    """
    from matplotlib.patches import Rectangle

    if forward.shape != backward.shape or forward.dim() != 2 or forward.shape[0] != len(tokens):
        raise ValueError(
            f"expected two (T={len(tokens)}, H) tensors, got {tuple(forward.shape)} and "
            f"{tuple(backward.shape)}"
        )
    fig = new_figure(figsize=(9.0, 3.4), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    panels = [
        ("forward pass: reads left to right →", forward, len(tokens) - 1),
        ("backward pass: reads right to left ←", backward, 0),
    ]
    im = None
    for ax, (name, states, read) in zip(axes, panels):
        values = states.detach().cpu().float().T.numpy()
        im = ax.imshow(values, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
        ax.add_patch(Rectangle((read - 0.5, -0.5), 1, values.shape[0], fill=False, lw=2.5, ec="k"))
        ax.set_xticks(range(len(tokens)), list(tokens), rotation=30)
        ax.set_xlabel("word of the sentence")
        ax.set_title(name, fontsize=10)
    axes[0].set_ylabel("hidden unit")
    fig.colorbar(im, ax=axes, label="hidden state h", shrink=0.9)
    if title:
        fig.suptitle(title)
    return fig
