"""bf16 mixed precision vs float32: test accuracy after the same number of training steps.

Trains a shipped config twice from the same seed, once in float32 (``32-true``) and once under
``configs/trainer/bf16.yaml`` (``bf16-mixed``), for exactly ``--steps`` optimizer steps each
(early stopping and the time limit switched off), tests the final weights of both on the
config's test split and prints the metric of each, their difference and the wall time of each
fit. Every run is a separate ``lstmzoo`` process, so it is the CLI path users take::

    python benchmarks/bench_precision.py configs/bilstm_sentiment.yaml --steps 665
    python benchmarks/bench_precision.py configs/crnn_ocr.yaml --steps 600 --metric test/word_acc

Extra arguments after ``--`` go to every ``fit`` and ``test`` (e.g. ``-- --data.init_args.
num_train 5000``). Training throughput measured side by side (interleaved) is printed by
``benchmarks/bench_inference.py``; the fit times here are sequential, for orientation only.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PRECISIONS = {"fp32": "32-true", "bf16": "bf16-mixed"}


def last_metric(metrics_csv: Path, name: str) -> float:
    """The last logged value of ``name`` in a CSVLogger ``metrics.csv``."""
    value = None
    with metrics_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get(name):
                value = float(row[name])
    if value is None:
        raise SystemExit(f"{metrics_csv}: no value logged for {name!r}")
    return value


def run(args: list[str], log: Path) -> float:
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.call(
            [sys.executable, "-m", "lstmzoo", *args], stdout=out, stderr=subprocess.STDOUT, cwd=REPO
        )
    if code != 0:
        raise SystemExit(f"`lstmzoo {' '.join(args)}` failed (exit {code}); see {log}")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path, help="a shipped model config")
    parser.add_argument("--steps", type=int, required=True, help="optimizer steps of each run")
    parser.add_argument("--metric", default="test/acc", help="test metric to compare")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", type=float, default=100.0, help="metric x scale is printed")
    parser.add_argument("--workdir", type=Path, help="keep runs and logs here (default: temp)")
    parser.add_argument("extra", nargs="*", help="after --: arguments for fit and test")
    opts = parser.parse_args(argv)
    if opts.steps < 1:
        parser.error(f"--steps must be >= 1, got {opts.steps}")
    tmp = tempfile.TemporaryDirectory()
    work = (opts.workdir or Path(tmp.name)).resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"{opts.config.name}: {opts.steps} steps per run, seed {opts.seed}, "
        f"torch threads from OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}",
        flush=True,
    )
    results: dict[str, tuple[float, float]] = {}
    for name, precision in PRECISIONS.items():
        override = work / f"{name}.yaml"
        override.write_text(
            yaml.safe_dump(
                {
                    "seed_everything": opts.seed,
                    "trainer": {
                        "precision": precision,
                        "max_steps": opts.steps,
                        "max_epochs": -1,
                        "max_time": None,
                        "callbacks": [],
                        "logger": {
                            "class_path": "lightning.pytorch.loggers.CSVLogger",
                            "init_args": {"save_dir": str(work), "name": name},
                        },
                    },
                }
            ),
            encoding="utf-8",
        )
        common = ["-c", str(opts.config.resolve()), "-c", str(override), *opts.extra]
        fit_seconds = run(["fit", *common], work / f"{name}.fit.log")
        ckpt = work / name / "checkpoints" / "last.ckpt"
        run(["test", *common, "--ckpt_path", str(ckpt)], work / f"{name}.test.log")
        versions = sorted((work / name).glob("version_*/metrics.csv"))
        value = last_metric(versions[-1], opts.metric) * opts.scale
        results[name] = (value, fit_seconds)
        print(f"{name:5s} ({precision:10s}): {opts.metric} {value:.2f}, fit {fit_seconds:.0f} s")
    diff = results["bf16"][0] - results["fp32"][0]
    print(
        f"difference bf16 - fp32 = {diff:+.2f} (target within 1: "
        f"{'met' if abs(diff) <= 1 else 'NOT met'}); fit time ratio bf16/fp32 = "
        f"{results['bf16'][1] / results['fp32'][1]:.2f}"
    )
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
