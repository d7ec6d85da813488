"""Errors a user can cause: the CLI prints them as one line, without a traceback."""

from __future__ import annotations

__all__ = ["CheckpointError", "ConfigError", "DataError", "LstmzooError"]


class LstmzooError(Exception):
    """Base of the errors that point at the user's input, not at a bug."""


class ConfigError(LstmzooError, ValueError):
    """A configuration that cannot work (unknown model, topology the data cannot feed, ...)."""


class DataError(LstmzooError, ValueError):
    """Bad input data: the message names the file, line / row and column where possible."""


class CheckpointError(LstmzooError, ValueError):
    """A checkpoint that is missing, truncated, or not an lstmzoo checkpoint."""
