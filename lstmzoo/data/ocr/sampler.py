"""Which samples share a batch: endless synthetic epochs, and batches of similar width.

* :class:`FreshSampler`: epoch ``e`` of an endless synthetic set takes indices ``e * n`` to
  ``(e + 1) * n - 1``, new samples every epoch (fixed-width word images need nothing more);
* :class:`FreshBucketBatchSampler`: the same indices, in batches of samples of similar width,
  for text lines of 1 to 64 characters: each batch is padded to its widest image only, so a
  short line costs little and is never stretched. The width of a synthetic sample is known
  before it is rendered only roughly, from its text and font
  (:meth:`~lstmzoo.data.ocr.render.SyntheticTextLines.width_hint`), which is what the batches
  are grouped by; the grouping itself is the text data's
  :class:`~lstmzoo.data.text.sampler.BucketBatchSampler`.

A fixed set of images of known widths (the user's files, the synthetic validation and test
sets) is batched by :class:`~lstmzoo.data.text.sampler.BucketBatchSampler` directly (see
:func:`width_batches`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Optional

from torch.utils.data import BatchSampler, Sampler

from lstmzoo.data.text.sampler import BucketBatchSampler

__all__ = ["FreshBucketBatchSampler", "FreshSampler", "width_batches"]


class FreshSampler(Sampler[int]):
    """Epoch ``e`` of an endless synthetic set: indices ``e * n`` to ``(e + 1) * n - 1``.

    Every epoch sees new samples, each still fixed by ``(seed, index)``. ``epoch_fn`` returns
    the current epoch (the trainer's, so a resumed run continues with new samples); without it
    the sampler counts its own epochs.
    """

    def __init__(self, num_samples: int, epoch_fn: Optional[Callable[[], int]] = None) -> None:
        self.num_samples = num_samples
        self.epoch_fn = epoch_fn
        self._epoch = 0

    def __len__(self) -> int:
        return self.num_samples

    def __iter__(self) -> Iterator[int]:
        epoch = self.epoch_fn() if self.epoch_fn is not None else self._epoch
        self._epoch += 1
        start = epoch * self.num_samples
        return iter(range(start, start + self.num_samples))


class FreshBucketBatchSampler(BatchSampler):
    """The indices of :class:`FreshSampler`, in batches of samples of equal or close length.

    Args:
        length_of: the sort key of a sample index (for synthetic lines, its estimated width).
        num_samples: samples per epoch.
        batch_size: the average batch size (batches of one length hold from half to one and a
            half times it, see :class:`~lstmzoo.data.text.sampler.BucketBatchSampler`).
        seed: base seed of the grouping and the batch order.
        epoch_fn: the current epoch (the trainer's); without it, :meth:`set_epoch` or the
            sampler's own count of passes.
    """

    def __init__(
        self,
        length_of: Callable[[int], int],
        num_samples: int,
        batch_size: int,
        seed: int = 0,
        epoch_fn: Optional[Callable[[], int]] = None,
    ) -> None:
        if num_samples < 1 or batch_size < 1:
            raise ValueError(
                f"num_samples and batch_size must be >= 1, got {num_samples} and {batch_size}"
            )
        super().__init__(range(num_samples), batch_size, drop_last=False)
        self.length_of = length_of
        self.num_samples = num_samples
        self.seed = seed
        self.epoch_fn = epoch_fn
        self._epoch: int | None = None
        self._passes = 0
        self._cache: tuple[int, list[list[int]]] | None = None

    def set_epoch(self, epoch: int) -> None:
        """Select epoch ``epoch`` (Lightning calls it before every training epoch)."""
        self._epoch = int(epoch)

    def current_epoch(self) -> int:
        """The epoch whose batches come next."""
        if self.epoch_fn is not None:
            return int(self.epoch_fn())
        return self._epoch if self._epoch is not None else self._passes

    def batches(self, epoch: int | None = None) -> list[list[int]]:
        """The batches of ``epoch`` (default: the current one), in order."""
        epoch = self.current_epoch() if epoch is None else epoch
        if self._cache is not None and self._cache[0] == epoch:
            return [list(b) for b in self._cache[1]]
        start = epoch * self.num_samples
        lengths = [self.length_of(start + i) for i in range(self.num_samples)]
        inner = BucketBatchSampler(lengths, self.batch_size, seed=self.seed)
        inner.set_epoch(epoch)
        batches = [[start + i for i in batch] for batch in inner.batches()]
        self._cache = (epoch, batches)
        return [list(b) for b in batches]

    def __iter__(self) -> Iterator[list[int]]:
        batches = self.batches()
        if self.epoch_fn is None and self._epoch is None:
            self._passes += 1
        return iter(batches)

    def __len__(self) -> int:
        return len(self.batches())


def width_batches(
    widths: Sequence[int], batch_size: int, shuffle: bool, seed: int = 0
) -> BucketBatchSampler:
    """Batches of samples of similar ``widths``: shuffled every epoch for training, or sorted
    by width, every pass the same, for evaluation."""
    return BucketBatchSampler(widths, batch_size, shuffle=shuffle, seed=seed)
