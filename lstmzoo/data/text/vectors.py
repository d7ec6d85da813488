"""Pretrained word vectors in the common text format.

One word per line followed by its values, separated by spaces::

    400000 50            <- optional header: count and dimension
    the 0.418 0.24968 -0.41242 ...
    , 0.013441 0.23682 -0.16899 ...

Only the words of the vocabulary are kept in memory, so large files are fine. A vocabulary word
missing from the file keeps its random initial vector; the lower-cased form of a file word
also matches (a file with ``"Film"`` only covers ``"film"``), the exact form winning.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from lstmzoo.data.text.readers import where
from lstmzoo.errors import DataError

__all__ = ["WordVectors", "load_word_vectors"]

log = logging.getLogger(__name__)


@dataclass
class WordVectors:
    """Vectors found for a vocabulary.

    Attributes:
        vectors: ``(V, dim)`` float tensor; rows of words not found are zeros.
        found: ``(V,)`` bool tensor, ``True`` where the file had the word.
        dim: the vector size.
        file_words: how many words the file holds.
    """

    vectors: Tensor
    found: Tensor
    dim: int
    file_words: int

    @property
    def coverage(self) -> float:
        """Fraction of the vocabulary found in the file (specials ``<pad>``/``<unk>`` excluded)."""
        total = max(len(self.found) - 2, 1)
        return float(self.found[2:].sum()) / total


def _parse_header(fields: list[str]) -> int | None:
    if len(fields) == 2 and all(f.isdigit() for f in fields):
        return int(fields[1])
    return None


def load_word_vectors(
    path: str | os.PathLike[str], vocab: Sequence[str], encoding: str = "utf-8"
) -> WordVectors:
    """Read ``path`` and gather the vectors of the ``vocab`` words (ids = list positions).

    Raises:
        DataError: missing file, undecodable bytes, a line with the wrong number of values or a
            value that is not a number (naming file, line and column).
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DataError(f"{path}: no such word-vector file (model.init_args.pretrained_embeddings)")
    index = {w: i for i, w in enumerate(vocab) if i >= 2}  # not <pad> / <unk>
    lower_only: dict[int, bool] = {}  # id -> filled from a lower-cased match (exact may override)
    rows: dict[int, list[float]] = {}
    dim: int | None = None
    file_words = 0
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                line = raw.decode(encoding).rstrip("\r\n")
            except UnicodeDecodeError as err:
                raise DataError(
                    f"{where(path, number, err.start + 1)}: bytes are not valid {encoding}"
                ) from None
            if number == 1:
                line = line.removeprefix("\ufeff")
            fields = line.rstrip().split(" ")
            if not line.strip():
                continue
            if number == 1 and (header_dim := _parse_header(fields)) is not None:
                dim = header_dim
                continue
            if dim is None:
                dim = len(fields) - 1
                if dim < 1:
                    raise DataError(f"{where(path, number)}: expected a word followed by numbers")
            if len(fields) < dim + 1:
                raise DataError(
                    f"{where(path, number, len(fields) + 1)}: expected {dim} values after the "
                    f"word, found {len(fields) - 1}"
                )
            file_words += 1
            word = " ".join(fields[: len(fields) - dim])  # words may contain spaces
            exact = index.get(word)
            lowered = index.get(word.lower()) if exact is None else None
            target = exact if exact is not None else lowered
            if target is None or (target in rows and not lower_only.get(target, False)):
                continue
            if exact is None and target in rows:
                continue  # keep the first lower-cased match
            values = fields[len(fields) - dim :]
            try:
                rows[target] = [float(v) for v in values]
            except ValueError:
                bad = next(i for i, v in enumerate(values) if not _is_float(v))
                column = len(fields) - dim + bad + 1
                raise DataError(
                    f"{where(path, number, column)}: {values[bad]!r} is not a number"
                ) from None
            lower_only[target] = exact is None
    if dim is None:
        raise DataError(f"{path}: no word vectors in the file")
    vectors = torch.zeros(len(vocab), dim)
    found = torch.zeros(len(vocab), dtype=torch.bool)
    if rows:
        ids = torch.tensor(list(rows))
        vectors[ids] = torch.tensor(list(rows.values()), dtype=torch.float32)
        found[ids] = True
    return WordVectors(vectors, found, dim, file_words)


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
