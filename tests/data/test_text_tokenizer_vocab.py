"""Tokenizer and vocabulary."""

from __future__ import annotations

import pytest

from lstmzoo.data.text import PAD, PAD_ID, UNK, UNK_ID, Tokenizer, Vocabulary


def test_word_tokenizer_lowercases_and_keeps_punctuation() -> None:
    tok = Tokenizer()
    assert tok("Don't MISS it!  Really?") == ["don't", "miss", "it", "!", "really", "?"]
    assert tok("The film's end, 2 hours.") == ["the", "film's", "end", ",", "2", "hours", "."]


def test_word_tokenizer_options() -> None:
    assert Tokenizer(lowercase=False)("Great Film") == ["Great", "Film"]
    assert Tokenizer(pattern=r"[a-z]+")("wow, 10/10 great") == ["wow", "great"]
    with pytest.raises(ValueError, match="bad token pattern"):
        Tokenizer(pattern="(")
    with pytest.raises(ValueError, match="unknown tokenizer"):
        Tokenizer("bpe")  # type: ignore[arg-type]


def test_char_tokenizer() -> None:
    tok = Tokenizer("char")
    assert tok(" Hi \t You! ") == ["h", "i", " ", "y", "o", "u", "!"]
    assert Tokenizer("char", lowercase=False)("Ab") == ["A", "b"]
    with pytest.raises(ValueError):
        Tokenizer("char", pattern=r"\w+")


def test_tokenizer_config_round_trip() -> None:
    tok = Tokenizer("word", lowercase=False, pattern=r"\w+")
    again = Tokenizer(**tok.config())
    assert again("A b-c") == tok("A b-c") == ["A", "b", "c"]
    assert Tokenizer("char").config() == {
        "kind": "char",
        "lowercase": True,
        "pattern": None,
        "markup": "keep",
    }


def test_vocab_specials_and_unknown() -> None:
    vocab = Vocabulary.build([["good", "film"], ["bad", "film"]])
    assert vocab.tokens[:2] == [PAD, UNK]
    assert vocab[PAD] == PAD_ID == 0 and vocab[UNK] == UNK_ID == 1
    assert vocab.tokens[2] == "film"  # most frequent first
    assert vocab["never-seen"] == UNK_ID
    assert vocab.encode(["good", "zzz"]) == [vocab["good"], UNK_ID]
    assert vocab.decode(vocab.encode(["bad", "film"])) == ["bad", "film"]


def test_vocab_min_freq_and_max_size() -> None:
    texts = [["a", "a", "a", "b", "b", "c"], ["a", "b", "d"]]
    assert Vocabulary.build(texts, min_freq=2).tokens == [PAD, UNK, "a", "b"]
    assert Vocabulary.build(texts, min_freq=1).tokens == [PAD, UNK, "a", "b", "c", "d"]
    # max_size counts the two specials; ties are broken alphabetically
    assert Vocabulary.build(texts, max_size=4).tokens == [PAD, UNK, "a", "b"]
    assert Vocabulary.build(texts, max_size=5).tokens == [PAD, UNK, "a", "b", "c"]
    with pytest.raises(ValueError):
        Vocabulary.build(texts, min_freq=0)
    with pytest.raises(ValueError):
        Vocabulary.build(texts, max_size=1)


def test_vocab_round_trip_through_plain_list() -> None:
    vocab = Vocabulary.build([["x", "y", "y"]])
    again = Vocabulary(list(vocab.tokens))
    assert again.tokens == vocab.tokens and again["y"] == vocab["y"]
    with pytest.raises(ValueError, match="starts with"):
        Vocabulary(["x", PAD, UNK])
    with pytest.raises(ValueError, match="twice"):
        Vocabulary([PAD, UNK, "x", "x"])


def test_social_tokenizer_keeps_emoticons_negations_and_intensity() -> None:
    tok = Tokenizer("social")
    tokens, caps, elongated = tok.analyze(
        "I LOVE it soooo much :D <3 but it isn't GREAT!!? http://x.io/a @bob xD (: 10:30"
    )
    assert tokens == [
        "i", "love", "it", "soo", "much", ":D", "<3", "but", "it", "isn't", "great", "!", "!",
        "?", "<url>", "@user", "xD", "(:", "10", ":", "30",
    ]  # fmt: skip
    assert [t for t, c in zip(tokens, caps) if c] == ["love", "great"]  # "I" is one letter
    assert [t for t, e in zip(tokens, elongated) if e] == ["soo"]
    assert tok(":-) Good") == [":-)", "good"]
    assert Tokenizer(**tok.config()).config() == {
        "kind": "social",
        "lowercase": True,
        "pattern": None,
        "markup": "keep",
    }
    with pytest.raises(ValueError, match="pattern only applies"):
        Tokenizer("social", pattern=r"\w+")


def test_social_tokenizer_drops_markup_with_its_flags() -> None:
    text = "@bob LOVED it http://x.io/a www.y.org :) RT @ann_1 SOOO good"
    keep = Tokenizer("social")
    assert keep(text) == [
        "@user", "loved", "it", "<url>", "<url>", ":)", "rt", "@user", "soo", "good",
    ]  # fmt: skip
    drop = Tokenizer("social", markup="drop")
    tokens, caps, elongated = drop.analyze(text)
    assert tokens == ["loved", "it", ":)", "rt", "soo", "good"]
    # the flags stay aligned with the tokens that remain
    assert caps == [True, False, False, True, True, False]
    assert elongated == [False, False, False, False, True, False]
    assert drop("@bob http://x.io") == []
    again = Tokenizer(**drop.config())
    assert again.markup == "drop" and again(text) == drop(text)


def test_markup_option_errors() -> None:
    with pytest.raises(ValueError, match="unknown markup mode 'strip'; choose 'keep' or 'drop'"):
        Tokenizer("social", markup="strip")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="applies to the 'social' tokenizer only"):
        Tokenizer("word", markup="drop")


def test_word_tokenizer_analyze_matches_call() -> None:
    tok = Tokenizer()
    text = "Not BAD, reaaally good!"
    tokens, caps, elongated = tok.analyze(text)
    assert tokens == tok(text)
    assert caps == [False, True, False, False, False, False]
    assert elongated == [False, False, False, True, False, False]
