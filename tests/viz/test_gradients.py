"""Input-gradient norms over time, one panel per entry, log scale."""

from __future__ import annotations

import torch

from lstmzoo.viz.gradients import plot_gradient_norms
from tests.viz.helpers import PNG_MAGIC, save_png


def test_gradient_norms_figure_is_log_scale_with_one_panel_per_entry(tmp_path):
    panels = {
        "at initialisation": {
            "rnn": torch.logspace(-12, -3, 30),
            "lstm": torch.logspace(-9, -3, 30),
        },
        "after training": {"rnn": [1e-6] * 30, "lstm": [1e-4] * 30},
    }
    fig = plot_gradient_norms(panels)
    axes = fig.get_axes()
    assert [ax.get_title() for ax in axes] == list(panels)
    assert all(ax.get_yscale() == "log" for ax in axes)
    assert axes[0].get_xlabel() and axes[0].get_ylabel()
    assert [line.get_label() for line in axes[0].get_lines()] == ["rnn", "lstm"]
    assert axes[0].get_lines()[0].get_color() != axes[0].get_lines()[1].get_color()
    assert save_png(fig, tmp_path / "g.png").startswith(PNG_MAGIC)
