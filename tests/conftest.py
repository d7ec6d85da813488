import os
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parent.parent
CONFIGS = REPO / "configs"

# keep the suite predictable on small CI machines
torch.set_num_threads(min(2, os.cpu_count() or 1))


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in a fresh folder (lightning_logs/ and checkpoints land there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
