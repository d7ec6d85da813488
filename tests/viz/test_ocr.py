"""CRNN figures: output-step slices, CTC probabilities and alignment, readings."""

from __future__ import annotations

import pytest
import torch

from lstmzoo.viz.ocr import (
    plot_ctc_alignment,
    plot_ctc_probabilities,
    plot_readings,
    plot_receptive_columns,
)
from tests.viz.helpers import PNG_MAGIC, save_png, toy_columns, toy_line


def test_receptive_columns_figure_draws_slices_field_and_saliency(tmp_path):
    saliency = torch.zeros(100)
    saliency[13:67] = 1.0
    fig = plot_receptive_columns(toy_line(), toy_columns(), highlight=10, saliency=saliency)
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
    assert save_png(fig, tmp_path / "columns.png").startswith(PNG_MAGIC)


def test_ctc_alignment_puts_each_step_under_its_slice_and_marks_the_best_path(tmp_path):
    probs = torch.full((26, 4), 0.1)
    probs[:, 0] = 0.7  # blank everywhere ...
    probs[5] = torch.tensor([0.1, 0.1, 0.7, 0.1])  # ... except class 2 at step 5
    fig = plot_ctc_alignment(toy_line(), probs, ["-", "a", "b", "c"], toy_columns(), title="t")
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
    assert save_png(fig, tmp_path / "alignment.png").startswith(PNG_MAGIC)


def test_ctc_alignment_refuses_mismatched_inputs():
    with pytest.raises(ValueError, match="columns"):
        plot_ctc_alignment(toy_line(), torch.rand(25, 3), ["-", "a", "b"], toy_columns())
    with pytest.raises(ValueError, match="class names"):
        plot_ctc_alignment(toy_line(), torch.rand(26, 3), ["-", "a"], toy_columns())
    with pytest.raises(ValueError, match=r"\(T, C\)"):
        plot_ctc_probabilities(torch.rand(2, 3, 4), ["-", "a", "b", "c"])


def test_ctc_probabilities_annotates_every_cell():
    probs = torch.tensor([[0.45, 0.40, 0.15], [0.2, 0.1, 0.7]])
    fig = plot_ctc_probabilities(probs, ["-", "n", "o"], title="toy")
    ax = fig.get_axes()[0]
    assert [t.get_text() for t in ax.texts] == ["0.45", "0.40", "0.15", "0.20", "0.10", "0.70"]
    assert len(ax.patches) == 2  # one best-path box per step
    assert ax.get_xlabel() == "step t" and ax.get_ylabel() == "class"
    assert ax.get_title() == "toy"


def test_readings_colour_hits_and_misses():
    images = [toy_line(), toy_line(60), toy_line()]
    fig = plot_readings(
        images, ["dollar", "dolar", "x"], ["dollar", "dollar", None], confidences=[0.9, 0.5, 0.1]
    )
    titles = [ax.get_title() for ax in fig.get_axes() if ax.get_images()]
    assert titles == ["'dollar' 0.90", "'dolar' 0.50 (is 'dollar')", "'x' 0.10"]
    colors = [ax.title.get_color() for ax in fig.get_axes() if ax.get_images()]
    assert colors == ["tab:green", "tab:red", "black"]
    assert len(fig.get_axes()) == 3
    with pytest.raises(ValueError):
        plot_readings(images, ["a"])
