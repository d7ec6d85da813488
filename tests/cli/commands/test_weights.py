"""``lstmzoo weights``: every shipped tag whole in a pipe, and each ``--format``."""

from __future__ import annotations

import csv
import io
import json

from lstmzoo.cli import main
from lstmzoo.weights import list_cards

KEYS = ["model", "tag", "default", "headline", "size_bytes", "use"]


def _cells(text: str) -> set[str]:
    return {cell.strip() for line in text.splitlines() for cell in line.split("│")}


def test_weights_off_a_terminal_prints_every_tag_whole(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    assert main(["weights"]) == 0
    out = capsys.readouterr().out
    cards = list_cards()
    assert cards and "…" not in out
    cells = _cells(out)
    for card in cards:
        assert card.tag + ("*" if card.default else "") in cells
        assert f"--ckpt_path pretrained:{card.reference}" in cells


def test_weights_json_and_csv_carry_the_documented_keys(capsys):
    assert main(["weights", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [f"{r['model']}:{r['tag']}" for r in records] == [c.reference for c in list_cards()]
    for record in records:
        assert list(record) == KEYS
        assert isinstance(record["default"], bool) and record["size_bytes"] > 0
    assert main(["weights", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["tag"] for r in rows] == [r["tag"] for r in records]
    assert list(rows[0]) == KEYS and rows[0]["default"] in ("true", "false")
    assert main(["weights", "--format", "markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "| model | tag | headline | size | use |" and len(lines) == 2 + len(rows)
