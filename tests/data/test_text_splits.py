"""Fixed splits: seeded cuts, per-corpus cuts, empty and near-neutral texts, option checks."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers_text import make_texts, write_csv

from lstmzoo.data.text import TextClassificationData
from lstmzoo.data.text.readers import Example
from lstmzoo.data.text.splits import (
    check_fractions,
    check_neutral_splits,
    clean_splits,
    cut_each,
    cut_examples,
    drop_empty,
    drop_neutral,
)


def test_val_split_cut_from_train_is_seeded(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", make_texts(100))
    a = TextClassificationData(train_file=str(train), val_fraction=0.2, split_seed=3)
    b = TextClassificationData(train_file=str(train), val_fraction=0.2, split_seed=3)
    a.setup("fit")
    b.setup("fit")
    assert len(a.train_set) == 80 and len(a.val_set) == 20
    assert a.val_set.texts == b.val_set.texts
    c = TextClassificationData(train_file=str(train), val_fraction=0.2, split_seed=4)
    c.setup("fit")
    assert c.val_set.texts != a.val_set.texts


def test_snippets_split_labels_and_neutral_band(tmp_path: Path) -> None:
    ratings = [2.0, -1.5, 0.0, 0.3, -0.2, 3.1, -2.2, 1.1, -0.9, 0.6] * 10
    lines = [
        f"{i}\t{r}\tsnippet number {i} {'good' if r > 0 else 'bad'}" for i, r in enumerate(ratings)
    ]
    path = tmp_path / "movieReviewSnippets_GroundTruth.txt"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    dm = TextClassificationData(snippets_file=str(path), cache_dir=str(tmp_path / "c"))
    dm.setup("fit")
    dm.setup("test")
    assert (len(dm.train_set), len(dm.val_set), len(dm.test_set)) == (80, 10, 10)
    assert dm.classes == ["negative", "positive"]
    for ds in (dm.train_set, dm.val_set, dm.test_set):
        for text, y in zip(ds.texts, ds.labels):
            assert dm.classes[y] == ("positive" if "good" in text else "negative")
    banded = TextClassificationData(snippets_file=str(path), neutral_band=0.5)
    banded.setup("fit")
    banded.setup("test")
    assert len(banded.train_set) < 80  # near-neutral snippets dropped from train
    assert banded.test_set.texts == dm.test_set.texts  # the test split is untouched
    both = TextClassificationData(
        snippets_file=str(path), neutral_band=0.5, drop_neutral_from=["train", "val", "test"]
    )
    both.setup("test")
    assert len(both.test_set) < 10


def test_empty_training_texts_are_skipped_and_counted(tmp_path: Path, caplog: Any) -> None:
    rows = [("good", "pos"), ("   ", "neg"), ("bad", "neg"), ("", "pos")]
    train = write_csv(tmp_path / "train.csv", rows)
    val = write_csv(tmp_path / "val.csv", [("ok", "pos")])
    dm = TextClassificationData(train_file=str(train), val_file=str(val))
    with caplog.at_level(logging.WARNING, logger="lstmzoo"):
        dm.setup("fit")
    assert dm.train_set.texts == ["good", "bad"]
    assert "skipped 2 empty or whitespace-only text(s)" in caplog.text
    assert f"{train}: line 3" in caplog.text


def _rated(n: int, prefix: str = "t") -> list[Example]:
    return [
        Example(f"{prefix}{i}", None, "s.txt", i + 1, score=float(i - n // 2)) for i in range(n)
    ]


def test_cut_is_seeded_complete_and_keeps_the_input_order() -> None:
    examples = _rated(50)
    train, val, test = cut_examples(examples, [0.2, 0.1], seed=0)
    assert (len(train), len(val), len(test)) == (35, 10, 5)
    assert sorted(e.line for e in train + val + test) == list(range(1, 51))  # each once
    for part in (train, val, test):
        assert [e.line for e in part] == sorted(e.line for e in part)
    assert [e.line for e in cut_examples(examples, [0.2, 0.1], seed=0)[1]] == [e.line for e in val]
    assert [e.line for e in cut_examples(examples, [0.2, 0.1], seed=1)[1]] != [e.line for e in val]
    rest, none = cut_examples(examples, [0.0], seed=0)
    assert len(rest) == 50 and none == []


def test_each_group_is_cut_on_its_own() -> None:
    a, b = _rated(30, "a"), _rated(20, "b")
    both = cut_each({"a": a, "b": b}, 0.1, 0.2, seed=5)
    for split, k in (("train", 0), ("val", 1), ("test", 2)):
        alone = cut_examples(a, [0.1, 0.2], 5)[k] + cut_examples(b, [0.1, 0.2], 5)[k]
        assert [e.text for e in both[split]] == [e.text for e in alone]
    assert list(both) == ["train", "val", "test"]


def test_near_neutral_ratings_leave_only_the_named_splits(caplog: Any) -> None:
    examples = [*_rated(10), Example("unrated", "pos", "f.csv", 2)]
    with caplog.at_level(logging.INFO, logger="lstmzoo"):
        kept = drop_neutral(examples, "train", 1.0, ["train"])
    assert [e.text for e in kept] == ["t0", "t1", "t2", "t3", "t7", "t8", "t9", "unrated"]
    assert "train: dropped 3 of 11 snippets with |rating| <= 1" in caplog.text
    assert drop_neutral(examples, "val", 1.0, ["train"]) is examples
    assert drop_neutral(examples, "train", -1.0, ["train"]) is examples
    exactly_zero = drop_neutral(examples, "train", 0.0, ["train"])
    assert [e.text for e in exactly_zero] == [e.text for e in examples if e.text != "t5"]


def test_cleaning_drops_empty_texts_everywhere() -> None:
    splits = {
        "train": [Example(" ", "a", "f", 1), Example("x", "a", "f", 2, score=0.0)],
        "val": [Example("", "a", "f", 3), Example("y", "b", "f", 4, score=0.0)],
    }
    clean = clean_splits(splits, 0.0, ["train"])
    assert [e.text for e in clean["train"]] == []  # the empty one, then the neutral one
    assert [e.text for e in clean["val"]] == ["y"]
    assert drop_empty([Example("z", None, "f", 1)], "predict")[0].text == "z"


def test_split_option_checks() -> None:
    check_fractions(0.0, 0.0)
    with pytest.raises(ValueError, match=r"val_fraction must lie in \[0, 1\), got 1.0"):
        check_fractions(1.0, 0.0)
    with pytest.raises(ValueError, match=r"test_fraction must lie in \[0, 1\), got -0.1"):
        check_fractions(0.1, -0.1)
    with pytest.raises(ValueError, match=r"val_fraction \+ test_fraction must be < 1"):
        check_fractions(0.5, 0.5)
    check_neutral_splits(["train", "test"])
    with pytest.raises(ValueError, match=r"got \['dev'\]"):
        check_neutral_splits(["train", "dev"])
    with pytest.raises(ValueError, match="drop_neutral_from"):
        TextClassificationData(drop_neutral_from=["dev"])  # type: ignore[list-item]
