"""The explainer figures: pure plotting functions and the ``python -m lstmzoo.viz`` command."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from matplotlib.figure import Figure
from PIL import Image

from lstmzoo import viz
from lstmzoo.explain import ReceptiveColumns
from lstmzoo.nn import LSTMGates
from tests.conftest import REPO

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_README_PNG_BYTES = 150_000


@pytest.fixture(autouse=True)
def one_thread():
    """These models are tiny: one thread is fastest, and steady on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def quick(monkeypatch):
    """Figure builders with a few training steps instead of hundreds (same code path)."""
    monkeypatch.setitem(viz.ADDING, "steps", 20)
    monkeypatch.setitem(viz.OCR, "steps", 10)
    for key in ("wave_steps", "copy_steps", "adding_steps"):
        monkeypatch.setitem(viz.TOPOLOGIES, key, 5)
    monkeypatch.setitem(viz.BILSTM, "epochs", 1)


def _gates(batch: int = 2, steps: int = 12, hidden: int = 5) -> LSTMGates:
    g = torch.Generator().manual_seed(0)
    sig = [torch.rand(batch, steps, hidden, generator=g) for _ in range(3)]
    tanh = [torch.rand(batch, steps, hidden, generator=g) * 2 - 1 for _ in range(2)]
    c = torch.randn(batch, steps, hidden, generator=g) * 3
    return LSTMGates(i=sig[0], f=sig[1], g=tanh[0], o=sig[2], c=c, h=tanh[1])


def _save(fig: Figure, path) -> bytes:
    fig.savefig(path, dpi=50)
    return path.read_bytes()


def test_importing_viz_does_not_import_matplotlib():
    code = "import sys, lstmzoo.viz; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0


def test_gradient_norms_figure_is_log_scale_with_one_panel_per_entry(tmp_path):
    panels = {
        "at initialisation": {
            "rnn": torch.logspace(-12, -3, 30),
            "lstm": torch.logspace(-9, -3, 30),
        },
        "after training": {"rnn": [1e-6] * 30, "lstm": [1e-4] * 30},
    }
    fig = viz.plot_gradient_norms(panels)
    axes = fig.get_axes()
    assert [ax.get_title() for ax in axes] == list(panels)
    assert all(ax.get_yscale() == "log" for ax in axes)
    assert axes[0].get_xlabel() and axes[0].get_ylabel()
    assert [line.get_label() for line in axes[0].get_lines()] == ["rnn", "lstm"]
    assert axes[0].get_lines()[0].get_color() != axes[0].get_lines()[1].get_color()
    assert _save(fig, tmp_path / "g.png").startswith(PNG_MAGIC)


def test_gate_heatmaps_have_a_panel_per_gate_and_state(tmp_path):
    gates = _gates()
    x = torch.rand(2, 12, 2)
    fig = viz.plot_gate_heatmaps(gates, x, sample=1, input_names=["a", "b"], highlight_steps=[3])
    titles = [ax.get_title(loc="left") for ax in fig.get_axes()]
    for name in ("input", "input gate i", "forget gate f", "candidate g", "output gate o"):
        assert name in titles
    assert "cell state c" in titles and "hidden state h" in titles
    images = [ax.get_images()[0] for ax in fig.get_axes() if ax.get_images()]
    assert len(images) == 7  # the input and six heat maps
    # each heat map is (hidden, steps) of the chosen sample
    forget = images[2].get_array()
    assert forget.shape == (5, 12)
    assert torch.allclose(torch.as_tensor(forget.data), gates.f[1].T.float())
    assert images[2].get_clim() == (0.0, 1.0)
    assert _save(fig, tmp_path / "gates.png").startswith(PNG_MAGIC)


def test_gate_heatmaps_without_input():
    fig = viz.plot_gate_heatmaps(_gates(), title=None)
    assert sum(bool(ax.get_images()) for ax in fig.get_axes()) == 6


def test_training_curves_smooth_and_baseline():
    fig = viz.plot_training_curves({"rnn": [1.0, 0.5, 0.2, 0.1]}, baseline=0.3, smooth=2)
    ax = fig.get_axes()[0]
    raw, smooth, base = ax.get_lines()
    assert list(raw.get_ydata()) == [1.0, 0.5, 0.2, 0.1]
    assert list(smooth.get_ydata()) == pytest.approx([1.0, 0.75, 0.35, 0.15])
    assert list(base.get_ydata()) == [0.3, 0.3]
    assert ax.get_xlabel() == "training step"


def test_waveforms_and_state_traces():
    pred, target = torch.zeros(4, 8, 1), torch.ones(4, 8, 1)
    fig = viz.plot_waveforms({"a": (pred, target), "b": (pred, target)}, samples=2)
    assert [len(ax.get_lines()) for ax in fig.get_axes()] == [4, 4]
    fig = viz.plot_state_traces(torch.arange(20.0).reshape(2, 10), highlight_steps=[[1, 4], []])
    lines = fig.get_axes()[0].get_lines()
    assert len(lines) == 3  # two traces, one set of markers
    assert list(lines[1].get_xdata()) == [1, 4]


def test_topologies_draws_four_structures():
    wave = (torch.zeros(3, 8, 1), torch.ones(3, 8, 1))
    copy = (torch.tensor([0, 1, 2, 3]), torch.tensor([4, 4, 0, 1]), torch.tensor([4, 4, 0, 2]))
    adding = (torch.rand(16, 1), torch.rand(16, 1))
    fig = viz.plot_topologies({"a": wave, "b": wave}, copy, adding, symbols="abcd_", title="t")
    axes = fig.get_axes()
    assert [ax.get_title() for ax in axes] == [
        "1 → N: a",
        "1 → N: b",
        "N → N: one output per step",
        "N → 1: one number per sequence",
    ]
    assert [t.get_text() for t in axes[2].get_yticklabels()] == list("abcd_")
    assert list(axes[2].collections[1].get_offsets()[:, 1]) == [4, 4, 0, 2]  # predictions
    assert len(axes[3].collections[0].get_offsets()) == 16


def test_bidirectional_states_frames_what_the_classifier_reads():
    fwd, bwd = torch.rand(4, 3) * 2 - 1, torch.rand(4, 3) * 2 - 1
    fig = viz.plot_bidirectional_states(["a", "b", "c", "d"], fwd, bwd)
    left, right = fig.get_axes()[:2]
    assert left.patches[0].get_x() == pytest.approx(2.5)  # forward: after the last word
    assert right.patches[0].get_x() == pytest.approx(-0.5)  # backward: after the first word
    assert [t.get_text() for t in left.get_xticklabels()] == ["a", "b", "c", "d"]
    with pytest.raises(ValueError, match="T=3"):
        viz.plot_bidirectional_states(["a", "b", "c"], fwd, bwd)


def _columns(steps: int = 26, stride: float = 4.0) -> ReceptiveColumns:
    return ReceptiveColumns(torch.arange(steps) * stride, stride, 54.0)


def _line(width: int = 100) -> torch.Tensor:
    return torch.linspace(-1, 1, 32 * width).reshape(1, 32, width)


def test_receptive_columns_figure_draws_slices_field_and_saliency(tmp_path):
    saliency = torch.zeros(100)
    saliency[13:67] = 1.0
    fig = viz.plot_receptive_columns(_line(), _columns(), highlight=10, saliency=saliency)
    image_ax, grad_ax = fig.get_axes()
    assert image_ax.get_images()[0].get_array().shape == (32, 100)
    slices = image_ax.collections[0]  # the vertical slice boundaries
    assert len(slices.get_segments()) == 27  # 26 slices: 27 edges
    assert image_ax.get_xlim() == (-2.0, 102.0)
    assert [t.get_text() for t in image_ax.texts] == ["0", "5", "10", "15", "20", "25"]
    (band,) = [p for p in image_ax.patches if p.get_width() == 54.0]  # the field around step 10
    assert band.get_x() == 40.0 - 27.0
    assert max(grad_ax.get_lines()[0].get_ydata()) == 1.0  # scaled to its maximum
    assert grad_ax.get_ylabel() and grad_ax.get_xlabel()
    assert _save(fig, tmp_path / "columns.png").startswith(PNG_MAGIC)


def test_ctc_alignment_puts_each_step_under_its_slice_and_marks_the_best_path(tmp_path):
    probs = torch.full((26, 4), 0.1)
    probs[:, 0] = 0.7  # blank everywhere ...
    probs[5] = torch.tensor([0.1, 0.1, 0.7, 0.1])  # ... except class 2 at step 5
    fig = viz.plot_ctc_alignment(_line(), probs, ["-", "a", "b", "c"], _columns(), title="t")
    top, heat, cbar = fig.get_axes()
    assert top.get_xlim() == heat.get_xlim() == (-2.0, 102.0)
    data = heat.get_images()[0].get_array()
    assert data.shape == (4, 26)  # classes x steps
    assert torch.allclose(torch.as_tensor(data.data), probs.T)
    assert heat.get_images()[0].get_extent() == [-2.0, 102.0, 3.5, -0.5]
    assert [t.get_text() for t in heat.get_yticklabels()] == ["-", "a", "b", "c"]
    assert [t.get_text() for t in top.texts] == ["-"] * 5 + ["b"] + ["-"] * 20
    assert top.texts[5].get_position() == (20.0, -1.0)  # above slice 5, centred at 20 px
    boxes = [p for p in heat.patches]
    assert len(boxes) == 26 and (boxes[5].get_x(), boxes[5].get_y()) == (18.0, 1.5)
    assert cbar.get_ylabel() == "probability"
    assert _save(fig, tmp_path / "alignment.png").startswith(PNG_MAGIC)


def test_ctc_alignment_refuses_mismatched_inputs():
    with pytest.raises(ValueError, match="columns"):
        viz.plot_ctc_alignment(_line(), torch.rand(25, 3), ["-", "a", "b"], _columns())
    with pytest.raises(ValueError, match="class names"):
        viz.plot_ctc_alignment(_line(), torch.rand(26, 3), ["-", "a"], _columns())
    with pytest.raises(ValueError, match=r"\(T, C\)"):
        viz.plot_ctc_probabilities(torch.rand(2, 3, 4), ["-", "a", "b", "c"])


def test_ctc_probabilities_annotates_every_cell():
    probs = torch.tensor([[0.45, 0.40, 0.15], [0.2, 0.1, 0.7]])
    fig = viz.plot_ctc_probabilities(probs, ["-", "n", "o"], title="toy")
    ax = fig.get_axes()[0]
    assert [t.get_text() for t in ax.texts] == ["0.45", "0.40", "0.15", "0.20", "0.10", "0.70"]
    assert len(ax.patches) == 2  # one best-path box per step
    assert ax.get_xlabel() == "step t" and ax.get_ylabel() == "class"
    assert ax.get_title() == "toy"


def test_readings_colour_hits_and_misses():
    images = [_line(), _line(60), _line()]
    fig = viz.plot_readings(
        images, ["dollar", "dolar", "x"], ["dollar", "dollar", None], confidences=[0.9, 0.5, 0.1]
    )
    titles = [ax.get_title() for ax in fig.get_axes() if ax.get_images()]
    assert titles == ["'dollar' 0.90", "'dolar' 0.50 (is 'dollar')", "'x' 0.10"]
    colors = [ax.title.get_color() for ax in fig.get_axes() if ax.get_images()]
    assert colors == ["tab:green", "tab:red", "black"]
    assert len(fig.get_axes()) == 3
    with pytest.raises(ValueError):
        viz.plot_readings(images, ["a"])


@pytest.mark.parametrize("name", sorted(viz.FIGURES))
def test_cli_renders_each_figure(name, tmp_path, quick, capsys):
    torch.set_num_threads(2)
    out = tmp_path / "sub" / f"{name}.png"
    assert viz.main([name, "--output", str(out), "--dpi", "40"]) == 0
    assert torch.get_num_threads() == 2  # restored after rendering on one thread
    data = out.read_bytes()
    assert data.startswith(PNG_MAGIC)
    with Image.open(out) as img:
        assert img.width > 100 and img.height > 100
    assert str(out) in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(viz.FIGURES))
def test_readme_png_of_each_figure_is_committed_and_small(name):
    path = REPO / "docs" / "images" / f"{name}.png"
    assert path.is_file(), f"render it: python -m lstmzoo.viz {name} --output {path}"
    assert path.read_bytes().startswith(PNG_MAGIC)
    assert path.stat().st_size < MAX_README_PNG_BYTES


def test_cli_lists_figures_and_refuses_unknown(capsys):
    assert viz.main(["--list"]) == 0
    listed = capsys.readouterr().out
    for name in viz.FIGURES:
        assert name in listed
    with pytest.raises(SystemExit) as err:
        viz.main(["no_such_figure"])
    assert err.value.code == 2
    with pytest.raises(SystemExit):
        viz.main([])
