"""Gate heat maps of one LSTM sequence, and single state traces."""

from __future__ import annotations

import torch

from lstmzoo.viz.gates import plot_gate_heatmaps, plot_state_traces
from tests.viz.helpers import PNG_MAGIC, save_png, toy_gates


def test_gate_heatmaps_have_a_panel_per_gate_and_state(tmp_path):
    gates = toy_gates()
    x = torch.rand(2, 12, 2)
    fig = plot_gate_heatmaps(gates, x, sample=1, input_names=["a", "b"], highlight_steps=[3])
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
    assert save_png(fig, tmp_path / "gates.png").startswith(PNG_MAGIC)


def test_gate_heatmaps_without_input():
    fig = plot_gate_heatmaps(toy_gates(), title=None)
    assert sum(bool(ax.get_images()) for ax in fig.get_axes()) == 6


def test_state_traces_mark_the_highlighted_steps():
    fig = plot_state_traces(torch.arange(20.0).reshape(2, 10), highlight_steps=[[1, 4], []])
    lines = fig.get_axes()[0].get_lines()
    assert len(lines) == 3  # two traces, one set of markers
    assert list(lines[1].get_xdata()) == [1, 4]
