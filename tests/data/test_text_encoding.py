"""Encoding: vocabulary and classes from the training split, token ids, class ids, counts."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers_text import write_csv

from lstmzoo.data.text import TextClassificationData, Tokenizer, Vocabulary
from lstmzoo.data.text.encoding import (
    build_vocabulary,
    class_ids,
    encode_texts,
    encode_with_features,
    encoding_stats,
    training_classes,
)
from lstmzoo.data.text.features import TextFeaturizer
from lstmzoo.data.text.readers import Example
from lstmzoo.data.text.vocab import UNK_ID
from lstmzoo.errors import DataError


def test_vocab_and_classes_come_from_train_only(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", [("good film", "pos"), ("bad film", "neg")] * 3)
    val = write_csv(tmp_path / "val.csv", [("unseenword film", "pos")])
    dm = TextClassificationData(train_file=str(train), val_file=str(val), min_freq=1)
    kwargs = dm.model_kwargs()
    assert kwargs["classes"] == ["neg", "pos"]  # sorted
    assert "unseenword" not in kwargs["vocab"]
    assert set(kwargs["vocab"]) == {"<pad>", "<unk>", "good", "bad", "film"}
    assert kwargs["tokenizer"] == "word" and kwargs["lowercase"] is True
    dm.setup("fit")
    item = dm.val_set[0]
    assert item["ids"].tolist() == [1, Vocabulary(kwargs["vocab"])["film"]]  # unseen -> <unk>


def test_min_freq_and_max_size_reach_the_vocabulary(tmp_path: Path) -> None:
    rows = [("a a a b b c", "x"), ("a b d", "y")]
    train = write_csv(tmp_path / "train.csv", rows)
    dm = TextClassificationData(train_file=str(train), val_fraction=0.0, min_freq=2)
    assert dm.model_kwargs()["vocab"] == ["<pad>", "<unk>", "a", "b"]
    dm = TextClassificationData(train_file=str(train), val_fraction=0.0, max_vocab_size=3)
    assert dm.model_kwargs()["vocab"] == ["<pad>", "<unk>", "a"]


def test_single_class_training_data_is_an_error(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", [("good", "pos"), ("fine", "pos")])
    with pytest.raises(DataError, match="1 distinct label"):
        TextClassificationData(train_file=str(train), val_fraction=0.0).model_kwargs()


def test_unknown_label_in_val_names_file_line_column(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", [("good", "pos"), ("bad", "neg")])
    val = write_csv(tmp_path / "val.csv", [("fine", "pos"), ("meh", "neutral")])
    dm = TextClassificationData(train_file=str(train), val_file=str(val))
    with pytest.raises(DataError) as err:
        dm.setup("fit")
    assert f"{val}: line 3, column 'label': label 'neutral' does not occur" in str(err.value)
    assert "'neg', 'pos'" in str(err.value)


def test_long_texts_are_truncated_and_counted(tmp_path: Path, caplog: Any) -> None:
    rows = [("word " * 50, "pos"), ("short text", "neg"), ("x " * 12, "neg")]
    train = write_csv(tmp_path / "train.csv", rows)
    dm = TextClassificationData(train_file=str(train), val_file=str(train), max_length=10)
    with caplog.at_level(logging.WARNING, logger="lstmzoo"):
        dm.setup("fit")
    assert dm.train_set.lengths == [10, 2, 10]
    assert (
        "train: truncated 2 of 3 text(s) to max_length=10 tokens (the longest had 50)"
        in caplog.text
    )
    assert dm.stats["train"]["truncated"] == 2


def _examples(*rows: tuple[str, str | None]) -> list[Example]:
    return [Example(text, label, "mem.csv", i + 2) for i, (text, label) in enumerate(rows)]


def test_vocabulary_and_classes_of_plain_examples() -> None:
    train = _examples(("Good film", "pos"), ("bad film", "neg"), ("film", None))
    vocab = build_vocabulary(train, Tokenizer(), min_freq=2, max_size=None)
    assert vocab.tokens == ["<pad>", "<unk>", "film"]
    assert training_classes(train, "mem.csv") == ["neg", "pos"]  # unlabelled ones ignored
    with pytest.raises(DataError, match=r"1 distinct label.*\(somewhere\)"):
        training_classes(train[:1], "somewhere")


def test_class_ids_name_the_column_of_a_bad_label() -> None:
    examples = _examples(("a", "pos"), ("b", "neg"))
    assert class_ids(examples, ["neg", "pos"], "label") == [1, 0]
    rated = [Example("c", "neutral", "snips.txt", 7, score=0.0)]
    with pytest.raises(DataError, match=r"snips.txt: line 7, column 2: label 'neutral'"):
        class_ids(rated, ["neg", "pos"], "sentiment")  # ratings sit in column 2
    with pytest.raises(DataError, match=r"column 'sentiment'"):
        class_ids(_examples(("d", "meh")), ["neg", "pos"], "sentiment")


def test_encode_texts_cuts_counts_and_never_leaves_a_text_empty() -> None:
    vocab = Vocabulary(["<pad>", "<unk>", "a", "b"])
    ids, truncated, longest = encode_texts(["a b a b a", "", "b zzz"], Tokenizer(), vocab, 3)
    assert [t.tolist() for t in ids] == [[2, 3, 2], [UNK_ID], [3, UNK_ID]]
    assert all(t.dtype == torch.long for t in ids)
    assert (truncated, longest) == (1, 5)
    ids, truncated, _ = encode_texts(["a b a b a"], Tokenizer(), vocab, None)
    assert len(ids[0]) == 5 and truncated == 0


def test_feature_path_gives_the_plain_ids_and_no_empty_features() -> None:
    texts = ["a b a b a", "", "b zzz c"]
    vocab = Vocabulary(["<pad>", "<unk>", "a", "b"])
    featurizer = TextFeaturizer(Tokenizer(), vocab, 3)  # no lexicon, flags nor n-grams
    ids, feats, ngrams, truncated, longest = encode_with_features(featurizer, texts, 3)
    plain, plain_truncated, plain_longest = encode_texts(texts, Tokenizer(), vocab, 3)
    assert [t.tolist() for t in ids] == [t.tolist() for t in plain]
    assert feats is None and ngrams is None
    assert (truncated, longest) == (plain_truncated, plain_longest) == (1, 5)
    flagged = TextFeaturizer(Tokenizer(), vocab, 3, token_flags=True, char_ngram_buckets=50)
    _, feats, ngrams, _, _ = encode_with_features(flagged, texts, 3)
    assert feats is not None and [tuple(f.shape) for f in feats] == [(3, 2), (1, 2), (3, 2)]
    assert ngrams is not None and ngrams[0].shape[0] == 3


def test_encoding_stats_count_unknown_tokens_and_warn_on_cuts(caplog: Any) -> None:
    ids = [torch.tensor([2, UNK_ID, UNK_ID]), torch.tensor([3])]
    with caplog.at_level(logging.WARNING, logger="lstmzoo"):
        stats = encoding_stats("val", ids, truncated=0, longest=3, max_length=None)
    assert stats == {"texts": 2, "tokens": 4, "unk": 2, "truncated": 0}
    assert not caplog.text
    with caplog.at_level(logging.WARNING, logger="lstmzoo"):
        encoding_stats("val", ids, truncated=1, longest=9, max_length=3)
    assert "val: truncated 1 of 2 text(s) to max_length=3 tokens (the longest had 9)" in caplog.text
