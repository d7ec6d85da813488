"""A sweep file's one-line errors: ``<file>: <entry>: <what is wrong>[; did you mean ...?]``."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from lstmzoo.errors import ConfigError

__all__ = ["did_you_mean", "fail"]


def fail(path: Path | str, where: str, message: str) -> ConfigError:
    """The error for entry ``where`` of the sweep file ``path`` (to raise)."""
    return ConfigError(f"{path}: {where}: {message}")


def did_you_mean(word: str, options: Sequence[str]) -> str:
    """``"; did you mean 'x'?"`` for close matches of ``word``, else the list of ``options``."""
    matches = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    if matches:
        return "; did you mean " + " or ".join(repr(m) for m in matches) + "?"
    return f"; expected one of {', '.join(options)}"
