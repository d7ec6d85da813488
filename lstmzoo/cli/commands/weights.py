"""``lstmzoo weights [MODEL[:TAG]] [--check] [--format FORMAT]``: the pretrained weights and
their cards.

``--format json`` prints a list with one object per weight; its keys (also the CSV columns):

* ``model``, ``tag``: the weight is ``pretrained:MODEL:TAG``;
* ``default``: whether ``pretrained:MODEL`` means this tag;
* ``headline``: the card's headline metric, in words (``""`` without one);
* ``size_bytes``: the weights file's size (``null`` when the file is missing);
* ``use``: the flag that starts a run from it (``--ckpt_path pretrained:MODEL:TAG``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from lstmzoo.cli.output import Column, add_format_argument, print_records
from lstmzoo.registry import get_model_spec

__all__ = ["WEIGHT_COLUMNS", "check_weights", "weight_records", "weights_command"]


def _size(record: dict[str, Any]) -> str:
    size = record["size_bytes"]
    return "missing" if size is None else f"{size / 2**20:.1f} MB"


#: the columns of ``lstmzoo weights``'s table
WEIGHT_COLUMNS = (
    Column("model", whole=True),
    Column("tag", whole=True, text=lambda r: r["tag"] + ("*" if r["default"] else "")),
    Column("headline"),
    Column("size_bytes", header="size", text=_size),
    Column("use"),
)


def weight_records() -> list[dict[str, Any]]:
    """One record per installed weight (see the module for the keys)."""
    from lstmzoo.weights import list_cards

    return [
        {
            "model": card.model,
            "tag": card.tag,
            "default": bool(card.default),
            "headline": card.headline_text(),
            "size_bytes": (
                card.weights_path.stat().st_size if card.weights_path.is_file() else None
            ),
            "use": f"--ckpt_path pretrained:{card.reference}",
        }
        for card in list_cards()
    ]


def check_weights(console: Any, reference: str | None) -> int:
    """``lstmzoo weights [MODEL[:TAG]] --check``: 0 when every checked card's samples hold."""
    from lstmzoo.weights import get_card, list_cards, load_pretrained
    from lstmzoo.weights.samples import check_samples

    if reference:
        model, _, tag = reference.partition(":")
        get_model_spec(model)
        cards = [get_card(model, tag or True)]
    else:
        cards = list_cards()
    failed = 0
    for card in cards:
        problems = check_samples(load_pretrained(card.model, card.tag), card.samples)
        failed += bool(problems)
        status = "[red]differs[/]" if problems else "[green]ok[/]"
        console.print(f"{card.reference}: {status} ({len(card.samples)} samples)")
        for problem in problems:
            console.print(f"  {problem}", markup=False)
    if not cards:
        console.print("no pretrained weights installed")
    return 1 if failed else 0


def weights_command(argv: Sequence[str]) -> int:
    """List the pretrained weights, print one card, or check them; returns the exit code."""
    from rich.console import Console

    from lstmzoo.weights import get_card

    parser = argparse.ArgumentParser(
        prog="lstmzoo weights",
        description="The pretrained weights: all of them, or the model card of MODEL[:TAG].",
    )
    parser.add_argument("reference", nargs="?", help="MODEL or MODEL:TAG (default: list all)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="load the weights and check that they still give the card's sample answers",
    )
    add_format_argument(parser)
    opts = parser.parse_args(list(argv))
    console = Console(highlight=False, soft_wrap=True)
    if opts.check:
        return check_weights(console, opts.reference)
    if opts.reference:
        model, _, tag = opts.reference.partition(":")
        get_model_spec(model)  # an unknown model name lists close matches
        card = get_card(model, tag or True)
        console.print(f"# {card.path}", markup=False)
        console.print(card.render(), markup=False)
        return 0
    title = "lstmzoo pretrained weights (* = default of its model)"
    print_records(weight_records(), WEIGHT_COLUMNS, opts.format, title=title)
    return 0
