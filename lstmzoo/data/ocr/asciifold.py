"""Folding characters an alphabet lacks to ones it has: curly quotes, dashes, accents, ligatures.

:func:`fold_text` replaces every character of a text that the alphabet lacks by its nearest
equivalent in the alphabet, when there is one:

1. a small table of typographic characters: curly and angle quotes to ``'`` and ``"``, the
   dashes and the minus sign to ``-``, ``...`` for the ellipsis, a space for the no-break and
   other Unicode spaces (and for tabs and line breaks), letters such as ``ß`` -> ``ss``,
   ``æ`` -> ``ae``, ``ø`` -> ``o``, ``ł`` -> ``l``, and ``€`` -> ``EUR``, ``£`` -> ``GBP``;
2. else the compatibility decomposition (Unicode NFKD) without its combining marks:
   ``é`` -> ``e``, ``ﬁ`` -> ``fi``, ``²`` -> ``2``, full-width ``Ａ`` -> ``A``.

A character whose replacement still has characters outside the alphabet is *dropped*. The
result says what was mapped and what was dropped, so callers can count it in their log.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Container
from typing import NamedTuple

__all__ = ["FOLD_TABLE", "Folded", "fold_char", "fold_text"]

#: Replacements tried before the Unicode decomposition (see the module docstring).
FOLD_TABLE: dict[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4\u2039\u203a", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad", "-"),
    **dict.fromkeys("\t\n\r\x0b\x0c\u00a0\u2002\u2003\u2007\u2009\u200a\u202f\u3000", " "),
    "\u2026": "...",
    "\u2022": "*",
    "\u00b7": ".",
    "\u2044": "/",
    "\u00d7": "x",
    "\u00f7": "/",
    "\u00df": "ss",
    "\u00e6": "ae",
    "\u00c6": "AE",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u00f8": "o",
    "\u00d8": "O",
    "\u0142": "l",
    "\u0141": "L",
    "\u0111": "d",
    "\u0110": "D",
    "\u00f0": "d",
    "\u00d0": "D",
    "\u00fe": "th",
    "\u00de": "Th",
    "\u0131": "i",
    "\u20ac": "EUR",
    "\u00a3": "GBP",
    "\u00a9": "(c)",
    "\u00ae": "(R)",
    "\u2122": "TM",
}


class Folded(NamedTuple):
    """What :func:`fold_text` did.

    Attributes:
        text: the folded text: only characters of the alphabet.
        mapped: count of every character that was replaced.
        dropped: count of every character that was left out (no replacement in the alphabet).
    """

    text: str
    mapped: Counter[str]
    dropped: Counter[str]


def fold_char(char: str) -> str:
    """The replacement of one character (see the module docstring); may be ``char`` itself."""
    if char in FOLD_TABLE:
        return FOLD_TABLE[char]
    parts = unicodedata.normalize("NFKD", char)
    return "".join(FOLD_TABLE.get(c, c) for c in parts if not unicodedata.combining(c))


def fold_text(
    text: str, alphabet: Container[str], fold_case: Callable[[str], str] | None = None
) -> Folded:
    """``text`` with every character that ``alphabet`` lacks replaced or dropped.

    Args:
        text: any text.
        alphabet: the characters to keep (an :class:`~lstmzoo.nn.ctc.Alphabet`, a set or a
            string).
        fold_case: applied to a replacement before it is checked (an alphabet's
            :meth:`~lstmzoo.nn.ctc.Alphabet.fold_case`, so that ``É`` -> ``E`` -> ``e`` in a
            lower-case alphabet).
    """
    out: list[str] = []
    mapped: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    for char in text:
        if char in alphabet:
            out.append(char)
            continue
        replacement = fold_char(char)
        if fold_case is not None:
            replacement = fold_case(replacement)
        if replacement and all(c in alphabet for c in replacement):
            out.append(replacement)
            mapped[char] += 1
        else:
            dropped[char] += 1
    return Folded("".join(out), mapped, dropped)
