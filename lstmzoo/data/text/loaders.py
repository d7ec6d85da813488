"""Data loaders of encoded texts: which texts share a batch.

Training batches are length-bucketed by :class:`~lstmzoo.data.text.BucketBatchSampler` (or
plain random ones, ``bucketing=False``), optionally drawing each corpus's share of an epoch;
evaluation batches are length-sorted, and prediction keeps the input order.
"""

from __future__ import annotations

from collections.abc import Sequence

from torch.utils.data import DataLoader

from lstmzoo.data.text.dataset import EncodedTexts, text_collate
from lstmzoo.data.text.sampler import BucketBatchSampler

__all__ = ["eval_loader", "train_loader"]


def train_loader(
    dataset: EncodedTexts,
    batch_size: int,
    num_workers: int = 0,
    bucketing: bool = True,
    pool_batches: int | None = None,
    seed: int = 0,
    group_shares: Sequence[float] | None = None,
) -> DataLoader:
    """Shuffled training batches, re-drawn every epoch from ``seed`` and the epoch.

    Args:
        dataset: the training texts.
        batch_size, num_workers: loader settings (workers persist across epochs).
        bucketing: length-bucketed batches; ``False`` gives plain random batches.
        pool_batches: batches per sorting pool of the sampler (``None``: one pool).
        seed: base seed of the batch order.
        group_shares: each corpus's share of an epoch (indexed like ``dataset.corpus``), or
            ``None`` to take the texts as they come.
    """
    sampler = BucketBatchSampler(
        dataset.lengths,
        batch_size,
        pool_batches=pool_batches if bucketing else 1,
        shuffle=True,
        seed=seed,
        groups=dataset.corpus if group_shares is not None else None,
        group_shares=group_shares,
    )
    return DataLoader(
        dataset,
        batch_sampler=sampler,
        collate_fn=text_collate,
        num_workers=num_workers,
        persistent_workers=num_workers > 0,
    )


def eval_loader(
    dataset: EncodedTexts,
    batch_size: int,
    num_workers: int = 0,
    bucketing: bool = True,
    keep_order: bool = False,
) -> DataLoader:
    """Evaluation batches: sorted by length with ``bucketing`` (the order does not change a
    metric), else, and always with ``keep_order``, the texts in their order."""
    if keep_order or not bucketing:
        return DataLoader(
            dataset,
            batch_size=batch_size,
            shuffle=False,
            collate_fn=text_collate,
            num_workers=num_workers,
        )
    return DataLoader(
        dataset,
        batch_sampler=BucketBatchSampler(dataset.lengths, batch_size, shuffle=False),
        collate_fn=text_collate,
        num_workers=num_workers,
    )
