"""A BiLSTM's forward and backward states over a sentence."""

from __future__ import annotations

import pytest
import torch

from lstmzoo.viz.bidirectional import plot_bidirectional_states


def test_bidirectional_states_frames_what_the_classifier_reads():
    fwd, bwd = torch.rand(4, 3) * 2 - 1, torch.rand(4, 3) * 2 - 1
    fig = plot_bidirectional_states(["a", "b", "c", "d"], fwd, bwd)
    left, right = fig.get_axes()[:2]
    assert left.patches[0].get_x() == pytest.approx(2.5)  # forward: after the last word
    assert right.patches[0].get_x() == pytest.approx(-0.5)  # backward: after the first word
    assert [t.get_text() for t in left.get_xticklabels()] == ["a", "b", "c", "d"]
    with pytest.raises(ValueError, match="T=3"):
        plot_bidirectional_states(["a", "b", "c"], fwd, bwd)
