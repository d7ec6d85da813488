"""The figure builders: data, a short seeded training and a plot, from scratch.

A builder is ``def my_figure(seed: int = 0) -> Figure``; :data:`FIGURES` names each one for
``python -m lstmzoo.viz NAME``, which draws the README's images in ``docs/images/``. Each
family's builders sit in the module of that name and read their settings from a module-level
dict (``ADDING``, ``TOPOLOGIES``, ``BILSTM``, ``OCR``) that the notebooks share.

The builders import the zoo's models, data modules and measurements inside their bodies: these
pull in Lightning and the data stacks, which ``import lstmzoo.viz`` (plotting only) should not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from lstmzoo.viz.builders.adding import ADDING, gates_figure, gradients_figure
from lstmzoo.viz.builders.bidirectional import BILSTM, bidirectional_figure
from lstmzoo.viz.builders.ocr import OCR, ctc_alignment_figure, ocr_fonts
from lstmzoo.viz.builders.topologies import TOPOLOGIES, topologies_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "ADDING",
    "BILSTM",
    "FIGURES",
    "OCR",
    "TOPOLOGIES",
    "bidirectional_figure",
    "ctc_alignment_figure",
    "gates_figure",
    "gradients_figure",
    "ocr_fonts",
    "topologies_figure",
]

#: name -> builder(seed) -> Figure; ``python -m lstmzoo.viz NAME`` renders one of them. The tests
#: render every entry and expect its PNG at ``docs/images/NAME.png``; keep builders to seconds.
FIGURES: dict[str, Callable[[int], Figure]] = {
    "bidirectional": bidirectional_figure,
    "ctc-alignment": ctc_alignment_figure,
    "gates": gates_figure,
    "gradients": gradients_figure,
    "topologies": topologies_figure,
}
