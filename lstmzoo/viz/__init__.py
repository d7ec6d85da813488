"""The explainer's figures: pure plotting functions, and a command that writes them as PNGs.

Plotting functions take plain numbers (tensors, lists) and return a matplotlib ``Figure``; they
never train or show anything, so notebooks, scripts and tests call the same code. matplotlib is
imported inside the functions: ``import lstmzoo.viz`` works without it.

The figures of the README are rebuilt from scratch (data, a short seeded training, the plot) by::

    python -m lstmzoo.viz gates --output docs/images/gates.png
    python -m lstmzoo.viz gradients --output docs/images/gradients.png
    python -m lstmzoo.viz ctc-alignment --output docs/images/ctc-alignment.png
    python -m lstmzoo.viz topologies --output docs/images/topologies.png
    python -m lstmzoo.viz bidirectional --output docs/images/bidirectional.png
    python -m lstmzoo.viz --list

Adding a figure takes a builder ``def my_figure(seed: int) -> Figure`` and one entry in
:data:`FIGURES`.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from lstmzoo.explain import ReceptiveColumns
    from lstmzoo.nn.cells import LSTMGates

__all__ = [
    "BILSTM",
    "BLANK_LABEL",
    "FIGURES",
    "OCR",
    "TOPOLOGIES",
    "bidirectional_figure",
    "ctc_alignment_figure",
    "gates_figure",
    "gradients_figure",
    "main",
    "plot_bidirectional_states",
    "plot_ctc_alignment",
    "plot_ctc_probabilities",
    "plot_gate_heatmaps",
    "plot_gradient_norms",
    "plot_readings",
    "plot_receptive_columns",
    "plot_state_traces",
    "plot_topologies",
    "plot_training_curves",
    "plot_waveforms",
    "topologies_figure",
]

log = logging.getLogger(__name__)

#: One colour per model name, so a model looks the same in every figure.
MODEL_COLORS = {"rnn": "tab:red", "lstm": "tab:blue", "gru": "tab:green"}


def _figure(**kwargs: Any) -> Figure:
    # a Figure without pyplot: no global state, no GUI backend, garbage-collected like any object
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _color(name: str, index: int) -> str:
    return MODEL_COLORS.get(name.split()[0].lower(), f"C{index}")


def _values(seq: Sequence[float] | Tensor) -> list[float]:
    if isinstance(seq, Tensor):
        return [float(v) for v in seq.detach().flatten().cpu()]
    return [float(v) for v in seq]


def _moving_average(values: list[float], window: int) -> list[float]:
    out, total = [], 0.0
    for k, v in enumerate(values):
        total += v
        if k >= window:
            total -= values[k - window]
        out.append(total / min(k + 1, window))
    return out


def plot_gradient_norms(
    panels: Mapping[str, Mapping[str, Sequence[float] | Tensor]],
    *,
    title: str | None = "How much each input step moves the loss",
) -> Figure:
    """Input-gradient norms over time, log scale: the vanishing-gradient picture.

    ``panels = {"at initialisation": {"rnn": norms, "lstm": norms}, "after training": {...}}``
    where each ``norms`` is ``(T,)`` (see :func:`lstmzoo.explain.input_gradient_norms`). One panel
    per entry, side by side, sharing the y axis.
    """
    fig = _figure(figsize=(4.2 * len(panels) + 0.6, 3.8), layout="constrained")
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    for ax, (panel_title, curves) in zip(axes, panels.items()):
        for k, (name, norms) in enumerate(curves.items()):
            values = _values(norms)
            ax.semilogy(range(len(values)), values, color=_color(name, k), label=name, lw=1.8)
        ax.set_title(panel_title)
        ax.set_xlabel("input step t (the loss reads the last step)")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend()
    axes[0].set_ylabel(r"$\|\partial\,\mathrm{loss} / \partial x_t\|$")
    if title:
        fig.suptitle(title)
    return fig


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

    ``histories = {"rnn": [loss, ...], "lstm": [...]}``; ``baseline`` draws a horizontal reference
    (e.g. the loss of always predicting the mean).
    """
    fig = _figure(figsize=(6.4, 3.8), layout="constrained")
    ax = fig.subplots()
    for k, (name, losses) in enumerate(histories.items()):
        values = _values(losses)
        color = _color(name, k)
        ax.plot(values, color=color, alpha=0.25, lw=0.8)
        ax.plot(_moving_average(values, max(1, smooth)), color=color, lw=2.0, label=name)
    if baseline is not None:
        ax.axhline(baseline, color="0.3", ls="--", lw=1.2, label=baseline_label)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig


_GATE_PANELS = (
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

    ``gates``: :class:`~lstmzoo.nn.LSTMGates` of ``(B, T, H)`` tensors (e.g. from
    :func:`lstmzoo.explain.lstm_gate_trace`); ``x: (B, T, D)`` adds the input as the top panel;
    ``sample`` picks the sequence; ``highlight_steps`` draws dotted vertical lines (e.g. at the
    marked steps of the adding problem). Gates use a 0..1 scale, ``g`` and ``h`` -1..1, ``c`` a
    symmetric scale around 0.
    """
    rows = list(_GATE_PANELS)
    heights = [1.0] * len(rows)
    if x is not None:
        heights.insert(0, max(0.35, 0.12 * x.shape[-1]))
    steps, hidden = gates.i.shape[1], gates.i.shape[2]
    fig = _figure(figsize=(9.0, 1.0 + 1.45 * sum(heights)), layout="constrained")
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

    ``traces: (N, T)``; ``highlight_steps[k]`` lists steps of sequence ``k`` to mark with a dot
    (e.g. the marked steps of the adding problem).
    """
    fig = _figure(figsize=(6.4, 3.6), layout="constrained")
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


def plot_waveforms(
    panels: Mapping[str, tuple[Tensor, Tensor]],
    *,
    samples: int = 3,
    title: str | None = None,
) -> Figure:
    """Generated sequences against their targets, one panel per model.

    ``panels = {"first_step": (prediction, target), ...}`` with ``(B, N, 1)`` or ``(B, N)``
    tensors; the first ``samples`` sequences are drawn, target solid, prediction dashed.
    """
    fig = _figure(figsize=(4.4 * len(panels) + 0.4, 3.6), layout="constrained")
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

    * ``one_to_many = {panel title: (prediction, target)}``: generated sequences ``(B, N)`` or
      ``(B, N, 1)``, one panel per entry (the two 1 -> N modes); the first sequence is drawn;
    * ``many_to_many = (inputs, targets, predictions)``: class ids ``(T,)`` of one sequence
      (``symbols[k]`` names class ``k`` on the axis);
    * ``many_to_one = (targets, predictions)``: one number per sequence ``(B,)`` or ``(B, 1)``,
      drawn as a scatter against the diagonal.
    """
    panels = len(one_to_many) + 2
    fig = _figure(figsize=(3.5 * panels, 3.5), layout="constrained")
    axes = fig.subplots(1, panels)
    for ax, (name, (pred, target)) in zip(axes, one_to_many.items()):
        p = _values(pred.reshape(pred.shape[0], -1)[0])
        y = _values(target.reshape(target.shape[0], -1)[0])
        ax.plot(y, color="0.3", lw=1.8, label="target")
        ax.plot(p, color="tab:blue", lw=1.8, ls="--", label="generated")
        ax.set(title=f"1 → N: {name}", xlabel="output step", ylabel="value")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    ax = axes[len(one_to_many)]
    inputs, targets, preds = (_values(v.reshape(-1)) for v in many_to_many)
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
    target, pred = (_values(v.reshape(-1)) for v in many_to_one)
    ax.scatter(target, pred, s=10, alpha=0.6)
    lo, hi = min(target + pred), max(target + pred)
    ax.plot([lo, hi], [lo, hi], color="0.4", ls="--", lw=1, label="perfect")
    ax.set(title="N → 1: one number per sequence", xlabel="target", ylabel="predicted")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def plot_bidirectional_states(
    tokens: Sequence[str],
    forward: Tensor,
    backward: Tensor,
    *,
    title: str | None = None,
) -> Figure:
    """A BiLSTM's hidden states over one sentence: forward and backward pass side by side.

    ``forward``, ``backward``: ``(T, H)`` in word order
    (:func:`lstmzoo.explain.bidirectional_states`). One column per word, one row per hidden
    unit; the framed columns are what a many-to-one classifier reads: the forward state after
    the last word, the backward state after the first.
    """
    from matplotlib.patches import Rectangle

    if forward.shape != backward.shape or forward.dim() != 2 or forward.shape[0] != len(tokens):
        raise ValueError(
            f"expected two (T={len(tokens)}, H) tensors, got {tuple(forward.shape)} and "
            f"{tuple(backward.shape)}"
        )
    fig = _figure(figsize=(9.0, 3.4), layout="constrained")
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


# --- CRNN and CTC ------------------------------------------------------------------------------

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

    ``image: (1, H, W)`` in ``[-1, 1]``; ``columns`` from :func:`lstmzoo.explain.receptive_columns`.
    Step indices are written above every fifth slice. ``highlight`` shades one step's whole
    theoretical receptive field and outlines its slice; ``saliency: (W,)`` (that step's row of
    :func:`lstmzoo.explain.column_saliency`) is drawn below the image, scaled to its maximum.
    """
    h = _image(image).shape[0]
    rows = 2 if saliency is not None else 1
    fig = _figure(figsize=(9.0, 3.0 + 1.6 * (rows - 1)), layout="constrained")
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
        values = _values(saliency)
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
    """Per-step class probabilities ``(T, C)`` as a heat map (classes x steps), with the best
    path (the most likely class of every step) outlined in red; ``annotate`` writes every value.

    ``class_names[0]`` names the blank (e.g. :data:`BLANK_LABEL`).
    """
    values = _probabilities(probs, class_names)
    steps, classes = values.shape
    fig = _figure(figsize=(1.2 + 0.9 * steps, 1.2 + 0.45 * classes), layout="constrained")
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
    probabilities ``probs: (T, C)`` (softmax of the model's output), each column under its
    slice, the best path outlined. ``class_names[0]`` names the blank.
    """
    values = _probabilities(probs, class_names)
    img = _image(image)
    h, _ = img.shape
    steps, classes = values.shape
    if len(columns.centers) != steps:
        raise ValueError(f"{steps} steps of probabilities but {len(columns.centers)} columns")
    x0, step = float(columns.centers[0]), columns.stride
    fig = _figure(figsize=(9.0, 3.4 + 0.24 * classes), layout="constrained")
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

    ``images``: ``(1, H, W)`` tensors in ``[-1, 1]``; ``texts``: the readings; ``labels``: the
    true texts (titles turn green when the reading matches, red when it does not, and show the
    label after a miss); ``confidences`` are appended to the titles.
    """
    n = len(images)
    if n == 0 or len(texts) != n:
        raise ValueError(f"need as many texts as images, got {len(texts)} for {n}")
    cols = max(1, min(columns, n))
    rows = -(-n // cols)
    fig = _figure(figsize=(2.3 * cols, 1.05 * rows + 0.5), layout="constrained")
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


# --- figure builders: data + short seeded training + plot --------------------------------------

#: Settings shared by the figure builders and the notebooks (a short run of the adding problem).
ADDING = {"seq_len": 50, "hidden_size": 32, "lr": 0.02, "steps": 600, "batch_size": 64}


def _adding_data(seed: int) -> Any:
    from lstmzoo.data import AddingProblem

    data = AddingProblem(
        seq_len=ADDING["seq_len"],
        num_train=4096,
        num_val=256,
        num_test=256,
        batch_size=ADDING["batch_size"],
        seed=seed,
    )
    data.setup("fit")
    return data


def gradients_figure(seed: int = 0) -> Figure:
    """``rnn`` vs ``lstm`` input-gradient norms on the adding problem (T = 50), at
    initialisation and after a short training."""
    import lstmzoo
    from lstmzoo.explain import input_gradient_norms, train_steps

    data = _adding_data(seed)
    probe = next(iter(data.val_dataloader()))
    panels: dict[str, dict[str, Tensor]] = {"at initialisation": {}}
    trained = f"after {ADDING['steps']} training steps"
    panels[trained] = {}
    for cell in ("rnn", "lstm"):
        torch.manual_seed(seed)
        model = lstmzoo.create_model(
            cell, **data.model_kwargs(), hidden_size=ADDING["hidden_size"], lr=ADDING["lr"]
        )
        panels["at initialisation"][cell] = input_gradient_norms(model, probe)
        train_steps(model, data.train_dataloader(), ADDING["steps"])
        panels[trained][cell] = input_gradient_norms(model, probe)
    return plot_gradient_norms(
        panels, title=f"Adding problem, T = {ADDING['seq_len']}: how far back can the loss reach?"
    )


def gates_figure(seed: int = 0) -> Figure:
    """Every gate of an LSTM trained briefly on the adding problem, over one sequence."""
    import lstmzoo
    from lstmzoo.explain import lstm_gate_trace, train_steps

    data = _adding_data(seed)
    torch.manual_seed(seed)
    model = lstmzoo.create_model(
        "lstm", **data.model_kwargs(), hidden_size=ADDING["hidden_size"], lr=ADDING["lr"]
    )
    train_steps(model, data.train_dataloader(), ADDING["steps"])
    x = data.val_set[0]["x"].unsqueeze(0)  # (1, T, 2)
    gates = lstm_gate_trace(model.encoder.rnn, x)
    marks = [int(t) for t in x[0, :, 1].nonzero().flatten()]
    return plot_gate_heatmaps(
        gates,
        x,
        input_names=["value", "marker"],
        highlight_steps=marks,
        title="LSTM on the adding problem: gates and states of one sequence",
    )


#: Settings of the ``topologies`` figure, as in notebook 03: one small LSTM per structure, each
#: trained for a few hundred steps.
TOPOLOGIES: dict[str, Any] = {
    "hidden_size": 32,
    "lr": 0.01,
    "wave_steps": 300,
    "copy_steps": 200,
    "adding_steps": 300,
}


def topologies_figure(seed: int = 0) -> Figure:
    """The four input/output structures, one encoder + head each, trained briefly: 1 -> N (a
    waveform from one vector, input at the first step / at every step), N -> N (delayed copy)
    and N -> 1 (adding problem)."""
    from functools import partial

    import lstmzoo
    from lstmzoo.data import AddingProblem, DelayedCopy, Waveform
    from lstmzoo.explain import train_steps
    from lstmzoo.nn.heads import OneToMany

    size, lr = TOPOLOGIES["hidden_size"], TOPOLOGIES["lr"]

    def val_batch(data: Any) -> dict[str, Any]:
        return data.collate([data.val_set[k] for k in range(len(data.val_set))])

    def trained(data: Any, steps: int, **kwargs: Any) -> Any:
        torch.manual_seed(seed)
        model = lstmzoo.create_model(
            "lstm", **data.model_kwargs(), hidden_size=size, lr=lr, **kwargs
        )
        train_steps(model, data.train_dataloader(), steps)
        return model

    common = {"num_train": 2048, "num_val": 256, "num_test": 256, "batch_size": 64, "seed": seed}
    wave = Waveform(steps=32, **common)
    wave.setup("fit")
    wave_val = val_batch(wave)
    one_to_many = {}
    for mode, name in (("first_step", "input at step 0 only"), ("every_step", "input every step")):
        model = trained(
            wave, TOPOLOGIES["wave_steps"], head=partial(OneToMany, mode=mode, steps=wave.steps)
        )
        with torch.no_grad():
            one_to_many[name] = (model(wave_val["x"]), wave_val["y"])
    copy = DelayedCopy(num_symbols=4, delay=3, min_len=10, max_len=20, **common)
    copy.setup("fit")
    copy_val = val_batch(copy)
    model = trained(copy, TOPOLOGIES["copy_steps"], head="many_to_many")
    n = int(copy_val["lengths"][0])
    with torch.no_grad():
        tags = model(copy_val["x"][:1, :n]).argmax(-1)[0]
    many_to_many = (copy_val["x"][0, :n].argmax(-1), copy_val["y"][0, :n], tags)
    adding = AddingProblem(seq_len=20, **common)
    adding.setup("fit")
    adding_val = val_batch(adding)
    model = trained(adding, TOPOLOGIES["adding_steps"])
    with torch.no_grad():
        many_to_one = (adding_val["y"], model(adding_val["x"]))
    return plot_topologies(
        one_to_many,
        many_to_many,
        many_to_one,
        symbols="abcd_",
        title="One LSTM encoder, four heads: 1 → N (two ways), N → N, N → 1",
    )


#: Settings of the ``bidirectional`` figure, as in notebook 04: a tiny BiLSTM sentiment
#: classifier trained for a few seconds on :func:`lstmzoo.explain.template_sentences`.
BILSTM: dict[str, Any] = {
    "sentences": 240,
    "train": 180,
    "embedding_dim": 16,
    "hidden_size": 8,
    "lr": 0.02,
    "epochs": 30,
    "batch_size": 20,
    "sentence": "the film was surprisingly good fun",
}


def bidirectional_figure(seed: int = 0) -> Figure:
    """A tiny BiLSTM sentiment classifier reads one sentence: its forward and backward hidden
    states word by word, and the two it concatenates for the prediction."""
    import lstmzoo
    from lstmzoo.data.text import Tokenizer, Vocabulary
    from lstmzoo.explain import SENTIMENT_CLASSES, bidirectional_states, template_sentences

    sentence = BILSTM["sentence"]
    texts, labels = template_sentences(BILSTM["sentences"], seed, exclude={sentence})
    train_texts, train_labels = texts[: BILSTM["train"]], labels[: BILSTM["train"]]
    tokenizer = Tokenizer()
    vocab = Vocabulary.build(tokenizer(t) for t in train_texts)
    seqs = [torch.tensor(vocab.encode(tokenizer(t))) for t in train_texts]
    x = torch.nn.utils.rnn.pad_sequence(seqs, batch_first=True)
    lengths = torch.tensor([len(q) for q in seqs])
    y = torch.tensor(train_labels)
    torch.manual_seed(seed)
    model = lstmzoo.create_model(
        "bilstm_sentiment",
        vocab=vocab.tokens,
        classes=list(SENTIMENT_CLASSES),
        embedding_dim=BILSTM["embedding_dim"],
        hidden_size=BILSTM["hidden_size"],
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=BILSTM["lr"])
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(BILSTM["epochs"]):
        for rows in torch.randperm(len(y), generator=generator).split(BILSTM["batch_size"]):
            loss = torch.nn.functional.cross_entropy(model(x[rows], lengths[rows]), y[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    tokens = tokenizer(sentence)
    with torch.no_grad():
        emb = model.embedding(torch.tensor([vocab.encode(tokens)]))
    forward, backward = bidirectional_states(model.encoder.rnn, emb)
    record = model.predict_text(sentence)[0]
    p = record["probabilities"]["positive"]
    return plot_bidirectional_states(
        tokens,
        forward,
        backward,
        title=f"BiLSTM on '{sentence}': p(positive) = {p:.2f} from the framed states",
    )


#: Settings shared by the ``ctc-alignment`` figure and notebook 05: a small CRNN (eighth-width
#: backbone) trained for about a minute on clean renders of short words and random strings over
#: ten letters, in two fonts, keeping the text's aspect ratio.
OCR: dict[str, Any] = {
    "alphabet": "adeilnorst",
    "max_chars": 6,
    "random_fraction": 0.25,
    "width_mult": 0.125,
    "hidden_size": 64,
    "lr": 5e-3,
    "steps": 600,
    "batch_size": 16,
    "keep_ratio": True,
    "word": "dollar",
}


def ocr_fonts() -> list[str]:
    """The two training fonts of the small OCR example, from the pinned set that the ``ocr``
    extra installs (the same on every machine): DejaVu Sans and TeX Gyre Heros."""
    return ["DejaVu Sans", "TeX Gyre Heros"]


def _ocr_data(seed: int) -> Any:
    from lstmzoo.data import OCRDataModule

    data = OCRDataModule(
        alphabet=OCR["alphabet"],
        train_fonts=ocr_fonts(),
        max_chars=OCR["max_chars"],
        random_fraction=OCR["random_fraction"],
        number_fraction=0.0,
        augment=0.0,
        keep_ratio=OCR["keep_ratio"],
        num_train=OCR["steps"] * OCR["batch_size"],
        num_val=16,
        num_test=16,
        batch_size=OCR["batch_size"],
        seed=seed,
    )
    data.setup("fit")
    return data


def ctc_alignment_figure(seed: int = 0) -> Figure:
    """A small CRNN, trained briefly on rendered words, reads one word: the class probabilities
    of its 26 output steps under the image, best path outlined."""
    import random

    import lstmzoo
    from lstmzoo.data.ocr import TextLineRenderer, resolve_fonts, to_tensor
    from lstmzoo.explain import receptive_columns, train_steps
    from lstmzoo.nn.ctc import ctc_collapse

    data = _ocr_data(seed)
    torch.manual_seed(seed)
    model = lstmzoo.create_model(
        "crnn_ocr",
        **data.model_kwargs(),
        width_mult=OCR["width_mult"],
        hidden_size=OCR["hidden_size"],
        batch_norm="all",
        lr=OCR["lr"],
    )
    train_steps(model, data.train_dataloader(), OCR["steps"], clip=5.0, schedule="one_cycle")
    word = OCR["word"]
    fonts = resolve_fonts(ocr_fonts()[:1], chars=word)
    renderer = TextLineRenderer(fonts, keep_ratio=OCR["keep_ratio"], augment=0.0)
    image = to_tensor(renderer.render(word, random.Random(seed)))  # (1, 32, 100)
    with torch.no_grad():
        probs = model(image.unsqueeze(0)).logits.softmax(-1)[0]  # (26, K + 1)
    read = model.alphabet.decode(ctc_collapse(probs.argmax(-1).tolist()))
    names = [BLANK_LABEL, *model.alphabet.chars]
    columns = receptive_columns(model.net.backbone, image.shape[-1])
    return plot_ctc_alignment(
        image,
        probs,
        names,
        columns,
        title=f"CTC alignment of a small CRNN: '{word}' read as '{read}'",
    )


#: name -> builder(seed) -> Figure; ``python -m lstmzoo.viz NAME`` renders one of them. The tests
#: render every entry and expect its PNG at ``docs/images/NAME.png``; keep builders to seconds.
FIGURES: dict[str, Callable[[int], Figure]] = {
    "bidirectional": bidirectional_figure,
    "ctc-alignment": ctc_alignment_figure,
    "gates": gates_figure,
    "gradients": gradients_figure,
    "topologies": topologies_figure,
}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lstmzoo.viz FIGURE [--output PATH] [--dpi N] [--seed N]``."""
    parser = argparse.ArgumentParser(
        prog="python -m lstmzoo.viz", description="Render one of lstmzoo's explainer figures."
    )
    parser.add_argument("figure", nargs="?", choices=sorted(FIGURES), help="which figure")
    parser.add_argument("-o", "--output", type=Path, help="PNG path (default: FIGURE.png)")
    parser.add_argument("--dpi", type=int, default=100, help="resolution (default: 100)")
    parser.add_argument("--seed", type=int, default=0, help="data and model seed (default: 0)")
    parser.add_argument("--list", action="store_true", help="list the figures and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, builder in sorted(FIGURES.items()):
            doc = (builder.__doc__ or "").strip().split("\n\n")[0]
            print(f"{name:12s} {' '.join(doc.split())}")
        return 0
    if args.figure is None:
        parser.error("name a figure (or --list)")
    if args.dpi < 10:
        parser.error(f"--dpi must be >= 10, got {args.dpi}")
    output: Path = args.output or Path(f"{args.figure}.png")
    # the models are tiny: one thread avoids scheduling overhead and is the fastest choice
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        fig = FIGURES[args.figure](args.seed)
    finally:
        torch.set_num_threads(threads)
    output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output, dpi=args.dpi)
    print(f"wrote {output}")
    return 0
