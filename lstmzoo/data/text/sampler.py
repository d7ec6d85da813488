"""Length-bucketed batching: texts of similar length share a batch, so padding costs little."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import torch
from torch.utils.data import BatchSampler, Sampler

__all__ = ["BucketBatchSampler", "sorted_batches"]


def sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Deterministic batches of indices sorted by length (for evaluation: order does not matter)."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


class BucketBatchSampler(BatchSampler):
    """Yield batches of dataset indices whose lengths are equal or close.

    Every epoch: shuffle all indices and cut them into pools of ``batch_size * pool_batches``
    indices (one pool by default). Within a pool, the texts of one length form batches of their
    own when there are at least ``batch_size / 2`` of them: ``g`` such texts are split evenly
    into ``round(g / batch_size)`` batches (at least one), so these batches hold from
    ``batch_size / 2`` to just under ``1.5 * batch_size`` texts and about ``batch_size`` on
    average. Such batches need neither padding nor packing, the fastest case for the fused RNN
    kernels (a packed batch costs several times more per step, above all backwards). Only the
    rarer lengths, sorted, share mixed-length batches of ``batch_size``. Finally the order of
    all batches is shuffled. With ``drop_last`` (or an external ``sampler``, see below) every
    batch holds exactly ``batch_size`` texts instead (the last one may be smaller without
    ``drop_last``).

    Each index appears exactly once per epoch; the order depends only on ``seed`` and the epoch
    (Lightning calls :meth:`set_epoch`; without it every pass repeats epoch 0's order).

    Args:
        lengths: length of every sample (tokens after truncation).
        batch_size: samples per batch: the average size of the equal-length batches and the
            size of the mixed ones (see above for the range).
        pool_batches: batches per sorting pool; ``None`` (default) = one pool of all samples,
            the most homogeneous batches (randomness then comes from which texts of equal length
            share a batch, and from the batch order). ``pool_batches=1`` is plain random batching.
        shuffle: ``False`` gives :func:`sorted_batches`, every epoch the same.
        drop_last: drop batches smaller than ``batch_size``.
        seed: base seed of the shuffling.
        sampler: where the indices come from, e.g. a ``DistributedSampler`` giving this process
            its share (Lightning passes one under DDP, as for any ``BatchSampler``). Then the
            indices it yields are sorted by length within pools and cut into consecutive batches,
            so that every process gets the same number of batches.
        groups: a group id per sample (for example its corpus), used with ``group_shares``.
        group_shares: the share of every epoch's samples each group gets (summing to 1). A
            group whose share exceeds its size is repeated (every sample once, then a random
            subset for the rest), a smaller one is subsampled (a random subset, a new one every
            epoch); the epoch keeps ``len(lengths)`` samples.
    """

    def __init__(
        self,
        lengths: Sequence[int],
        batch_size: int,
        pool_batches: int | None = None,
        shuffle: bool = True,
        drop_last: bool = False,
        seed: int = 0,
        sampler: Sampler[int] | None = None,
        groups: Sequence[int] | None = None,
        group_shares: Sequence[float] | None = None,
    ) -> None:
        if (groups is None) != (group_shares is None):
            raise ValueError("groups and group_shares go together")
        if groups is not None and group_shares is not None:
            if len(groups) != len(lengths):
                raise ValueError(f"{len(groups)} group ids for {len(lengths)} samples")
            if abs(sum(group_shares) - 1.0) > 1e-6 or min(group_shares) < 0:
                raise ValueError(f"group_shares must be >= 0 and sum to 1, got {group_shares}")
            if sampler is not None:
                raise ValueError("group_shares draws the epoch itself: give no sampler")
        self.groups = None if groups is None else [int(g) for g in groups]
        self.group_shares = None if group_shares is None else [float(s) for s in group_shares]
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if pool_batches is not None and pool_batches < 1:
            raise ValueError(f"pool_batches must be >= 1 or None, got {pool_batches}")
        self.lengths = [int(n) for n in lengths]
        super().__init__(
            sampler if sampler is not None else range(len(self.lengths)), batch_size, drop_last
        )
        self.external = sampler is not None
        self.batch_size = batch_size
        self.pool_batches = pool_batches
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.seed = seed
        self.epoch = 0
        self._cache: tuple[int, list[list[int]]] | None = None

    def set_epoch(self, epoch: int) -> None:
        """Select the shuffling of ``epoch`` (called by Lightning before every training epoch)."""
        self.epoch = int(epoch)

    def _pool_batches(self, pool: list[int]) -> list[list[int]]:
        by_length: dict[int, list[int]] = {}
        for i in pool:  # pool order is random, so is the order within a length
            by_length.setdefault(self.lengths[i], []).append(i)
        size = self.batch_size
        batches, leftovers = [], []
        for length in sorted(by_length):
            group = by_length[length]
            if self.drop_last:  # full batches only
                full = len(group) - len(group) % size
                parts = full // size
            elif 2 * len(group) >= size:  # the nearest whole number of batches, at least one
                full = len(group)
                parts = max(1, (2 * full + size) // (2 * size))
            else:  # too few texts of this length: they join the mixed batches
                full = parts = 0
            bounds = [round(k * full / parts) for k in range(parts + 1)] if parts else [0]
            batches.extend(group[a:b] for a, b in itertools.pairwise(bounds))
            leftovers.extend(group[full:])  # ascending lengths
        batches.extend(leftovers[i : i + size] for i in range(0, len(leftovers), size))
        return batches

    def batches(self) -> list[list[int]]:
        """The batches of the current epoch, in order."""
        if self._cache is not None and self._cache[0] == self.epoch:
            return [list(b) for b in self._cache[1]]
        n = len(self.lengths)
        if self.external:
            batches = self._external_batches()
        elif not self.shuffle:
            batches = sorted_batches(self.lengths, self.batch_size)
        else:
            g = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)
            perm = torch.randperm(n, generator=g).tolist()
            if self.groups is not None:
                perm = self._grouped_epoch(perm, g)
            pool_size = n if self.pool_batches is None else self.batch_size * self.pool_batches
            batches = []
            for start in range(0, n, max(pool_size, 1)):
                batches.extend(self._pool_batches(perm[start : start + pool_size]))
            order = torch.randperm(len(batches), generator=g).tolist()
            batches = [batches[i] for i in order]
        if self.drop_last:
            batches = [b for b in batches if len(b) == self.batch_size]
        self._cache = (self.epoch, batches)
        return [list(b) for b in batches]

    def _grouped_epoch(self, perm: list[int], g: torch.Generator) -> list[int]:
        """``perm`` redrawn so that group ``k`` fills ``group_shares[k]`` of the epoch."""
        assert self.groups is not None and self.group_shares is not None
        members: dict[int, list[int]] = {}
        for i in perm:  # random order within every group
            members.setdefault(self.groups[i], []).append(i)
        n = len(perm)
        epoch: list[int] = []
        for group, share in enumerate(self.group_shares):
            pool = members.get(group, [])
            want = round(share * n)
            if not pool or want == 0:
                continue
            whole, rest = divmod(want, len(pool))
            epoch.extend(pool * whole)
            extra = torch.randperm(len(pool), generator=g)[:rest].tolist()
            epoch.extend(pool[k] for k in extra)
        order = torch.randperm(len(epoch), generator=g).tolist()
        return [epoch[k] for k in order]

    def _external_batches(self) -> list[list[int]]:
        indices = list(self.sampler)
        pool_size = (
            len(indices) if self.pool_batches is None else self.batch_size * self.pool_batches
        )
        batches: list[list[int]] = []
        for start in range(0, len(indices), max(pool_size, 1)):
            pool = sorted(indices[start : start + pool_size], key=lambda i: self.lengths[i])
            batches.extend(
                pool[i : i + self.batch_size] for i in range(0, len(pool), self.batch_size)
            )
        if self.shuffle:
            g = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)
            batches = [batches[i] for i in torch.randperm(len(batches), generator=g).tolist()]
        return batches

    def __iter__(self) -> Iterator[list[int]]:
        return iter(self.batches())

    def __len__(self) -> int:
        if self.external:
            n = len(self.sampler)  # type: ignore[arg-type]
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batches())
