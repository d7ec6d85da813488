"""``lstmzoo export``: a checkpoint to ONNX or TorchScript (:mod:`lstmzoo.export`)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["export_command"]


def export_command(argv: Sequence[str]) -> int:
    """Run ``lstmzoo export ARGV...``; returns the exit code."""
    from lstmzoo.export import export_command as run

    return run(argv)
