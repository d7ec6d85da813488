"""The sweep file read on its own: entries, seeds, sampler and pruner; every bad input is one line
with exit 2, before any trial runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lstmzoo.errors import ConfigError
from lstmzoo.sweep.spec import Categorical, Range, load_spec

from ..conftest import assert_refused_before_any_trial, bad_case_ids, one_line_error, write_sweep


def test_load_a_grid(tmp_path: Path) -> None:
    path = write_sweep(
        tmp_path,
        space={"model.init_args.cell": ["rnn", "lstm"], "data.init_args.seq_len": [5, 10]},
        seeds=3,
    )
    spec = load_spec(path)
    assert spec.seeds == [0, 1, 2]
    assert isinstance(spec.space["model.init_args.cell"], Categorical)
    assert len(spec.grid_points()) == 4
    assert spec.total_runs() == 12
    assert spec.grid_points()[1] == {"model.init_args.cell": "rnn", "data.init_args.seq_len": 10}


def test_ranges_and_search(tmp_path: Path) -> None:
    path = write_sweep(
        tmp_path,
        space={
            "model.init_args.lr": {"low": 1e-4, "high": 1e-2, "log": True},
            "model.init_args.hidden_size": {"low": 8, "high": 32, "step": 8},
        },
        sampler="tpe",
        trials=5,
        seeds=[3, 7],
        pruner={"name": "median", "n_startup_trials": 2},
    )
    spec = load_spec(path)
    assert spec.space["model.init_args.lr"] == Range(1e-4, 1e-2, True, None)
    assert spec.space["model.init_args.hidden_size"].grid_values() == (8, 16, 24, 32)
    assert spec.total_runs() == 10
    assert spec.pruner == "median" and spec.pruner_args == {"n_startup_trials": 2}


BAD = [
    (
        {"space": {"model.init_args.lr": {"low": 0.01, "high": 0.1}}},
        "a grid needs a list of values or a range with 'step'",
    ),
    ({"sampler": "tpee"}, "sampler: unknown sampler 'tpee'; did you mean 'tpe'?"),
    ({"pruner": "medain"}, "pruner: unknown pruner 'medain'; did you mean 'median'?"),
    ({"pruner": {"name": "median", "n_startup": 1}}, "pruner: n_startup: unknown option"),
    ({"sampler": "tpe"}, "trials: sampler tpe needs 'trials: N'"),
    ({"trials": 4}, "trials: a grid runs every point"),
    ({"mode": "minimize"}, "mode: unknown mode 'minimize'"),
    ({"seeds": 0}, "seeds: the count must be >= 1"),
    ({"metrik": "val/mse"}, "metrik: unknown entry; did you mean 'metric'?"),
    ({"base": ["configs/nope.yaml"]}, "base: config file 'configs/nope.yaml' not found"),
]


@pytest.mark.parametrize(("entries", "message"), BAD, ids=bad_case_ids(BAD))
def test_bad_sweep_files_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture, entries: dict, message: str
) -> None:
    assert_refused_before_any_trial(tmp_path, capsys, entries, message)


def test_not_yaml_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("space: [unclosed\n", encoding="utf-8")
    assert "not valid YAML" in one_line_error(capsys, ["sweep", "run", str(bad)])
    assert "not found" in one_line_error(capsys, ["sweep", "run", str(tmp_path / "no.yaml")])


def test_load_spec_rejects_a_list_at_top(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump([1, 2]), encoding="utf-8")
    with pytest.raises(ConfigError, match="a sweep file is a mapping"):
        load_spec(path)


def test_shipped_sweeps_and_their_base_configs_load_by_name_from_any_folder(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no configs/ here: names resolve to the shipped recipes
    for name in (
        "memory_vs_length",
        "sweeps/memory_vs_length",
        "configs/sweeps/memory_vs_length.yaml",
    ):
        spec = load_spec(name)
        assert spec.path.name == "memory_vs_length.yaml"
        assert [p.name for p in spec.base] == ["lstm_adding.yaml", "cpu.yaml"]
    with pytest.raises(ConfigError, match="nor a shipped sweep"):
        load_spec("no_such_sweep")
