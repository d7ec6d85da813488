"""``lstmzoo sweep run | show``: grids, seeds and searches (:mod:`lstmzoo.sweep`)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["sweep_command"]


def sweep_command(argv: Sequence[str]) -> int:
    """Run ``lstmzoo sweep ARGV...``; returns the exit code."""
    # imported when the subcommand runs: lstmzoo.sweep itself imports the CLI's lower modules
    from lstmzoo.sweep.cli import sweep_command as run

    return run(argv)
