"""Folding characters an alphabet lacks to ASCII equivalents."""

from __future__ import annotations

from lstmzoo.data.ocr.asciifold import fold_char, fold_text
from lstmzoo.nn.ctc import Alphabet

PRINTABLE = Alphabet("printable", case_fold=False)


def test_typographic_characters_and_accents_fold_to_ascii() -> None:
    cases = {
        "\u2018": "'",
        "\u201d": '"',
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u00e9": "e",
        "\u00c5": "A",
        "\ufb01": "fi",
        "\u00b2": "2",
        "\uff21": "A",
        "\u00df": "ss",
        "\u00f8": "o",
        "\u00bd": "1/2",
    }
    for char, ascii_text in cases.items():
        assert fold_char(char) == ascii_text, char


def test_fold_text_keeps_what_the_alphabet_has_and_reports_the_rest() -> None:
    folded = fold_text("na\u00efve \u2013 \u65e5\u672c ok", PRINTABLE)
    assert folded.text == "naive -  ok"  # the alphabet's own space rule is applied by callers
    assert folded.mapped == {"\u00ef": 1, "\u2013": 1}
    assert folded.dropped == {"\u65e5": 1, "\u672c": 1}
    german = Alphabet("abcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00fc\u00df ")
    assert fold_text("\u00fcber \u00e9t\u00e9", german).text == "\u00fcber ete"  # kept, mapped
    lower = Alphabet("abcdefghijklmnopqrstuvwxyz")
    assert fold_text("\u00c9", lower, lower.fold_case).text == "e"
    assert fold_text("\u00c9", lower).text == ""  # without case folding "E" is unknown too
