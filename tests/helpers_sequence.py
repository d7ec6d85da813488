"""Tiny data settings that make the sequence-zoo configs run in seconds."""

from __future__ import annotations

import shlex
from pathlib import Path

_SPLITS = "--data.init_args.num_train 64 --data.init_args.num_val 32 --data.init_args.num_test 32"

TINY_DATA = {
    "AddingProblem": shlex.split(f"--data.init_args.seq_len 12 {_SPLITS}"),
    "DelayedCopy": shlex.split(
        "--data.init_args.min_len 6 --data.init_args.max_len 12 --data.init_args.delay 2 " + _SPLITS
    ),
    "Waveform": shlex.split(_SPLITS),
}

#: ``lstmzoo fit`` of a small LSTM for one epoch on a tiny adding problem, quietly, no logger
TINY_LSTM_FIT = [
    *shlex.split("fit --model lstm --data AddingProblem"),
    *TINY_DATA["AddingProblem"],
    *shlex.split(
        "--trainer.max_epochs 1 --trainer.logger false --trainer.enable_progress_bar false "
        "--trainer.enable_model_summary false --trainer.log_every_n_steps 1"
    ),
]


def tiny_cli_args(tmp_path: Path, config: Path) -> list[str]:
    """``-c config`` plus the tiny-data overrides for the config's data module."""
    text = config.read_text()
    for name, args in TINY_DATA.items():
        if f"class_path: {name}" in text:
            batch = ["--data.init_args.batch_size", "16", "--trainer.log_every_n_steps", "1"]
            return ["-c", str(config), *args, *batch]
    raise KeyError(f"no tiny data settings for {config}")
