"""The search space's types: a list of values (:class:`Categorical`) or a range (:class:`Range`).

``space`` maps dotted config keys to either::

    model.init_args.cell: [rnn, gru, lstm]                        # Categorical
    model.init_args.lr: {low: 1.0e-4, high: 1.0e-2, log: true}    # Range (ints take step)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lstmzoo.sweep.spec.messages import did_you_mean, fail

__all__ = ["Categorical", "Dimension", "Range", "parse_dimension"]

RANGE_KEYS = ("low", "high", "log", "step")


@dataclass(frozen=True)
class Categorical:
    """A list of values: every one is a grid point (grid) or a choice (random / tpe)."""

    values: tuple[Any, ...]


@dataclass(frozen=True)
class Range:
    """A numeric range ``[low, high]``; ``log`` samples on a log scale, ``step`` discretises.

    Integer ranges (both ends ints) suggest ints. A grid enumerates a range only with ``step``.
    """

    low: float
    high: float
    log: bool = False
    step: float | None = None

    @property
    def is_int(self) -> bool:
        return isinstance(self.low, int) and isinstance(self.high, int)

    def grid_values(self) -> tuple[Any, ...]:
        """The values a grid runs: ``low, low + step, ..., <= high``."""
        assert self.step is not None
        count = math.floor((self.high - self.low) / self.step + 1e-9) + 1
        values = [self.low + i * self.step for i in range(count)]
        return tuple(int(v) for v in values) if self.is_int else tuple(values)


Dimension = Categorical | Range


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_dimension(path: Path, key: str, value: Any) -> Dimension:
    """The dimension that ``space: {key: value}`` of the sweep file ``path`` describes.

    Raises:
        ConfigError: an empty or repeating list, an unknown range key, a range that is
            inverted, empty, or mixes ``log`` and ``step``.
    """
    where = f"space: {key}"
    if isinstance(value, list):
        if not value:
            raise fail(path, where, "the list of values is empty; give at least one value")
        seen: list[str] = []
        for item in value:
            text = json.dumps(item, sort_keys=True, default=str)
            if text in seen:
                raise fail(path, where, f"the value {item!r} is listed twice")
            seen.append(text)
        return Categorical(tuple(value))
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in RANGE_KEYS]
        if unknown:
            raise fail(
                path,
                where,
                f"unknown range key {unknown[0]!r}" + did_you_mean(unknown[0], RANGE_KEYS),
            )
        if "low" not in value or "high" not in value:
            raise fail(path, where, "a range needs both 'low' and 'high'")
        low, high, log, step = (
            value["low"],
            value["high"],
            value.get("log", False),
            value.get("step"),
        )
        for name, item in (("low", low), ("high", high)):
            if not _is_number(item):
                raise fail(path, where, f"'{name}' must be a number, got {item!r}")
        if not isinstance(log, bool):
            raise fail(path, where, f"'log' must be true or false, got {log!r}")
        if low > high:
            raise fail(path, where, f"inverted range: low {low} > high {high}; swap them")
        if low == high:
            raise fail(path, where, f"empty range: low == high == {low}; use a list for one value")
        if log and low <= 0:
            raise fail(path, where, f"a log range needs low > 0, got {low}")
        if step is not None:
            if not _is_number(step) or step <= 0:
                raise fail(path, where, f"'step' must be a positive number, got {step!r}")
            if log:
                raise fail(path, where, "'step' and 'log: true' cannot be combined")
            if isinstance(low, int) and isinstance(high, int) and not isinstance(step, int):
                raise fail(path, where, f"an int range needs an int 'step', got {step!r}")
        return Range(low, high, log, step)
    raise fail(
        path,
        where,
        f"expected a list of values or a range {{low, high, log, step}}, got {value!r}",
    )
