"""Length-bucketed batching: texts of similar length share a batch, so padding costs little."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch
from torch.utils.data import Sampler

__all__ = ["BucketBatchSampler", "FixedBatches", "sorted_batches"]


def sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Deterministic batches of indices sorted by length (for evaluation: order does not matter)."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


class FixedBatches(Sampler[list[int]]):
    """A batch sampler that yields the same precomputed batches (lists of indices) every time."""

    def __init__(self, batches: Sequence[Sequence[int]]) -> None:
        self.batches = [list(b) for b in batches]

    def __iter__(self) -> Iterator[list[int]]:
        return iter([list(b) for b in self.batches])

    def __len__(self) -> int:
        return len(self.batches)


class BucketBatchSampler(Sampler[list[int]]):
    """Yield batches of dataset indices whose lengths are close to each other.

    Every epoch: shuffle all indices, cut them into pools of ``batch_size * pool_batches``
    indices, sort each pool by length, cut the pools into batches, then shuffle the order of all
    batches. Each index appears exactly once per epoch; batches are length-homogeneous (within a
    pool); the order depends only on ``seed`` and the epoch (Lightning calls :meth:`set_epoch`;
    without it every pass repeats epoch 0's order).

    Args:
        lengths: length of every sample (tokens after truncation).
        batch_size: samples per batch (the last batch of a pool may be smaller).
        pool_batches: batches per sorting pool; larger pools give more homogeneous batches and
            less randomness. ``pool_batches=1`` is plain random batching.
        shuffle: ``False`` gives :func:`sorted_batches`-style deterministic batches, every epoch
            the same.
        drop_last: drop batches smaller than ``batch_size``.
        seed: base seed of the shuffling.
    """

    def __init__(
        self,
        lengths: Sequence[int],
        batch_size: int,
        pool_batches: int = 50,
        shuffle: bool = True,
        drop_last: bool = False,
        seed: int = 0,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if pool_batches < 1:
            raise ValueError(f"pool_batches must be >= 1, got {pool_batches}")
        self.lengths = [int(n) for n in lengths]
        self.batch_size = batch_size
        self.pool_batches = pool_batches
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Select the shuffling of ``epoch`` (called by Lightning before every training epoch)."""
        self.epoch = int(epoch)

    def batches(self) -> list[list[int]]:
        """The batches of the current epoch, in order."""
        n = len(self.lengths)
        if not self.shuffle:
            batches = sorted_batches(self.lengths, self.batch_size)
        else:
            g = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)
            perm = torch.randperm(n, generator=g).tolist()
            pool_size = self.batch_size * self.pool_batches
            batches = []
            for start in range(0, n, pool_size):
                # stable sort: ties keep their random order
                pool = sorted(perm[start : start + pool_size], key=self.lengths.__getitem__)
                batches.extend(
                    pool[i : i + self.batch_size] for i in range(0, len(pool), self.batch_size)
                )
            order = torch.randperm(len(batches), generator=g).tolist()
            batches = [batches[i] for i in order]
        if self.drop_last:
            batches = [b for b in batches if len(b) == self.batch_size]
        return batches

    def __iter__(self) -> Iterator[list[int]]:
        return iter(self.batches())

    def __len__(self) -> int:
        if not self.drop_last:
            if not self.shuffle:
                return -(-len(self.lengths) // self.batch_size)
            pool_size = self.batch_size * self.pool_batches
            full, rest = divmod(len(self.lengths), pool_size)
            return full * self.pool_batches + -(-rest // self.batch_size)
        return len(self.batches())
