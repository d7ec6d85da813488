"""``lstmzoo recipes``: list, show, path and copy."""

from lstmzoo.cli import main

from ...conftest import CONFIGS


def test_recipes_command_lists_shows_and_copies(tmp_path, capsys):
    assert main(["recipes"]) == 0
    assert "lstm_adding" in capsys.readouterr().out
    assert main(["recipes", "show", "trainer/cpu"]) == 0
    assert "accelerator: cpu" in capsys.readouterr().out
    assert main(["recipes", "copy", "lstm_adding", str(tmp_path)]) == 0
    copied = tmp_path / "lstm_adding.yaml"
    assert copied.read_text() == (CONFIGS / "lstm_adding.yaml").read_text()
    assert main(["recipes", "copy", "lstm_adding", str(tmp_path)]) == 2  # exists: no overwrite
    assert "--force" in capsys.readouterr().err
    assert main(["recipes", "copy", "lstm_adding", str(tmp_path), "--force"]) == 0
    assert main(["recipes", "copy", "lstm_adin", str(tmp_path)]) == 2
    assert "Did you mean: lstm_adding" in capsys.readouterr().err


def _cells(text):
    return {cell.strip() for line in text.splitlines() for cell in line.split("│")}


def test_recipes_off_a_terminal_prints_every_name_whole(capsys, monkeypatch):
    from lstmzoo.recipes import list_recipes

    monkeypatch.setenv("COLUMNS", "40")
    assert main(["recipes"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out and set(list_recipes()) <= _cells(out)


def test_recipes_json_csv_and_markdown(capsys):
    import csv
    import io
    import json

    from lstmzoo.recipes import list_recipes, recipe_description

    assert main(["recipes", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in records] == list_recipes()
    for record in records:
        assert list(record) == ["name", "description", "path"]
        assert record["description"] == recipe_description(record["name"])
        assert record["path"] == str(CONFIGS / f"{record['name']}.yaml")
    # the flag before or after `list PREFIX`
    for args in (["--format", "csv", "list", "trainer/"], ["list", "trainer/", "--format=csv"]):
        assert main(["recipes", *args]) == 0
        rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
        assert [r["name"] for r in rows] == list_recipes("trainer/"), args
    assert main(["recipes", "list", "--format", "markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["| name | description |", "|---|---|"]
    assert [ln.split(" | ")[0][2:] for ln in lines[2:]] == list_recipes()
