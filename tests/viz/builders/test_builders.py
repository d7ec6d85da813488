"""The figure builders: every entry of FIGURES is documented, and its README image is committed.

Each builder is rendered (with a few training steps) by ``tests/viz/test_cli.py``.
"""

from __future__ import annotations

import inspect

import pytest

from lstmzoo.viz.builders import FIGURES
from tests.conftest import REPO
from tests.viz.helpers import PNG_MAGIC

MAX_README_PNG_BYTES = 150_000


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_readme_png_of_each_figure_is_committed_and_small(name):
    path = REPO / "docs" / "images" / f"{name}.png"
    assert path.is_file(), f"render it: python -m lstmzoo.viz {name} --output {path}"
    assert path.read_bytes().startswith(PNG_MAGIC)
    assert path.stat().st_size < MAX_README_PNG_BYTES


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_each_builder_takes_a_seed_and_says_what_it_draws(name):
    builder = FIGURES[name]
    seed = inspect.signature(builder).parameters.get("seed")
    assert seed is not None and seed.default == 0, f"{name}: a builder is builder(seed: int = 0)"
    doc = inspect.getdoc(builder)
    assert doc and len(doc.split()) >= 5, f"{name}: `--list` shows the builder's docstring"
