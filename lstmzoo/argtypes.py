"""Restricted number types for constructor signatures.

Annotating a constructor argument with one of these makes the ``lstmzoo`` command (jsonargparse)
reject an out-of-range value as one parser error naming the key, and ``--help`` shows the
constraint. In plain Python they are ordinary annotations: ``SequenceModel(hidden_size=64)`` takes
a plain ``int`` and nothing is checked at run time beyond what the constructor checks itself.

The parser hands constructors instances of these types (subclasses of ``int`` / ``float``);
:func:`plain` turns them back into built-in values before they are stored anywhere.
"""

from __future__ import annotations

from typing import Any

from jsonargparse.typing import (
    ClosedUnitInterval,
    NonNegativeFloat,
    NonNegativeInt,
    OpenUnitInterval,
    PositiveFloat,
    PositiveInt,
    restricted_number_type,
)

__all__ = [
    "AtLeastTwo",
    "ClosedUnitInterval",
    "DecayFactor",
    "ImageWidth",
    "NonNegativeFloat",
    "NonNegativeInt",
    "OpenUnitInterval",
    "PositiveFloat",
    "PositiveInt",
    "Probability",
    "plain",
]

#: a probability or fraction that must stay below 1: dropout rates, held-out fractions, ``[0, 1)``
Probability = restricted_number_type("Probability", float, [(">=", 0), ("<", 1)])
#: a multiplicative decay per epoch, ``(0, 1]`` (1 = constant)
DecayFactor = restricted_number_type("DecayFactor", float, [(">", 0), ("<=", 1)])
#: an integer of at least 2 (classes, symbols, sequence steps that need two markers)
AtLeastTwo = restricted_number_type("AtLeastTwo", int, (">=", 2))
#: an image width the CRNN backbone can read (at least 4 pixels: one CTC step per 4 columns)
ImageWidth = restricted_number_type("ImageWidth", int, (">=", 4))


def plain(value: Any) -> Any:
    """``value`` with restricted numbers (and numbers inside lists, tuples, dicts) as built-ins."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int) and type(value) is not int:
        return int(value)
    if isinstance(value, float) and type(value) is not float:
        return float(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
