"""Batches of OCR samples: endless synthetic epochs, grouped by width."""

from __future__ import annotations

from lstmzoo.data.ocr.sampler import FreshBucketBatchSampler, FreshSampler, width_batches


def key(index: int) -> int:
    """A made-up width of sample ``index``: 16 widths, scattered over the indices."""
    return (index * 7919) % 16 * 8 + 8


def test_every_index_of_an_epoch_comes_once_in_batches_of_one_width() -> None:
    sampler = FreshBucketBatchSampler(key, num_samples=640, batch_size=16, seed=3)
    sampler.set_epoch(2)
    batches = list(sampler)
    assert len(batches) == len(sampler)
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(2 * 640, 3 * 640))
    assert all(len({key(i) for i in b}) == 1 for b in batches)  # 40 of each width: own batches
    assert min(map(len, batches)) >= 8 and max(map(len, batches)) < 24
    again = FreshBucketBatchSampler(key, num_samples=640, batch_size=16, seed=3)
    again.set_epoch(2)
    assert list(again) == batches  # fixed by the seed and the epoch
    again.set_epoch(3)
    assert sorted(i for b in again for i in b) == list(range(3 * 640, 4 * 640))


def test_the_trainer_epoch_wins_and_passes_count_without_one() -> None:
    epoch = [5]
    follows = FreshBucketBatchSampler(key, 64, 8, epoch_fn=lambda: epoch[0])
    assert min(i for b in follows for i in b) == 5 * 64
    counting = FreshBucketBatchSampler(key, 64, 8)
    first, second = list(counting), list(counting)
    assert {i for b in first for i in b} == set(range(64))
    assert {i for b in second for i in b} == set(range(64, 128))
    assert list(FreshSampler(3)) == [0, 1, 2]


def test_evaluation_batches_are_sorted_by_width_and_the_same_every_pass() -> None:
    widths = [key(i) for i in range(50)]
    batches = list(width_batches(widths, 8, shuffle=False))
    assert batches == list(width_batches(widths, 8, shuffle=False))
    order = [widths[i] for b in batches for i in b]
    assert order == sorted(order) and sorted(i for b in batches for i in b) == list(range(50))
