"""The four input/output structures side by side, and generated waveforms."""

from __future__ import annotations

import torch

from lstmzoo.viz.topologies import plot_topologies, plot_waveforms


def test_topologies_draws_four_structures():
    wave = (torch.zeros(3, 8, 1), torch.ones(3, 8, 1))
    copy = (torch.tensor([0, 1, 2, 3]), torch.tensor([4, 4, 0, 1]), torch.tensor([4, 4, 0, 2]))
    adding = (torch.rand(16, 1), torch.rand(16, 1))
    fig = plot_topologies({"a": wave, "b": wave}, copy, adding, symbols="abcd_", title="t")
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


def test_waveforms_one_panel_per_model():
    pred, target = torch.zeros(4, 8, 1), torch.ones(4, 8, 1)
    fig = plot_waveforms({"a": (pred, target), "b": (pred, target)}, samples=2)
    assert [len(ax.get_lines()) for ax in fig.get_axes()] == [4, 4]
