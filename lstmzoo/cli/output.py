"""How the ``lstmzoo`` command prints tables: whole values, wherever the output goes.

In a terminal a table is rich's, fitted to the window, and its name columns are never cut.
Written anywhere else (``lstmzoo list > models.txt``, ``| grep``, a CI log, a notebook cell) a
table is as wide as its content, so no value is cut or wrapped and every border is drawn.
``--format markdown | csv | json`` (:func:`add_format_argument`) prints the same records as text
for other programs: JSON as a list of objects with every key, CSV with a header row, markdown as
a pipe table. Only rich is imported here.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

__all__ = [
    "FORMATS",
    "Column",
    "add_format_argument",
    "build_table",
    "print_records",
    "print_table",
    "render_records",
]

#: the values of ``--format``
FORMATS = ("table", "markdown", "csv", "json")
#: other names ``--format`` accepts: ``lstmzoo sweep show`` calls its table ``rich``
FORMAT_ALIASES = {"rich": "table"}

Record = Mapping[str, Any]


@dataclass(frozen=True)
class Column:
    """One column of a table (``table`` and ``markdown`` formats) over a record's key.

    Attributes:
        key: the record's key the column shows.
        header: the column's title (default: ``key``).
        justify: ``"left"`` or ``"right"`` (numbers).
        whole: never wrapped or cut, not even in a narrow terminal (names, tags).
        text: the cell's text from the whole record, or its lines; default ``str(record[key])``
            (no text for ``None``, a line per item for a list). CSV uses it for values that
            are lists or mappings.
    """

    key: str
    header: str | None = None
    justify: Literal["left", "right"] = "left"
    whole: bool = False
    text: Callable[[Record], str | Sequence[str]] | None = None

    @property
    def title(self) -> str:
        """The header shown."""
        return self.key if self.header is None else self.header

    def lines(self, record: Record) -> list[str]:
        """The cell's text as lines."""
        if self.text is not None:
            value = self.text(record)
            return [value] if isinstance(value, str) else list(value)
        value = record.get(self.key)
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value]
        return [] if value is None else [str(value)]


def _format(value: str) -> str:
    name = value.strip().lower()
    return FORMAT_ALIASES.get(name, name)


def add_format_argument(parser: argparse.ArgumentParser, default: str | None = "table") -> None:
    """Add ``--format {table,markdown,csv,json}`` to ``parser``; another value is an error that
    names the valid ones. ``default`` ``None``: an absent flag sets nothing (for a subcommand's
    parser, whose default would replace the value given before the subcommand)."""
    parser.add_argument(
        "--format",
        type=_format,
        choices=FORMATS,
        default=argparse.SUPPRESS if default is None else default,
        help=(
            "table (rich; whole values when not printed to a terminal), markdown, csv (with a "
            "header row) or json (a list of objects with every key); default: table"
        ),
    )


def build_table(records: Sequence[Record], columns: Sequence[Column], **table: Any) -> Table:
    """A rich :class:`~rich.table.Table` of ``records`` (``**table``: rich's options, ``title``
    and the like). Cells are plain text, not markup."""
    out = Table(**table)
    for column in columns:
        out.add_column(column.title, justify=column.justify, no_wrap=column.whole)
    for record in records:
        out.add_row(*("\n".join(column.lines(record)) for column in columns))
    return out


def _whole_width(records: Sequence[Record], columns: Sequence[Column]) -> int:
    """The narrowest table width that leaves the whole columns uncut: their longest line and
    header, one character for each other column, and rich's padding and borders."""
    width = len(columns) + 1  # the vertical borders
    for column in columns:
        width += 2  # padding
        if column.whole:
            lines = [column.title] + [ln for r in records for ln in column.lines(r)]
            width += max(cell_len(ln) for ln in lines)
        else:
            width += 1
    return width


def print_table(table: Table, console: Console | None = None, min_width: int = 0) -> None:
    """Print ``table`` on ``console`` (default: stdout) without cutting it.

    In a terminal (rich's ``Console.is_terminal``: a tty, or a console forced to be one) the
    table fits the window as rich lays it out, though never narrower than ``min_width``.
    Anywhere else (a file, a pipe, a notebook) it is printed as wide as its content.
    """
    console = console or Console(highlight=False)
    if console.is_terminal:
        width = max(console.width, min_width)
    else:
        natural = console.measure(table, options=console.options.update_width(10**6)).maximum
        width = max(natural, min_width)
    if width == console.width:
        console.print(table, soft_wrap=False)
        return
    wide = Console(
        file=console.file,
        width=width,
        force_terminal=console.is_terminal,
        color_system=console.color_system,  # type: ignore[arg-type]
        no_color=console.no_color,
        highlight=False,
    )
    wide.print(table, soft_wrap=False)


def render_records(records: Sequence[Record], columns: Sequence[Column], fmt: str) -> str:
    """``records`` as ``markdown``, ``csv`` or ``json`` text (ending with a newline).

    JSON and CSV carry every key of the records (CSV's header row is the first record's keys;
    values that are lists or mappings become their column's lines joined by ``"; "``, booleans
    ``true`` / ``false``); markdown
    shows ``columns``, lines joined by ``<br>``.
    """
    if fmt == "json":
        return json.dumps(list(records), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        by_key = {column.key: column for column in columns}
        keys = list(records[0]) if records else [column.key for column in columns]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=keys, lineterminator="\n")
        writer.writeheader()
        for record in records:
            row = {}
            for key in keys:
                value = record.get(key)
                if isinstance(value, (list, tuple, dict)):
                    column = by_key.get(key)
                    value = "; ".join(column.lines(record)) if column else json.dumps(value)
                if isinstance(value, bool):
                    value = "true" if value else "false"  # as JSON spells them
                row[key] = "" if value is None else value
            writer.writerow(row)
        return buffer.getvalue()
    if fmt == "markdown":

        def cell(lines: Sequence[str]) -> str:
            return "<br>".join(lines).replace("|", "\\|")

        out = ["| " + " | ".join(cell([c.title]) for c in columns) + " |"]
        out.append("|" + "".join("---:|" if c.justify == "right" else "---|" for c in columns))
        out += ["| " + " | ".join(cell(c.lines(r)) for c in columns) + " |" for r in records]
        return "\n".join(out) + "\n"
    raise ValueError(f"unknown format {fmt!r}: choose from {', '.join(FORMATS)}")


def print_records(
    records: Sequence[Record],
    columns: Sequence[Column],
    fmt: str = "table",
    *,
    title: str | None = None,
    console: Console | None = None,
    out: TextIO | None = None,
) -> None:
    """Print ``records`` in format ``fmt`` (one of :data:`FORMATS`).

    Args:
        records: one mapping per row, JSON-serialisable (the ``json`` and ``csv`` output).
        columns: what the ``table`` and ``markdown`` formats show.
        fmt: ``table``, ``markdown``, ``csv`` or ``json``.
        title: the table's title (``table`` format only).
        console: where a table goes (default: a console on stdout).
        out: where text formats go (default: ``sys.stdout``).
    """
    if fmt == "table":
        table = build_table(records, columns, title=title)
        print_table(table, console, min_width=_whole_width(records, columns))
        return
    (out or sys.stdout).write(render_records(records, columns, fmt))
