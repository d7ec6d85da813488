"""Every shipped config runs: fit a few steps, reload the checkpoint, test and predict."""

import json

import pytest

from lstmzoo.cli import main

from .conftest import CONFIGS
from .helpers_sequence import TINY_DATA, tiny_cli_args

SEQUENCE_CONFIGS = sorted(
    p for p in CONFIGS.glob("*.yaml") if any(f"class_path: {d}" in p.read_text() for d in TINY_DATA)
)
# the default config of each registered model also runs in test_zoo.py
ZOO_DEFAULTS = {"rnn_adding", "lstm_adding", "gru_adding", "lstm_2layer_copy"}
QUIET = ["--trainer.enable_progress_bar", "false", "--trainer.enable_model_summary", "false"]


@pytest.mark.parametrize(
    "config", [p for p in SEQUENCE_CONFIGS if p.stem not in ZOO_DEFAULTS], ids=lambda p: p.stem
)
# test / predict from the fit's checkpoint keep its checkpoint folder: no "dirpath has changed"
@pytest.mark.filterwarnings("error:The dirpath has changed")
def test_shipped_config_fits_tests_and_predicts(config, in_tmp):
    args = [*tiny_cli_args(in_tmp, config), *QUIET, "--trainer.logger.init_args.save_dir", "runs"]
    assert main(["fit", *args, "--trainer.max_epochs", "1"]) == 0
    ckpt = next(in_tmp.glob("runs/**/last.ckpt"))
    assert main(["test", *args, "--ckpt_path", str(ckpt)]) == 0
    assert (
        main(["predict", *args, "--ckpt_path", str(ckpt), "--predictions.output", "p.jsonl"]) == 0
    )
    rows = [json.loads(line) for line in (in_tmp / "p.jsonl").read_text().splitlines()]
    assert len(rows) == 32 and "prediction" in rows[0]


def test_every_sequence_model_has_a_config():
    text = " ".join(p.read_text() for p in SEQUENCE_CONFIGS)
    for name in ("rnn", "lstm", "lstm_2layer", "gru"):
        assert f"class_path: {name}\n" in text
