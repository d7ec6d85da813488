"""``lstmzoo recipes [list PREFIX | show NAME | path NAME | copy NAME [DEST]]``: the shipped
configs (:mod:`lstmzoo.recipes`).

``lstmzoo recipes [list] --format json`` prints a list with one object per recipe; its keys
(also the CSV columns): ``name`` (what ``-c`` takes), ``description`` (the first sentence of
the file's leading comment, ``""`` without one) and ``path`` (the YAML file).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from lstmzoo import recipes
from lstmzoo.cli.output import Column, add_format_argument, print_records

__all__ = ["RECIPE_COLUMNS", "recipe_records", "recipes_command"]

#: the columns of ``lstmzoo recipes``'s table
RECIPE_COLUMNS = (Column("name", whole=True), Column("description"))


def recipe_records(prefix: str = "") -> list[dict[str, Any]]:
    """One record per shipped recipe whose name starts with ``prefix`` (see the module)."""
    return [
        {
            "name": name,
            "description": recipes.recipe_description(name),
            "path": str(recipes.recipe_path(name)),
        }
        for name in recipes.list_recipes(prefix)
    ]


def recipes_command(argv: Sequence[str]) -> int:
    """List, print, locate or copy the shipped recipes; returns 0 (errors raise)."""
    from rich.console import Console

    parser = argparse.ArgumentParser(
        prog="lstmzoo recipes",
        description="The shipped configs, usable by name: lstmzoo fit -c NAME [-c trainer/NAME].",
    )
    sub = parser.add_subparsers(dest="action")
    show_list = sub.add_parser("list", help="list the recipes (the default)")
    show_list.add_argument("prefix", nargs="?", default="", help="only names starting with this")
    add_format_argument(parser)  # lstmzoo recipes --format json
    add_format_argument(show_list, default=None)  # lstmzoo recipes list PREFIX --format json
    show = sub.add_parser("show", help="print a recipe")
    show.add_argument("name")
    path = sub.add_parser("path", help="print a recipe's file path")
    path.add_argument("name")
    copy_ = sub.add_parser("copy", help="copy a recipe to edit it")
    copy_.add_argument("name")
    copy_.add_argument("dest", nargs="?", default=".", help="folder or .yaml file (default: .)")
    copy_.add_argument("--force", action="store_true", help="overwrite an existing file")
    opts = parser.parse_args(list(argv))
    console = Console(highlight=False, soft_wrap=True)
    if opts.action == "show":
        console.print(recipes.recipe_path(opts.name).read_text(encoding="utf-8"), markup=False)
    elif opts.action == "path":
        console.print(str(recipes.recipe_path(opts.name)), markup=False)
    elif opts.action == "copy":
        target = recipes.copy_recipe(opts.name, opts.dest, overwrite=opts.force)
        console.print(f"wrote [bold]{target}[/]; run it with: lstmzoo fit -c {target}")
    else:
        title = f"lstmzoo recipes ({recipes.recipes_root()})"
        records = recipe_records(getattr(opts, "prefix", ""))
        print_records(records, RECIPE_COLUMNS, opts.format, title=title)
    return 0
