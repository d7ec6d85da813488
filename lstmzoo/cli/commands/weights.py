"""``lstmzoo weights [MODEL[:TAG]] [--check]``: the pretrained weights and their cards."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from lstmzoo.registry import get_model_spec

__all__ = ["check_weights", "weights_command"]


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
    from rich.table import Table

    from lstmzoo.weights import get_card, list_cards

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
    table = Table(title="lstmzoo pretrained weights (* = default of its model)")
    for column in ("model", "tag", "headline", "size", "use"):
        table.add_column(column)
    for card in list_cards():
        size = (
            f"{card.weights_path.stat().st_size / 2**20:.1f} MB"
            if card.weights_path.is_file()
            else "missing"
        )
        table.add_row(
            card.model,
            card.tag + ("*" if card.default else ""),
            card.headline_text(),
            size,
            f"--ckpt_path pretrained:{card.reference}",
        )
    console.print(table)
    return 0
