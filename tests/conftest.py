import os
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parent.parent
CONFIGS = REPO / "configs"

# keep the suite predictable on small CI machines
torch.set_num_threads(min(2, os.cpu_count() or 1))


@pytest.fixture(autouse=True, scope="session")
def _repository_stays_clean():
    """No test may leave files in the repository's top folder (a CLI run outside ``in_tmp``
    writes config.yaml / lightning_logs/ into the working folder)."""

    def listing() -> set[str]:  # hidden entries (.pytest_cache, ...) are tools' own
        return {p.name for p in REPO.iterdir() if not p.name.startswith(".")}

    before = listing()
    yield
    added = sorted(listing() - before)
    assert not added, f"tests left {added} in {REPO}: run CLI tests in the in_tmp fixture"


@pytest.fixture(autouse=True)
def _bare_argv(monkeypatch):
    """Tests that build ``LstmzooCLI(args=...)`` in-process run as a bare program: Lightning
    warns when ``sys.argv`` (here pytest's own arguments) is given next to ``args``."""
    monkeypatch.setattr("sys.argv", ["lstmzoo"])


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in a fresh folder (lightning_logs/ and checkpoints land there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_lstmzoo(args, cwd, env=None, timeout=600):
    """Run ``python -m lstmzoo *args`` in a subprocess that imports this checkout."""
    import subprocess
    import sys

    path = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    full_env = {**os.environ, "PYTHONPATH": path, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "lstmzoo", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
