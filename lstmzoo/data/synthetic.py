"""Generated sequence tasks, deterministic given a seed: no downloads.

========================  =========  ====================================================
data module               topology   task
========================  =========  ====================================================
:class:`AddingProblem`    N -> 1     sum the two marked values of a long sequence
:class:`DelayedCopy`      N -> N     emit the symbol seen ``delay`` steps ago (tagging)
:class:`Waveform`         1 -> N     draw N steps of a sine wave from (amplitude, freq, phase)
========================  =========  ====================================================
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor

from lstmzoo.argtypes import AtLeastTwo, NonNegativeInt, PositiveInt
from lstmzoo.data.base import TensorDictDataset, ZooDataModule

__all__ = ["AddingProblem", "DelayedCopy", "Waveform", "adding_problem", "delayed_copy", "waveform"]


def _split_seeds(seed: int) -> dict[str, int]:
    return {"train": seed, "val": seed + 10_007, "test": seed + 20_011}


def adding_problem(n: int, seq_len: int, seed: int) -> tuple[Tensor, Tensor]:
    """``n`` samples of the adding problem: ``x: (n, T, 2)``, ``y: (n, 1)``.

    Row 0 holds values drawn from U(0, 1); row 1 marks one step in the first half and one in the
    second half; the target is the sum of the two marked values. Predicting the mean (1.0) gives
    an MSE of 1/6 ≈ 0.167.
    """
    if seq_len < 2:
        raise ValueError(f"seq_len must be >= 2, got {seq_len}")
    g = torch.Generator().manual_seed(seed)
    values = torch.rand(n, seq_len, generator=g)
    half = seq_len // 2
    first = torch.randint(0, half, (n,), generator=g)
    second = torch.randint(half, seq_len, (n,), generator=g)
    markers = torch.zeros(n, seq_len)
    rows = torch.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = torch.stack([values, markers], dim=-1)
    y = (values[rows, first] + values[rows, second]).unsqueeze(-1)
    return x, y


def delayed_copy(
    n: int, min_len: int, max_len: int, num_symbols: int, delay: int, seed: int
) -> tuple[list[Tensor], list[Tensor]]:
    """``n`` variable-length samples of delayed copy tagging.

    ``x_i: (T_i, K)`` one-hot symbols, ``y_i: (T_i,)`` with ``y_t = symbol_{t-delay}`` and the
    blank class ``K`` for ``t < delay``. Solving it needs a memory of ``delay`` symbols.
    """
    if not 1 <= min_len <= max_len:
        raise ValueError(f"need 1 <= min_len <= max_len, got {min_len}, {max_len}")
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(min_len, max_len + 1, (n,), generator=g)
    xs, ys = [], []
    for length in lengths.tolist():
        symbols = torch.randint(0, num_symbols, (length,), generator=g)
        y = torch.full((length,), num_symbols, dtype=torch.long)
        if length > delay:
            y[delay:] = symbols[: length - delay]
        xs.append(torch.nn.functional.one_hot(symbols, num_symbols).float())
        ys.append(y)
    return xs, ys


def waveform(n: int, steps: int, seed: int) -> tuple[Tensor, Tensor]:
    """``n`` samples of 1 -> N generation: ``x: (n, 3)`` = (amplitude, frequency, phase) scaled to
    about [-1, 1], ``y: (n, steps, 1)`` with ``y_t = a * sin(2π f t / steps + phase)``."""
    g = torch.Generator().manual_seed(seed)
    amp = 0.5 + torch.rand(n, generator=g)  # [0.5, 1.5)
    freq = 0.5 + 2.5 * torch.rand(n, generator=g)  # cycles per window, [0.5, 3)
    phase = 2 * math.pi * torch.rand(n, generator=g)
    t = torch.arange(steps).float() / steps
    y = amp[:, None] * torch.sin(2 * math.pi * freq[:, None] * t[None] + phase[:, None])
    x = torch.stack([amp - 1.0, (freq - 1.75) / 1.25, phase / math.pi - 1.0], dim=-1)
    return x, y.unsqueeze(-1)


class _GeneratedDataModule(ZooDataModule):
    def __init__(
        self,
        num_train: PositiveInt,
        num_val: PositiveInt,
        num_test: PositiveInt,
        batch_size: PositiveInt,
        num_workers: NonNegativeInt,
        seed: int,
    ) -> None:
        super().__init__(batch_size, num_workers, seed)
        for name, value in (("num_train", num_train), ("num_val", num_val), ("num_test", num_test)):
            if value < 1:
                raise ValueError(f"{name} must be >= 1, got {value}")
        self.sizes = {"train": num_train, "val": num_val, "test": num_test}

    def generate(self, n: int, seed: int) -> tuple[Any, Any]:
        raise NotImplementedError

    def setup(self, stage: str | None = None) -> None:
        if self.train_set is not None:
            return
        seeds = _split_seeds(self.seed)
        sets = {k: TensorDictDataset(*self.generate(self.sizes[k], seeds[k])) for k in self.sizes}
        self.train_set, self.val_set, self.test_set = sets["train"], sets["val"], sets["test"]


class AddingProblem(_GeneratedDataModule):
    """The adding problem (N -> 1 regression), the classic test of long-range memory.

    Args:
        seq_len: steps per sequence ``T``; the two marked values are on average ``T/2`` apart.
        num_train, num_val, num_test: samples per split (each split has its own seed).
        batch_size, num_workers, seed: loader settings and the base seed.
    """

    input_kind = "sequence"
    target_kind = "vector"

    def __init__(
        self,
        seq_len: AtLeastTwo = 100,
        num_train: PositiveInt = 10_000,
        num_val: PositiveInt = 1_000,
        num_test: PositiveInt = 1_000,
        batch_size: PositiveInt = 64,
        num_workers: NonNegativeInt = 0,
        seed: int = 0,
    ) -> None:
        super().__init__(num_train, num_val, num_test, batch_size, num_workers, seed)
        self.seq_len = seq_len

    def generate(self, n: int, seed: int) -> tuple[Tensor, Tensor]:
        return adding_problem(n, self.seq_len, seed)

    def model_kwargs(self) -> dict[str, Any]:
        return {"input_size": 2, "output_size": 1, "task": "regression"}


class DelayedCopy(_GeneratedDataModule):
    """Delayed copy tagging (N -> N classification) on variable-length, padded sequences.

    Args:
        num_symbols: alphabet size ``K``; there are ``K + 1`` classes (the blank is ``K``).
        delay: how many steps back the target symbol lies.
        min_len, max_len: sequence lengths are uniform in ``[min_len, max_len]``.
    """

    input_kind = "sequence"
    target_kind = "sequence"

    def __init__(
        self,
        num_symbols: AtLeastTwo = 8,
        delay: NonNegativeInt = 10,
        min_len: PositiveInt = 20,
        max_len: PositiveInt = 40,
        num_train: PositiveInt = 8_000,
        num_val: PositiveInt = 1_000,
        num_test: PositiveInt = 1_000,
        batch_size: PositiveInt = 64,
        num_workers: NonNegativeInt = 0,
        seed: int = 0,
    ) -> None:
        super().__init__(num_train, num_val, num_test, batch_size, num_workers, seed)
        if num_symbols < 2 or delay < 0:
            raise ValueError(f"need num_symbols >= 2 and delay >= 0, got {num_symbols}, {delay}")
        if not 1 <= min_len <= max_len:
            raise ValueError(f"need 1 <= min_len <= max_len, got {min_len} and {max_len}")
        self.num_symbols = num_symbols
        self.delay = delay
        self.min_len = min_len
        self.max_len = max_len

    def generate(self, n: int, seed: int) -> tuple[list[Tensor], list[Tensor]]:
        return delayed_copy(n, self.min_len, self.max_len, self.num_symbols, self.delay, seed)

    def model_kwargs(self) -> dict[str, Any]:
        return {
            "input_size": self.num_symbols,
            "output_size": self.num_symbols + 1,
            "task": "classification",
        }


class Waveform(_GeneratedDataModule):
    """1 -> N generation: from one (amplitude, frequency, phase) vector draw ``steps`` samples.

    Use with ``OneToMany(mode="first_step" | "every_step", steps=<same steps>)``.
    """

    input_kind = "vector"
    target_kind = "sequence"

    def __init__(
        self,
        steps: PositiveInt = 32,
        num_train: PositiveInt = 8_000,
        num_val: PositiveInt = 1_000,
        num_test: PositiveInt = 1_000,
        batch_size: PositiveInt = 64,
        num_workers: NonNegativeInt = 0,
        seed: int = 0,
    ) -> None:
        super().__init__(num_train, num_val, num_test, batch_size, num_workers, seed)
        if steps < 1:
            raise ValueError(f"steps must be >= 1, got {steps}")
        self.steps = steps

    def generate(self, n: int, seed: int) -> tuple[Tensor, Tensor]:
        return waveform(n, self.steps, seed)

    def model_kwargs(self) -> dict[str, Any]:
        return {"input_size": 3, "output_size": 1, "task": "regression"}
