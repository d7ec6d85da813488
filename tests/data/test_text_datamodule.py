"""TextClassificationData: splits, train-only vocabulary, classes, bad input, batches."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers_text import make_texts, write_csv, write_tiny_dataset

from lstmzoo.data.text import TextClassificationData, Vocabulary
from lstmzoo.errors import DataError


def _dm(files: dict[str, Path], **kwargs: Any) -> TextClassificationData:
    return TextClassificationData(
        train_file=str(files["train"]),
        val_file=str(files["val"]),
        test_file=str(files["test"]),
        **kwargs,
    )


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


def test_aclimdb_test_split_is_its_test_folder(tmp_path: Path) -> None:
    root = tmp_path / "aclImdb"
    for split in ("train", "test"):
        for label, word in (("pos", "great"), ("neg", "awful")):
            (root / split / label).mkdir(parents=True)
            for i in range(5):
                (root / split / label / f"{i}_x.txt").write_text(f"{split} {word} {i}", "utf-8")
    dm = TextClassificationData(train_file=str(root), val_fraction=0.2)
    dm.setup("fit")
    dm.setup("test")
    assert dm.classes == ["neg", "pos"]
    assert len(dm.train_set) + len(dm.val_set) == 10 and len(dm.test_set) == 10
    assert all(t.startswith("test") for t in dm.test_set.texts)


def test_unknown_label_in_val_names_file_line_column(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", [("good", "pos"), ("bad", "neg")])
    val = write_csv(tmp_path / "val.csv", [("fine", "pos"), ("meh", "neutral")])
    dm = TextClassificationData(train_file=str(train), val_file=str(val))
    with pytest.raises(DataError) as err:
        dm.setup("fit")
    assert f"{val}: line 3, column 'label': label 'neutral' does not occur" in str(err.value)
    assert "'neg', 'pos'" in str(err.value)


def test_single_class_training_data_is_an_error(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", [("good", "pos"), ("fine", "pos")])
    with pytest.raises(DataError, match="1 distinct label"):
        TextClassificationData(train_file=str(train), val_fraction=0.0).model_kwargs()


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


def test_predict_input_empty_line_is_an_error_unless_skipped(tmp_path: Path) -> None:
    files = write_tiny_dataset(tmp_path)
    bad = tmp_path / "predict.txt"
    bad.write_text("a great film\n\nboring\n", "utf-8")
    dm = _dm(files, predict_file=str(bad))
    with pytest.raises(DataError) as err:
        dm.setup("predict")
    assert f"{bad}: line 2" in str(err.value) and "skip_empty_predict" in str(err.value)
    dm = _dm(files, predict_file=str(bad), skip_empty_predict=True)
    dm.setup("predict")
    assert dm.predict_set.texts == ["a great film", "boring"]
    assert dm.predict_set.lines == [1, 3]
    batch = next(iter(dm.predict_dataloader()))
    assert batch["text"] == ["a great film", "boring"] and "y" not in batch


def test_predict_from_csv_and_jsonl(tmp_path: Path) -> None:
    files = write_tiny_dataset(tmp_path)
    csv_in = tmp_path / "in.csv"
    csv_in.write_text("id,text\n1,nice one\n2,so dull\n", "utf-8")
    jsonl_in = tmp_path / "in.jsonl"
    jsonl_in.write_text('{"text": "nice one"}\n{"text": "so dull"}\n', "utf-8")
    for path in (csv_in, jsonl_in):
        dm = _dm(files, predict_file=str(path))
        dm.setup("predict")
        assert dm.predict_set.texts == ["nice one", "so dull"]


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


def test_train_loader_buckets_lengths_and_pads(tmp_path: Path) -> None:
    rows = [(" ".join(["word"] * n), "pos" if n % 2 else "neg") for n in range(1, 41)] * 4
    train = write_csv(tmp_path / "train.csv", rows)
    dm = TextClassificationData(train_file=str(train), val_file=str(train), batch_size=8, seed=1)
    dm.setup("fit")
    loader = dm.train_dataloader()
    seen = 0
    for batch in loader:
        lengths = batch["lengths"]
        assert batch["x"].shape == (len(lengths), int(lengths.max()))
        assert int(lengths.max() - lengths.min()) <= 2  # one pool: near-identical lengths
        pad = torch.arange(batch["x"].shape[1])[None] >= lengths[:, None]
        assert bool((batch["x"][pad] == 0).all()) and bool((batch["x"][~pad] != 0).all())
        seen += len(lengths)
    assert seen == len(rows)
    plain = TextClassificationData(
        train_file=str(train), val_file=str(train), batch_size=8, bucketing=False, seed=1
    )
    plain.setup("fit")
    spreads = [int(b["lengths"].max() - b["lengths"].min()) for b in plain.train_dataloader()]
    assert max(spreads) > 10
    # evaluation batches are length-sorted, prediction keeps the file order
    val_lengths = [b["lengths"].tolist() for b in dm.val_dataloader()]
    flat = [n for b in val_lengths for n in b]
    assert flat == sorted(flat)


def test_seed_none_follows_the_global_seed(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", make_texts(64))
    dm = TextClassificationData(train_file=str(train), val_file=str(train), batch_size=4)
    dm.setup("fit")
    torch.manual_seed(1)
    a = [b["text"] for b in dm.train_dataloader()]
    torch.manual_seed(1)
    b = [b["text"] for b in dm.train_dataloader()]
    torch.manual_seed(2)
    c = [b["text"] for b in dm.train_dataloader()]
    assert a == b != c


def test_soft_labels_from_ratings(tmp_path: Path) -> None:
    lines = [f"{i}\t{r}\tsnippet {i}" for i, r in enumerate([2.0, -1.0, 0.25, -3.0] * 10)]
    path = tmp_path / "s.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    dm = TextClassificationData(snippets_file=str(path), soft_labels=2.0, batch_size=64)
    dm.setup("fit")
    batch = next(iter(dm.train_dataloader()))
    soft, y = batch["y_soft"], batch["y"]
    assert soft.shape == (len(y), 2)
    assert torch.allclose(soft.sum(-1), torch.ones(len(y)))
    assert bool((soft.argmax(-1) == y).all())  # the soft target agrees with the hard label
    ratings = {f"snippet {i}": r for i, r in enumerate([2.0, -1.0, 0.25, -3.0] * 10)}
    expected = torch.tensor([torch.sigmoid(torch.tensor(2.0 * ratings[t])) for t in batch["text"]])
    assert torch.allclose(soft[:, 1], expected, atol=1e-6)
    assert "y_soft" not in next(iter(dm.val_dataloader()))  # evaluation uses hard labels
    with pytest.raises(ValueError):
        TextClassificationData(soft_labels=0.0)
