"""The length-bucketing batch sampler."""

from __future__ import annotations

import random

import pytest

from lstmzoo.data.text import BucketBatchSampler, sorted_batches


def _lengths(n: int = 1000, seed: int = 0) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(1, 60) for _ in range(n)]


@pytest.mark.parametrize("epoch", [0, 1, 7])
def test_every_index_exactly_once_per_epoch(epoch: int) -> None:
    lengths = _lengths(1003)
    sampler = BucketBatchSampler(lengths, batch_size=16, pool_batches=10, seed=3)
    sampler.set_epoch(epoch)
    batches = list(sampler)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert len(batches) == len(sampler)
    assert all(1 <= len(b) <= 16 for b in batches)


def test_batches_are_length_homogeneous() -> None:
    lengths = _lengths(2000)
    bucketed = BucketBatchSampler(lengths, batch_size=32, pool_batches=20, seed=0)
    plain = BucketBatchSampler(lengths, batch_size=32, pool_batches=1, seed=0)

    def mean_spread(sampler: BucketBatchSampler) -> float:
        spreads = [max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in sampler]
        return sum(spreads) / len(spreads)

    def padding(sampler: BucketBatchSampler) -> int:
        return sum(
            max(lengths[i] for i in b) * len(b) - sum(lengths[i] for i in b) for b in sampler
        )

    assert mean_spread(bucketed) < 5  # pools of 640 over lengths 1..60
    assert mean_spread(plain) > 40
    assert padding(bucketed) * 10 < padding(plain)


def test_one_pool_gives_equal_length_batches() -> None:
    lengths = _lengths(3000)  # 60 distinct lengths, about 50 texts each
    sampler = BucketBatchSampler(lengths, batch_size=16)
    batches = list(sampler)
    # every length has more than half a batch of texts: no batch mixes lengths, none is packed
    assert all(len({lengths[i] for i in b}) == 1 for b in batches)
    assert all(8 <= len(b) < 24 for b in batches)  # batch_size / 2 to under 1.5 * batch_size
    for length in set(lengths):  # a length's texts are split evenly: sizes differ by <= 1
        sizes = [len(b) for b in batches if lengths[b[0]] == length]
        count = lengths.count(length)
        assert max(sizes) - min(sizes) <= 1 and len(sizes) == max(1, round(count / 16 + 1e-9))
    assert abs(len(batches) - 3000 / 16) < 10  # about batch_size on average
    assert sorted(i for b in batches for i in b) == list(range(3000))
    # which texts of equal length share a batch changes with the epoch
    sampler.set_epoch(1)
    assert sorted(map(sorted, sampler)) != sorted(map(sorted, batches))


def test_rare_lengths_share_sorted_mixed_batches() -> None:
    lengths = [5] * 20 + [6] * 3 + [7] * 2 + [9] * 3  # 5: own batches; 6, 7, 9: too few
    batches = list(BucketBatchSampler(lengths, batch_size=8, seed=1))
    uniform = sorted(len(b) for b in batches if len({lengths[i] for i in b}) == 1)
    assert uniform == [6, 7, 7]  # 20 texts of length 5: ceil(20 / 8) = 3 even batches
    mixed = [b for b in batches if len({lengths[i] for i in b}) > 1]
    assert [sorted(lengths[i] for i in b) for b in mixed] == [[6, 6, 6, 7, 7, 9, 9, 9]]


def test_deterministic_given_seed_and_epoch() -> None:
    lengths = _lengths(500)
    a = BucketBatchSampler(lengths, batch_size=8, seed=5)
    b = BucketBatchSampler(lengths, batch_size=8, seed=5)
    assert list(a) == list(b)
    assert list(a) == list(a)  # same epoch -> same order
    first = list(a)
    a.set_epoch(1)
    b.set_epoch(1)
    assert list(a) == list(b) != first  # new epoch -> new order, still reproducible
    c = BucketBatchSampler(lengths, batch_size=8, seed=6)
    assert list(c) != first


def test_drop_last_and_no_shuffle() -> None:
    lengths = [5, 1, 3, 2, 4, 6, 7]
    sampler = BucketBatchSampler(lengths, batch_size=3, pool_batches=4, drop_last=True)
    batches = list(sampler)
    assert all(len(b) == 3 for b in batches) and len(batches) == len(sampler) == 2
    ordered = BucketBatchSampler(lengths, batch_size=3, shuffle=False)
    assert list(ordered) == sorted_batches(lengths, 3) == [[1, 3, 2], [4, 0, 5], [6]]
    assert len(ordered) == 3


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        BucketBatchSampler([1, 2], batch_size=0)
    with pytest.raises(ValueError):
        BucketBatchSampler([1, 2], batch_size=2, pool_batches=0)
    assert len(BucketBatchSampler([], batch_size=2)) == 0


def test_external_sampler_gives_every_rank_the_same_number_of_batches():
    from torch.utils.data import DistributedSampler

    lengths = [1, 5, 5, 2, 9, 9, 9, 3, 3, 7, 4]
    counts, seen = [], []
    for rank in range(2):
        shard = DistributedSampler(range(len(lengths)), num_replicas=2, rank=rank, seed=3)
        sampler = BucketBatchSampler(lengths, 2, sampler=shard, seed=3)
        sampler.set_epoch(1)
        batches = list(sampler)
        counts.append(len(batches))
        assert len(batches) == len(sampler)
        seen.extend(i for b in batches for i in b)
        for b in batches:  # sorted by length within the shard
            assert len(b) <= 2
    assert counts[0] == counts[1]
    assert set(seen) == set(range(len(lengths)))


def test_group_shares_balance_an_epoch() -> None:
    lengths = _lengths(1000)
    groups = [0] * 800 + [1] * 150 + [2] * 50
    sampler = BucketBatchSampler(
        lengths, batch_size=16, seed=1, groups=groups, group_shares=[0.4, 0.3, 0.3]
    )
    seen = []
    for epoch in range(2):
        sampler.set_epoch(epoch)
        flat = [i for b in sampler for i in b]
        counts = [sum(groups[i] == g for i in flat) for g in range(3)]
        assert counts == [400, 300, 300]  # round(share * 1000) each
        assert set(range(800, 1000)) <= set(flat)  # the repeated groups: every text at least once
        assert len(flat) == 1000 and len(list(sampler)) == len(sampler)
        seen.append({i for i in flat if groups[i] == 0})
    assert seen[0] != seen[1]  # the subsampled group: a new subset every epoch


def test_group_shares_are_checked() -> None:
    with pytest.raises(ValueError, match="go together"):
        BucketBatchSampler([1, 2], batch_size=1, groups=[0, 1])
    with pytest.raises(ValueError, match="sum to 1"):
        BucketBatchSampler([1, 2], batch_size=1, groups=[0, 1], group_shares=[0.5, 0.6])
    with pytest.raises(ValueError, match="3 group ids for 2 samples"):
        BucketBatchSampler([1, 2], batch_size=1, groups=[0, 1, 1], group_shares=[0.5, 0.5])
