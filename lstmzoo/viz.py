"""The explainer's figures: pure plotting functions, and a command that writes them as PNGs.

Plotting functions take plain numbers (tensors, lists) and return a matplotlib ``Figure``; they
never train or show anything, so notebooks, scripts and tests call the same code. matplotlib is
imported inside the functions: ``import lstmzoo.viz`` works without it.

The figures of the README are rebuilt from scratch (data, a short seeded training, the plot) by::

    python -m lstmzoo.viz gates --output docs/images/gates.png
    python -m lstmzoo.viz gradients --output docs/images/gradients.png
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

    from lstmzoo.nn.cells import LSTMGates

__all__ = [
    "FIGURES",
    "gates_figure",
    "gradients_figure",
    "main",
    "plot_gate_heatmaps",
    "plot_gradient_norms",
    "plot_state_traces",
    "plot_training_curves",
    "plot_waveforms",
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


#: name -> builder(seed) -> Figure; ``python -m lstmzoo.viz NAME`` renders one of them. The tests
#: render every entry and expect its PNG at ``docs/images/NAME.png``; keep builders to seconds.
FIGURES: dict[str, Callable[[int], Figure]] = {
    "gates": gates_figure,
    "gradients": gradients_figure,
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


if __name__ == "__main__":
    raise SystemExit(main())
