"""The sweep against the config: a trial's composed config, and the keys and values of ``space``
and ``overrides`` checked with the real ``lstmzoo fit`` parser before any trial runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from lstmzoo.cli import main
from lstmzoo.sweep.spec import compose_config, load_spec, validate_against_config

from ..conftest import (
    REPO,
    assert_refused_before_any_trial,
    bad_case_ids,
    write_sweep,
)


def test_compose_config_sets_values_seed_logger_and_best_checkpoint(tmp_path: Path) -> None:
    spec = load_spec(write_sweep(tmp_path, test=True))
    config = compose_config(spec, {"model.init_args.cell": "rnn"}, 5, tmp_path / "trial_0")
    assert config["seed_everything"] == 5
    assert config["model"]["init_args"]["cell"] == "rnn"
    assert config["trainer"]["max_steps"] == 4
    assert config["data"]["init_args"]["seq_len"] == 10
    logger = config["trainer"]["logger"]
    assert logger["init_args"]["save_dir"] == str(tmp_path / "trial_0")
    (checkpoint,) = [
        cb for cb in config["trainer"]["callbacks"] if cb["class_path"].endswith("ModelCheckpoint")
    ]  # the base config's own best.ckpt, or one the sweep adds
    assert checkpoint["init_args"]["monitor"] == "val/mse"
    assert checkpoint["init_args"]["filename"] == "best"
    assert spec.test_metric == "test/mse"


def test_the_reused_parser_composes_what_a_new_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parser is built once per process; a parse must not carry values into the next one."""
    from lstmzoo.sweep.spec import config as config_module

    spec = load_spec(
        write_sweep(tmp_path, space={"model.init_args.cell": ["rnn", "lstm"]}, seeds=2)
    )
    reused = [
        compose_config(spec, point, seed, tmp_path / "t")
        for point in spec.grid_points()
        for seed in spec.seeds
    ]
    fresh = []
    for point in spec.grid_points():
        for seed in spec.seeds:
            monkeypatch.setattr(config_module, "_PARSER", None)
            fresh.append(compose_config(spec, point, seed, tmp_path / "t"))
    assert reused == fresh
    assert [c["model"]["init_args"]["cell"] for c in reused] == ["rnn", "rnn", "lstm", "lstm"]
    assert len({c["seed_everything"] for c in reused}) == 2


BAD = [
    (
        {"space": {"model.init_args.hiden_size": [8]}},
        "space: model.init_args.hiden_size: not a key of the base config; did you mean "
        "'model.init_args.hidden_size'",
    ),
    (
        {"overrides": {"trainer.max_stepz": 3}},
        "overrides: trainer.max_stepz: not a key of the base config; did you mean "
        "'trainer.max_steps'",
    ),
    (
        {"space": {"model.init_args.hidden_size": [8, "eight"]}},
        "space: model.init_args.hidden_size: value 'eight' is not valid for this key",
    ),
    (
        {
            "space": {"model.init_args.hidden_size": {"low": 4.5, "high": 8.0}},
            "sampler": "random",
            "trials": 2,
        },
        "space: model.init_args.hidden_size: value 4.5 is not valid for this key",
    ),
]


@pytest.mark.parametrize(("entries", "message"), BAD, ids=bad_case_ids(BAD))
def test_keys_and_values_the_config_rejects_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture, entries: dict, message: str
) -> None:
    assert_refused_before_any_trial(tmp_path, capsys, entries, message)


def test_check_only_runs_nothing(tmp_path: Path) -> None:
    path = write_sweep(tmp_path)
    root = tmp_path / "runs"
    assert main(["sweep", "run", str(path), "--root", str(root), "--check"]) == 0
    assert (root / "sweep" / "study.db").is_file()
    assert not list(root.rglob("trial_*"))


@pytest.mark.parametrize(("name", "runs"), [("memory_vs_length", 36), ("bilstm_search", 24)])
def test_shipped_sweep_files_check_against_their_configs(
    name: str, runs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # base paths are relative to the repository root
    spec = load_spec(REPO / "configs" / "sweeps" / f"{name}.yaml")
    validate_against_config(spec)
    assert spec.total_runs() == runs
