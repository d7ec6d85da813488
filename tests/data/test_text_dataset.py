"""EncodedTexts items and text_collate batches: every key, its shape and its padding."""

from __future__ import annotations

import pytest
import torch

from lstmzoo.data.text import EncodedTexts, text_collate
from lstmzoo.data.text.vocab import PAD_ID


def _full() -> EncodedTexts:
    ids = [torch.tensor([4, 5, 6]), torch.tensor([7])]
    return EncodedTexts(
        ids,
        ["a b c", "d"],
        labels=[1, 0],
        lines=[3, 9],
        soft_targets=[[0.2, 0.8], [0.9, 0.1]],
        feats=[torch.ones(3, 2), torch.full((1, 2), 2.0)],
        ngrams=[torch.ones(3, 4, dtype=torch.long), torch.full((1, 4), 5, dtype=torch.long)],
        corpus=[1, 0],
        corpus_names=["movies", "tweets"],
    )


def test_items_carry_every_given_field() -> None:
    data = _full()
    assert len(data) == 2 and data.lengths == [3, 1]
    item = data[1]
    assert item["ids"].tolist() == [7] and item["text"] == "d" and item["line"] == 9
    assert item["y"] == 0 and item["y_soft"] == [0.9, 0.1] and item["corpus"] == 0
    assert item["corpus_names"] == ["movies", "tweets"]
    assert item["feats"].shape == (1, 2) and item["ngrams"].shape == (1, 4)


def test_bare_items_have_only_ids_text_and_line() -> None:
    data = EncodedTexts([torch.tensor([2]), torch.tensor([3, 4])], ["x", "y z"])
    assert set(data[0]) == {"ids", "text", "line"}
    assert data.lines == [1, 2]  # 1-based positions when no lines are given
    batch = text_collate([data[0], data[1]])
    assert set(batch) == {"x", "lengths", "text", "line"}
    with pytest.raises(ValueError, match="corpus and corpus_names go together"):
        EncodedTexts([torch.tensor([2])], ["x"], corpus=[0])


def test_collate_pads_ids_and_features_and_stacks_the_rest() -> None:
    data = _full()
    batch = text_collate([data[0], data[1]])
    assert batch["x"].tolist() == [[4, 5, 6], [7, PAD_ID, PAD_ID]]
    assert batch["x"].dtype == torch.long and batch["lengths"].tolist() == [3, 1]
    assert batch["y"].tolist() == [1, 0] and batch["y"].dtype == torch.long
    assert batch["y_soft"].dtype == torch.float32 and batch["y_soft"].shape == (2, 2)
    assert batch["feats"].shape == (2, 3, 2) and bool((batch["feats"][1, 1:] == 0).all())
    assert batch["ngrams"].shape == (2, 3, 4) and bool((batch["ngrams"][1, 1:] == 0).all())
    assert batch["corpus"].tolist() == [1, 0] and batch["corpus_names"] == ["movies", "tweets"]
    assert batch["text"] == ["a b c", "d"] and batch["line"] == [3, 9]
