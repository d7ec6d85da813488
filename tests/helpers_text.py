"""Tiny text-classification data for the tests and ``tiny_cli_args`` for the zoo-wide CLI test."""

from __future__ import annotations

import csv
import random
from pathlib import Path

POSITIVE = ["great", "wonderful", "moving", "brilliant", "funny", "superb", "charming", "fresh"]
NEGATIVE = ["dull", "boring", "awful", "tedious", "clumsy", "bland", "painful", "stale"]
FILLER = ["the", "film", "is", "a", "story", "plot", "and", "cast", "really", "quite", "movie"]


def make_texts(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` (text, label) pairs whose label is given by the sentiment words they contain."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = "pos" if i % 2 == 0 else "neg"
        words = rng.choices(FILLER, k=rng.randint(2, 12))
        cue = POSITIVE if label == "pos" else NEGATIVE
        for _ in range(rng.randint(1, 2)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(cue))
        text = " ".join(words).capitalize() + rng.choice([".", "!", ""])
        rows.append((text, label))
    return rows


def write_csv(path: Path, rows: list[tuple[str, str]], delimiter: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


def write_tiny_dataset(root: Path) -> dict[str, Path]:
    """train / val / test CSVs and a predict .txt under ``root``."""
    rows = make_texts(160, seed=1)
    files = {
        "train": write_csv(root / "train.csv", rows[:112]),
        "val": write_csv(root / "val.csv", rows[112:136]),
        "test": write_csv(root / "test.csv", rows[136:]),
    }
    predict = root / "texts.txt"
    predict.write_text("a great and wonderful film\nboring , dull and awful\nThe cast !\n", "utf-8")
    files["predict"] = predict
    return files


def tiny_cli_args(tmp_path: Path) -> list[str]:
    """CLI arguments that make ``configs/bilstm_sentiment.yaml`` run in seconds on tiny local data.

    Use as ``lstmzoo fit <args> --trainer.max_epochs 1`` (and ``test`` / ``predict`` with
    ``--ckpt_path``); the predict input is a plain text file of three lines.
    """
    files = write_tiny_dataset(tmp_path / "text_data")
    config = Path(__file__).resolve().parent.parent / "configs" / "bilstm_sentiment.yaml"
    return [
        "-c", str(config),
        "--data.init_args.train_file", str(files["train"]),
        "--data.init_args.val_file", str(files["val"]),
        "--data.init_args.test_file", str(files["test"]),
        "--data.init_args.predict_file", str(files["predict"]),
        "--data.init_args.batch_size", "16",
        "--model.init_args.embedding_dim", "16",
        "--model.init_args.hidden_size", "16",
        "--trainer.default_root_dir", str(tmp_path / "runs"),
        "--trainer.logger", "false",
    ]  # fmt: skip


#: corpus -> (file name, id style) as in hutto_ICWSM_2014.tar.gz
RATED_CORPORA = {
    "movies": ("movieReviewSnippets_GroundTruth.txt", "{i}"),
    "amazon": ("amazonReviewSnippets_GroundTruth.txt", "{r}_{s}"),
    "nyt": ("nytEditorialSnippets_GroundTruth.txt", "{r}_{s}"),
    "tweets": ("tweets_GroundTruth.txt", "{i}"),
}
LEXICON_LINES = [
    ":)\t2.0\t1.18322\t[2, 2, 1, 1, 1, 1, 4, 3, 4, 1]",
    ":(\t-1.9\t1.13578\t[-2, -3, -2, 0, -1, -1, -2, -3, -1, -4]",
    "<3\t1.9\t1.04403\t[2, 2, 1, 2, 3, 1, 2, 3, 1, 2]",
    "awful\t-2.0\t1.34164\t[-2, -3, -3, -2, -3, -2, 1, -2, -2, -2]",
    "bad\t-2.5\t0.67082\t[-2, -3, -3, -3, -2, -2, -2, -3, -3, -2]",
    "good\t1.9\t0.9434\t[2, 1, 1, 3, 2, 4, 2, 2, 1, 1]",
    "great\t3.1\t0.7\t[4, 4, 3, 3, 3, 2, 3, 3, 3, 3]",
    "good\t1.9\t0.9434\t[2, 1, 1, 3, 2, 4, 2, 2, 1, 1]",
]


def write_lexicon(path: Path, lines: list[str] | None = None) -> Path:
    """A lexicon in VADER's format (CRLF, like vader_lexicon.txt; one token listed twice)."""
    path.write_bytes("\r\n".join(lines or LEXICON_LINES).encode("utf-8"))
    return path


def write_rated_corpora(folder: Path, n: int = 40) -> Path:
    """Tiny copies of the four ``*_GroundTruth.txt`` files in their exact format: lines
    ``id<TAB>mean rating<TAB>text``, CRLF, no final line break, UTF-8 (non-ASCII in the movie
    file, HTML entities in the tweets), a few texts rated exactly 0."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    positive = ["good", "great", "GREAT", "goood", "lovely :)", "fine <3"]
    negative = ["bad", "awful", "BAD", "baaad", "dull :(", "poor"]
    for corpus, (name, id_style) in RATED_CORPORA.items():
        lines = []
        for i in range(1, n + 1):
            rating = 0.0 if i % 13 == 0 else round(rng.uniform(0.2, 3.5), 9)
            words = positive
            if i % 2:
                rating, words = -rating, negative
            text = f"{corpus} text {i} is {rng.choice(words)} {rng.choice(words)}"
            if corpus == "movies" and i % 5 == 0:
                text += " -- Jirí Hubac's Münch"
            if corpus == "tweets" and i % 4 == 0:
                text += " &amp; &lt;3"
            ident = id_style.format(i=i, r=(i - 1) // 5 + 1, s=(i - 1) % 5 + 1)
            lines.append(f"{ident}\t{rating}\t{text}")
        (folder / name).write_bytes("\r\n".join(lines).encode("utf-8"))
    return folder
