"""Defaults that several layers share, written once."""

from __future__ import annotations

__all__ = ["DEFAULT_LR"]

#: The learning rate of every zoo model's default Adam optimizer, and of what reads one back from
#: hyperparameters that do not name it.
DEFAULT_LR = 1e-3
