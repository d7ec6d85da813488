"""Real sweeps of a few optimiser steps on the adding problem: trials, failures, kills, reruns."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from lstmzoo.cli import main
from lstmzoo.errors import ConfigError

from ..conftest import REPO, TINY_OVERRIDES, study_trials, write_sweep


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}


def _sweep_process(path: Path, root: Path, *extra: str) -> subprocess.Popen:
    """The runner in a child process, its output in a file (``proc.log``): a pipe that nobody
    reads while the test waits would fill up and block the runner (and its trials) on a write."""
    cmd = [sys.executable, "-m", "lstmzoo", "sweep", "run", str(path), "--root", str(root)]
    cmd += ["--no-live", "--heartbeat", "1", *extra]
    log = root.parent / f"runner-{time.monotonic_ns()}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=_env(), stdout=out, stderr=subprocess.STDOUT)
    proc.log = log  # type: ignore[attr-defined]
    return proc


def _output(proc: subprocess.Popen) -> str:
    return proc.log.read_text(errors="replace")  # type: ignore[attr-defined]


def _finish(proc: subprocess.Popen, timeout: float) -> str:
    """Wait for the runner to exit; its output."""
    proc.wait(timeout=timeout)
    return _output(proc)


def _completed_keys(trials: list) -> Counter:
    return Counter(
        t.user_attrs["sweep:key"]
        for t in trials
        if t.state.name == "COMPLETE" and not t.user_attrs.get("sweep:duplicate")
    )


def test_grid_with_two_workers_records_a_failed_trial_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    # lr 1e30 blows the regression output up to inf: that trial fails, the other completes
    path = write_sweep(tmp_path, space={"model.init_args.lr": [0.01, 1.0e30]}, test=True)
    root = tmp_path / "runs"
    assert (
        main(["sweep", "run", str(path), "--root", str(root), "--workers", "2", "--no-live"]) == 0
    )
    out = capsys.readouterr()
    trials = sorted(
        study_trials(root), key=lambda t: t.user_attrs["sweep:point"]["model.init_args.lr"]
    )
    good, bad = trials
    assert good.state.name == "COMPLETE"
    assert bad.state.name == "FAIL" and bad.user_attrs["sweep:final"]
    assert (
        "val/mse is inf" in bad.user_attrs["sweep:error"] or "nan" in bad.user_attrs["sweep:error"]
    )
    folder = Path(good.user_attrs["sweep:dir"])
    assert {"config.yaml", "metrics.csv", "trial.log", "result.json"} <= {
        p.name for p in folder.iterdir()
    }
    assert (folder / "checkpoints" / "best.ckpt").is_file()
    config = yaml.safe_load((folder / "config.yaml").read_text())
    assert config["model"]["init_args"]["lr"] == 0.01
    assert set(good.user_attrs["sweep:test"]) >= {"test/mse", "test/mae"}
    result = json.loads((folder / "result.json").read_text())
    assert good.value == pytest.approx(result["value"])
    assert "trial" in out.err and "failed" in out.err  # the failure is shown, not hidden

    # the study is finished: running again starts nothing
    assert main(["sweep", "run", str(path), "--root", str(root), "--no-live"]) == 0
    assert len(study_trials(root)) == 2

    # the report in every format
    capsys.readouterr()
    assert main(["sweep", "show", "sweep", "--root", str(root), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["n"] for r in rows] == [1, 0] and rows[0]["best"] and rows[1]["failed"] == 1
    assert main(["sweep", "show", str(root / "sweep"), "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("| lr | val/mse | test/mse | n |") and "★" in markdown
    assert main(["sweep", "show", "sweep", "--root", str(root), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("lr,val/mse mean,val/mse std")
    # the rich table, with stdout captured (not a terminal): whole cells, closed borders
    assert main(["sweep", "show", "sweep", "--root", str(root), "--format", "rich"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert "…" not in "\n".join(table)
    assert any("val/mse" in line and "test/mse" in line for line in table)
    borders = [line for line in table if line.strip()]
    assert len({len(line) for line in borders}) == 1  # every row as wide as the frame
    assert (root / "sweep" / "best.yaml").is_file()
    assert (root / "sweep" / "test_mse_vs_lr.png").is_file()
    assert (root / "sweep" / "learning_curves.png").is_file()


def test_a_forked_trial_gives_what_a_fresh_interpreter_gives(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, space={"model.init_args.cell": ["lstm"]})
    values = {}
    for launcher in ("fork", "process"):
        root = tmp_path / launcher
        args = ["sweep", "run", str(path), "--root", str(root), "--no-live"]
        assert main([*args, "--launcher", launcher]) == 0
        (trial,) = study_trials(root)
        assert trial.state.name == "COMPLETE", trial.user_attrs.get("sweep:error")
        assert trial.user_attrs["sweep:pid"] != os.getpid()
        values[launcher] = trial.value
    # same seed, same numbers (up to float reduction order, should a BLAS vary it)
    assert values["fork"] == pytest.approx(values["process"], rel=1e-5)


@pytest.mark.slow
def test_a_metric_never_logged_names_the_logged_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = write_sweep(tmp_path, metric="val/acc", mode="max")
    root = tmp_path / "runs"
    assert main(["sweep", "run", str(path), "--root", str(root), "--no-live"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "metric 'val/acc' was never logged; the trial logged:" in err[0]
    assert "val/mse" in err[0]


@pytest.mark.slow
def test_best_yaml_and_a_trial_config_reproduce_the_trial(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, space={"model.init_args.cell": ["lstm"]})
    root = tmp_path / "runs"
    assert main(["sweep", "run", str(path), "--root", str(root), "--no-live"]) == 0
    (trial,) = study_trials(root)
    best = root / "sweep" / "best.yaml"
    run = subprocess.run(
        [sys.executable, "-m", "lstmzoo", "fit", "-c", str(best)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    best_dir = root / "sweep" / "best"
    lines = (best_dir / "metrics.csv").read_text().splitlines()
    header = lines[0].split(",")
    column = header.index("val/mse")
    values = [float(r.split(",")[column]) for r in lines[1:] if r.split(",")[column]]
    assert min(values) == pytest.approx(trial.value, rel=1e-5)
    assert (best_dir / "checkpoints" / "best.ckpt").is_file()


def _trial_pids(root: Path) -> list[int]:
    """The live processes of the study's running trials (the runner records each one's pid)."""
    try:  # the runner may still be creating the study
        trials = study_trials(root)
    except (KeyError, ConfigError):
        return []
    pids = [t.user_attrs.get("sweep:pid") for t in trials if t.state.name == "RUNNING"]
    return [pid for pid in pids if pid and _alive(pid)]


def _alive(pid: int) -> bool:
    """Running (a zombie, waiting for a reaper that a container may not have, is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _wait(predicate, proc: subprocess.Popen, timeout: float = 240.0) -> None:
    """Poll ``predicate`` until true; fail at once, with the runner's output, if the runner has
    exited (or after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        code = proc.poll()
        assert code is None, f"the runner exited ({code}) first:\n{_output(proc)[-3000:]}"
        assert time.monotonic() < deadline, f"timed out; runner output:\n{_output(proc)[-3000:]}"
        time.sleep(0.5)


def _wait_for_trial_pids(root: Path, proc: subprocess.Popen, ready=lambda: True) -> list[int]:
    """Poll until a trial process runs (and ``ready()``): the pids seen at that moment, so the
    caller acts on processes that were alive then rather than on a second look, by which time
    a short trial may have finished."""
    seen: list[int] = []

    def predicate() -> bool:
        seen[:] = _trial_pids(root)
        return bool(seen) and ready()

    _wait(predicate, proc)
    return seen


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds trial processes through /proc")
def test_resume_after_kill_9_of_the_runner_and_of_a_trial(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, space={"model.init_args.cell": ["rnn", "gru", "lstm"]}, seeds=2)
    root = tmp_path / "runs"

    def complete() -> int:
        try:  # the runner may still be creating the study
            return sum(_completed_keys(study_trials(root)).values())
        except (KeyError, ConfigError):
            return 0

    # 1. kill -9 the runner once a trial has completed and others are running
    proc = _sweep_process(path, root, "--workers", "2")
    orphans = _wait_for_trial_pids(root, proc, lambda: complete() >= 1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in orphans) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in orphans)  # they died with it
    trials = study_trials(root)
    assert any(t.state.name == "RUNNING" for t in trials)  # left behind by the dead runner

    # 2. run again; kill -9 one trial process of the new runner
    proc = _sweep_process(path, root, "--workers", "2")
    victim = _wait_for_trial_pids(root, proc)[0]
    os.kill(victim, signal.SIGKILL)
    output = _finish(proc, timeout=600)
    assert proc.returncode == 0, output[-3000:]

    trials = study_trials(root)
    keys = _completed_keys(trials)
    assert len(keys) == 6 and set(keys.values()) == {1}  # every (point, seed) once, none twice
    errors = [t.user_attrs.get("sweep:error", "") for t in trials if t.state.name == "FAIL"]
    assert any("is gone" in e for e in errors)  # the dead runner's trial, failed and re-run
    assert any("killed (SIGKILL)" in e for e in errors)  # the killed trial process, re-run


@pytest.mark.slow
def test_sigterm_stops_and_a_rerun_continues(tmp_path: Path) -> None:
    # trials long enough (a few seconds) for the signal to find one running
    overrides = {**TINY_OVERRIDES, "trainer.max_steps": 2000, "data.init_args.num_train": 16000}
    path = write_sweep(
        tmp_path, space={"model.init_args.cell": ["rnn", "lstm"]}, overrides=overrides
    )
    root = tmp_path / "runs"
    proc = _sweep_process(path, root)
    _wait_for_trial_pids(root, proc)
    time.sleep(2.0)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM
    interrupted = [t for t in study_trials(root) if t.user_attrs.get("sweep:interrupted")]
    assert interrupted and all(t.state.name == "FAIL" for t in interrupted)
    proc = _sweep_process(path, root)
    assert proc.wait(timeout=600) == 0
    assert len(_completed_keys(study_trials(root))) == 2


@pytest.mark.slow
def test_tpe_search_with_median_pruning_and_seeds(tmp_path: Path) -> None:
    path = write_sweep(
        tmp_path,
        space={"model.init_args.lr": {"low": 1e-3, "high": 1e-1, "log": True}},
        sampler="tpe",
        trials=3,
        seeds=2,
        pruner={"name": "median", "n_startup_trials": 1},
    )
    root = tmp_path / "runs"
    assert main(["sweep", "run", str(path), "--root", str(root), "--no-live"]) == 0
    trials = study_trials(root)
    groups = Counter(t.user_attrs["sweep:group"] for t in trials)
    assert len(groups) == 3
    for group in groups:
        members = [t for t in trials if t.user_attrs["sweep:group"] == group]
        first = next(t for t in members if t.user_attrs["sweep:seed"] == 0)
        points = {json.dumps(t.user_attrs["sweep:point"]) for t in members}
        assert len(points) == 1  # every seed of a point runs the same values
        if first.state.name == "COMPLETE":
            assert {t.user_attrs["sweep:seed"] for t in members} == {0, 1}
        else:
            assert first.state.name == "PRUNED" and len(members) == 1
    assert all(t.intermediate_values for t in trials)  # pruning saw the metric's curve
    assert (root / "sweep" / "optimization_history.png").is_file()


@pytest.mark.slow
def test_two_machines_share_a_study_through_postgresql(tmp_path: Path, postgres_url: str) -> None:
    path = write_sweep(
        tmp_path, space={"model.init_args.cell": ["rnn", "gru", "lstm"]}, seeds=[0, 1]
    )
    first = _sweep_process(path, tmp_path / "a", "--storage", postgres_url, "--name", "shared")
    second = _sweep_process(path, tmp_path / "b", "--storage", postgres_url, "--name", "shared")
    for proc in (first, second):
        output = _finish(proc, timeout=900)
        assert proc.returncode == 0, output[-3000:]
    trials = study_trials(tmp_path, "shared", storage=postgres_url)
    keys = _completed_keys(trials)
    assert len(keys) == 6 and set(keys.values()) == {1}
    owners = {t.user_attrs["sweep:owner"] for t in trials if t.state.name == "COMPLETE"}
    assert len(owners) == 2  # both runners took trials
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "lstmzoo",
            "sweep",
            "show",
            "shared",
            "--root",
            str(tmp_path / "a"),
            "--storage",
            postgres_url,
            "--format",
            "json",
            "--no-figures",
        ],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert sum(r["n"] for r in json.loads(run.stdout)["rows"]) == 6
