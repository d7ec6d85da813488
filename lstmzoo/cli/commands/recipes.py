"""``lstmzoo recipes [list PREFIX | show NAME | path NAME | copy NAME [DEST]]``: the shipped
configs (:mod:`lstmzoo.recipes`)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from lstmzoo import recipes

__all__ = ["recipes_command"]


def recipes_command(argv: Sequence[str]) -> int:
    """List, print, locate or copy the shipped recipes; returns 0 (errors raise)."""
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(
        prog="lstmzoo recipes",
        description="The shipped configs, usable by name: lstmzoo fit -c NAME [-c trainer/NAME].",
    )
    sub = parser.add_subparsers(dest="action")
    show_list = sub.add_parser("list", help="list the recipes (the default)")
    show_list.add_argument("prefix", nargs="?", default="", help="only names starting with this")
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
        table = Table(title=f"lstmzoo recipes ({recipes.recipes_root()})")
        table.add_column("name")
        table.add_column("description")
        for name in recipes.list_recipes(getattr(opts, "prefix", "")):
            table.add_row(name, recipes.recipe_description(name))
        console.print(table)
    return 0
