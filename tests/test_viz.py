"""The explainer figures: pure plotting functions and the ``python -m lstmzoo.viz`` command."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from matplotlib.figure import Figure
from PIL import Image

from lstmzoo import viz
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
