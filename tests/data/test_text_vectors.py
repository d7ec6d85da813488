"""Pretrained word vectors in the text format."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from lstmzoo.data.text import load_word_vectors
from lstmzoo.errors import DataError

VOCAB = ["<pad>", "<unk>", "good", "film", "new york", "missing"]


def test_reads_vectors_of_vocabulary_words(tmp_path: Path) -> None:
    path = tmp_path / "vec.txt"
    path.write_text(
        "good 0.1 0.2 0.3\nunrelated 9 9 9\nFilm 1 2 3\nfilm 4 5 6\nnew york -1 -2 -3.5e-1\n",
        encoding="utf-8",
    )
    vectors = load_word_vectors(path, VOCAB)
    assert vectors.dim == 3 and vectors.file_words == 5
    assert vectors.found.tolist() == [False, False, True, True, True, False]
    assert torch.allclose(vectors.vectors[2], torch.tensor([0.1, 0.2, 0.3]))
    assert vectors.vectors[3].tolist() == [4.0, 5.0, 6.0]  # the exact form wins over "Film"
    assert torch.allclose(vectors.vectors[4], torch.tensor([-1.0, -2.0, -0.35]))
    assert vectors.vectors[5].tolist() == [0.0, 0.0, 0.0]
    assert vectors.coverage == pytest.approx(3 / 4)


def test_header_line_and_lowercase_fallback(tmp_path: Path) -> None:
    path = tmp_path / "vec.vec"
    path.write_text("3 2\nGOOD 1 1\nfilm 2 2\nother 3 3\n", encoding="utf-8")
    vectors = load_word_vectors(path, VOCAB)
    assert vectors.dim == 2 and vectors.file_words == 3
    assert vectors.vectors[2].tolist() == [1.0, 1.0]  # "GOOD" covers "good"


def test_malformed_files(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("good 0.1 0.2\nfilm 0.1 abc\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.txt: line 2, column 3: 'abc' is not a number"):
        load_word_vectors(path, VOCAB)
    path.write_text("good 0.1 0.2\nfilm 0.1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2, column 3: expected 2 values"):
        load_word_vectors(path, VOCAB)
    path.write_bytes(b"good 0.1 0.2\nfi\xffm 0.1 0.2\n")
    with pytest.raises(DataError, match=r"line 2, column 3: bytes are not valid utf-8"):
        load_word_vectors(path, VOCAB)
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="no word vectors"):
        load_word_vectors(path, VOCAB)
    with pytest.raises(DataError, match="no such word-vector file"):
        load_word_vectors(tmp_path / "nope.txt", VOCAB)
