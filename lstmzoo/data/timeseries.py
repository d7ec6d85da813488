"""Windows over the user's own time series, read from a CSV file."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any, Literal

import torch
from torch import Tensor

from lstmzoo.argtypes import NonNegativeInt, PositiveInt, Probability
from lstmzoo.data.base import TensorDictDataset, ZooDataModule
from lstmzoo.errors import DataError

__all__ = ["CSVSeries", "read_numeric_csv"]


def read_numeric_csv(path: str | Path, columns: list[str]) -> Tensor:
    """Read ``columns`` of a CSV file with a header row into a ``(rows, len(columns))`` tensor.

    Raises:
        DataError: unreadable file, missing column, empty cell or non-numeric cell; the message
            names the file, the line (1-based, header = line 1) and the column.
    """
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            try:
                header = next(reader)
            except StopIteration:
                raise DataError(f"{path}: the file is empty; expected a header row") from None
            header = [h.strip() for h in header]
            missing = [c for c in columns if c not in header]
            if missing:
                raise DataError(
                    f"{path}: column(s) {missing} not found in the header; available: {header}"
                )
            index = [header.index(c) for c in columns]
            rows: list[list[float]] = []
            for line_no, row in enumerate(reader, start=2):
                if not row or all(not cell.strip() for cell in row):
                    continue  # blank line
                values = []
                for col, i in zip(columns, index):
                    cell = row[i].strip() if i < len(row) else ""
                    if cell == "":
                        raise DataError(
                            f"{path}, line {line_no}, column {col!r}: missing value; fill or drop "
                            "the row (e.g. interpolate) before training"
                        )
                    try:
                        value = float(cell)
                    except ValueError:
                        raise DataError(
                            f"{path}, line {line_no}, column {col!r}: {cell!r} is not a number"
                        ) from None
                    if not math.isfinite(value):
                        raise DataError(
                            f"{path}, line {line_no}, column {col!r}: {cell!r} is not finite"
                        )
                    values.append(value)
                rows.append(values)
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    except OSError as err:
        raise DataError(f"{path}: cannot read the file ({err.strerror})") from err
    return torch.tensor(rows, dtype=torch.float32).reshape(len(rows), len(columns))


class CSVSeries(ZooDataModule):
    """Sliding windows over columns of a CSV file, for N -> 1 or N -> N forecasting.

    ``mode="next_value"`` (N -> 1): ``x = series[t : t+window]`` ``(window, F)``, ``y`` = the target
    column ``horizon`` steps after the window ``(1,)``. ``mode="sequence"`` (N -> N): ``y`` is the
    target column shifted ``horizon`` steps ahead for every step of the window ``(window, 1)``.

    Splits are chronological (train, then validation, then test) so no future value leaks into
    training. With ``normalize=True`` features and target are standardised with the training
    split's mean and standard deviation (predictions are then in standardised units).

    Args:
        path: CSV file with a header row.
        target: the column to forecast.
        features: input columns (default: just ``target``).
        window: input steps per sample; horizon: how far ahead the target lies (>= 1).
        val_fraction, test_fraction: shares of the rows for validation and test.
    """

    input_kind = "sequence"

    def __init__(
        self,
        path: str,
        target: str,
        features: list[str] | None = None,
        window: PositiveInt = 24,
        horizon: PositiveInt = 1,
        mode: Literal["next_value", "sequence"] = "next_value",
        val_fraction: Probability = 0.15,
        test_fraction: Probability = 0.15,
        normalize: bool = False,
        batch_size: PositiveInt = 32,
        num_workers: NonNegativeInt = 0,
        seed: int = 0,
    ) -> None:
        super().__init__(batch_size, num_workers, seed)
        if window < 1 or horizon < 1:
            raise ValueError(f"window and horizon must be >= 1, got {window} and {horizon}")
        if mode not in ("next_value", "sequence"):
            raise ValueError(f"mode must be 'next_value' or 'sequence', got {mode!r}")
        if not (
            0 <= val_fraction < 1 and 0 <= test_fraction < 1 and val_fraction + test_fraction < 1
        ):
            raise ValueError("val_fraction and test_fraction must be in [0, 1) and sum below 1")
        self.path = path
        self.target = target
        self.features = list(features) if features else [target]
        self.window = window
        self.horizon = horizon
        self.mode = mode
        self.val_fraction = val_fraction
        self.test_fraction = test_fraction
        self.normalize = normalize
        self.target_kind = "vector" if mode == "next_value" else "sequence"
        self.stats: dict[str, list[float]] | None = None

    def _windows(self, feats: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
        span = self.window + self.horizon
        count = feats.shape[0] - span + 1
        starts = torch.arange(max(count, 0))
        steps = torch.arange(self.window)
        x = feats[starts[:, None] + steps[None]]  # (N, window, F)
        if self.mode == "next_value":
            y = target[starts + self.window + self.horizon - 1].unsqueeze(-1)  # (N, 1)
        else:
            y = target[starts[:, None] + steps[None] + self.horizon].unsqueeze(-1)  # (N, window, 1)
        return x, y

    def setup(self, stage: str | None = None) -> None:
        if self.train_set is not None:
            return
        columns = list(dict.fromkeys([*self.features, self.target]))
        table = read_numeric_csv(self.path, columns)
        feats = table[:, [columns.index(c) for c in self.features]]
        target = table[:, columns.index(self.target)]
        rows = table.shape[0]
        span = self.window + self.horizon
        n_val = int(rows * self.val_fraction)
        n_test = int(rows * self.test_fraction)
        n_train = rows - n_val - n_test
        needed = span * (1 + (n_val > 0) + (n_test > 0))
        if n_train < span or (n_val and n_val < span) or (n_test and n_test < span):
            raise DataError(
                f"{self.path}: {rows} rows are too few for window={self.window} + "
                f"horizon={self.horizon} in every split (train/val/test get {n_train}/{n_val}/"
                f"{n_test} rows; each needs >= {span}); provide at least about {needed} rows or "
                "lower window, horizon or the split fractions"
            )
        if self.normalize:
            mean_f, std_f = feats[:n_train].mean(0), feats[:n_train].std(0).clamp_min(1e-8)
            mean_t, std_t = target[:n_train].mean(), target[:n_train].std().clamp_min(1e-8)
            feats, target = (feats - mean_f) / std_f, (target - mean_t) / std_t
            self.stats = {
                "feature_mean": mean_f.tolist(),
                "feature_std": std_f.tolist(),
                "target_mean": [float(mean_t)],
                "target_std": [float(std_t)],
            }
        bounds = {
            "train": (0, n_train),
            "val": (n_train, n_train + n_val),
            "test": (n_train + n_val, rows),
        }
        sets = {}
        for name, (lo, hi) in bounds.items():
            x, y = self._windows(feats[lo:hi], target[lo:hi])
            sets[name] = TensorDictDataset(x, y) if len(x) else None
        self.train_set, self.val_set, self.test_set = sets["train"], sets["val"], sets["test"]

    def model_kwargs(self) -> dict[str, Any]:
        return {"input_size": len(self.features), "output_size": 1, "task": "regression"}
