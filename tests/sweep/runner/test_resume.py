"""A retried trial continues its earlier run from that run's ``last.ckpt``."""

from __future__ import annotations

import json
import logging
import signal
from pathlib import Path

import pytest
import torch

from lstmzoo.cli import main
from lstmzoo.sweep import SweepRunner
from lstmzoo.sweep.runner.bookkeeping import Attempt
from lstmzoo.sweep.runner.resume import config_fingerprint, decide_resume, last_checkpoint
from lstmzoo.sweep.spec import compose_config, load_spec

from ..conftest import TINY_OVERRIDES, study_trials, write_sweep


def _state(step: int) -> dict:
    """What a Lightning checkpoint holds for ``fit`` to continue it (weights, optimizer, loops)."""
    weight = torch.ones(2, 2)
    return {
        "state_dict": {"w": weight},
        "optimizer_states": [{"state": {}, "param_groups": []}],
        "loops": {"fit_loop": {}},
        "global_step": step,
        "epoch": 1,
    }


def _folder(root: Path, name: str, ckpt: dict | bytes | None) -> Path:
    folder = root / name
    path = last_checkpoint(folder)
    path.parent.mkdir(parents=True)
    if isinstance(ckpt, dict):
        torch.save(ckpt, path)
    elif isinstance(ckpt, bytes):
        path.write_bytes(ckpt)
    return folder


def _cut_short(root: Path) -> bytes:
    """The first half of a checkpoint file: what a kill during its write leaves."""
    whole = root / "whole.ckpt"
    torch.save(_state(9), whole)
    return whole.read_bytes()[: whole.stat().st_size // 2]


def test_a_valid_last_ckpt_is_continued_in_its_folder(tmp_path: Path) -> None:
    run = _folder(tmp_path, "trial_0", _state(12))
    decision = decide_resume([Attempt(0, run, "c")], "c", tmp_path / "trial_1")
    assert decision.checkpoint == run / "checkpoints" / "last.ckpt"
    assert (decision.folder, decision.step, decision.attempt) == (run, 12, 0)
    assert decision.skipped == ()


def test_no_earlier_run_or_no_last_ckpt_is_a_fresh_start(tmp_path: Path) -> None:
    fresh = tmp_path / "trial_1"
    assert decide_resume([], "c", fresh).checkpoint is None
    empty = tmp_path / "trial_0"  # killed before its first checkpoint
    (empty / "checkpoints").mkdir(parents=True)
    decision = decide_resume([Attempt(0, empty, "c")], "c", fresh)
    assert (decision.folder, decision.checkpoint, decision.step, decision.skipped) == (
        fresh,
        None,
        0,
        (),
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("cut", "is truncated or not a PyTorch checkpoint"),
        (b"", "is empty (0 bytes)"),
        ({"state_dict": {}}, "no training state to continue"),
        ("other config", "ran another config"),
    ],
)
def test_an_unusable_last_ckpt_is_a_fresh_start_with_the_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: object, reason: str
) -> None:
    config = "c"
    if content == "cut":
        content = _cut_short(tmp_path)
    elif content == "other config":
        content, config = _state(5), "edited"
    run = _folder(tmp_path, "trial_0", content)
    fresh = tmp_path / "trial_1"
    with caplog.at_level(logging.WARNING, logger="lstmzoo.sweep.runner.resume"):
        decision = decide_resume([Attempt(0, run, "c")], config, fresh)
    assert decision.checkpoint is None and decision.folder == fresh
    (skipped,) = decision.skipped
    assert reason in skipped and str(last_checkpoint(run)) in skipped
    assert "the retry starts afresh" in caplog.text and reason in caplog.text


def test_the_newest_usable_run_wins(tmp_path: Path) -> None:
    first = _folder(tmp_path, "trial_0", _state(4))
    second = _folder(tmp_path, "trial_2", _cut_short(tmp_path))
    attempts = [Attempt(3, second, "c"), Attempt(2, second, "c"), Attempt(0, first, "c")]
    decision = decide_resume(attempts, "c", tmp_path / "trial_4")
    assert (decision.folder, decision.step, decision.attempt) == (first, 4, 0)
    assert len(decision.skipped) == 1  # the cut-short file is judged once, not per attempt


def test_the_config_fingerprint_ignores_only_the_folder(tmp_path: Path) -> None:
    spec = load_spec(write_sweep(tmp_path))
    point = {"model.init_args.cell": "rnn"}
    here = config_fingerprint(compose_config(spec, point, 0, tmp_path / "trial_0"))
    assert here == config_fingerprint(compose_config(spec, point, 0, tmp_path / "trial_5"))
    assert here != config_fingerprint(compose_config(spec, point, 1, tmp_path / "trial_0"))
    assert here != config_fingerprint(
        compose_config(spec, {"model.init_args.cell": "lstm"}, 0, tmp_path / "trial_0")
    )


class _Exited:
    """A trial process that has already ended with ``code``."""

    pid = 0

    def __init__(self, code: int) -> None:
        self.code = code

    def wait(self) -> int:
        return self.code

    def poll(self) -> int | None:
        return self.code

    def send_signal(self, sig: int) -> None:
        pass


class _DiesOnceLauncher:
    """Trial processes without training: the first writes ``last.ckpt`` at step 4 and a log,
    then dies by SIGKILL (no ``result.json``); every later one completes, and records the
    arguments it was given."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def warm_up(self) -> None:
        pass

    def start(self, args, env, log_file: Path) -> _Exited:
        self.calls.append(list(args))
        log_file.write_text(f"run {len(self.calls)}\n", encoding="utf-8")
        folder = log_file.parent
        if len(self.calls) == 1:
            last_checkpoint(folder).parent.mkdir(parents=True, exist_ok=True)
            torch.save(_state(4), last_checkpoint(folder))
            return _Exited(-signal.SIGKILL)
        result = {"status": "complete", "value": 0.5, "steps": 8}
        (folder / "result.json").write_text(json.dumps(result), encoding="utf-8")
        return _Exited(0)


def test_the_runner_gives_a_retry_the_killed_runs_folder_and_checkpoint(tmp_path: Path) -> None:
    spec = load_spec(write_sweep(tmp_path, space={"model.init_args.cell": ["rnn"]}))
    launcher = _DiesOnceLauncher()
    runner = SweepRunner(spec, root=tmp_path / "runs", live=False, launcher=launcher)
    assert runner.run() == 0
    killed, retry = sorted(runner.study.get_trials(), key=lambda t: t.number)
    assert killed.state.name == "FAIL" and retry.state.name == "COMPLETE"
    folder = Path(killed.user_attrs["sweep:dir"])
    first, second = launcher.calls
    assert "--ckpt-path" not in first
    assert second[-2:] == ["--ckpt-path", str(folder / "checkpoints" / "last.ckpt")]
    assert second[0] == str(folder / "config.yaml")  # the same folder, the same config
    attrs = retry.user_attrs
    assert attrs["sweep:resumed_step"] == 4 and attrs["sweep:retry_of"] == killed.number
    assert (
        attrs["sweep:dir"] == str(folder)
        and attrs["sweep:config"] == killed.user_attrs["sweep:config"]
    )
    assert (folder / f"trial.{killed.number}.log").read_text() == "run 1\n"
    assert (folder / "trial.log").read_text() == "run 2\n"
    assert [o.status for o in runner.finished] == ["killed", "complete"]


def test_a_retry_of_a_run_with_a_cut_short_checkpoint_starts_afresh(tmp_path: Path) -> None:
    spec = load_spec(write_sweep(tmp_path, space={"model.init_args.cell": ["rnn"]}))
    launcher = _DiesOnceLauncher()
    cut = _cut_short(tmp_path)
    original = launcher.start

    def start(args, env, log_file: Path) -> _Exited:
        process = original(args, env, log_file)
        if len(launcher.calls) == 1:  # the worker died while writing last.ckpt
            last_checkpoint(log_file.parent).write_bytes(cut)
        return process

    launcher.start = start  # type: ignore[method-assign]
    runner = SweepRunner(spec, root=tmp_path / "runs", live=False, launcher=launcher)
    assert runner.run() == 0
    killed, retry = sorted(runner.study.get_trials(), key=lambda t: t.number)
    assert retry.state.name == "COMPLETE"
    assert "--ckpt-path" not in launcher.calls[1]
    assert retry.user_attrs["sweep:dir"] != killed.user_attrs["sweep:dir"]  # its own folder
    assert "sweep:resumed_step" not in retry.user_attrs
    (reason,) = retry.user_attrs["sweep:resume_skipped"]
    assert "is truncated or not a PyTorch checkpoint" in reason


@pytest.mark.slow
def test_a_trial_killed_after_its_first_checkpoint_resumes_from_it(tmp_path: Path) -> None:
    """Two epochs of 4 steps; ``last.ckpt`` is written at step 4, the first run is killed at step
    6 (SIGKILL, no chance to save), the retry continues from step 4 in the same folder."""
    fault = {
        "class_path": "tests.sweep.runner.helpers_faults.SignalOnceAtStep",
        "init_args": {"step": 6, "marker": str(tmp_path / "killed-once")},
    }
    overrides = {**TINY_OVERRIDES, "trainer.max_steps": 8, "trainer.callbacks": [fault]}
    path = write_sweep(tmp_path, space={"model.init_args.cell": ["rnn"]}, overrides=overrides)
    root = tmp_path / "runs"
    assert main(["sweep", "run", str(path), "--root", str(root), "--no-live"]) == 0
    killed, retry = sorted(study_trials(root), key=lambda t: t.number)
    assert killed.state.name == "FAIL" and "killed (SIGKILL)" in killed.user_attrs["sweep:error"]
    assert retry.state.name == "COMPLETE", retry.user_attrs.get("sweep:error")
    folder = Path(killed.user_attrs["sweep:dir"])
    attrs = retry.user_attrs
    assert attrs["sweep:resumed_step"] == 4
    assert attrs["sweep:resumed_from"] == str(folder / "checkpoints" / "last.ckpt")
    assert attrs["sweep:retry_of"] == killed.number
    assert attrs["sweep:dir"] == str(folder) and attrs["sweep:steps"] == 8
    assert "Restored all states from the checkpoint" in (folder / "trial.log").read_text()
    assert (folder / f"trial.{killed.number}.log").is_file()  # the killed run's log is kept
    assert not (root / "sweep" / f"trial_{retry.number}").exists()
