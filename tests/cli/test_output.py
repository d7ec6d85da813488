"""Tables that survive a pipe, and the text formats of ``--format``."""

from __future__ import annotations

import argparse
import csv
import io
import json

import pytest
from rich.console import Console

from lstmzoo.cli.output import (
    FORMATS,
    Column,
    add_format_argument,
    build_table,
    print_records,
    print_table,
    render_records,
)

LONG = "a_model_name_much_longer_than_any_sensible_column_width_would_allow"
RECORDS = [
    {"name": LONG, "size": 1234, "ok": True, "tags": ["x", "y|z"], "note": None},
    {"name": "short", "size": None, "ok": False, "tags": [], "note": "two words"},
]
COLUMNS = (
    Column("name", whole=True),
    Column("size", justify="right", text=lambda r: "-" if r["size"] is None else f"{r['size']:,}"),
    Column("tags"),
    Column("note"),
)


def _cells(text: str) -> set[str]:
    return {cell.strip() for line in text.splitlines() for cell in line.split("│")}


def test_a_table_off_a_terminal_is_as_wide_as_its_content():
    buffer = io.StringIO()
    console = Console(file=buffer, width=40)  # a file: not a terminal
    print_records(RECORDS, COLUMNS, "table", title="things", console=console)
    out = buffer.getvalue()
    assert "…" not in out and LONG in _cells(out)
    lines = out.splitlines()
    box = [ln for ln in lines if ln.startswith(("┏", "┃", "┡", "│", "└"))]
    assert len({len(ln) for ln in box}) == 1, "every row and border is the same width"
    assert all(ln.endswith(("┓", "┃", "┩", "│", "┘")) for ln in box), "the right border is drawn"


def test_a_narrow_terminal_never_cuts_a_whole_column():
    for width in (60, 20):
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, force_terminal=True, color_system=None)
        print_records(RECORDS, COLUMNS, "table", console=console)
        assert LONG in _cells(buffer.getvalue()), width


def test_print_table_takes_any_rich_table():
    table = build_table(RECORDS, COLUMNS, show_header=False)
    buffer = io.StringIO()
    print_table(table, Console(file=buffer, width=30))
    assert LONG in _cells(buffer.getvalue())


def test_json_keeps_every_key_and_value():
    assert json.loads(render_records(RECORDS, COLUMNS, "json")) == RECORDS


def test_csv_has_a_header_row_and_flattens_lists_with_the_column_text():
    rows = list(csv.DictReader(io.StringIO(render_records(RECORDS, COLUMNS, "csv"))))
    assert list(rows[0]) == ["name", "size", "ok", "tags", "note"]
    assert rows[0] == {"name": LONG, "size": "1234", "ok": "true", "tags": "x; y|z", "note": ""}
    assert rows[1]["ok"] == "false" and rows[1]["tags"] == ""


def test_markdown_is_a_pipe_table_with_escaped_cells():
    lines = render_records(RECORDS, COLUMNS, "markdown").splitlines()
    assert lines[0] == "| name | size | tags | note |"
    assert lines[1] == "|---|---:|---|---|"
    assert lines[2] == f"| {LONG} | 1,234 | x<br>y\\|z |  |"
    assert len(lines) == 2 + len(RECORDS)


def test_format_flag_names_the_valid_choices(capsys):
    parser = argparse.ArgumentParser(prog="demo")
    add_format_argument(parser)
    assert parser.parse_args([]).format == "table"
    assert parser.parse_args(["--format", "JSON"]).format == "json"
    assert parser.parse_args(["--format", "rich"]).format == "table"  # as sweep show says
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args(["--format", "yaml"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--format" in err and "'yaml'" in err and all(f"'{f}'" in err for f in FORMATS)
    with pytest.raises(ValueError, match="choose from table, markdown, csv, json"):
        render_records(RECORDS, COLUMNS, "yaml")
