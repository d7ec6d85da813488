"""Tokenizers: text -> list of string tokens.

Two kinds, both described by plain values so a model can store them in its hyperparameters:

* ``"word"`` (default): a regular expression over the (optionally lower-cased) text. The default
  pattern keeps words with their inner apostrophes (``"don't"``, ``"film's"``) and every other
  non-space character as a token of its own, so ``"!"`` and ``"?"`` survive.
* ``"char"``: one token per character, whitespace runs collapsed to a single space.
* ``"social"``: for reviews and tweets. Keeps emoticons whole (``":-)"``, ``":D"``, ``"<3"``,
  ``"xD"``, ``"(:"``), keeps ``"!"`` and ``"?"`` (one token each), keeps negations with their
  apostrophe (``"don't"``, ``"isn't"``), maps URLs to ``"<url>"`` and ``@mentions`` to ``"@user"``
  (or, with ``markup="drop"``, leaves both out), and cuts letter runs of three or more to two
  (``"soooo"`` -> ``"soo"``). Only words are lower-cased (emoticons keep their case: ``":D"`` is
  not ``":d"``).

:meth:`Tokenizer.analyze` also tells, per token, whether it was written in ALL CAPS and whether
it was elongated, before lower-casing and run-cutting erased that: the intensity cues a
sentiment model can take as extra features.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

__all__ = ["DEFAULT_WORD_PATTERN", "MarkupMode", "Tokenizer", "TokenizerKind"]

#: words (letters / digits / underscore, with inner apostrophes) or single punctuation marks
DEFAULT_WORD_PATTERN = r"\w+(?:'\w+)*|[^\w\s]"

TokenizerKind = Literal["word", "char", "social"]
KINDS: tuple[str, ...] = get_args(TokenizerKind)
#: what the ``"social"`` tokenizer does with URLs and @mentions
MarkupMode = Literal["keep", "drop"]
MARKUP_MODES: tuple[str, ...] = get_args(MarkupMode)


def _one_of(values: tuple[str, ...]) -> str:
    """``('a', 'b', 'c')`` -> ``"'a', 'b' or 'c'"`` (for error messages)."""
    quoted = [repr(v) for v in values]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


_SPACES = re.compile(r"\s+")
_EYES, _NOSE = r"[:;=8]", r"[-o*'^]?"
_MOUTH = r"[)\](\[dDpP/\\:}{@|3oO0*]"
_EMOTICON = (
    rf"{_EYES}{_NOSE}{_MOUTH}+"  # :-) :D ;p =/ :((
    rf"|[)\](\[dDpP/\\}}{{|]+{_NOSE}{_EYES}"  # (: )-: D:
    r"|</?3+|\^_*\^|[xX][dD]+|-_+-|[oO]\.[oO]"  # <3 </3 ^_^ xD -_- o.O
)
#: the ``"social"`` tokenizer: URL | @mention | emoticon | word | one other character
SOCIAL_PATTERN = (
    r"(?P<url>(?:https?://|www\.)\S+)"
    r"|(?P<user>@\w+)"
    rf"|(?P<emo>(?<!\w)(?:{_EMOTICON})(?!\w))"
    r"|(?P<word>\w+(?:['\u2019]\w+)*)"
    r"|[^\w\s]"
)
_SOCIAL = re.compile(SOCIAL_PATTERN)
_LONG_RUN = re.compile(r"([^\W\d_])\1{2,}")


class Tokenizer:
    """Split a text into tokens.

    Args:
        kind: ``"word"`` (regular expression) or ``"char"`` (characters).
        lowercase: lower-case the text first.
        pattern: the regular expression of one word token (``kind="word"`` only); default
            :data:`DEFAULT_WORD_PATTERN`.
        markup: URLs and @mentions (``kind="social"`` only): ``"keep"`` maps them to the tokens
            ``"<url>"`` and ``"@user"``, ``"drop"`` leaves them out. They carry no sentiment,
            and a model trained on text without them (reviews, editorials) reads such unseen
            tokens as noise; ``"drop"`` keeps them from reaching it at all.

    >>> Tokenizer()("Not bad, REALLY!")
    ['not', 'bad', ',', 'really', '!']
    >>> Tokenizer("char")("Hi  you")
    ['h', 'i', ' ', 'y', 'o', 'u']
    >>> Tokenizer("social", markup="drop")("@ann Loved it :) https://t.co/x")
    ['loved', 'it', ':)']
    """

    def __init__(
        self,
        kind: TokenizerKind = "word",
        lowercase: bool = True,
        pattern: str | None = None,
        markup: MarkupMode = "keep",
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown tokenizer {kind!r}; choose {_one_of(KINDS)}")
        if pattern is not None and kind != "word":  # "char" and "social" have fixed rules
            raise ValueError("a token pattern only applies to the 'word' tokenizer")
        if markup not in MARKUP_MODES:
            raise ValueError(f"unknown markup mode {markup!r}; choose {_one_of(MARKUP_MODES)}")
        if markup != "keep" and kind != "social":  # only "social" recognises URLs / mentions
            raise ValueError(
                f"markup={markup!r} applies to the 'social' tokenizer only (it is the one that "
                f"recognises URLs and @mentions), not to {kind!r}"
            )
        self.kind = kind
        self.markup: MarkupMode = markup
        self.lowercase = lowercase
        self.pattern = pattern or DEFAULT_WORD_PATTERN
        try:
            self._regex = re.compile(self.pattern)
        except re.error as err:
            raise ValueError(f"bad token pattern {self.pattern!r}: {err}") from err

    def __call__(self, text: str) -> list[str]:
        if self.kind == "social":
            return self.analyze(text)[0]
        if self.lowercase:
            text = text.lower()
        if self.kind == "char":
            return list(_SPACES.sub(" ", text.strip()))
        return self._regex.findall(text)

    def analyze(self, text: str) -> tuple[list[str], list[bool], list[bool]]:
        """``(tokens, caps, elongated)``: the tokens plus, per token, whether it was written in
        ALL CAPS (two letters or more, all upper-case) and whether a letter was repeated three
        times or more. For ``"word"`` the tokens are those of :meth:`__call__` (found before
        lower-casing, then lower-cased); ``"char"`` tokens carry no flags (all ``False``)."""
        if self.kind == "char":
            tokens = self(text)
            return tokens, [False] * len(tokens), [False] * len(tokens)
        tokens, caps, elongated = [], [], []
        if self.kind == "word":
            for raw in self._regex.findall(text):
                tokens.append(raw.lower() if self.lowercase else raw)
                caps.append(_is_caps(raw))
                elongated.append(_LONG_RUN.search(raw) is not None)
            return tokens, caps, elongated
        runs = _LONG_RUN.search(text) is not None  # most texts have none: skip the per-word test
        lowercase = self.lowercase
        keep_markup = self.markup == "keep"
        for match in _SOCIAL.finditer(text):
            raw, group = match.group(), match.lastgroup
            stretched = False
            if group == "word":
                tok = raw
                if runs:
                    tok = _LONG_RUN.sub(r"\1\1", raw)
                    stretched = tok != raw
                if lowercase:
                    tok = tok.lower()
            elif group == "url" or group == "user":
                if not keep_markup:
                    continue
                tok = "<url>" if group == "url" else "@user"
            else:
                tok = raw
            tokens.append(tok)
            caps.append(group == "word" and raw.isupper() and _is_caps(raw))
            elongated.append(stretched)
        return tokens, caps, elongated

    def config(self) -> dict[str, Any]:
        """Plain-value description; ``Tokenizer(**tok.config())`` rebuilds it."""
        return {
            "kind": self.kind,
            "lowercase": self.lowercase,
            "pattern": self.pattern if self.kind == "word" else None,
            "markup": self.markup,
        }

    def __repr__(self) -> str:
        return (
            f"Tokenizer(kind={self.kind!r}, lowercase={self.lowercase}, pattern={self.pattern!r}, "
            f"markup={self.markup!r})"
        )


def _is_caps(token: str) -> bool:
    return token.isupper() and sum(c.isalpha() for c in token) >= 2
