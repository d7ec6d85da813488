"""Every notebook in notebooks/ runs top to bottom, and is committed without outputs.

The notebooks are executed with nbclient in a fresh ``python3`` kernel, from the notebooks folder,
with ``PYTHONPATH`` set to this checkout so that the kernel imports this lstmzoo and no other.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT_S = 300


def _ids(path: Path) -> str:
    return path.stem


def _kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env.pop("MPLBACKEND", None)  # the kernel's inline backend draws the figures
    return env


def test_the_explainer_notebooks_are_there():
    names = {p.name for p in NOTEBOOKS}
    for name in (
        "01_rnn_vs_lstm_memory.ipynb",
        "02_lstm_gates.ipynb",
        "03_io_topologies.ipynb",
        "04_stacked_and_bidirectional.ipynb",
        "05_crnn_ocr.ipynb",
    ):
        assert name in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_is_committed_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.outputs == [], f"{path.name}: code cell {k} has saved outputs; clear them"
        assert cell.execution_count is None, f"{path.name}: code cell {k} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_runs(path: Path):
    nb = nbformat.read(path, as_version=4)
    n_code = sum(cell.cell_type == "code" for cell in nb.cells)
    # one extra cell, run last, reports where the kernel imported lstmzoo from
    nb.cells.append(nbformat.v4.new_code_cell("import lstmzoo\nprint(lstmzoo.__file__)"))
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute(env=_kernel_env())  # raises CellExecutionError on the first failing cell

    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code_cells)
    errors = [o for cell in code_cells for o in cell.outputs if o.output_type == "error"]
    assert not errors
    origin = "".join(o.get("text", "") for o in code_cells[-1].outputs).strip()
    assert Path(origin).resolve() == (REPO / "lstmzoo" / "__init__.py").resolve()
    figures = [
        o for cell in code_cells[:n_code] for o in cell.outputs if "image/png" in o.get("data", {})
    ]
    assert figures, f"{path.name} shows no figure"
