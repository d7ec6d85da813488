"""``lstmzoo sweep`` on one machine: ``--workers 2`` vs ``--workers 1``, and the per-trial overhead.

A 12-trial grid (3 cells x 4 seeds on the adding problem, the same fixed number of steps per
trial) runs as a whole with ``--workers 1`` and with ``--workers 2``, alternating (1, 2, 1, 2, ...)
so that both see the same machine load, each time into a fresh folder and a fresh SQLite study.
It prints the median wall time of each, their ratio (target on 2 cores: <= 0.6), and the sweep's
own overhead per trial: the runner's wall time of a trial minus the time the trial process spent
in fit + test (what is left: starting the process, imports, storage), as a share of a
60-second trial (target <= 5%). The runner's one-time start (its imports, the fork server's
imports, opening the study, the report and figures at the end) is printed apart, and also
spread over the 12 trials.

With ``--compare-launchers`` each repeat also runs the ``--workers 2`` sweep with
``--launcher process`` (a fresh interpreter per trial), so the overhead of both launchers is
measured side by side::

    python benchmarks/bench_sweep.py                 # 12 trials of 300 steps, 3 repeats each
    python benchmarks/bench_sweep.py --quick         # 12 trials of 2 steps, 1 repeat: a check
    python benchmarks/bench_sweep.py --repeats 2 --compare-launchers
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def sweep_file(folder: Path, steps: int, seq_len: int) -> Path:
    spec = {
        "base": [str(REPO / "configs/lstm_adding.yaml"), str(REPO / "configs/trainer/cpu.yaml")],
        "space": {"model.init_args.cell": ["rnn", "gru", "lstm"]},
        "seeds": 4,
        "metric": "val/mse",
        "mode": "min",
        "overrides": {
            "trainer.max_steps": steps,
            "trainer.max_time": None,
            "data.init_args.seq_len": seq_len,
            "data.init_args.num_train": max(64, steps * 64),
            "data.init_args.num_val": 256,
            "data.init_args.num_test": 256,
        },
    }
    path = folder / "bench_sweep.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def run_sweep(path: Path, root: Path, workers: int, launcher: str | None = None) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "lstmzoo", "sweep", "run", str(path), "--root", str(root)]
    cmd += ["--workers", str(workers), "--no-live"]
    if launcher:
        cmd += ["--launcher", launcher]
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"sweep failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds


def trial_seconds(root: Path) -> tuple[list[float], list[float]]:
    """Each completed trial's runner wall time and its own fit + test time."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    url = f"sqlite:///{root / 'bench_sweep' / 'study.db'}"
    study = optuna.load_study(study_name="bench_sweep", storage=url)
    walls, fits = [], []
    for trial in study.get_trials(deepcopy=False):
        attrs = trial.user_attrs
        if trial.state.name == "COMPLETE" and "sweep:seconds" in attrs:
            walls.append(float(attrs["sweep:wall_seconds"]))
            fits.append(float(attrs["sweep:seconds"]))
    return walls, fits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="optimiser steps per trial")
    parser.add_argument("--seq-len", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2 steps, T = 10, 1 repeat")
    parser.add_argument(
        "--compare-launchers",
        action="store_true",
        help="also run --workers 2 with --launcher process each repeat",
    )
    opts = parser.parse_args()
    if opts.quick:
        opts.steps, opts.seq_len, opts.repeats = 2, 10, 1
    runs = [(1, None), (2, None)] + ([(2, "process")] if opts.compare_launchers else [])
    times: dict[tuple, list[float]] = {run: [] for run in runs}
    overhead: dict[tuple, list[float]] = {run: [] for run in runs}
    own: dict[tuple, list[float]] = {run: [] for run in runs}  # per sweep: trials' time summed
    startup: list[float] = []  # --workers 1: wall time outside every trial, per sweep
    with tempfile.TemporaryDirectory(prefix="bench_sweep_") as tmp:
        path = sweep_file(Path(tmp), opts.steps, opts.seq_len)
        for repeat in range(opts.repeats):
            for workers, launcher in runs:
                root = Path(tmp) / f"r{repeat}_w{workers}_{launcher or 'default'}"
                wall = run_sweep(path, root, workers, launcher)
                times[(workers, launcher)].append(wall)
                walls, fit = trial_seconds(root)
                overhead[(workers, launcher)] += [w - f for w, f in zip(walls, fit)]
                own[(workers, launcher)].append(sum(fit))
                if workers == 1:
                    startup.append(wall - sum(walls))
                name = f"--workers {workers}" + (f" --launcher {launcher}" if launcher else "")
                print(f"repeat {repeat}: {name}: {wall:.1f} s")
    one, two = statistics.median(times[(1, None)]), statistics.median(times[(2, None)])
    default = overhead[(1, None)] + overhead[(2, None)]
    per_trial = statistics.median(default)
    start = statistics.median(startup)
    spread = per_trial + start / 12
    print(f"\n12-trial grid, {opts.steps} steps per trial, {os.cpu_count()} cores")
    print(f"  --workers 1: median {one:.1f} s")
    print(f"  --workers 2: median {two:.1f} s")
    print(f"  ratio workers 2 / workers 1: {two / one:.2f}  (target <= 0.6)")
    # summed per sweep: medians of single trials would mix the three cells
    own1, own2 = statistics.median(own[(1, None)]), statistics.median(own[(2, None)])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"  the 12 trials' own time (fit + test in the trial process), summed: {own1:.1f} s one "
        f"at a time with {cores} threads, {own2:.1f} s two at a time with "
        f"{max(1, (cores or 2) // 2)} each; half the second over the first, {own2 / 2 / own1:.2f}, "
        f"is the ratio that evenly busy workers with no sweep cost at all would give"
    )
    print(
        f"  overhead per trial (median of {len(default)}): {per_trial:.2f} s = "
        f"{100 * per_trial / 60:.1f}% of a 60-second trial  (target <= 5%)"
    )
    print(
        f"  one-time cost of a sweep (start, end report, figures; --workers 1, median): "
        f"{start:.1f} s; spread over 12 trials, with the per-trial overhead: "
        f"{spread:.2f} s = {100 * spread / 60:.1f}% of a 60-second trial"
    )
    if opts.compare_launchers:
        fork = statistics.median(overhead[(2, None)])
        fresh = statistics.median(overhead[(2, "process")])
        print(
            f"  --workers 2 overhead per trial, default launcher {fork:.2f} s vs "
            f"--launcher process {fresh:.2f} s (ratio {fork / fresh:.2f})"
        )


if __name__ == "__main__":
    main()
