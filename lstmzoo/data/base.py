"""The shared LightningDataModule base and the padding collate function."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import lightning.pytorch as pl
import torch
from torch import Tensor
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset, Sampler

from lstmzoo.argtypes import NonNegativeInt, PositiveInt

__all__ = ["EpochSampler", "ZooDataModule", "pad_collate"]


class EpochSampler(Sampler[int]):
    """Sample indices in an order that depends only on ``(seed, epoch)``; resumable mid-epoch.

    Lightning calls :meth:`set_epoch` before every epoch. :meth:`skip` drops the first ``n``
    indices of the next pass only, which is how a run interrupted mid-epoch continues with exactly
    the samples the uninterrupted run would have seen. ``len()`` stays the full size so the
    trainer's batch counting is unchanged.
    """

    def __init__(self, size: int, seed: int = 0, shuffle: bool = True) -> None:
        self.size = size
        self.seed = seed
        self.shuffle = shuffle
        self.epoch = 0
        self._skip = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def skip(self, count: int) -> None:
        """Leave out the first ``count`` indices of the next pass."""
        self._skip = max(0, count)

    def __iter__(self):  # type: ignore[no-untyped-def]
        if self.shuffle:
            g = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)
            order = torch.randperm(self.size, generator=g).tolist()
        else:
            order = list(range(self.size))
        start, self._skip = self._skip, 0
        return iter(order[start:])

    def __len__(self) -> int:
        return self.size


def pad_collate(samples: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Collate ``{"x", "y"?}`` samples of varying length into a padded batch.

    ``x: (T_i, D)`` -> ``x: (B, T_max, D)`` plus ``lengths: (B,)``; a ``y`` of shape ``(T_i, ...)``
    (per-step targets) is padded the same way (with zeros; models mask by ``lengths``), any other
    ``y`` is stacked. Fixed-size ``x`` (vectors, equal lengths) is stacked with ``lengths=None``.
    """
    xs = [s["x"] for s in samples]
    batch: dict[str, Any] = {}
    if xs[0].dim() >= 2 and len({x.shape[0] for x in xs}) > 1:
        lengths = torch.tensor([x.shape[0] for x in xs], dtype=torch.long)
        batch["x"] = pad_sequence(xs, batch_first=True)
        batch["lengths"] = lengths
    else:
        batch["x"] = torch.stack(xs)
        batch["lengths"] = None
    if "y" in samples[0]:
        ys = [s["y"] for s in samples]
        if batch["lengths"] is not None and ys[0].dim() >= 1 and ys[0].shape[0] == xs[0].shape[0]:
            batch["y"] = pad_sequence(ys, batch_first=True)
        else:
            batch["y"] = torch.stack(ys)
    return batch


def _flat_value(value: Any) -> bool:
    """A batch value that needs no recursive walk: a tensor, None, or a list of plain items."""
    if value is None or isinstance(value, (Tensor, str, int, float, bool)):
        return True
    return isinstance(value, (list, tuple)) and all(
        isinstance(v, (str, int, float, bool)) for v in value
    )


def _to(value: Any, device: torch.device) -> Any:
    if isinstance(value, Tensor) and value.device != device:
        return value.to(device, non_blocking=True)
    return value


class ZooDataModule(pl.LightningDataModule):
    """Base of the zoo's data modules.

    Subclasses fill ``self.train_set`` / ``val_set`` / ``test_set`` / ``predict_set`` in ``setup``
    and describe themselves to the model through:

    * :attr:`input_kind` / :attr:`target_kind` (``"sequence"`` or ``"vector"``), checked against the
      model's head before training;
    * :meth:`model_kwargs`: the sizes that come from the data (input size, classes, vocabulary,
      alphabet) which the CLI passes to the model's constructor, so they land in the checkpoint;
    * :meth:`adopt_model_kwargs`: the reverse direction, for ``test`` / ``predict`` from a
      checkpoint: the data module takes the model's vocabulary or alphabet instead of its own.
    """

    input_kind: str = "sequence"
    target_kind: str = "vector"

    def __init__(
        self, batch_size: PositiveInt = 32, num_workers: NonNegativeInt = 0, seed: int = 0
    ) -> None:
        super().__init__()
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.seed = seed
        self.train_set: Dataset | None = None
        self.val_set: Dataset | None = None
        self.test_set: Dataset | None = None
        self.predict_set: Dataset | None = None

    def transfer_batch_to_device(
        self, batch: Any, device: torch.device, dataloader_idx: int
    ) -> Any:
        """Move a batch to ``device``. The zoo's batches (a flat dict of tensors, ``None`` and
        lists of strings or numbers) take a direct path instead of Lightning's generic walk
        over nested collections, which costs about a millisecond per training step on a CPU;
        tensors already on ``device`` are not touched. Anything else goes the generic way."""
        if isinstance(batch, dict) and all(_flat_value(v) for v in batch.values()):
            return {k: _to(v, device) for k, v in batch.items()}
        return super().transfer_batch_to_device(batch, device, dataloader_idx)

    def model_kwargs(self) -> dict[str, Any]:
        """Constructor arguments of the model that the data determines."""
        return {}

    def adopt_model_kwargs(self, kwargs: dict[str, Any]) -> None:
        """Take data-derived sizes from a trained model (default: nothing to adopt)."""

    def collate(self, samples: Sequence[dict[str, Any]]) -> dict[str, Any]:
        return pad_collate(samples)

    def _loader(self, dataset: Dataset | None, name: str, shuffle: bool = False) -> DataLoader:
        if dataset is None:
            raise RuntimeError(
                f"{type(self).__name__} has no {name} split: call setup() first or configure one"
            )
        sampler = EpochSampler(len(dataset), self.seed, shuffle)  # type: ignore[arg-type]
        if shuffle:
            sampler.set_epoch(self._trainer_epoch())
            sampler.skip(self._batches_done_this_epoch() * self.batch_size)
        return DataLoader(
            dataset,
            batch_size=self.batch_size,
            sampler=sampler,
            num_workers=self.num_workers,
            collate_fn=self.collate,
            persistent_workers=self.num_workers > 0,
        )

    def _trainer_epoch(self) -> int:
        trainer = getattr(self, "trainer", None)
        return int(trainer.current_epoch) if trainer is not None else 0

    def _batches_done_this_epoch(self) -> int:
        """When fit resumes from a mid-epoch checkpoint: the batches that epoch already used."""
        trainer = getattr(self, "trainer", None)
        if trainer is None or not trainer.fit_loop.restarting:
            return 0
        return int(trainer.fit_loop.epoch_loop.batch_progress.current.completed)

    def train_dataloader(self) -> DataLoader:
        return self._loader(self.train_set, "train", shuffle=True)

    def val_dataloader(self) -> DataLoader | list:
        # no validation split configured: Lightning skips validation on an empty list
        return [] if self.val_set is None else self._loader(self.val_set, "validation")

    def test_dataloader(self) -> DataLoader:
        return self._loader(self.test_set, "test")

    def predict_dataloader(self) -> DataLoader:
        return self._loader(self.predict_set or self.test_set, "predict")


class TensorDictDataset(Dataset):
    """A dataset of ``{"x": x[i], "y": y[i]}`` from pre-built tensors or lists of tensors."""

    def __init__(
        self, x: Tensor | Sequence[Tensor], y: Tensor | Sequence[Tensor] | None = None
    ) -> None:
        if y is not None and len(x) != len(y):
            raise ValueError(f"x and y differ in length: {len(x)} vs {len(y)}")
        self.x = x
        self.y = y

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, index: int) -> dict[str, Tensor]:
        item = {"x": self.x[index]}
        if self.y is not None:
            item["y"] = self.y[index]
        return item
