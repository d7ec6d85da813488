"""Loaders: length-bucketed training batches, corpus shares, sorted or ordered evaluation."""

from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers_text import make_texts, write_csv

from lstmzoo.data.text import EncodedTexts, TextClassificationData
from lstmzoo.data.text.corpora import corpus_shares
from lstmzoo.data.text.loaders import eval_loader, train_loader


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


def _texts(lengths: list[int], corpus: list[int] | None = None) -> EncodedTexts:
    ids = [torch.arange(1, n + 1) for n in lengths]
    names = None if corpus is None else ["a", "b"]
    return EncodedTexts(ids, [f"t{i}" for i in range(len(ids))], corpus=corpus, corpus_names=names)


def test_evaluation_batches_are_sorted_unless_the_order_counts() -> None:
    data = _texts([5, 1, 3, 2, 4, 1])
    sorted_batches = [b["text"] for b in eval_loader(data, 4)]
    assert sorted_batches == [["t1", "t5", "t3", "t2"], ["t4", "t0"]]
    for loader in (eval_loader(data, 4, keep_order=True), eval_loader(data, 4, bucketing=False)):
        assert [b["text"] for b in loader] == [["t0", "t1", "t2", "t3"], ["t4", "t5"]]


def test_corpus_shares_follow_the_balance() -> None:
    corpus = [0] * 30 + [1] * 10
    assert corpus_shares(corpus, 2, 1.0) is None  # the texts as they come
    assert corpus_shares(corpus, 2, 0.0) == [0.5, 0.5]
    half = corpus_shares(corpus, 2, 0.5)
    assert half is not None and abs(half[0] - 30**0.5 / (30**0.5 + 10**0.5)) < 1e-12
    assert corpus_shares(corpus, 3, 0.0) == [0.5, 0.5, 0.0]  # an absent corpus gets nothing


def test_training_batches_draw_each_corpus_share() -> None:
    data = _texts([2] * 40, corpus=[0] * 30 + [1] * 10)
    only_b = train_loader(data, 8, seed=3, group_shares=[0.0, 1.0])
    drawn = [name for batch in only_b for name in batch["text"]]
    assert len(drawn) == 40 and set(drawn) == {f"t{i}" for i in range(30, 40)}
    everything = train_loader(data, 8, seed=3)
    drawn = [name for batch in everything for name in batch["text"]]
    assert sorted(drawn) == sorted(data.texts)
    again = [name for batch in train_loader(data, 8, seed=3) for name in batch["text"]]
    assert again == drawn  # the seed fixes the order
