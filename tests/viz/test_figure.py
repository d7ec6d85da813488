"""The shared set-up of the figures: pyplot-free figures, model colours, plain numbers."""

from __future__ import annotations

import torch

from lstmzoo.viz._figure import MODEL_COLORS, as_floats, model_color, new_figure


def test_new_figure_is_not_managed_by_pyplot():
    fig = new_figure(figsize=(2.0, 1.0))
    # a pyplot figure gets its backend's canvas; a bare Figure keeps the base canvas
    assert type(fig.canvas).__name__ == "FigureCanvasBase"
    assert tuple(fig.get_size_inches()) == (2.0, 1.0)


def test_model_colours_follow_the_first_word_of_the_name():
    assert model_color("LSTM (2 layers)", 7) == MODEL_COLORS["lstm"]
    assert model_color("rnn", 0) == "tab:red"
    assert model_color("transformer", 3) == "C3"


def test_as_floats_flattens_and_detaches_tensors():
    values = torch.arange(6.0, requires_grad=True).reshape(2, 3) * 2
    assert as_floats(values) == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    assert as_floats([1, 2.5]) == [1.0, 2.5]
