"""The texts of synthetic text lines: corpus sentences split by hash, generated strings."""

from __future__ import annotations

import random
import string

import pytest

from lstmzoo.data.ocr.linetext import (
    DEFAULT_LINE_MIX,
    LINE_KINDS,
    LineTextSource,
    check_line_mix,
    cut_lines,
    load_sentences,
    sentence_split,
)
from lstmzoo.data.ocr.wordlist import WORDS
from lstmzoo.errors import ConfigError, DataError
from lstmzoo.nn.ctc import Alphabet
from tests.helpers_text import write_rated_corpora

PRINTABLE = Alphabet("printable", case_fold=False)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    return write_rated_corpora(tmp_path_factory.mktemp("rated"), n=60)


def test_the_split_of_a_sentence_is_a_fixed_function_of_its_text() -> None:
    # pinned: a change of the hash would move sentences between training and test
    assert [sentence_split(f"sentence {i}") for i in range(6)] == [
        "train",
        "val",
        "test",
        "train",
        "test",
        "train",
    ]
    shares = [sentence_split(f"line {i}") for i in range(2000)]
    assert 0.85 < shares.count("train") / 2000 < 0.95
    assert shares.count("val") > 40 and shares.count("test") > 40


def test_lines_are_cut_at_word_boundaries() -> None:
    text = "The food was cold, and we waited 40 minutes for the second course!"
    lines = cut_lines(text, 24)
    assert lines == ["The food was cold, and", "we waited 40 minutes for", "the second course!"]
    assert " ".join(lines) == text
    assert cut_lines("a " + "x" * 10 + " b", 4) == ["a", "xxxx", "xxxx", "xx b"]
    assert cut_lines("", 10) == []


def test_sentences_are_folded_unescaped_and_split_without_overlap(corpora) -> None:
    splits = load_sentences(PRINTABLE, snippets_file=corpora)
    every = [s for lines in splits.values() for s in lines]
    assert len(every) == 240 and len(set(every)) == 240  # four corpora of 60, no repeats
    assert all(set(s) <= set(string.printable[:95]) for s in every)
    assert any("Jiri Hubac's Munch" in s for s in every)  # folded to ASCII
    assert any("&amp;" not in s and "& <3" in s for s in every)  # tweets unescaped
    for name, lines in splits.items():
        assert all(sentence_split(s) == name for s in lines)
    assert set(splits["test"]).isdisjoint(splits["train"])
    # the split does not depend on which corpora are read
    movies = load_sentences(PRINTABLE, ["movies"], snippets_file=corpora)
    assert set(movies["test"]) <= set(splits["test"])


def test_without_the_corpora_the_error_says_how_to_get_them(tmp_path) -> None:
    with pytest.raises(DataError) as err:
        load_sentences(PRINTABLE, cache_dir=tmp_path / "empty-cache", download=False)
    message = str(err.value)
    assert "pip download" in message and "vaderSentiment==3.3.2" in message
    assert "snippets_file" in message and "line_mix" in message


def test_every_kind_draws_labels_in_the_alphabet_and_the_length_limit(corpora) -> None:
    sentences = load_sentences(PRINTABLE, snippets_file=corpora)["train"]
    for kind in LINE_KINDS:
        source = LineTextSource(PRINTABLE, sentences, WORDS, max_chars=40, mix={kind: 1.0})
        rng = random.Random(kind)
        for _ in range(40):
            text, label = source.sample(rng)
            assert label == text and 0 < len(label) <= 40, (kind, label)
            assert not PRINTABLE.unknown_chars(label)
            assert label == label.strip() and "  " not in label


def test_generated_kinds_look_like_what_they_are_named(corpora) -> None:
    def draws(kind: str, n: int = 60) -> list[str]:
        source = LineTextSource(PRINTABLE, [], WORDS, mix={kind: 1.0})
        rng = random.Random(1)
        return [source.sample(rng)[1] for _ in range(n)]

    assert any("$" in t or "EUR" in t or "USD" in t for t in draws("prices"))
    assert any("@" in t for t in draws("emails")) and all("@" in t for t in draws("emails"))
    assert sum("%" in t for t in draws("percentages")) == 60
    assert any(c.isupper() for t in draws("codes") for c in t)
    assert all(t == t.upper() for t in draws("caps"))
    assert any(":" in t for t in draws("times"))
    assert any(t.count("-") == 2 or "/" in t for t in draws("dates"))
    assert any(t.startswith(("http", "www.")) for t in draws("urls"))


def test_the_mix_is_checked_and_draws_depend_only_on_the_generator(corpora) -> None:
    assert check_line_mix(DEFAULT_LINE_MIX) == DEFAULT_LINE_MIX
    assert abs(sum(DEFAULT_LINE_MIX.values()) - 1.0) < 1e-9
    with pytest.raises(ConfigError, match=r"unknown kind 'poems'.*sentences, words"):
        check_line_mix({"poems": 1.0})
    with pytest.raises(ConfigError, match="positive sum"):
        check_line_mix({"words": 0.0})
    with pytest.raises(ValueError, match="no sentences"):
        LineTextSource(PRINTABLE, [], WORDS)
    sentences = load_sentences(PRINTABLE, snippets_file=corpora)["train"]
    a = LineTextSource(PRINTABLE, sentences, WORDS)
    b = LineTextSource(PRINTABLE, sentences, WORDS)
    assert [a.sample(random.Random(i)) for i in range(20)] == [
        b.sample(random.Random(i)) for i in range(20)
    ]


def test_a_lower_case_alphabet_gets_lines_it_can_spell(corpora) -> None:
    lower = Alphabet("abcdefghijklmnopqrstuvwxyz0123456789 ")
    source = LineTextSource(lower, [], WORDS, mix={"prices": 1, "caps": 1, "emails": 1})
    rng = random.Random(0)
    for _ in range(50):
        text, label = source.sample(rng)
        assert not lower.unknown_chars(label) and label == lower.normalize(text)
