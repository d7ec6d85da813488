"""Tokenizers: text -> list of string tokens.

Two kinds, both described by plain values so a model can store them in its hyperparameters:

* ``"word"`` (default): a regular expression over the (optionally lower-cased) text. The default
  pattern keeps words with their inner apostrophes (``"don't"``, ``"film's"``) and every other
  non-space character as a token of its own, so ``"!"`` and ``"?"`` survive.
* ``"char"``: one token per character, whitespace runs collapsed to a single space.
"""

from __future__ import annotations

import re
from typing import Any, Literal

__all__ = ["DEFAULT_WORD_PATTERN", "Tokenizer", "TokenizerKind"]

#: words (letters / digits / underscore, with inner apostrophes) or single punctuation marks
DEFAULT_WORD_PATTERN = r"\w+(?:'\w+)*|[^\w\s]"

TokenizerKind = Literal["word", "char"]

_SPACES = re.compile(r"\s+")


class Tokenizer:
    """Split a text into tokens.

    Args:
        kind: ``"word"`` (regular expression) or ``"char"`` (characters).
        lowercase: lower-case the text first.
        pattern: the regular expression of one word token (``kind="word"`` only); default
            :data:`DEFAULT_WORD_PATTERN`.

    >>> Tokenizer()("Not bad, REALLY!")
    ['not', 'bad', ',', 'really', '!']
    >>> Tokenizer("char")("Hi  you")
    ['h', 'i', ' ', 'y', 'o', 'u']
    """

    def __init__(
        self, kind: TokenizerKind = "word", lowercase: bool = True, pattern: str | None = None
    ) -> None:
        if kind not in ("word", "char"):
            raise ValueError(f"unknown tokenizer {kind!r}; choose 'word' or 'char'")
        if pattern is not None and kind != "word":
            raise ValueError("a token pattern only applies to the 'word' tokenizer")
        self.kind = kind
        self.lowercase = lowercase
        self.pattern = pattern or DEFAULT_WORD_PATTERN
        try:
            self._regex = re.compile(self.pattern)
        except re.error as err:
            raise ValueError(f"bad token pattern {self.pattern!r}: {err}") from err

    def __call__(self, text: str) -> list[str]:
        if self.lowercase:
            text = text.lower()
        if self.kind == "char":
            return list(_SPACES.sub(" ", text.strip()))
        return self._regex.findall(text)

    def config(self) -> dict[str, Any]:
        """Plain-value description; ``Tokenizer(**tok.config())`` rebuilds it."""
        return {
            "kind": self.kind,
            "lowercase": self.lowercase,
            "pattern": None if self.kind == "char" else self.pattern,
        }

    def __repr__(self) -> str:
        return (
            f"Tokenizer(kind={self.kind!r}, lowercase={self.lowercase}, pattern={self.pattern!r})"
        )
