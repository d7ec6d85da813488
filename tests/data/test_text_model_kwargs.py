"""What the data module hands the model and takes back: tokenizer, lexicon, vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from lstmzoo.data.text import Lexicon, TextClassificationData, Tokenizer
from lstmzoo.data.text.model_kwargs import (
    check_checkpoint_lexicon,
    lexicon_kwargs,
    stored_lexicon,
    tokenizer_from_kwargs,
    tokenizer_kwargs,
)
from lstmzoo.errors import CheckpointError


def test_adopt_model_kwargs_needs_no_training_data(tmp_path: Path) -> None:
    predict = tmp_path / "p.txt"
    predict.write_text("Great\n", "utf-8")
    dm = TextClassificationData(train_file=str(tmp_path / "gone.csv"), predict_file=str(predict))
    dm.adopt_model_kwargs(
        {
            "vocab": ["<pad>", "<unk>", "great"],
            "classes": ["neg", "pos"],
            "tokenizer": "word",
            "lowercase": True,
            "token_pattern": None,
            "max_length": 5,
        }
    )
    dm.setup("predict")
    assert dm.predict_set.ids[0].tolist() == [2]
    assert dm.tokenizer.markup == "keep"  # checkpoints from before the option kept markup


@pytest.mark.parametrize(
    "tokenizer",
    [
        Tokenizer(),
        Tokenizer("word", lowercase=False, pattern=r"\w+"),
        Tokenizer("char"),
        Tokenizer("social", markup="drop"),
    ],
)
def test_tokenizer_round_trips_through_plain_values(tokenizer: Tokenizer) -> None:
    kwargs = tokenizer_kwargs(tokenizer)
    assert set(kwargs) == {"tokenizer", "lowercase", "token_pattern", "markup"}
    back = tokenizer_from_kwargs(kwargs)
    assert back.config() == tokenizer.config()
    text = "Sooo GOOD :) see http://x.org @you"
    assert back(text) == tokenizer(text)


def test_the_checkpoint_lexicon_and_a_configured_one() -> None:
    lexicon = Lexicon({"good": 1.9, "bad": -2.5})
    kwargs = lexicon_kwargs(lexicon)
    assert kwargs == {"lexicon": {"good": 1.9, "bad": -2.5}, "lexicon_sha256": lexicon.sha256}
    assert lexicon_kwargs(None) == {"lexicon": None, "lexicon_sha256": None}
    stored, sha = stored_lexicon(kwargs)
    assert stored is not None and stored.values == lexicon.values and sha == lexicon.sha256
    assert stored_lexicon({"lexicon_sha256": "abc"}) == (None, "abc")  # the hash alone
    assert stored_lexicon({}) == (None, None)
    check_checkpoint_lexicon("lex.txt", lexicon, lexicon.sha256)
    with pytest.raises(CheckpointError, match="trained without lexicon features"):
        check_checkpoint_lexicon("lex.txt", lexicon, None)
    other = Lexicon({"good": 1.0})
    with pytest.raises(CheckpointError, match=r"'lex.txt' \(1 tokens, sha256 .*is not the one"):
        check_checkpoint_lexicon("lex.txt", other, lexicon.sha256)
