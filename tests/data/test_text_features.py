"""Token features: shapes, lexicon and flag columns, hashed character n-grams, batching."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from lstmzoo.data.text import Tokenizer, Vocabulary
from lstmzoo.data.text.features import TextFeaturizer, char_ngrams
from lstmzoo.data.text.lexicon import Lexicon
from lstmzoo.data.text.vocab import UNK_ID
from lstmzoo.errors import ConfigError

VOCAB = Vocabulary(["<pad>", "<unk>", "this", "is", "good", "!", ":)"])
LEX = Lexicon({"good": 2.0, "bad": -3.0, ":)": 2.0})


def _featurizer(**kwargs: object) -> TextFeaturizer:
    options = dict(lexicon=LEX, token_flags=True, char_ngram_buckets=97, max_char_ngrams=8)
    return TextFeaturizer(Tokenizer("social"), VOCAB, **{**options, **kwargs})  # type: ignore[arg-type]


def test_shapes_and_columns() -> None:
    enc = _featurizer().encode("This is GOOD!! baaad :)")
    # tokens: this is good ! ! baad :)
    assert enc.ids.tolist() == [2, 3, 4, 5, 5, UNK_ID, 6]
    assert enc.feats is not None and enc.feats.shape == (7, 3) and enc.feats.dtype == torch.float32
    assert enc.feats[:, 0].tolist() == [0.0, 0.0, 2.0, 0.0, 0.0, -3.0, 2.0]  # valence
    assert enc.feats[:, 1].tolist() == [0, 0, 1, 0, 0, 0, 0]  # ALL CAPS
    assert enc.feats[:, 2].tolist() == [0, 0, 0, 0, 0, 1, 0]  # elongated
    assert enc.ngrams is not None and enc.ngrams.shape == (7, 8) and enc.ngrams.dtype == torch.long
    assert int(enc.ngrams.min()) >= 0 and int(enc.ngrams.max()) <= 97
    assert (enc.ngrams[5] > 0).any()  # the unknown word still has n-grams


def test_feature_columns_follow_the_options() -> None:
    assert _featurizer(lexicon=None).encode("good").feats.shape == (1, 2)  # type: ignore[union-attr]
    assert _featurizer(token_flags=False).encode("good").feats.shape == (1, 1)  # type: ignore[union-attr]
    plain = _featurizer(lexicon=None, token_flags=False, char_ngram_buckets=0).encode("good")
    assert plain.feats is None and plain.ngrams is None and plain.ids.tolist() == [4]


def test_feature_names_name_every_column() -> None:
    assert _featurizer().feature_names == ("valence", "all_caps", "elongated")
    assert _featurizer(lexicon=None, token_flags=False).feature_names == ()
    ruled = _featurizer(valence_rules=True, text_score=True)
    names = ruled.feature_names
    assert names[3:] == ("adjusted_valence", "running_score", "text_score")
    feats = ruled.encode("this is good").feats
    assert feats is not None and feats.shape[1] == len(names) == ruled.num_features
    running = feats[:, names.index("running_score")]
    assert running[0] == 0.0 and running[-1] > 0.0  # the score rises at "good"
    assert torch.equal(feats[:, names.index("text_score")], running[-1].expand(3))


def test_encode_many_equals_encode_and_cuts_to_max_length() -> None:
    texts = ["this is good", "   ", "good good good good good :)", "is"]
    feat = _featurizer(max_length=4)
    many, counts = feat.encode_many(texts)
    assert counts == [3, 0, 6, 1]
    assert [len(e.ids) for e in many] == [3, 1, 4, 1]  # empty -> one <unk>
    assert many[1].ids.tolist() == [UNK_ID] and not many[1].ngrams.any()  # type: ignore[union-attr]
    fresh = _featurizer(max_length=4)
    for text, got in zip(texts, many):
        one = fresh.encode(text)
        for a, b in zip(one, got):
            assert torch.equal(a, b)  # type: ignore[arg-type]


def test_char_ngrams_are_shared_stable_and_capped() -> None:
    good = set(char_ngrams("good", (3, 4), 1000, 32))
    assert good & set(char_ngrams("goood", (3, 4), 1000, 32))  # elongations share n-grams
    assert len(char_ngrams("extraordinarily", (3, 4), 1000, 5)) == 5
    assert char_ngrams("a", (4,), 1000, 8) == char_ngrams("a", (5,), 1000, 8)  # "<a>" whole
    code = (
        "from lstmzoo.data.text.features import char_ngrams\n"
        "print(char_ngrams('good', (3, 4), 1000, 32))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(char_ngrams("good", (3, 4), 1000, 32))  # no hash seed


def test_bad_ngram_options() -> None:
    with pytest.raises(ConfigError, match="char_ngram_buckets"):
        _featurizer(char_ngram_buckets=-1)
    with pytest.raises(ConfigError, match="char_ngram_orders"):
        _featurizer(char_ngram_orders=[0])
    with pytest.raises(ConfigError, match="max_char_ngrams"):
        _featurizer(max_char_ngrams=0)


def test_token_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from lstmzoo.data.text import features

    monkeypatch.setattr(features, "MAX_CACHED_TOKENS", 6)
    feat = _featurizer()
    first = feat.encode("this is good")
    feat.encode("one two three four")  # 1 + 3 + 4 > 6 rows: the cache starts afresh
    assert len(feat._rows) <= 6
    again = feat.encode("this is good")
    for a, b in zip(first, again):
        assert torch.equal(a, b)  # type: ignore[arg-type]
