"""``python -m lstmzoo.viz`` runs the figure command."""

from __future__ import annotations

import subprocess
import sys

from lstmzoo.viz.builders import FIGURES
from tests.conftest import REPO


def test_python_m_lstmzoo_viz_lists_the_figures():
    done = subprocess.run(
        [sys.executable, "-m", "lstmzoo.viz", "--list"], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    listed = [line.split()[0] for line in done.stdout.splitlines()]
    assert listed == sorted(FIGURES)
