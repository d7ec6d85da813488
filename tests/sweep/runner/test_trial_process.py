"""What goes into a trial process (arguments, environment) and what its end means for the study."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from lstmzoo.sweep.runner.trial_process import read_result, trial_args, trial_env, verdict
from lstmzoo.sweep.spec import load_spec

from ..conftest import write_sweep


def test_arguments_carry_pruning_and_the_checkpoint_to_continue(tmp_path: Path) -> None:
    plain = load_spec(write_sweep(tmp_path))
    folder = tmp_path / "trial_3"
    args = trial_args(plain, "sweep", folder, 7)
    assert args == [
        str(folder / "config.yaml"),
        "--result",
        str(folder / "result.json"),
        "--metric",
        "val/mse",
    ]
    pruned = load_spec(write_sweep(tmp_path, pruner="median", test=True))
    args = trial_args(pruned, "sweep", folder, 7, folder / "checkpoints" / "last.ckpt")
    assert "--test" in args
    assert args[args.index("--trial-id") + 1] == "7" and args[args.index("--study") + 1] == "sweep"
    assert args[-2:] == ["--ckpt-path", str(folder / "checkpoints" / "last.ckpt")]


def test_the_storage_url_goes_in_the_environment_only_for_pruning(tmp_path: Path) -> None:
    url = "postgresql://u:secret@h/db"
    env = trial_env(load_spec(write_sweep(tmp_path)), url, 3)
    assert env["OMP_NUM_THREADS"] == env["LSTMZOO_SWEEP_THREADS"] == "3"
    assert "LSTMZOO_SWEEP_STORAGE" not in env
    env = trial_env(load_spec(write_sweep(tmp_path, pruner="median")), url, 1)
    assert env["LSTMZOO_SWEEP_STORAGE"] == url


def test_a_missing_or_partial_result_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    assert read_result(path) is None
    path.write_text('{"status": "compl', encoding="utf-8")
    assert read_result(path) is None
    path.write_text('{"status": "complete", "value": 0.5}', encoding="utf-8")
    assert read_result(path) == {"status": "complete", "value": 0.5}


@pytest.mark.parametrize(
    ("result", "code", "stopping", "expected"),
    [
        ({"status": "complete", "value": 0.25}, 0, False, ("complete", False, False, False)),
        ({"status": "pruned", "error": "pruned at 3"}, 0, False, ("pruned", False, False, False)),
        ({"status": "interrupted"}, 0, True, ("interrupted", False, True, False)),
        ({"status": "metric_missing", "error": "e"}, 0, False, ("failed", False, True, True)),
        (
            {"status": "failed", "error": "FloatingPointError"},
            0,
            False,
            ("failed", True, False, False),
        ),
        (None, -signal.SIGKILL, False, ("killed", False, False, False)),
        (None, -signal.SIGKILL, True, ("killed", False, True, False)),
        (None, 3, False, ("failed", True, False, False)),
    ],
)
def test_verdicts(result, code: int, stopping: bool, expected: tuple) -> None:
    end = verdict(result, code, stopping=stopping, log_file=Path("t/trial.log"))
    assert (end.status, end.final, end.interrupted, end.fatal) == expected
    if end.status == "complete":
        assert end.value == 0.25
    if result is None and code > 0:
        assert end.error == "exited with status 3; see t/trial.log"
    if end.status == "killed":
        assert end.error == "the trial process was killed (SIGKILL)"
