"""The run bookkeeping of benchmarks/sentiment_vs_vader.py (training replaced by a stand-in):
a finished run is reused, an interrupted one resumed, another command's folder refused, and the
first failure stops the runs that have not started."""

from __future__ import annotations

import importlib.util
import json
import threading
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[1]


def _load() -> ModuleType:
    path = REPO / "benchmarks" / "sentiment_vs_vader.py"
    spec = importlib.util.spec_from_file_location("sentiment_vs_vader", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def bench(monkeypatch):
    """The module with ``subprocess.run`` replaced: each call is recorded and "trains" by
    writing the run folder's checkpoints (``fail`` lists folder names that exit 1 instead)."""
    module = _load()
    calls: list[list[str]] = []
    fail: set[str] = set()
    lock = threading.Lock()

    def fake_run(cmd, **kwargs):
        with lock:
            calls.append(list(cmd))
        folder = Path(cmd[cmd.index("--trainer.logger.init_args.save_dir") + 1])
        root = folder / cmd[cmd.index("--trainer.logger.init_args.name") + 1]
        if root.name in fail:
            return SimpleNamespace(returncode=1)
        (root / "checkpoints").mkdir(parents=True, exist_ok=True)
        for name in ("best.ckpt", "last.ckpt"):
            (root / "checkpoints" / name).write_bytes(b"")
        return SimpleNamespace(returncode=0)

    monkeypatch.setattr(module.subprocess, "run", fake_run)
    return module, calls, fail


def test_a_finished_run_is_reused_and_an_interrupted_one_resumed(bench, tmp_path: Path) -> None:
    module, calls, _ = bench
    root = tmp_path / "general_s1"
    ckpt, _ = module.fit(module.GENERAL, root, 1, ["--trainer.max_steps=3"], ["movies", "nyt"])
    assert ckpt == str(root / "checkpoints" / "best.ckpt")
    assert "--ckpt_path" not in calls[0]
    assert json.loads(calls[0][calls[0].index("--data.init_args.corpora") + 1]) == ["movies", "nyt"]
    record = json.loads((root / "run.json").read_text())
    assert record["finished"] and record["command"] == calls[0][1:]
    module.fit(module.GENERAL, root, 1, ["--trainer.max_steps=3"], ["movies", "nyt"])
    assert len(calls) == 1  # reused
    record["finished"] = False  # stopped half-way: last.ckpt there, not finished
    (root / "run.json").write_text(json.dumps(record))
    module.fit(module.GENERAL, root, 1, ["--trainer.max_steps=3"], ["movies", "nyt"])
    assert calls[1][-2:] == ["--ckpt_path", "last"]


def test_a_folder_of_another_command_is_refused(bench, tmp_path: Path) -> None:
    module, calls, _ = bench
    root = tmp_path / "movie_s1"
    module.fit(module.MOVIE, root, 1, ["--trainer.max_steps=3"], None)
    with pytest.raises(module.RunError, match=r"holds a run of another command(.|\n)*--out"):
        module.fit(module.MOVIE, root, 1, [], None)
    assert len(calls) == 1


def test_a_failure_stops_the_runs_not_started(bench, tmp_path: Path) -> None:
    module, calls, fail = bench
    fail.add("movie_s1")
    runs = {
        "movie": [(module.MOVIE, tmp_path / f"movie_s{s}", s, None) for s in (1, 2, 3)],
        "general": [(module.GENERAL, tmp_path / f"general_s{s}", s, ["nyt"]) for s in (1, 2)],
    }
    with pytest.raises(module.RunError, match=r"training failed \(exit 1\); see .*movie_s1"):
        module.train_all(runs, [], jobs=1, threads=None)
    assert len(calls) == 1
    assert json.loads((tmp_path / "movie_s1" / "run.json").read_text())["finished"] is False
    fail.clear()
    trained = module.train_all(runs, [], jobs=2, threads=1)
    assert [Path(c).parent.parent.name for c, _ in trained["general"]] == [
        "general_s1",
        "general_s2",
    ]
    assert len(calls) == 1 + 5
