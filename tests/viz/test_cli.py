"""``python -m lstmzoo.viz``'s command: render a figure to a PNG, list them, refuse bad names."""

from __future__ import annotations

import pytest
import torch
from PIL import Image

from lstmzoo.viz.builders import FIGURES
from lstmzoo.viz.cli import main
from tests.viz.helpers import PNG_MAGIC


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_cli_renders_each_figure(name, tmp_path, quick, capsys):
    torch.set_num_threads(2)
    out = tmp_path / "sub" / f"{name}.png"
    assert main([name, "--output", str(out), "--dpi", "40"]) == 0
    assert torch.get_num_threads() == 2  # restored after rendering on one thread
    data = out.read_bytes()
    assert data.startswith(PNG_MAGIC)
    with Image.open(out) as img:
        assert img.width > 100 and img.height > 100
    assert str(out) in capsys.readouterr().out


def test_cli_lists_figures_and_refuses_unknown(capsys):
    assert main(["--list"]) == 0
    listed = capsys.readouterr().out
    for name in FIGURES:
        assert name in listed
    with pytest.raises(SystemExit) as err:
        main(["no_such_figure"])
    assert err.value.code == 2
    with pytest.raises(SystemExit):
        main([])
