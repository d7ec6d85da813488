"""The report on a study written by hand: grouping, mean ± std, best row, formats, files."""

from __future__ import annotations

import csv
import io
import json
import statistics
from pathlib import Path

import optuna
import pytest
import yaml

from lstmzoo.errors import ConfigError
from lstmzoo.sweep.report import load_report, render, write_best, write_figures

SPACE = {"model.init_args.cell": ["rnn", "lstm"], "data.init_args.seq_len": [10, 20]}
VALUES = {  # (cell, T) -> val/mse of seeds 0, 1
    ("rnn", 10): [0.10, 0.12],
    ("rnn", 20): [0.16, 0.17],
    ("lstm", 10): [0.02, 0.04],
    ("lstm", 20): [0.02, 0.02],
}


def _study(folder: Path, *, failed: bool = True) -> Path:
    folder.mkdir(parents=True)
    url = f"sqlite:///{folder / 'study.db'}"
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name=folder.name, storage=url)
    spec = {
        "space": SPACE,
        "metric": "val/mse",
        "mode": "min",
        "test": True,
        "seeds": 2,
        "report": {"baseline": 0.167, "x": "data.init_args.seq_len"},
    }
    study.set_user_attr("sweep:spec", spec)
    number = 0
    for (cell, length), values in VALUES.items():
        for seed, value in enumerate(values):
            point = {"model.init_args.cell": cell, "data.init_args.seq_len": length}
            trial_dir = folder / f"trial_{number}"
            trial_dir.mkdir()
            config = {
                "seed_everything": seed,
                "trainer": {
                    "logger": {
                        "class_path": "lightning.pytorch.loggers.CSVLogger",
                        "init_args": {"save_dir": str(trial_dir), "name": "", "version": ""},
                    }
                },
            }
            (trial_dir / "config.yaml").write_text(yaml.safe_dump(config))
            (trial_dir / "metrics.csv").write_text(
                f"epoch,step,val/mse\n0,5,{value * 2}\n1,10,{value}\n"
            )
            attrs = {
                "sweep:point": point,
                "sweep:seed": seed,
                "sweep:dir": str(trial_dir),
                "sweep:key": json.dumps(point) + f"#{seed}",
                "sweep:group": json.dumps(point),
                "sweep:wall_seconds": 10.0 + seed,
                "sweep:test": {"test/mse": value + 0.001},
            }
            study.add_trial(
                optuna.trial.create_trial(
                    value=value,
                    user_attrs=attrs,
                    distributions={},
                    params={},
                    state=optuna.trial.TrialState.COMPLETE,
                )
            )
            number += 1
    if failed:
        point = {"model.init_args.cell": "rnn", "data.init_args.seq_len": 10}
        study.add_trial(
            optuna.trial.create_trial(
                state=optuna.trial.TrialState.FAIL,
                user_attrs={
                    "sweep:point": point,
                    "sweep:seed": 2,
                    "sweep:key": "x",
                    "sweep:group": "g",
                    "sweep:final": True,
                    "sweep:error": "FloatingPointError: val/mse is nan at step 3",
                },
            )
        )
        study.add_trial(
            optuna.trial.create_trial(  # a duplicate claim: ignored entirely
                state=optuna.trial.TrialState.FAIL,
                user_attrs={
                    "sweep:point": point,
                    "sweep:seed": 0,
                    "sweep:key": "y",
                    "sweep:duplicate": True,
                },
            )
        )
    return folder


def test_rows_are_grouped_over_seeds_with_the_best_marked(tmp_path: Path) -> None:
    report = load_report(_study(tmp_path / "demo"))
    assert [
        (r.point["model.init_args.cell"], r.point["data.init_args.seq_len"]) for r in report.rows
    ] == [("rnn", 10), ("rnn", 20), ("lstm", 10), ("lstm", 20)]
    rnn10 = report.rows[0]
    assert rnn10.n == 2 and rnn10.failed == 1
    assert rnn10.mean == pytest.approx(0.11)
    assert rnn10.std == pytest.approx(statistics.stdev([0.10, 0.12]))
    best = [r for r in report.rows if r.best]
    assert len(best) == 1 and best[0].point["model.init_args.cell"] == "lstm"
    assert best[0].point["data.init_args.seq_len"] == 20  # mean 0.02 beats 0.03
    assert report.errors == [(8, "FloatingPointError: val/mse is nan at step 3")]


def test_formats(tmp_path: Path) -> None:
    report = load_report(_study(tmp_path / "demo"))
    data = json.loads(render(report, "json"))
    assert data["metric"] == "val/mse" and len(data["rows"]) == 4
    assert data["rows"][3]["best"] and data["rows"][3]["test/mse mean"] == pytest.approx(0.021)
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert rows[0]["cell"] == "rnn" and rows[0]["seq_len"] == "10" and rows[0]["n"] == "2"
    markdown = render(report, "markdown").splitlines()
    assert markdown[0] == "| cell | seq_len | val/mse | test/mse | n | s / trial | failed |"
    assert markdown[2].startswith("| rnn | 10 | 0.11 ± 0.014 |")
    assert markdown[5].startswith("| lstm ★ | 20 |")
    from rich.table import Table

    assert isinstance(render(report, "rich"), Table)


def test_best_yaml_and_figures(tmp_path: Path) -> None:
    folder = _study(tmp_path / "demo", failed=False)
    report = load_report(folder)
    best = write_best(report)
    assert best == folder / "best.yaml"
    text = best.read_text()
    assert text.startswith("# best point of sweep demo")
    config = yaml.safe_load(text)
    assert config["seed_everything"] in (0, 1)
    assert config["trainer"]["logger"]["init_args"]["save_dir"] == str(folder / "best")
    written = {p.name for p in write_figures(report)}
    assert written == {"test_mse_vs_seq_len.png", "learning_curves.png"}


def test_unknown_sweep(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no sweep 'nope'"):
        load_report("nope", root=tmp_path)
