"""LstmzooCLI end to end: sizes linked into the checkpoint, the saved config, predict."""

import json
import subprocess
import sys

import pytest
import torch

from lstmzoo.cli import main
from lstmzoo.models import SequenceModel

from ..helpers_sequence import TINY_LSTM_FIT

TINY = TINY_LSTM_FIT[3:]  # everything after "fit --model lstm"


def _fit(*extra):
    return main(["fit", "--model", "lstm", *TINY, *extra])


def test_fit_saves_checkpoint_with_linked_sizes(in_tmp):
    assert _fit("--trainer.default_root_dir", "run") == 0
    ckpts = sorted(in_tmp.glob("run/**/last.ckpt"))
    assert ckpts, "fit must save last.ckpt"
    ckpt = torch.load(ckpts[0], weights_only=True)
    # input_size / task came from the data module, not from the config
    assert ckpt["hyper_parameters"]["input_size"] == 2
    assert ckpt["hyper_parameters"]["task"] == "regression"
    assert ckpt["lstmzoo"]["class_path"] == "lstmzoo.models.sequence.SequenceModel"


def test_saved_config_keeps_the_users_model_arguments_and_refits(in_tmp):
    """config.yaml holds the model arguments as given, not what the data module filled in
    (a sentiment run's vocabulary); fitting from it links them from the data again."""
    import yaml

    assert _fit("--trainer.default_root_dir", "run", "--trainer.logger", "false") == 0
    saved = yaml.safe_load((in_tmp / "run" / "config.yaml").read_text("utf-8"))
    assert saved["model"]["init_args"]["input_size"] == 1  # the default, not the data's 2
    assert main(["fit", "-c", "run/config.yaml", "--trainer.default_root_dir", "again"]) == 0
    ckpt = torch.load(next(in_tmp.glob("again/**/last.ckpt")), weights_only=True)
    assert ckpt["hyper_parameters"]["input_size"] == 2


# the second run replaces the first one's files on purpose; Lightning says so
@pytest.mark.filterwarnings("ignore:Checkpoint directory .* exists and is not empty")
@pytest.mark.filterwarnings("ignore:Experiment logs directory .* exists and is not empty")
@pytest.mark.filterwarnings("ignore:Starting from v1.9.0, `tensorboardX` has been removed")
def test_fit_twice_in_the_same_folder(in_tmp):
    args = ["--trainer.default_root_dir", "same", "--trainer.logger", "true"]
    assert _fit(*args) == 0
    assert _fit(*args, "--trainer.max_epochs", "2") == 0
    # one last.ckpt, the second run's (no last-v1.ckpt beside a stale one)
    lasts = sorted(p.name for p in in_tmp.glob("same/**/last*.ckpt"))
    assert lasts == ["last.ckpt"]
    ckpt = torch.load(next(in_tmp.glob("same/**/last.ckpt")), weights_only=True)
    assert ckpt["epoch"] == 1


def test_checkpoint_reloads_in_another_process_without_config(in_tmp):
    assert _fit("--trainer.default_root_dir", "run") == 0
    ckpt = next(in_tmp.glob("run/**/last.ckpt"))
    code = (
        "import sys, torch\n"
        "from lstmzoo.models import SequenceModel\n"
        "import lstmzoo.checkpoint as c\n"
        f"m = SequenceModel.load_from_checkpoint({str(ckpt)!r}).eval()\n"
        f"g = c.load_model({str(ckpt)!r}).eval()\n"
        "x = torch.ones(1, 12, 2)\n"
        "print(float(m(x)), float(g(x)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/"
    )
    a, b = map(float, out.stdout.split())
    model = SequenceModel.load_from_checkpoint(ckpt).eval()
    assert a == pytest.approx(b) == pytest.approx(model(torch.ones(1, 12, 2)).item())


def test_predict_writes_jsonl_from_checkpoint(in_tmp):
    assert _fit("--trainer.default_root_dir", "run") == 0
    ckpt = next(in_tmp.glob("run/**/last.ckpt"))
    code = main(
        [
            "predict",
            "--model",
            "lstm",
            *TINY,
            "--ckpt_path",
            str(ckpt),
            "--predictions.output",
            "preds.jsonl",
        ]
    )
    assert code == 0
    rows = [json.loads(line) for line in (in_tmp / "preds.jsonl").read_text().splitlines()]
    assert len(rows) == 32 and set(rows[0]) == {"prediction", "target"}


def test_model_loaded_outside_the_cli_keeps_heads():
    model = SequenceModel(
        input_size=2, head={"class_path": "ManyToOne", "init_args": {"pool": "mean"}}
    )
    assert model.hparams["head"]["init_args"]["pool"] == "mean"


def test_progress_bar_shows_small_metrics_with_significant_digits(in_tmp):
    from lightning.pytorch.callbacks import RichProgressBar

    from lstmzoo.cli import LstmzooCLI

    args = ["--model", "lstmzoo.models.SequenceModel", "--data", "AddingProblem"]
    cli = LstmzooCLI(args=args, run=False)
    bars = [c for c in cli.trainer.callbacks if isinstance(c, RichProgressBar)]
    assert len(bars) == 1
    fmt = bars[0].theme.metrics_format
    assert f"{0.00031415:{fmt}}" == "0.0003142" and f"{0.1667:{fmt}}" == "0.1667"
