"""A sentiment lexicon in VADER's format: token -> mean human valence (-4 .. +4).

``vader_lexicon.txt`` (in the ``vaderSentiment`` 3.3.2 source distribution, MIT license) holds
7,520 lines ``token<TAB>mean<TAB>std<TAB>[r1, r2, ..., r10]``: words, slang and emoticons, each
rated by ten people. :func:`read_lexicon` reads that format (CRLF or LF, UTF-8); a token listed
twice keeps its last value, as VADER itself does (the 3.3.2 file repeats 14 tokens).

A :class:`Lexicon` is a plain ``dict[str, float]`` plus a :attr:`~Lexicon.sha256` of its content,
so a model can store it in its hyperparameters and tell a different lexicon from its own.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
from collections.abc import Mapping

from lstmzoo.data.text.readers import decode_file, where
from lstmzoo.errors import DataError

__all__ = ["Lexicon", "lexicon_sha256", "read_lexicon"]

log = logging.getLogger(__name__)

_RATINGS = re.compile(r"^\[\s*-?\d+(\s*,\s*-?\d+)*\s*\]$")


def lexicon_sha256(values: Mapping[str, float]) -> str:
    """SHA-256 of a token -> valence mapping, independent of its order and of float spelling."""
    digest = hashlib.sha256()
    for token in sorted(values):
        digest.update(f"{token}\t{float(values[token])!r}\n".encode())
    return digest.hexdigest()


class Lexicon:
    """Token -> valence lookups for a tokenizer's tokens.

    Args:
        values: token -> mean valence (VADER: -4 .. +4).

    :meth:`get` tries the token as given, then lower-cased (emoticons such as ``":D"`` are
    listed with their case), then with letter runs of three or more cut to two
    (``"goooood"`` -> ``"good"``), then with every run cut to one (``"baad"`` -> ``"bad"``,
    for tokens a tokenizer already cut to two); a token found nowhere has valence 0.
    """

    def __init__(self, values: Mapping[str, float]) -> None:
        bad = [k for k, v in values.items() if not isinstance(k, str) or not _finite(v)]
        if bad:
            raise DataError(
                f"lexicon entry {bad[0]!r}: the token must be a string, its value a finite number"
            )
        self.values: dict[str, float] = {str(k): float(v) for k, v in values.items()}
        self.sha256 = lexicon_sha256(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __contains__(self, token: object) -> bool:
        return token in self.values

    def get(self, token: str) -> float:
        """The valence of ``token`` (0.0 when not listed, see the class docstring)."""
        values = self.values
        if token in values:
            return values[token]
        lower = token.lower()
        if lower in values:
            return values[lower]
        two = _LONG_RUN.sub(r"\1\1", lower)
        if two != lower and two in values:
            return values[two]
        one = _RUN.sub(r"\1", two)  # "baad" (a tokenizer's cut of "baaaad") -> "bad"
        if one != two:
            return values.get(one, 0.0)
        return 0.0

    def __repr__(self) -> str:
        return f"Lexicon(size={len(self)}, sha256={self.sha256[:12]}...)"


_LONG_RUN = re.compile(r"([a-z])\1{2,}")
_RUN = re.compile(r"([a-z])\1+")


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def read_lexicon(path: str | os.PathLike[str], encoding: str = "utf-8") -> Lexicon:
    """Read a lexicon in VADER's format (see the module docstring).

    Only the first two fields are used; a line must still have all four, with a numeric mean
    and standard deviation and a bracketed list of integer ratings, so that a file in another
    format fails at its first line instead of being read as nonsense.

    Raises:
        DataError: the file is missing, not decodable, empty, or a line is malformed (its line
            number and what was wrong are named).
    """
    source = os.fspath(path)
    values: dict[str, float] = {}
    repeated = 0
    for number, line in enumerate(decode_file(path, encoding).splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 4:
            raise DataError(
                f"{where(source, number)}: expected token<TAB>mean<TAB>std<TAB>[ratings] "
                f"(VADER's lexicon format), found {len(fields)} tab-separated field(s)"
            )
        token, mean, std, ratings = fields
        if not token or token != token.strip():
            raise DataError(f"{where(source, number, 1)}: empty token or surrounding spaces")
        for column, value in ((2, mean), (3, std)):
            try:
                number_value = float(value)
            except ValueError:
                number_value = math.nan
            if not math.isfinite(number_value):
                raise DataError(f"{where(source, number, column)}: {value!r} is not a number")
        if not _RATINGS.match(ratings.strip()):
            raise DataError(
                f"{where(source, number, 4)}: expected the raters' scores as [r1, r2, ...], "
                f"got {ratings[:40]!r}"
            )
        repeated += token in values
        values[token] = float(mean)
    if not values:
        raise DataError(f"{source}: the lexicon is empty")
    if repeated:
        log.debug("%s: %d token(s) listed more than once; the last value is kept", source, repeated)
    return Lexicon(values)
