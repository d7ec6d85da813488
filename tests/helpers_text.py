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
