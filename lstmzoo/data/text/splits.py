"""Fixed train / validation / test splits of labelled examples.

A cut is a seeded permutation (:func:`cut_examples`), independent of the training seed, so the
same ``split_seed`` and fractions give the same split on every machine. Rated corpora are cut one
by one with the same seed (:func:`cut_each`), so a corpus's split does not depend on which other
corpora are read with it. After the cut, empty texts leave every split (:func:`drop_empty`) and
near-neutral ratings leave the splits named in ``drop_neutral_from`` (:func:`drop_neutral`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Literal

import torch

from lstmzoo.data.text.readers import Example, where

__all__ = [
    "SPLITS",
    "Split",
    "check_fractions",
    "check_neutral_splits",
    "clean_splits",
    "cut_each",
    "cut_examples",
    "drop_empty",
    "drop_neutral",
]

log = logging.getLogger(__name__)

Split = Literal["train", "val", "test"]
SPLITS: tuple[Split, ...] = ("train", "val", "test")


def check_fractions(val_fraction: float, test_fraction: float) -> None:
    """Raise :class:`ValueError` unless both fractions lie in [0, 1) and sum to less than 1."""
    for name, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0.0 <= value < 1.0:
            raise ValueError(f"{name} must lie in [0, 1), got {value}")
    if val_fraction + test_fraction >= 1.0:
        raise ValueError("val_fraction + test_fraction must be < 1")


def check_neutral_splits(drop_neutral_from: Sequence[str]) -> None:
    """Raise :class:`ValueError` when ``drop_neutral_from`` names anything but a split."""
    bad_splits = set(drop_neutral_from) - set(SPLITS)
    if bad_splits:
        raise ValueError(
            f"drop_neutral_from takes 'train', 'val', 'test', got {sorted(bad_splits)}"
        )


def cut_examples(
    examples: Sequence[Example], fractions: Sequence[float], seed: int
) -> list[list[Example]]:
    """Seeded random cut of ``examples`` into ``len(fractions) + 1`` parts (the rest first).

    Part ``k + 1`` holds ``round(fractions[k] * len(examples))`` examples; every part keeps the
    input order.
    """
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(len(examples), generator=g).tolist()
    sizes = [round(f * len(examples)) for f in fractions]
    parts, start = [], len(examples) - sum(sizes)
    parts.append([examples[i] for i in sorted(perm[:start])])
    for size in sizes:
        parts.append([examples[i] for i in sorted(perm[start : start + size])])
        start += size
    return parts


def cut_each(
    groups: Mapping[str, Sequence[Example]], val_fraction: float, test_fraction: float, seed: int
) -> dict[str, list[Example]]:
    """Cut every group (a corpus) on its own into train / val / test, then concatenate the
    parts in the order of ``groups``: ``{"train": [...], "val": [...], "test": [...]}``."""
    splits: dict[str, list[Example]] = {name: [] for name in SPLITS}
    for examples in groups.values():
        parts = cut_examples(examples, [val_fraction, test_fraction], seed)
        for split, part in zip(SPLITS, parts):
            splits[split].extend(part)
    return splits


def drop_neutral(
    examples: list[Example], split: str, neutral_band: float, drop_from: Sequence[str]
) -> list[Example]:
    """Leave out the rated examples with ``|score| <= neutral_band`` when ``split`` is one of
    ``drop_from`` (a negative band keeps everything; unrated examples always stay)."""
    if split not in drop_from or neutral_band < 0:
        return examples
    kept = [e for e in examples if e.score is None or abs(e.score) > neutral_band]
    if len(kept) < len(examples):
        log.info(
            "%s: dropped %d of %d snippets with |rating| <= %g (neutral_band)",
            split,
            len(examples) - len(kept),
            len(examples),
            neutral_band,
        )
    return kept


def drop_empty(examples: list[Example], split: str) -> list[Example]:
    """Leave out the empty and whitespace-only texts, with a warning naming the first one."""
    kept = [e for e in examples if e.text.strip()]
    if len(kept) < len(examples):
        first = next(e for e in examples if not e.text.strip())
        log.warning(
            "%s: skipped %d empty or whitespace-only text(s) (first at %s)",
            split,
            len(examples) - len(kept),
            where(first.source, first.line),
        )
    return kept


def clean_splits(
    splits: dict[str, list[Example]], neutral_band: float, drop_neutral_from: Sequence[str]
) -> dict[str, list[Example]]:
    """Every split without its empty texts, and without its near-neutral ratings where
    ``drop_neutral_from`` says so (see :func:`drop_empty` and :func:`drop_neutral`)."""
    return {
        name: drop_neutral(drop_empty(examples, name), name, neutral_band, drop_neutral_from)
        for name, examples in splits.items()
    }
