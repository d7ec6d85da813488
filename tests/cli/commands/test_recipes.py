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
