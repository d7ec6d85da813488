"""The sweep file's checks: every bad input is one line with exit 2, before any trial runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lstmzoo.cli import main
from lstmzoo.errors import ConfigError
from lstmzoo.sweep.spec import Categorical, Range, compose_config, load_spec

from .conftest import write_sweep


def _one_line_error(capsys: pytest.CaptureFixture, argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error:")
    return err


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


def test_a_grid_enumerates_a_range_with_step(tmp_path: Path) -> None:
    path = write_sweep(
        tmp_path, space={"model.init_args.hidden_size": {"low": 4, "high": 8, "step": 2}}
    )
    assert [p["model.init_args.hidden_size"] for p in load_spec(path).grid_points()] == [4, 6, 8]


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
    from lstmzoo.sweep import spec as spec_module

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
            monkeypatch.setattr(spec_module, "_PARSER", None)
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
    (
        {"space": {"model.init_args.cell": []}},
        "space: model.init_args.cell: the list of values is empty",
    ),
    (
        {
            "space": {"model.init_args.lr": {"low": 0.1, "high": 0.01}},
            "sampler": "tpe",
            "trials": 2,
        },
        "space: model.init_args.lr: inverted range: low 0.1 > high 0.01",
    ),
    (
        {"space": {"model.init_args.lr": {"low": 0.1, "high": 0.1}}, "sampler": "tpe", "trials": 2},
        "space: model.init_args.lr: empty range",
    ),
    (
        {
            "space": {"model.init_args.lr": {"low": 0.0, "high": 0.1, "log": True}},
            "sampler": "tpe",
            "trials": 2,
        },
        "a log range needs low > 0",
    ),
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


@pytest.mark.parametrize(
    ("entries", "message"), BAD, ids=[m.split(":")[0] + str(i) for i, (_, m) in enumerate(BAD)]
)
def test_bad_sweep_files_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture, entries: dict, message: str
) -> None:
    path = write_sweep(tmp_path, **entries)
    err = _one_line_error(capsys, ["sweep", "run", str(path), "--root", str(tmp_path / "runs")])
    assert message in err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").rglob("trial_*"))


def test_not_yaml_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("space: [unclosed\n", encoding="utf-8")
    assert "not valid YAML" in _one_line_error(capsys, ["sweep", "run", str(bad)])
    assert "not found" in _one_line_error(capsys, ["sweep", "run", str(tmp_path / "no.yaml")])


def test_unreachable_storage(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("psycopg")
    path = write_sweep(tmp_path)
    url = "postgresql://someone:secret@127.0.0.1:1/study"
    err = _one_line_error(capsys, ["sweep", "run", str(path), "--storage", url, "--check"])
    assert "cannot open the storage postgresql://someone:***@127.0.0.1:1/study" in err
    assert "secret" not in err


def test_load_spec_rejects_a_list_at_top(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump([1, 2]), encoding="utf-8")
    with pytest.raises(ConfigError, match="a sweep file is a mapping"):
        load_spec(path)


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
    from lstmzoo.sweep.spec import validate_against_config

    from .conftest import REPO

    monkeypatch.chdir(REPO)  # base paths are relative to the repository root
    spec = load_spec(REPO / "configs" / "sweeps" / f"{name}.yaml")
    validate_against_config(spec)
    assert spec.total_runs() == runs


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
