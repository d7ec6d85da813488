"""BiLSTM sentiment against VADER on the four human-rated corpora, in domain and leave-one-out.

Prints, side by side on the same test splits (each corpus's fixed split, split_seed 0; texts
rated exactly 0 left out, as their label would be arbitrary):

* VADER 3.3.2 (``compound > 0`` -> positive; no training);
* the movie-only recipe (``configs/bilstm_sentiment.yaml``) on every corpus;
* the general recipe (``configs/bilstm_sentiment_general.yaml``, trained on all four), in domain;
* leave-one-corpus-out: the general recipe trained on three corpora, tested on the fourth;
  then a second table, VADER against these models on the whole held-out corpus (every text
  rated != 0, about ten times the test split): the model saw none of it, so all of it is test
  data, and the estimate is that much tighter.

BiLSTM columns are mean ± std over the seeds. The script trains what it is not given, each run an
ordinary ``lstmzoo fit`` subprocess with the shipped config in its own run folder under ``--out``
(a finished run is reused and an interrupted one resumed, so a stopped comparison goes on where it
stopped; a folder that holds a run of other settings is an error), or evaluates given
checkpoints::

    python benchmarks/sentiment_vs_vader.py --seeds 1 2 3 --out runs/vs_vader
    python benchmarks/sentiment_vs_vader.py --general-ckpt a.ckpt b.ckpt --movie-ckpt m.ckpt \\
        --no-loo
    # the shipped weights (a checkpoint argument also takes pretrained:bilstm_sentiment:TAG)
    python benchmarks/sentiment_vs_vader.py --no-loo --general-ckpt \\
        pretrained:bilstm_sentiment:general --movie-ckpt pretrained:bilstm_sentiment:movie_snippets
    # no training: how often the lexicon's rule score alone is right, by its size and by length
    python benchmarks/sentiment_vs_vader.py --rule-bins
    # a few steps per run, to check the pipeline end to end (numbers meaningless):
    python benchmarks/sentiment_vs_vader.py --seeds 1 --out /tmp/vs_vader \\
        --fit-arg=--trainer.max_steps=3 --fit-arg=--trainer.limit_val_batches=2

VADER is a development dependency only (``pip install lstmzoo[dev]`` or
``pip install vaderSentiment==3.3.2``). A full run trains 6 models per seed: run it on an idle
machine (``OMP_NUM_THREADS`` sets the threads of every training run). Results also go to
``<out>/results.json``. ``--jobs 2`` trains two runs at once, each with half the threads
(``OMP_NUM_THREADS``, or the cores); each run then gets fewer steps within the recipe's
``max_time`` than it would alone.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import torch
import yaml

REPO = Path(__file__).resolve().parents[1]
GENERAL = REPO / "configs" / "bilstm_sentiment_general.yaml"
MOVIE = REPO / "configs" / "bilstm_sentiment.yaml"
ALL_SPLITS = ("train", "val", "test")


def rated_texts(
    corpora: list[str],
    snippets_file: str | None,
    cache_dir: str | None,
    splits: tuple[str, ...] = ("test",),
) -> dict:
    """``{corpus: (texts, labels)}``, labels 1 = positive: the texts of ``splits`` of each
    corpus's fixed split (all of a corpus with ``("train", "val", "test")``), texts rated
    exactly 0 left out."""
    from lstmzoo.data.text import TextClassificationData

    data = TextClassificationData(
        corpora=corpora,
        snippets_file=snippets_file,
        cache_dir=cache_dir,
        neutral_band=0.0,
        drop_neutral_from=list(splits),
    )
    out: dict[str, tuple[list[str], list[int]]] = {c: ([], []) for c in corpora}
    loaded = data.load_splits()
    for split in splits:
        for e in loaded[split]:
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


def load_sentiment(ckpt: str) -> Any:
    """A checkpoint file, or shipped weights as ``pretrained:bilstm_sentiment[:TAG]``."""
    import lstmzoo
    from lstmzoo.models import BiLSTMSentiment

    model = lstmzoo.load_model(ckpt)
    if not isinstance(model, BiLSTMSentiment):
        sys.exit(f"{ckpt!r} holds a {type(model).__name__}, not a bilstm_sentiment model")
    return model.eval()


def model_accuracy(ckpt: str, splits: dict, corpora: list[str]) -> dict[str, float]:
    """The checkpoint's accuracy on ``splits[name]`` (``(texts, labels)``) for each name in
    ``corpora``, loading it once."""
    model = load_sentiment(ckpt)
    positive = model.classes.index("positive")
    acc = {}
    for corpus in corpora:
        texts, labels = splits[corpus]
        records = model.predict_text(texts, batch_size=256)
        pred = [int(r["label"] == model.classes[positive]) for r in records]
        acc[corpus] = sum(p == y for p, y in zip(pred, labels)) / len(labels)
    return acc


SCORE_BINS = [(0.0, 0.3), (0.3, 0.6), (0.6, 0.8), (0.8, 1.0)]  # |score| < 1 always
WORD_BINS = [(0, 10), (10, 20), (20, 30), (30, None)]  # words (split on white space)


def rule_scores(splits: dict, data_args: dict[str, Any]) -> dict[str, list[float]]:
    """The lexicon's verdict on every test text, with no training: the running score of
    ``valence_rules`` at the text's last token, in (-1, 1). ``data_args`` are the init_args of
    a data module with ``valence_rules`` (the general recipe's): its tokenizer, lexicon and
    ``max_length`` make the features."""
    from lstmzoo.data.text import TextClassificationData

    if not data_args.get("valence_rules"):
        raise ValueError("the rule score needs a data module with valence_rules: true")
    featurizer = TextClassificationData(**data_args).featurizer()
    column = featurizer.feature_names.index("running_score")
    return {
        corpus: [float(e.feats[-1, column]) for e in featurizer.encode_many(texts)[0]]
        for corpus, (texts, _) in splits.items()
    }


def rule_bins(splits: dict, scores: dict[str, list[float]]) -> list[list[str]]:
    """Rows of "accuracy % (texts)" of the rule score's sign (``> 0``: positive) per corpus:
    all texts, texts scored exactly 0, then the texts with a score by its size and by their
    length in words. Shows whether the score's size tells when the lexicon is right."""
    header = ["corpus", "all", "score 0"]
    header += [f"|s| {lo}-{hi}" for lo, hi in SCORE_BINS]
    header += [f"{lo}-{hi} words" if hi else f"{lo}+ words" for lo, hi in WORD_BINS]
    rows = [header]
    for corpus, (texts, labels) in splits.items():
        items = [
            (abs(s), len(t.split()), int(s > 0) == y)
            for t, y, s in zip(texts, labels, scores[corpus])
        ]
        row = [corpus, _accuracy_cell(items, lambda s, w: True)]
        row.append(_accuracy_cell(items, lambda s, w: s == 0))
        for lo, hi in SCORE_BINS:
            row.append(_accuracy_cell(items, lambda s, w, lo=lo, hi=hi: s > 0 and lo <= s < hi))
        for lo, hi in WORD_BINS:
            end = hi or math.inf
            row.append(_accuracy_cell(items, lambda s, w, lo=lo, end=end: s > 0 and lo <= w < end))
        rows.append(row)
    return rows


def _accuracy_cell(items: list[tuple[float, int, bool]], keep: Any) -> str:
    """ "accuracy % (texts)" of the ``(|score|, words, right)`` items that ``keep`` keeps."""
    hits = [right for size, words, right in items if keep(size, words)]
    return f"{100 * sum(hits) / len(hits):.1f} ({len(hits)})" if hits else "-"


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)))


class RunError(RuntimeError):
    """A training run that failed, or a run folder that holds another configuration."""


def find_checkpoint(root: Path) -> str | None:
    """``root/checkpoints/best.ckpt``, else ``last.ckpt`` (a run too short to validate has no
    best), else ``None``."""
    for name in ("best.ckpt", "last.ckpt"):
        if (root / "checkpoints" / name).is_file():
            return str(root / "checkpoints" / name)
    return None


def fit(
    config: Path,
    root: Path,
    seed: int,
    extra: list[str],
    corpora: list[str] | None,
    threads: int | None = None,
) -> tuple[str, float]:
    """Train with ``lstmzoo fit`` into the run folder ``root``: ``(best checkpoint, seconds)``.

    ``root/run.json`` records the command and the seconds trained so far. A finished run is
    reused and an interrupted one resumed with ``--ckpt_path last`` (its seconds add up); a
    folder whose record holds another command (other corpora, other ``--fit-arg``) is an
    error rather than a result of the wrong configuration.
    """
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
    record_file = root / "run.json"
    record = {"command": cmd[1:], "seconds": 0.0, "finished": False}  # not the interpreter
    if record_file.is_file():
        before = json.loads(record_file.read_text())
        if before.get("command") != record["command"]:
            raise RunError(
                f"{root} holds a run of another command:\n  {' '.join(before.get('command', []))}"
                f"\nnot\n  {' '.join(record['command'])}\nuse another --out or delete {root}"
            )
        record = before
        ckpt = find_checkpoint(root)
        if record["finished"] and ckpt:
            logging.info("reusing %s", ckpt)
            return ckpt, record["seconds"]
    resume = ["--ckpt_path", "last"] if (root / "checkpoints" / "last.ckpt").is_file() else []
    if resume:
        logging.info("resuming the interrupted run in %s", root)
    path = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, PYTHONPATH=path)
    if threads is not None:
        env["OMP_NUM_THREADS"] = str(threads)
    logging.info("training: %s", " ".join(cmd + resume))
    root.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        with open(root / "fit.log", "a") as log:
            result = subprocess.run(
                cmd + resume, stdout=log, stderr=subprocess.STDOUT, env=env, check=False
            )
    finally:  # interrupted or not, the seconds spent count
        record["seconds"] = round(record["seconds"] + time.perf_counter() - start, 1)
        record_file.write_text(json.dumps(record, indent=1) + "\n")
    if result.returncode != 0:
        raise RunError(f"training failed (exit {result.returncode}); see {root / 'fit.log'}")
    ckpt = find_checkpoint(root)
    if ckpt is None:
        raise RunError(f"no checkpoint in {root / 'checkpoints'}; see {root / 'fit.log'}")
    if not ckpt.endswith("best.ckpt"):
        logging.warning("no best checkpoint in %s (no validation ran?): using %s", root, ckpt)
    record["finished"] = True
    record_file.write_text(json.dumps(record, indent=1) + "\n")
    logging.info("trained %s in %.0f s", root.name, record["seconds"])
    return ckpt, record["seconds"]


def train_all(
    runs: dict[str, list[tuple[Path, Path, int, list[str] | None]]],
    extra: list[str],
    jobs: int,
    threads: int | None,
) -> dict[str, list[tuple[str, float]]]:
    """Every run of ``runs`` (``group -> [(config, folder, seed, corpora)]``), ``jobs`` at a
    time; the first failure (or Ctrl+C) cancels the runs that have not started."""
    pool = ThreadPoolExecutor(max_workers=jobs)
    stop = threading.Event()  # set by the first failure, before its worker takes another run

    def one(run: tuple[Path, Path, int, list[str] | None]) -> tuple[str, float]:
        if stop.is_set():
            raise RunError(f"{run[1].name}: not started after an earlier failure")
        try:
            return fit(*run[:3], extra, run[3], threads)
        except BaseException:
            stop.set()
            raise

    try:
        futures = {group: [pool.submit(one, run) for run in todo] for group, todo in runs.items()}
        for future in as_completed([f for fs in futures.values() for f in fs]):
            future.result()  # raises the first failure
        return {group: [f.result() for f in fs] for group, fs in futures.items()}
    except BaseException as err:
        logging.error("stopping (%s): the runs not started yet are cancelled", err or type(err))
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def mean_std(values: list[float]) -> str:
    if not values:
        return "-"
    mean = 100 * statistics.fmean(values)
    if len(values) == 1:
        return f"{mean:.1f}"
    return f"{mean:.1f} ± {100 * statistics.stdev(values):.1f}"


def per_seed_means(per_corpus: dict[str, list[float]], corpora: list[str]) -> list[float]:
    """The mean over ``corpora`` of each seed's accuracy (``per_corpus[c][i]``: seed ``i``)."""
    return [statistics.fmean(v) for v in zip(*(per_corpus[c] for c in corpora))]


def whole_corpus_rows(results: dict[str, Any], corpora: list[str]) -> list[list[str]]:
    """The table of VADER against the leave-one-out models on each whole held-out corpus."""
    rows = [["held-out corpus (texts)", "VADER", "BiLSTM trained without it"]]
    for c in corpora:
        vader = 100 * results["vader_whole"][c]
        rows.append([f"{c} ({results['whole_sizes'][c]})", f"{vader:.1f}"])
        rows[-1].append(mean_std(results["loo_whole"][c]))
    means = per_seed_means(results["loo_whole"], corpora)
    vader = 100 * statistics.fmean(results["vader_whole"][c] for c in corpora)
    seeds = " / ".join(f"{100 * m:.1f}" for m in means)
    rows.append(["mean of corpora", f"{vader:.1f}", f"{mean_std(means)} ({seeds})"])
    return rows


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
    parser.add_argument(
        "--rule-bins", action="store_true",
        help="only print how often the lexicon's rule score alone is right, per corpus, by the "
        "score's size and the text's length (no training, no VADER)",
    )  # fmt: skip
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

    splits = rated_texts(corpora, args.snippets_file, args.cache_dir)
    if args.rule_bins:
        data_args = yaml.safe_load(GENERAL.read_text("utf-8"))["data"]["init_args"]
        data_args.update(corpora=corpora, snippets_file=args.snippets_file)
        data_args.update(cache_dir=args.cache_dir)
        print("the sign of the rule score alone (valence_rules, the general recipe's features):")
        print("accuracy % (texts); the size and length bins hold the texts with a score")
        print_table(rule_bins(splits, rule_scores(splits, data_args)))
        return
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
            runs[f"loo_{held}"] = [(GENERAL, out / f"loo_{held}_s{s}", s, rest) for s in args.seeds]
    threads = None
    if args.jobs > 1:  # split this process's threads (or the machine's cores) between the runs
        cores = os.environ.get("OMP_NUM_THREADS") or len(os.sched_getaffinity(0))
        threads = max(1, int(cores) // args.jobs)
    try:
        trained = train_all(runs, extra, args.jobs, threads)
    except RunError as err:
        sys.exit(str(err))
    for ckpt in args.movie_ckpt or [c for c, _ in trained["movie"]]:
        results["movie"].append(model_accuracy(ckpt, splits, corpora))
    general_ckpts = args.general_ckpt or [c for c, _ in trained["general"]]
    for ckpt in general_ckpts:
        results["general"].append(model_accuracy(ckpt, splits, corpora))
    if not args.no_loo:  # a held-out corpus was never seen: all of it is test data
        whole = rated_texts(corpora, args.snippets_file, args.cache_dir, ALL_SPLITS)
        results["whole_sizes"] = {c: len(whole[c][1]) for c in corpora}
        results["vader_whole"] = vader_accuracy(whole)
        results["loo_whole"] = {c: [] for c in corpora}
    for held in [] if args.no_loo else corpora:
        for ckpt in given.get(held) or [c for c, _ in trained[f"loo_{held}"]]:
            both = {"test": splits[held], "whole": whole[held]}
            acc = model_accuracy(ckpt, both, ["test", "whole"])
            results["loo"][held].append(acc["test"])
            results["loo_whole"][held].append(acc["whole"])
    out.mkdir(parents=True, exist_ok=True)
    results["train_seconds"] = {  # the runs trained (or reused) by this call
        run[1].name: seconds
        for group, todo in runs.items()
        for run, (_, seconds) in zip(todo, trained[group])
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
        mean_row.append(mean_std(per_seed_means(results["loo"], corpora)))
    rows.append(mean_row)
    print(f"accuracy (%) on the test splits; BiLSTM: mean ± std over {len(general_ckpts)} run(s)")
    print_table([header, *rows])
    if not args.no_loo:
        print("\nleave one corpus out, on the whole held-out corpus (every text rated != 0; the "
              "model saw none of them)")  # fmt: skip
        print_table(whole_corpus_rows(results, corpora))
    times = results["train_seconds"]
    if times:
        slowest = max(times, key=times.get)
        print(f"training: {len(times)} runs, mean {statistics.fmean(times.values()):.0f} s, "
              f"longest {times[slowest]:.0f} s ({slowest})")  # fmt: skip
    print(f"results: {out / 'results.json'}")


if __name__ == "__main__":
    main()
