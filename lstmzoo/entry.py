"""The ``lstmzoo`` program: what runs before torch and Lightning are imported.

The console script and ``python -m lstmzoo`` start here rather than in :mod:`lstmzoo.cli`,
whose subcommands import torch and Lightning (seconds); ``lstmzoo sweep run`` uses those
seconds to start its fork server first (:func:`lstmzoo.sweep.cli.start_fork_server_early`).
Everything else is :func:`lstmzoo.cli.dispatch.main`.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> int:
    """Run the ``lstmzoo`` command on ``sys.argv``; returns the exit code."""
    args = sys.argv[1:]
    if args[:1] == ["sweep"]:
        from lstmzoo.sweep.cli import start_fork_server_early

        start_fork_server_early(args[1:])
    from lstmzoo.cli.dispatch import main as cli_main

    return cli_main()
