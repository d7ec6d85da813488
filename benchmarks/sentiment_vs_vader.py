"""BiLSTM sentiment against VADER on the four human-rated corpora, in domain and leave-one-out.

Prints, side by side on the same test splits (each corpus's fixed split, split_seed 0; texts
rated exactly 0 left out, as their label would be arbitrary):

* VADER 3.3.2 (``compound > 0`` -> positive; no training);
* the movie-only recipe (``configs/bilstm_sentiment.yaml``) on every corpus;
* the general recipe (``configs/bilstm_sentiment_general.yaml``, trained on all four), in domain;
* leave-one-corpus-out: the general recipe trained on three corpora, tested on the fourth.

BiLSTM columns are mean ± std over the seeds. The script trains what it is not given, each run an
ordinary ``lstmzoo fit`` subprocess with the shipped config in its own run folder under ``--out``
(a finished run is reused and an interrupted one resumed, so a stopped comparison goes on where it
stopped), or evaluates given checkpoints::

    python benchmarks/sentiment_vs_vader.py --seeds 1 2 3 --out runs/vs_vader
    python benchmarks/sentiment_vs_vader.py --general-ckpt a.ckpt b.ckpt --movie-ckpt m.ckpt \\
        --no-loo
    # a few steps per run, to check the pipeline end to end (numbers meaningless):
    python benchmarks/sentiment_vs_vader.py --seeds 1 --out /tmp/vs_vader \\
        --fit-arg=--trainer.max_steps=3 --fit-arg=--trainer.limit_val_batches=2

VADER is a development dependency only (``pip install lstmzoo[dev]`` or
``pip install vaderSentiment==3.3.2``). A full run trains 6 models per seed: run it on an idle
machine (``OMP_NUM_THREADS`` sets the threads of every training run). Results also go to
``<out>/results.json``. ``--jobs 2`` trains two runs at once, each with half the cores; each
run then gets fewer steps within the recipe's ``max_time`` than it would alone.
"""

from __future__ import annotations

import argparse
import glob
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import torch

REPO = Path(__file__).resolve().parents[1]
GENERAL = REPO / "configs" / "bilstm_sentiment_general.yaml"
MOVIE = REPO / "configs" / "bilstm_sentiment.yaml"


def test_texts(corpora: list[str], snippets_file: str | None, cache_dir: str | None) -> dict:
    """``{corpus: (texts, labels)}`` of each corpus's test split, labels 1 = positive."""
    from lstmzoo.data.text import TextClassificationData

    data = TextClassificationData(
        corpora=corpora,
        snippets_file=snippets_file,
        cache_dir=cache_dir,
        neutral_band=0.0,
        drop_neutral_from=["test"],
    )
    out: dict[str, tuple[list[str], list[int]]] = {c: ([], []) for c in corpora}
    for e in data.load_splits()["test"]:
        texts, labels = out[e.corpus]  # type: ignore[index]
        texts.append(e.text)
        labels.append(int(e.label == "positive"))
    return out


def vader_accuracy(splits: dict) -> dict[str, float]:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        sys.exit("VADER is not installed: pip install vaderSentiment==3.3.2 (a dev dependency)")
    analyzer = SentimentIntensityAnalyzer()
    acc = {}
    for corpus, (texts, labels) in splits.items():
        pred = [int(analyzer.polarity_scores(t)["compound"] > 0) for t in texts]
        acc[corpus] = sum(p == y for p, y in zip(pred, labels)) / len(labels)
    return acc


def model_accuracy(ckpt: str, splits: dict, corpora: list[str]) -> dict[str, float]:
    from lstmzoo.models import BiLSTMSentiment

    model = BiLSTMSentiment.load_from_checkpoint(ckpt, map_location="cpu")
    positive = model.classes.index("positive")
    acc = {}
    for corpus in corpora:
        texts, labels = splits[corpus]
        records = model.predict_text(texts, batch_size=256)
        pred = [int(r["label"] == model.classes[positive]) for r in records]
        acc[corpus] = sum(p == y for p, y in zip(pred, labels)) / len(labels)
    return acc


def find_checkpoint(root: Path) -> str | None:
    """The newest ``best*.ckpt`` under ``root``, else its newest ``last.ckpt`` (a run too short
    to validate has no best), else ``None``."""
    for pattern in ("best*.ckpt", "last*.ckpt"):
        found = glob.glob(str(root / "**" / pattern), recursive=True)
        if found:
            return max(found, key=os.path.getmtime)
    return None


def fit(
    config: Path,
    root: Path,
    seed: int,
    extra: list[str],
    corpora: list[str] | None,
    threads: int | None = None,
) -> str:
    """Train with ``lstmzoo fit`` into the run folder ``root`` and return its best checkpoint.

    A finished run (``root/fit.done``) is reused; an interrupted one (checkpoints but no
    ``fit.done``) is resumed with ``--ckpt_path last``, never taken for finished.
    """
    done_file = root / "fit.done"
    if done_file.is_file():
        done = find_checkpoint(root)
        if done:
            logging.info("reusing %s", done)
            return done
    cmd = [
        sys.executable, "-m", "lstmzoo", "fit", "-c", str(config),
        "--seed_everything", str(seed),
        # both recipes name a CSVLogger: its folder is the run folder (checkpoints included)
        "--trainer.logger.init_args.save_dir", str(root.parent),
        "--trainer.logger.init_args.name", root.name,
    ]  # fmt: skip
    if corpora is not None:
        cmd += ["--data.init_args.corpora", json.dumps(corpora)]
    cmd += extra
    if (root / "checkpoints" / "last.ckpt").is_file():
        logging.info("resuming the interrupted run in %s", root)
        cmd += ["--ckpt_path", "last"]
    path = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, PYTHONPATH=path)
    if threads is not None:
        env["OMP_NUM_THREADS"] = str(threads)
    logging.info("training: %s", " ".join(cmd))
    start = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "fit.log", "a") as log:
        result = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(f"training failed (exit {result.returncode}); see {root / 'fit.log'}")
    seconds = time.perf_counter() - start
    logging.info("trained in %.0f s", seconds)
    ckpt = find_checkpoint(root)
    if ckpt is None:
        sys.exit(f"no checkpoint under {root}; see {root / 'fit.log'}")
    if not Path(ckpt).name.startswith("best"):
        logging.warning("no best checkpoint under %s (no validation ran?): using %s", root, ckpt)
    done_file.write_text(json.dumps({"seconds": round(seconds, 1), "command": cmd}) + "\n")
    return ckpt


def mean_std(values: list[float]) -> str:
    if not values:
        return "-"
    mean = 100 * statistics.fmean(values)
    if len(values) == 1:
        return f"{mean:.1f}"
    return f"{mean:.1f} ± {100 * statistics.stdev(values):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--out", default="runs/vs_vader", help="where training runs go")
    parser.add_argument("--corpora", nargs="+", default=["movies", "amazon", "nyt", "tweets"])
    parser.add_argument("--general-ckpt", nargs="+", help="general-recipe checkpoints (no fit)")
    parser.add_argument("--movie-ckpt", nargs="+", help="movie-only checkpoints (no fit)")
    parser.add_argument(
        "--loo-ckpt", nargs="+", default=[], metavar="CORPUS=CKPT",
        help="leave-one-out checkpoints, each trained without CORPUS (no fit for those)",
    )  # fmt: skip
    parser.add_argument("--no-loo", action="store_true", help="skip leave-one-corpus-out")
    parser.add_argument(
        "--fit-arg", action="append", default=[],
        help="extra argument of every `lstmzoo fit` (repeatable): --fit-arg=--trainer.max_steps=3",
    )  # fmt: skip
    parser.add_argument(
        "--jobs", type=int, default=1,
        help="training runs at once, the cores split between them (OMP_NUM_THREADS = cores / "
        "jobs each); 1 (the default) gives each run OMP_NUM_THREADS of this process",
    )  # fmt: skip
    parser.add_argument("--snippets-file", help="local sdist / folder of the corpora (offline)")
    parser.add_argument("--cache-dir")
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error(f"--jobs must be >= 1, got {args.jobs}")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    out = Path(args.out)
    corpora = list(args.corpora)
    extra = list(args.fit_arg)
    if args.snippets_file:
        extra += ["--data.init_args.snippets_file", args.snippets_file]
    if args.cache_dir:
        extra += ["--data.init_args.cache_dir", args.cache_dir]

    splits = test_texts(corpora, args.snippets_file, args.cache_dir)
    results: dict[str, Any] = {
        "test_sizes": {c: len(splits[c][1]) for c in corpora},
        "vader": vader_accuracy(splits),
        "movie": [],
        "general": [],
        "loo": {c: [] for c in corpora},
    }
    given: dict[str, list[str]] = {}
    for item in args.loo_ckpt:
        corpus, sep, ckpt = item.partition("=")
        if not sep or corpus not in corpora:
            sys.exit(f"--loo-ckpt takes CORPUS=CKPT with CORPUS in {corpora}, got {item!r}")
        given.setdefault(corpus, []).append(ckpt)
    # every training run the comparison needs: group -> [(config, folder, seed, corpora)]
    runs: dict[str, list[tuple[Path, Path, int, list[str] | None]]] = {}
    if not args.movie_ckpt:
        runs["movie"] = [(MOVIE, out / f"movie_s{s}", s, None) for s in args.seeds]
    if not args.general_ckpt:
        runs["general"] = [(GENERAL, out / f"general_s{s}", s, corpora) for s in args.seeds]
    for held in [] if args.no_loo else corpora:
        if held not in given:
            rest = [c for c in corpora if c != held]
            runs[held] = [(GENERAL, out / f"loo_{held}_s{s}", s, rest) for s in args.seeds]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    threads = max(1, (cores or 1) // args.jobs) if args.jobs > 1 else None
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {
            group: [pool.submit(fit, *run[:3], extra, run[3], threads) for run in todo]
            for group, todo in runs.items()
        }
        trained = {group: [f.result() for f in fs] for group, fs in futures.items()}
    for ckpt in args.movie_ckpt or trained["movie"]:
        results["movie"].append(model_accuracy(ckpt, splits, corpora))
    general_ckpts = args.general_ckpt or trained["general"]
    for ckpt in general_ckpts:
        results["general"].append(model_accuracy(ckpt, splits, corpora))
    for held in [] if args.no_loo else corpora:
        for ckpt in given.get(held) or trained[held]:
            results["loo"][held].append(model_accuracy(ckpt, splits, [held])[held])
    out.mkdir(parents=True, exist_ok=True)
    results["train_seconds"] = {
        done.parent.name: json.loads(done.read_text())["seconds"]
        for done in sorted(out.glob("*/fit.done"))
    }
    (out / "results.json").write_text(json.dumps(results, indent=2))

    def column(runs: list[dict[str, float]], corpus: str) -> list[float]:
        return [r[corpus] for r in runs]

    header = ["corpus (test texts)", "VADER", "BiLSTM movie-only", "BiLSTM general"]
    if not args.no_loo:
        header.append("BiLSTM without it (LOO)")
    rows = []
    for c in corpora:
        row = [f"{c} ({results['test_sizes'][c]})", f"{100 * results['vader'][c]:.1f}"]
        row += [mean_std(column(results["movie"], c)), mean_std(column(results["general"], c))]
        if not args.no_loo:
            row.append(mean_std(results["loo"][c]))
        rows.append(row)
    mean_row = ["mean of corpora", f"{100 * statistics.fmean(results['vader'].values()):.1f}"]
    for key in ("movie", "general"):
        mean_row.append(mean_std([statistics.fmean(r[c] for c in corpora) for r in results[key]]))
    if not args.no_loo:
        per_seed = list(zip(*(results["loo"][c] for c in corpora)))
        mean_row.append(mean_std([statistics.fmean(v) for v in per_seed]))
    rows.append(mean_row)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(f"accuracy (%) on the test splits; BiLSTM: mean ± std over {len(general_ckpts)} run(s)")
    for r in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)))
    times = results["train_seconds"]
    if times:
        slowest = max(times, key=times.get)
        print(f"training: {len(times)} runs, mean {statistics.fmean(times.values()):.0f} s, "
              f"longest {times[slowest]:.0f} s ({slowest})")  # fmt: skip
    print(f"results: {out / 'results.json'}")


if __name__ == "__main__":
    main()
