"""DDP over two CPU processes trains like one process with the same global batch."""

from __future__ import annotations

import csv
import shlex

import pytest

from .conftest import CONFIGS, run_lstmzoo

#: stated tolerance: final validation MSE of the two runs within 0.01 (baseline MSE is 0.167)
TOLERANCE = 0.01

COMMON = shlex.split(
    "fit --model lstm --data AddingProblem --seed_everything 3 "
    "--data.init_args.seq_len 10 --data.init_args.num_train 2048 --data.init_args.num_val 256 "
    "--model.init_args.hidden_size 16 --model.init_args.lr 0.01 --trainer.max_epochs 10 "
    "--trainer.enable_progress_bar false --trainer.enable_model_summary false"
)


def _final_val_mse(tmp_path, name, extra):
    logger = (
        '{"class_path": "lightning.pytorch.loggers.CSVLogger", '
        f'"init_args": {{"save_dir": "{tmp_path}", "name": "{name}"}}}}'
    )
    proc = run_lstmzoo([*COMMON, "--trainer.logger", logger, *extra], tmp_path, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = list(csv.DictReader((tmp_path / name / "metrics.csv").open()))
    return [float(r["val/mse"]) for r in rows if r.get("val/mse")][-1]


@pytest.mark.slow
def test_ddp_matches_single_process_with_the_same_global_batch(tmp_path):
    single = _final_val_mse(tmp_path, "single", ["--data.init_args.batch_size", "32"])
    ddp = _final_val_mse(
        tmp_path,
        "ddp",
        ["--data.init_args.batch_size", "16", "-c", str(CONFIGS / "trainer" / "ddp_cpu.yaml")],
    )
    assert single < 0.1 and ddp < 0.1, (single, ddp)  # both learned
    assert abs(single - ddp) <= TOLERANCE, (single, ddp)
