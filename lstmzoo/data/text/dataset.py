"""Encoded texts as a dataset, and the padded batches they make.

:class:`EncodedTexts` holds what :mod:`lstmzoo.data.text.encoding` makes of a split (token ids,
class ids, soft targets, token features, corpus ids); :func:`text_collate` pads its items into the
batch dictionary the text models read. Which items share a batch is up to the loaders
(:mod:`lstmzoo.data.text.loaders`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset
from typing_extensions import override

from lstmzoo.data.text.vocab import PAD_ID

__all__ = ["EncodedTexts", "text_collate"]


class EncodedTexts(Dataset):
    """Token-id sequences with optional class ids, the raw texts and where each came from.

    Items: ``{"ids": (T_i,) int64, "y": int (when labelled), "text": str, "line": int}``, plus
    ``"y_soft": (C,)`` target probabilities when soft targets are given, ``"feats": (T_i, F)``
    and ``"ngrams": (T_i, K)`` when token features are given (see
    :mod:`lstmzoo.data.text.features`) and ``"corpus": int`` (an index into ``corpus_names``,
    also given as ``"corpus_names"``) when the texts come from named corpora.
    """

    def __init__(
        self,
        ids: list[Tensor],
        texts: list[str],
        labels: list[int] | None = None,
        lines: list[int] | None = None,
        soft_targets: list[list[float]] | None = None,
        feats: list[Tensor] | None = None,
        ngrams: list[Tensor] | None = None,
        corpus: list[int] | None = None,
        corpus_names: list[str] | None = None,
    ) -> None:
        self.ids = ids
        self.soft_targets = soft_targets
        self.texts = texts
        self.labels = labels
        self.lines = lines if lines is not None else list(range(1, len(ids) + 1))
        self.feats = feats
        self.ngrams = ngrams
        if (corpus is None) != (corpus_names is None):
            raise ValueError("corpus and corpus_names go together")
        self.corpus = corpus
        self.corpus_names = corpus_names

    def __len__(self) -> int:
        return len(self.ids)

    @override
    def __getitem__(self, index: int) -> dict[str, Any]:
        item: dict[str, Any] = {"ids": self.ids[index], "text": self.texts[index]}
        item["line"] = self.lines[index]
        if self.labels is not None:
            item["y"] = self.labels[index]
        if self.soft_targets is not None:
            item["y_soft"] = self.soft_targets[index]
        if self.feats is not None:
            item["feats"] = self.feats[index]
        if self.ngrams is not None:
            item["ngrams"] = self.ngrams[index]
        if self.corpus is not None:
            item["corpus"] = self.corpus[index]
            item["corpus_names"] = self.corpus_names
        return item

    @property
    def lengths(self) -> list[int]:
        """Tokens per text (after truncation)."""
        return [len(t) for t in self.ids]


def text_collate(samples: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Pad token ids with ``<pad>`` (0): ``{"x": (B, T_max) int64, "lengths": (B,), "y": (B,),
    "text": list[str], "line": list[int]}`` (``y`` only for labelled samples; ``y_soft: (B, C)``
    float target probabilities when the samples carry them; ``feats: (B, T_max, F)`` float and
    ``ngrams: (B, T_max, K)`` int64, zero-padded, when the samples carry token features;
    ``corpus: (B,)`` int64 with ``corpus_names: list[str]`` when they come from named corpora)."""
    batch: dict[str, Any] = {
        "x": pad_sequence([s["ids"] for s in samples], batch_first=True, padding_value=PAD_ID),
        "lengths": torch.tensor([len(s["ids"]) for s in samples], dtype=torch.long),
        "text": [s["text"] for s in samples],
        "line": [s["line"] for s in samples],
    }
    if "y" in samples[0]:
        batch["y"] = torch.tensor([s["y"] for s in samples], dtype=torch.long)
    if "y_soft" in samples[0]:
        batch["y_soft"] = torch.tensor([s["y_soft"] for s in samples], dtype=torch.float32)
    for key in ("feats", "ngrams"):
        if key in samples[0]:
            batch[key] = pad_sequence([s[key] for s in samples], batch_first=True)
    if "corpus" in samples[0]:
        batch["corpus"] = torch.tensor([s["corpus"] for s in samples], dtype=torch.long)
        batch["corpus_names"] = list(samples[0]["corpus_names"])
    return batch
