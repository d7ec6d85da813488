"""``python -m lstmzoo.viz FIGURE``: build one of the figures of
:data:`~lstmzoo.viz.builders.FIGURES` and write it as a PNG."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import torch

from lstmzoo.viz.builders import FIGURES

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lstmzoo.viz FIGURE [--output PATH] [--dpi N] [--seed N]``, or ``--list``.

    The figure is built on one thread (its models are tiny; the caller's thread count is
    restored afterwards) and written to ``--output`` (default ``FIGURE.png``), parent folders
    created.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status, 0; argparse exits with status 2 on bad arguments.
    """
    parser = argparse.ArgumentParser(
        prog="python -m lstmzoo.viz", description="Render one of lstmzoo's explainer figures."
    )
    parser.add_argument("figure", nargs="?", choices=sorted(FIGURES), help="which figure")
    parser.add_argument("-o", "--output", type=Path, help="PNG path (default: FIGURE.png)")
    parser.add_argument("--dpi", type=int, default=100, help="resolution (default: 100)")
    parser.add_argument("--seed", type=int, default=0, help="data and model seed (default: 0)")
    parser.add_argument("--list", action="store_true", help="list the figures and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, builder in sorted(FIGURES.items()):
            doc = (builder.__doc__ or "").strip().split("\n\n")[0]
            print(f"{name:12s} {' '.join(doc.split())}")
        return 0
    if args.figure is None:
        parser.error("name a figure (or --list)")
    if args.dpi < 10:
        parser.error(f"--dpi must be >= 10, got {args.dpi}")
    output: Path = args.output or Path(f"{args.figure}.png")
    # the models are tiny: one thread avoids scheduling overhead and is the fastest choice
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        fig = FIGURES[args.figure](args.seed)
    finally:
        torch.set_num_threads(threads)
    output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output, dpi=args.dpi)
    print(f"wrote {output}")
    return 0
