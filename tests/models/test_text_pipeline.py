"""The text model's preprocessing rebuilt from its hyperparameters: lexicon, featurizer."""

from __future__ import annotations

from pathlib import Path

import pytest

from lstmzoo.data.text.lexicon import Lexicon
from lstmzoo.data.text.tokenizer import Tokenizer
from lstmzoo.data.text.vocab import Vocabulary
from lstmzoo.errors import CheckpointError, ConfigError
from lstmzoo.models.text_pipeline import build_featurizer, plain_pipeline_hparams, resolve_lexicon
from tests.helpers_text import write_lexicon
from tests.models.helpers_sentiment import VOCAB, tiny_model

VALENCES = {"good": 1.9, "bad": -2.5}


def test_lexicon_checksum_without_lexicon_is_an_error() -> None:
    with pytest.raises(CheckpointError, match="trained with a lexicon"):
        tiny_model(lexicon=None, lexicon_sha256="ab" * 32)


def test_resolve_lexicon_from_a_dict_or_a_file_checked_against_its_checksum(
    tmp_path: Path,
) -> None:
    assert resolve_lexicon(None, None) is None
    lex = resolve_lexicon(VALENCES, None)
    assert isinstance(lex, Lexicon) and dict(lex.values) == VALENCES
    assert resolve_lexicon(VALENCES, lex.sha256).sha256 == lex.sha256
    with pytest.raises(CheckpointError, match=r"the lexicon given .* does not match"):
        resolve_lexicon({"good": 1.0}, lex.sha256)
    path = write_lexicon(tmp_path / "lex.txt")
    from_file = resolve_lexicon(str(path), None)
    assert from_file is not None and len(from_file) > 0
    with pytest.raises(CheckpointError, match=r"lex\.txt"):
        resolve_lexicon(str(path), lex.sha256)
    with pytest.raises(ConfigError, match="got int"):
        resolve_lexicon(3, None)  # type: ignore[arg-type]


def test_build_featurizer_and_the_plain_values_it_stores() -> None:
    featurizer = build_featurizer(
        Tokenizer("social"), Vocabulary(VOCAB), 16, VALENCES, None,
        token_flags=True, char_ngram_buckets=8, char_ngram_orders=(3,), max_char_ngrams=4,
        valence_rules=False, text_score=False, corpus_classifier=None,
    )  # fmt: skip
    assert featurizer.num_features == 3  # valence, ALL CAPS, elongation
    plain = plain_pipeline_hparams(featurizer)
    assert plain["lexicon"] == VALENCES and plain["char_ngram_orders"] == [3]
    assert plain["lexicon_sha256"] == Lexicon(VALENCES).sha256
    bare = build_featurizer(
        Tokenizer("word"), Vocabulary(VOCAB), None, None, None,
        False, 0, [3, 4], 16, False, False, None,
    )  # fmt: skip
    assert bare.num_features == 0
    assert plain_pipeline_hparams(bare) == {
        "lexicon": None,
        "lexicon_sha256": None,
        "char_ngram_orders": [3, 4],
    }
    with pytest.raises(CheckpointError, match="corpus_classifier must be a mapping"):
        build_featurizer(
            Tokenizer("word"), Vocabulary(VOCAB), None, None, None,
            False, 0, [3, 4], 16, False, False, {"names": ["a"]},
        )  # fmt: skip
