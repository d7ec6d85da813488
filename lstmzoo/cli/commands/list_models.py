"""``lstmzoo list [PATTERN ...] [--pretrained] [--format FORMAT]``: the registered models.

``--format json`` prints a list with one object per model; its keys (also the CSV columns):

* ``name``, ``task``, ``topology``, ``description``: strings, as registered;
* ``parameters``: the parameter count with the registered defaults (``null`` when the model
  cannot be built without more arguments);
* ``recipe``: the shipped config's name (``lstmzoo fit -c RECIPE``), or ``null``;
* ``pretrained``: the shipped weights, each ``{"tag", "default", "headline"}`` (``default``:
  the tag ``pretrained:MODEL`` means).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from lstmzoo.cli.output import Column, add_format_argument, print_records
from lstmzoo.registry import get_model_spec, list_models

__all__ = ["MODEL_COLUMNS", "list_command", "model_records"]


def _parameters(record: dict[str, Any]) -> str:
    count = record["parameters"]
    return "n/a" if count is None else f"{count:,}"


def _pretrained(record: dict[str, Any]) -> list[str]:
    lines = [
        f"{w['tag']}{'*' if w['default'] else ''} {w['headline']}".strip()
        for w in record["pretrained"]
    ]
    return lines or ["-"]


#: the columns of ``lstmzoo list``'s table
MODEL_COLUMNS = (
    Column("name", whole=True),
    Column("task"),
    Column("topology"),
    Column("parameters", justify="right", text=_parameters),
    Column("recipe"),
    Column("pretrained", text=_pretrained),
    Column("description"),
)


def model_records(
    patterns: Sequence[str] = ("*",), pretrained: bool = False
) -> list[dict[str, Any]]:
    """One record per registered model matching the wildcard ``patterns`` (see the module for
    the keys); ``pretrained``: only the models with shipped weights."""
    from lstmzoo.weights import list_cards

    weights: dict[str, list[dict[str, Any]]] = {}
    for card in list_cards():
        weights.setdefault(card.model, []).append(
            {"tag": card.tag, "default": bool(card.default), "headline": card.headline_text()}
        )
    records = []
    for name in list_models(list(patterns), pretrained=pretrained):
        spec = get_model_spec(name)
        try:
            params: int | None = sum(p.numel() for p in spec.build().parameters())
        except Exception:  # a model that cannot build with defaults still gets listed
            params = None
        records.append(
            {
                "name": name,
                "task": spec.task,
                "topology": spec.topology,
                "parameters": params,
                "recipe": spec.recipe or None,
                "pretrained": weights.get(name, []),
                "description": spec.description,
            }
        )
    return records


def list_command(argv: Sequence[str]) -> int:
    """Print the registered models matching the wildcard patterns; returns 0."""
    parser = argparse.ArgumentParser(prog="lstmzoo list", description="List the registered models.")
    parser.add_argument("pattern", nargs="*", default=["*"], help="wildcard filters, e.g. 'lstm*'")
    parser.add_argument(
        "--pretrained", action="store_true", help="only the models with pretrained weights"
    )
    add_format_argument(parser)
    opts = parser.parse_args(list(argv))
    records = model_records(opts.pattern, pretrained=opts.pretrained)
    print_records(records, MODEL_COLUMNS, opts.format, title="lstmzoo models")
    return 0
