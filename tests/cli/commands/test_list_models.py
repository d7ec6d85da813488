"""``lstmzoo list``: every model name whole, in a terminal, a pipe and each ``--format``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.console import Console

import lstmzoo
from lstmzoo.cli import main
from lstmzoo.cli.commands.list_models import MODEL_COLUMNS, model_records
from lstmzoo.cli.output import print_records

from ...conftest import run_lstmzoo

KEYS = ["name", "task", "topology", "parameters", "recipe", "pretrained", "description"]


def _cells(text: str) -> set[str]:
    return {cell.strip() for line in text.splitlines() for cell in line.split("│")}


def test_list_command(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # rich tables: no wrapping inside the cells
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("rnn", "lstm", "lstm_2layer"):
        assert name in out


def test_list_off_a_terminal_prints_whole_values(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")  # what rich would fit a table to: ignored off a terminal
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out
    cells = _cells(out)
    for record in model_records():
        assert {record["name"], record["description"]} <= cells, record["name"]
        assert record["recipe"] is None or record["recipe"] in cells


def test_list_through_a_pipe(tmp_path):
    done = run_lstmzoo(["list"], cwd=tmp_path, env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    assert set(lstmzoo.list_models()) <= _cells(done.stdout)


def test_list_json_has_one_object_per_model_with_the_documented_keys(capsys):
    assert main(["list", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in records] == lstmzoo.list_models()
    for record in records:
        assert list(record) == KEYS
        assert isinstance(record["parameters"], int) and record["parameters"] > 0
        for weight in record["pretrained"]:
            assert set(weight) == {"tag", "default", "headline"}
    with_weights = {r["name"] for r in records if r["pretrained"]}
    assert with_weights == set(lstmzoo.list_models(pretrained=True))


def test_list_csv_and_markdown(capsys):
    assert main(["list", "lstm*", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["name"] for r in rows] == lstmzoo.list_models("lstm*")
    assert list(rows[0]) == KEYS and rows[0]["parameters"].isdigit()
    assert main(["list", "--format", "markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| name | task |") and len(lines) == 2 + len(lstmzoo.list_models())
    names = [ln.split("|")[1].strip() for ln in lines[2:]]
    assert names == lstmzoo.list_models()


@pytest.mark.parametrize("width", [60, 40])
def test_a_narrow_terminal_never_cuts_a_model_name(width):
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=True, color_system=None)
    print_records(model_records(), MODEL_COLUMNS, "table", title="lstmzoo models", console=console)
    cells = _cells(buffer.getvalue())
    assert set(lstmzoo.list_models()) <= cells


def test_a_bad_format_names_the_choices(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--format", "yaml"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'yaml'" in err and "'table', 'markdown', 'csv', 'json'" in err
