"""``lstmzoo list``."""

from lstmzoo.cli import main


def test_list_command(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # rich tables: no wrapping inside the cells
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("rnn", "lstm", "lstm_2layer"):
        assert name in out
