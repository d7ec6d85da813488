"""The explainer's figures: pure plotting functions, and a command that writes them as PNGs.

Plotting functions take plain numbers (tensors, lists) and return a matplotlib ``Figure``; they
never train or show anything, so notebooks, scripts and tests call the same code. matplotlib is
imported inside the functions: ``import lstmzoo.viz`` works without it.

One module per family of figures, all re-exported here:

* :mod:`~lstmzoo.viz.training`: loss curves of several models;
* :mod:`~lstmzoo.viz.gradients`: input-gradient norms over time (vanishing gradients);
* :mod:`~lstmzoo.viz.gates`: every gate and state of an LSTM cell, single state traces;
* :mod:`~lstmzoo.viz.topologies`: 1 -> N, N -> N and N -> 1 side by side, generated waveforms;
* :mod:`~lstmzoo.viz.bidirectional`: a BiLSTM's forward and backward states over a sentence;
* :mod:`~lstmzoo.viz.ocr`: a CRNN's output steps over an image, CTC probabilities and
  alignment, a grid of readings;
* :mod:`~lstmzoo.viz.builders`: the README's figures rebuilt from scratch (data, a short seeded
  training, the plot), named in :data:`FIGURES`;
* :mod:`~lstmzoo.viz.cli`: the command that renders them.

The figures of the README are rebuilt by::

    python -m lstmzoo.viz gates --output docs/images/gates.png
    python -m lstmzoo.viz gradients --output docs/images/gradients.png
    python -m lstmzoo.viz ctc-alignment --output docs/images/ctc-alignment.png
    python -m lstmzoo.viz topologies --output docs/images/topologies.png
    python -m lstmzoo.viz bidirectional --output docs/images/bidirectional.png
    python -m lstmzoo.viz --list

Adding a figure takes a builder ``def my_figure(seed: int) -> Figure`` and one entry in
:data:`FIGURES`.
"""

from __future__ import annotations

from lstmzoo.viz._figure import MODEL_COLORS as MODEL_COLORS
from lstmzoo.viz.bidirectional import plot_bidirectional_states
from lstmzoo.viz.builders import ADDING as ADDING
from lstmzoo.viz.builders import (
    BILSTM,
    FIGURES,
    OCR,
    TOPOLOGIES,
    bidirectional_figure,
    ctc_alignment_figure,
    gates_figure,
    gradients_figure,
    topologies_figure,
)
from lstmzoo.viz.builders import ocr_fonts as ocr_fonts
from lstmzoo.viz.cli import main
from lstmzoo.viz.gates import plot_gate_heatmaps, plot_state_traces
from lstmzoo.viz.gradients import plot_gradient_norms
from lstmzoo.viz.ocr import (
    BLANK_LABEL,
    plot_ctc_alignment,
    plot_ctc_probabilities,
    plot_readings,
    plot_receptive_columns,
)
from lstmzoo.viz.topologies import plot_topologies, plot_waveforms
from lstmzoo.viz.training import plot_training_curves

__all__ = [
    "BILSTM",
    "BLANK_LABEL",
    "FIGURES",
    "OCR",
    "TOPOLOGIES",
    "bidirectional_figure",
    "ctc_alignment_figure",
    "gates_figure",
    "gradients_figure",
    "main",
    "plot_bidirectional_states",
    "plot_ctc_alignment",
    "plot_ctc_probabilities",
    "plot_gate_heatmaps",
    "plot_gradient_norms",
    "plot_readings",
    "plot_receptive_columns",
    "plot_state_traces",
    "plot_topologies",
    "plot_training_curves",
    "plot_waveforms",
    "topologies_figure",
]
