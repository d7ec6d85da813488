"""Training curves: raw and smoothed loss per model, a baseline."""

from __future__ import annotations

import pytest

from lstmzoo.viz.training import plot_training_curves


def test_training_curves_smooth_and_baseline():
    fig = plot_training_curves({"rnn": [1.0, 0.5, 0.2, 0.1]}, baseline=0.3, smooth=2)
    ax = fig.get_axes()[0]
    raw, smooth, base = ax.get_lines()
    assert list(raw.get_ydata()) == [1.0, 0.5, 0.2, 0.1]
    assert list(smooth.get_ydata()) == pytest.approx([1.0, 0.75, 0.35, 0.15])
    assert list(base.get_ydata()) == [0.3, 0.3]
    assert ax.get_xlabel() == "training step"
