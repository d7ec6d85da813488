"""Test helpers for the OCR model: tiny command lines and tiny image sets."""

from __future__ import annotations

import pathlib
from collections.abc import Sequence

REPO = pathlib.Path(__file__).resolve().parents[1]
OCR_CONFIG = REPO / "configs" / "crnn_ocr.yaml"


def write_sample(path: pathlib.Path, text: str = "hello", seed: int = 0) -> pathlib.Path:
    """Render ``text`` to a PNG at ``path`` (clean, DejaVu Sans when available)."""
    from lstmzoo.data.ocr import save_sample

    return save_sample(path, text, seed=seed)


def write_labeled_folder(
    folder: pathlib.Path,
    labels: Sequence[str] = ("hello", "world", "42", "lstm", "zoo", "text"),
    label_file: str = "labels.txt",
) -> pathlib.Path:
    """A folder of rendered word images in ``sub/`` plus ``label_file``; returns the folder."""
    lines = []
    for i, label in enumerate(labels):
        rel = f"sub/img_{i:03d}.png"
        write_sample(folder / rel, label.lower() or "x", seed=i)
        lines.append(f"{rel}\t{label}")
    (folder / label_file).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def tiny_cli_args(tmp_path: pathlib.Path) -> list[str]:
    """CLI arguments that run configs/crnn_ocr.yaml in seconds (with ``--trainer.max_epochs 1``).

    The data is synthetic (rendered on the fly, nothing to download); an example image is written
    under ``tmp_path`` for ``predict``. The model is shrunk to a quarter-width backbone.
    """
    image = write_sample(tmp_path / "ocr_predict" / "hello.png", "hello")
    return [
        "-c", str(OCR_CONFIG),
        "--model.init_args.width_mult", "0.125",
        "--model.init_args.hidden_size", "16",
        "--data.init_args.num_train", "32",
        "--data.init_args.num_val", "16",
        "--data.init_args.num_test", "16",
        "--data.init_args.batch_size", "16",
        "--data.init_args.num_workers", "0",
        "--data.init_args.predict_path", str(image.parent),
        "--trainer.max_time", "00:00:05:00",
        "--trainer.log_every_n_steps", "1",
    ]  # fmt: skip
