"""The live view's numbers: done / running / left, best so far, ETA."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import optuna
from rich.console import Console

from lstmzoo.sweep.progress import LiveView
from lstmzoo.sweep.runner import TrialOutcome

from .test_report import _study


def test_live_view_counts_and_best(tmp_path: Path) -> None:
    folder = _study(tmp_path / "demo")
    study = optuna.load_study(study_name="demo", storage=f"sqlite:///{folder / 'study.db'}")
    spec = SimpleNamespace(mode="min", metric="val/mse", total_runs=lambda: 12)
    runner = SimpleNamespace(
        study=study,
        spec=spec,
        name="demo",
        folder=folder,
        workers=2,
        finished=(
            TrialOutcome(0, "complete", 0.1, 30.0),
            TrialOutcome(1, "complete", 0.2, 10.0),
        ),
    )
    console = Console(record=True, width=120)
    view = LiveView(runner, started=0.0, console=console)
    console.print(view._render())
    text = console.export_text()
    # 8 completed, 1 final failure (the duplicate is not counted): 12 - 9 = 3 left
    assert "8 done · 0 running · 3 left · 1 failed" in text
    assert "val/mse = 0.02" in text and "cell=lstm" in text
    assert "ETA 0:30" in text  # 20 s per trial x 3 left / 2 workers

    view.refresh()  # not a terminal: one line per finished trial
    assert "trial 1: complete val/mse=0.2 in 10.0s" in console.export_text()
