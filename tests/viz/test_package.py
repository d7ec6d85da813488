"""``lstmzoo.viz`` as a package: every name stays where users import it, matplotlib stays
optional, and importing it loads no model or Lightning code."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys

import pytest

from lstmzoo import viz
from lstmzoo.viz.builders import adding, bidirectional, ocr, topologies
from tests.conftest import REPO

#: Names outside ``__all__`` that notebooks and tests read from ``lstmzoo.viz``.
ALSO_PUBLIC = ("ADDING", "MODEL_COLORS", "ocr_fonts")


@pytest.fixture(scope="module")
def modules_after_import() -> set[str]:
    """The modules a fresh interpreter holds after ``import lstmzoo.viz``."""
    code = "import json, sys, lstmzoo.viz; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout))


def test_importing_viz_does_not_import_matplotlib(modules_after_import):
    assert "matplotlib" not in modules_after_import


def test_importing_viz_imports_neither_lightning_nor_the_models(modules_after_import):
    heavy = sorted(
        m
        for m in modules_after_import
        if m.split(".")[0] in ("lightning", "pytorch_lightning")
        or m.startswith(("lstmzoo.data", "lstmzoo.models"))
    )
    assert not heavy, f"import lstmzoo.viz loaded {heavy[:5]}...: builders import them in-body"


def test_without_matplotlib_a_plot_raises_module_not_found(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ModuleNotFoundError, match="matplotlib") as err:
        viz.plot_training_curves({"rnn": [1.0, 0.5]})
    assert err.value.name.startswith("matplotlib")


def test_every_public_name_is_importable_from_the_package():
    missing = [name for name in (*viz.__all__, *ALSO_PUBLIC) if not hasattr(viz, name)]
    assert not missing, f"lstmzoo.viz no longer exports {missing}"


def test_every_name_the_notebooks_import_from_viz_exists():
    imported: list[tuple[str, str]] = []
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            lines = "".join(cell["source"]).splitlines()
            code = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
            for node in ast.walk(ast.parse(code)):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "lstmzoo.viz"
                ):
                    imported += [(node.module, alias.name) for alias in node.names]
    assert imported, "the notebooks import from lstmzoo.viz; none found: is the parsing broken?"
    missing = [
        f"{module}.{name}"
        for module, name in imported
        if not hasattr(importlib.import_module(module), name)
    ]
    assert not missing, f"the notebooks import {missing}, which no longer exist"


def test_the_settings_are_the_builders_own_dicts():
    # notebooks and the tests' ``quick`` fixture change lstmzoo.viz.ADDING & co. in place: the
    # builders must read those very objects, not copies
    assert viz.ADDING is adding.ADDING
    assert viz.TOPOLOGIES is topologies.TOPOLOGIES
    assert viz.BILSTM is bidirectional.BILSTM
    assert viz.OCR is ocr.OCR
