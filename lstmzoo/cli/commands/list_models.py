"""``lstmzoo list [PATTERN ...] [--pretrained]``: the registered models."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from lstmzoo.registry import get_model_spec, list_models

__all__ = ["list_command"]


def list_command(argv: Sequence[str]) -> int:
    """Print the registered models matching the wildcard patterns; returns 0."""
    from rich.console import Console
    from rich.table import Table

    from lstmzoo.weights import list_cards

    parser = argparse.ArgumentParser(prog="lstmzoo list", description="List the registered models.")
    parser.add_argument("pattern", nargs="*", default=["*"], help="wildcard filters, e.g. 'lstm*'")
    parser.add_argument(
        "--pretrained", action="store_true", help="only the models with pretrained weights"
    )
    opts = parser.parse_args(list(argv))
    weights: dict[str, list[str]] = {}
    for card in list_cards():
        mark = "*" if card.default else ""
        weights.setdefault(card.model, []).append(
            f"{card.tag}{mark} {card.headline_text()}".strip()
        )
    table = Table(title="lstmzoo models")
    columns = ("name", "task", "topology", "parameters", "recipe", "pretrained", "description")
    for column in columns:
        table.add_column(column, justify="right" if column == "parameters" else "left")
    for name in list_models(opts.pattern, pretrained=opts.pretrained):
        spec = get_model_spec(name)
        try:
            params = f"{sum(p.numel() for p in spec.build().parameters()):,}"
        except Exception as err:  # a model that cannot build with defaults still gets listed
            params = f"n/a ({type(err).__name__})"
        shipped = "\n".join(weights.get(name, [])) or "-"
        table.add_row(
            name, spec.task, spec.topology, params, spec.recipe or "", shipped, spec.description
        )
    Console().print(table)
    return 0
