"""Text-line recognition: the CRNN's output steps over an image, CTC probabilities and alignment,
and a grid of readings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from torch import Tensor

from lstmzoo.viz._figure import as_floats, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from lstmzoo.explain import ReceptiveColumns

__all__ = [
    "BLANK_LABEL",
    "plot_ctc_alignment",
    "plot_ctc_probabilities",
    "plot_readings",
    "plot_receptive_columns",
]

#: How the blank class is written in CTC figures.
BLANK_LABEL = "–"


def _image(image: Tensor) -> Any:
    """``(1, H, W)`` or ``(H, W)`` tensor in ``[-1, 1]`` -> ``(H, W)`` array for ``imshow``."""
    img = image.detach().cpu().float()
    while img.dim() > 2:
        img = img[0]
    return img.numpy()


def _show_line(ax: Any, image: Tensor, aspect: str = "equal") -> None:
    img = _image(image)
    h, w = img.shape
    ax.imshow(
        img, cmap="gray", vmin=-1.0, vmax=1.0, extent=(0, w, h, 0), aspect=aspect,
        interpolation="nearest",
    )  # fmt: skip


def _draw_slices(ax: Any, columns: ReceptiveColumns, height: float, **kw: Any) -> None:
    half = columns.stride / 2
    edges = [float(c) - half for c in columns.centers] + [float(columns.centers[-1]) + half]
    style = {"color": "tab:orange", "lw": 0.8, "alpha": 0.9, **kw}
    ax.vlines(edges, 0, height, **style)


def plot_receptive_columns(
    image: Tensor,
    columns: ReceptiveColumns,
    *,
    highlight: int | None = None,
    saliency: Tensor | None = None,
    title: str | None = "The output steps of the CNN: one slice of the image each",
) -> Figure:
    """A text-line image cut into the slices of the backbone's output steps.

    Step indices are written above every fifth slice (and the last).

    Args:
        image: ``(1, H, W)`` or ``(H, W)`` in ``[-1, 1]``.
        columns: where each output step sits, from :func:`lstmzoo.explain.receptive_columns`.
        highlight: a step whose whole theoretical receptive field is shaded and whose slice is
            outlined.
        saliency: ``(W,)``, that step's row of :func:`lstmzoo.explain.column_saliency`, drawn
            below the image, scaled to its maximum.
        title: the figure's title (``None``: none).

    Returns:
        The image panel, and the saliency panel below it when ``saliency`` is given.
    """
    h = _image(image).shape[0]
    rows = 2 if saliency is not None else 1
    fig = new_figure(figsize=(9.0, 3.0 + 1.6 * (rows - 1)), layout="constrained")
    axes = fig.subplots(rows, 1, sharex=True, height_ratios=[1.0, 0.6][:rows], squeeze=False)[:, 0]
    ax = axes[0]
    _show_line(ax, image, aspect="auto")
    _draw_slices(ax, columns, h)
    half = columns.stride / 2
    for t, c in enumerate(columns.centers.tolist()):
        if t % 5 == 0 or t == len(columns.centers) - 1:
            ax.text(c, -1.5, str(t), ha="center", va="bottom", fontsize=8, color="tab:orange")
    if highlight is not None:
        c = float(columns.centers[highlight])
        for a in axes:
            a.axvspan(c - columns.size / 2, c + columns.size / 2, color="tab:blue", alpha=0.15)
        ax.add_patch(_rectangle((c - half, 0), columns.stride, h, "tab:red"))
    ax.set_ylabel("row")
    ax.set_yticks([0, h])
    ax.set_xlim(float(columns.centers[0]) - half, float(columns.centers[-1]) + half)
    if saliency is not None:
        values = as_floats(saliency)
        peak = max(max(values), 1e-12)
        axes[1].plot([x + 0.5 for x in range(len(values))], [v / peak for v in values], lw=1.6)
        axes[1].set_ylabel("gradient\n(relative)")
        axes[1].set_ylim(0, 1.08)
        axes[1].grid(True, alpha=0.3)
        label = f"step {highlight}: " if highlight is not None else ""
        axes[1].set_title(
            f"{label}|d features / d column|  (blue band: its theoretical field, "
            f"{columns.size:g} px)",
            loc="left",
            fontsize=9,
        )
    axes[-1].set_xlabel(
        f"image column (pixels); one output step every {columns.stride:g} px, numbered above"
    )
    if title:
        fig.suptitle(title)
    return fig


def _rectangle(xy: tuple[float, float], width: float, height: float, color: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(xy, width, height, fill=False, edgecolor=color, lw=1.6)


def _probabilities(probs: Tensor, class_names: Sequence[str]) -> Any:
    values = probs.detach().cpu().float()
    if values.dim() != 2:
        raise ValueError(f"expected probabilities (T, C), got {tuple(values.shape)}")
    if len(class_names) != values.shape[1]:
        raise ValueError(f"{values.shape[1]} classes but {len(class_names)} class names")
    return values.numpy()


def _ctc_heatmap(
    fig: Figure,
    ax: Any,
    probs: Any,
    class_names: Sequence[str],
    x0: float,
    step: float,
    annotate: bool,
    cax: Any = None,
) -> None:
    """Classes (rows) x steps (columns), probabilities 0..1, the best path outlined."""
    steps, classes = probs.shape
    extent = (x0 - step / 2, x0 + step * (steps - 0.5), classes - 0.5, -0.5)
    im = ax.imshow(
        probs.T, aspect="auto", cmap="viridis", vmin=0.0, vmax=1.0, extent=extent,
        interpolation="nearest",
    )  # fmt: skip
    best = probs.argmax(-1)
    xs = [x0 + step * t for t in range(steps)]
    if not annotate:
        ax.plot(xs, best, color="tab:red", lw=1.0, alpha=0.8)
    for x, k in zip(xs, best):
        ax.add_patch(_rectangle((x - step / 2, k - 0.5), step, 1.0, "tab:red"))
    if annotate:
        for t in range(steps):
            for k in range(classes):
                p = float(probs[t, k])
                ax.text(
                    xs[t], k, f"{p:.2f}", ha="center", va="center", fontsize=9,
                    color="black" if p > 0.6 else "white",
                )  # fmt: skip
    ax.set_yticks(range(classes), list(class_names))
    ax.set_ylabel("class")
    if cax is not None:
        fig.colorbar(im, cax=cax, label="probability")
    else:
        fig.colorbar(im, ax=ax, pad=0.01, aspect=12, label="probability")


def plot_ctc_probabilities(
    probs: Tensor,
    class_names: Sequence[str],
    *,
    annotate: bool = True,
    title: str | None = None,
) -> Figure:
    """Per-step class probabilities as a heat map (classes x steps), with the best path (the
    most likely class of every step) outlined in red.

    Args:
        probs: ``(T, C)``, e.g. the softmax of a CTC model's output for one sample.
        class_names: ``C`` names; ``class_names[0]`` names the blank (e.g. :data:`BLANK_LABEL`).
        annotate: write every probability in its cell.
        title: the axes' title (``None``: none).

    Returns:
        One ``(C, T)`` heat map with its colour bar.

    Raises:
        ValueError: ``probs`` is not ``(T, C)`` with one name per class.
    """
    values = _probabilities(probs, class_names)
    steps, classes = values.shape
    fig = new_figure(figsize=(1.2 + 0.9 * steps, 1.2 + 0.45 * classes), layout="constrained")
    ax = fig.subplots()
    _ctc_heatmap(fig, ax, values, class_names, 0.0, 1.0, annotate)
    ax.set_xticks(range(steps))
    ax.set_xlabel("step t")
    if title:
        ax.set_title(title)
    return fig


def plot_ctc_alignment(
    image: Tensor,
    probs: Tensor,
    class_names: Sequence[str],
    columns: ReceptiveColumns,
    *,
    title: str | None = None,
) -> Figure:
    """What a CRNN emits at each slice of an image: the CTC alignment.

    Top: the image cut into the slices of its output steps, with the best path's class written
    above each slice (:data:`BLANK_LABEL` for the blank). Bottom: the per-step class
    probabilities, each column under its slice, the best path outlined.

    Args:
        image: ``(1, H, W)`` or ``(H, W)`` in ``[-1, 1]``.
        probs: ``(T, C)``, the softmax of the model's output for ``image``.
        class_names: ``C`` names; ``class_names[0]`` names the blank.
        columns: the ``T`` output steps' places in the image, from
            :func:`lstmzoo.explain.receptive_columns`.
        title: the figure's title (``None``: none).

    Returns:
        The image over the ``(C, T)`` heat map, equally wide, and a colour bar.

    Raises:
        ValueError: ``probs`` is not ``(T, C)`` with one name per class, or ``columns`` has not
            ``T`` steps.
    """
    values = _probabilities(probs, class_names)
    img = _image(image)
    h, _ = img.shape
    steps, classes = values.shape
    if len(columns.centers) != steps:
        raise ValueError(f"{steps} steps of probabilities but {len(columns.centers)} columns")
    x0, step = float(columns.centers[0]), columns.stride
    fig = new_figure(figsize=(9.0, 3.4 + 0.24 * classes), layout="constrained")
    # the colorbar gets its own grid column, so that image and heat map are equally wide
    grid = fig.add_gridspec(
        2, 2, width_ratios=[1.0, 0.018], height_ratios=[2.2, 0.22 * classes + 0.2]
    )
    top = fig.add_subplot(grid[0, 0])
    bottom = fig.add_subplot(grid[1, 0])
    _show_line(top, image, aspect="auto")
    _draw_slices(top, columns, h, alpha=0.6)
    for t, k in enumerate(values.argmax(-1)):
        blank = int(k) == 0
        top.text(
            x0 + step * t, -1.0, class_names[int(k)], ha="center", va="bottom",
            fontsize=9 if blank else 11, color="0.55" if blank else "tab:red",
            fontweight="normal" if blank else "bold",
        )  # fmt: skip
    top.set_yticks([])
    top.set_ylabel("image")
    top.set_xlabel("image column (pixels)")
    _ctc_heatmap(fig, bottom, values, class_names, x0, step, False, fig.add_subplot(grid[1, 1]))
    ticks = list(range(0, steps, 5))
    bottom.set_xticks([x0 + step * t for t in ticks], [str(t) for t in ticks])
    bottom.set_xlabel("output step t (each column sits under its slice of the image)")
    lim = (x0 - step / 2, x0 + step * (steps - 0.5))
    top.set_xlim(*lim)
    bottom.set_xlim(*lim)
    if title:
        fig.suptitle(title)
    return fig


def plot_readings(
    images: Sequence[Tensor],
    texts: Sequence[str],
    labels: Sequence[str | None] | None = None,
    *,
    confidences: Sequence[float] | None = None,
    columns: int = 4,
    title: str | None = None,
) -> Figure:
    """A grid of text-line images titled with what the model read.

    Args:
        images: ``(1, H, W)`` tensors in ``[-1, 1]`` (widths may differ).
        texts: the readings, one per image.
        labels: the true texts (``None`` entries for unknown ones): titles turn green when the
            reading matches, red when it does not, and show the label after a miss.
        confidences: appended to the titles.
        columns: images per row, at most.
        title: the figure's title (``None``: none).

    Returns:
        ``ceil(len(images) / columns)`` rows of image panels, axes hidden.

    Raises:
        ValueError: no images, or not one text per image.
    """
    n = len(images)
    if n == 0 or len(texts) != n:
        raise ValueError(f"need as many texts as images, got {len(texts)} for {n}")
    cols = max(1, min(columns, n))
    rows = -(-n // cols)
    fig = new_figure(figsize=(2.3 * cols, 1.05 * rows + 0.5), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).flatten()
    for k, ax in enumerate(axes):
        ax.set_axis_off()
        if k >= n:
            continue
        _show_line(ax, images[k])
        label = labels[k] if labels is not None else None
        shown = f"'{texts[k]}'"
        if confidences is not None:
            shown += f" {confidences[k]:.2f}"
        color = "black"
        if label is not None:
            color = "tab:green" if texts[k] == label else "tab:red"
            if texts[k] != label:
                shown += f" (is '{label}')"
        ax.set_title(shown, fontsize=9, color=color)
    if title:
        fig.suptitle(title)
    return fig
