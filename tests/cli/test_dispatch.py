"""The top-level command: help, unknown subcommands, python -m lstmzoo."""

import subprocess
import sys

from lstmzoo.cli import main


def test_python_dash_m_help():
    out = subprocess.run(
        [sys.executable, "-m", "lstmzoo", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "fit" in out.stdout


def test_top_level_help_lists_every_subcommand(capsys):
    from lstmzoo.cli import SUBCOMMANDS

    assert main(["--help"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name, (description, _) in SUBCOMMANDS.items():
        assert any(ln.split()[:1] == [name] and description.split()[0] in ln for ln in lines), name
    assert {"fit", "validate", "test", "predict", "list", "export", "recipes"} <= set(SUBCOMMANDS)


def test_unknown_subcommand_suggests_close_ones(capsys):
    assert main(["fitt"]) == 2
    assert "Did you mean: fit" in capsys.readouterr().err
