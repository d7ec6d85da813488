"""VADER-format lexicon: reading, lookups, checksum, bad files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers_text import LEXICON_LINES, write_lexicon

from lstmzoo.data.text.lexicon import Lexicon, lexicon_sha256, read_lexicon
from lstmzoo.errors import DataError


def test_reads_vader_format_and_looks_up_case_and_elongation(tmp_path: Path) -> None:
    lex = read_lexicon(write_lexicon(tmp_path / "lex.txt"))
    assert len(lex) == 7  # "good" listed twice
    assert lex.get("great") == 3.1 and lex.get(":)") == 2.0
    assert lex.get("GREAT") == 3.1  # lower-cased on a miss
    assert lex.get("goooood") == 1.9 and lex.get("baaad") == -2.5  # runs cut to two, then one
    assert lex.get("film") == 0.0


def test_last_duplicate_wins_like_vader(tmp_path: Path) -> None:
    lines = [*LEXICON_LINES, "good\t2.5\t0.5\t[2, 3, 2, 3, 2, 3, 2, 3, 2, 3]"]
    assert read_lexicon(write_lexicon(tmp_path / "lex.txt", lines)).get("good") == 2.5


def test_checksum_ignores_order_but_not_values() -> None:
    a = Lexicon({"good": 1.9, "bad": -2.5})
    assert a.sha256 == Lexicon({"bad": -2.5, "good": 1.9}).sha256 == lexicon_sha256(a.values)
    assert a.sha256 != Lexicon({"good": 2.0, "bad": -2.5}).sha256


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("nice,2.0,0.5", "line 3: expected token<TAB>mean<TAB>std<TAB>"),
        ("nice\tvery\t0.5\t[1, 2]", "line 3, column 2: 'very' is not a number"),
        ("nice\t2.0\tnan\t[1, 2]", "line 3, column 3"),
        ("nice\t2.0\t0.5\t1 2 3", "line 3, column 4: expected the raters' scores"),
        ("\t2.0\t0.5\t[1, 2]", "line 3, column 1: empty token"),
    ],
)
def test_wrong_format_names_the_line(tmp_path: Path, bad_line: str, message: str) -> None:
    lines = [*LEXICON_LINES[:2], bad_line, *LEXICON_LINES[2:]]
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace("[", r"\[")):
        read_lexicon(write_lexicon(tmp_path / "lex.txt", lines))


def test_empty_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("\n\n")
    with pytest.raises(DataError, match="empty"):
        read_lexicon(tmp_path / "empty.txt")
    with pytest.raises(DataError, match="no such file"):
        read_lexicon(tmp_path / "missing.txt")
