"""Fixtures of the figure tests: one thread, and builders shortened to a few training steps."""

from __future__ import annotations

import pytest
import torch

from lstmzoo import viz


@pytest.fixture(autouse=True)
def one_thread():
    """These models are tiny: one thread is fastest, and steady on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def quick(monkeypatch):
    """Figure builders with a few training steps instead of hundreds (same code path)."""
    monkeypatch.setitem(viz.ADDING, "steps", 20)
    monkeypatch.setitem(viz.OCR, "steps", 10)
    for key in ("wave_steps", "copy_steps", "adding_steps"):
        monkeypatch.setitem(viz.TOPOLOGIES, key, 5)
    monkeypatch.setitem(viz.BILSTM, "epochs", 1)
