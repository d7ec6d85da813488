"""Summarise a CSVLogger run: final and best value of a metric, and the first step reaching a
threshold.

    python scripts/summarize_run.py runs/lstm_adding --metric val/mse --threshold 0.01
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path


def metrics_files(run_dir: Path) -> list[Path]:
    """``run_dir/metrics.csv`` or ``run_dir/version_N/metrics.csv``, newest version first."""
    if (run_dir / "metrics.csv").is_file():
        return [run_dir / "metrics.csv"]
    versions = sorted(run_dir.glob("version_*/metrics.csv"), key=lambda p: int(p.parent.name[8:]))
    if not versions:
        raise SystemExit(f"no metrics.csv under {run_dir}")
    return versions[::-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--metric", default="val/loss")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--mode", choices=("min", "max"), default="min")
    opts = parser.parse_args()
    # the newest run that logged the metric (test runs log into versions of their own)
    for path in metrics_files(opts.run_dir):
        points = [
            (int(row["step"]), float(row[opts.metric]))
            for row in csv.DictReader(path.open())
            if row.get(opts.metric)
        ]
        if points:
            break
    else:
        print(f"{opts.run_dir}: no values for {opts.metric}")
        return 1
    best = (
        min(points, key=lambda p: p[1]) if opts.mode == "min" else max(points, key=lambda p: p[1])
    )
    print(f"{path}")
    print(
        f"  {opts.metric}: final {points[-1][1]:.5f} (step {points[-1][0]}), "
        f"best {best[1]:.5f} (step {best[0]}), {len(points)} evaluations"
    )
    if opts.threshold is not None:
        reached = [
            s
            for s, v in points
            if (v <= opts.threshold if opts.mode == "min" else v >= opts.threshold)
        ]
        where = f"step {reached[0]}" if reached else "never"
        print(
            f"  first evaluation at {opts.metric} {'<=' if opts.mode == 'min' else '>='} "
            f"{opts.threshold}: {where}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
