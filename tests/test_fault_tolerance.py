"""A run killed mid-epoch resumes with ``--ckpt_path last`` and ends with the same weights."""

from __future__ import annotations

import pytest
import torch

from lstmzoo.checkpoint import read_checkpoint
from lstmzoo.cli import main
from lstmzoo.errors import CheckpointError
from lstmzoo.models import SequenceModel

from .conftest import run_lstmzoo

RUN = [
    "fit",
    "--model",
    "lstm",
    "--data",
    "AddingProblem",
    "--data.init_args.seq_len",
    "10",
    "--data.init_args.num_train",
    "96",
    "--data.init_args.num_val",
    "16",
    "--data.init_args.batch_size",
    "8",
    "--model.init_args.hidden_size",
    "8",
    "--trainer.max_epochs",
    "2",
    "--trainer.deterministic",
    "true",
    "--trainer.logger",
    "false",
    "--trainer.enable_progress_bar",
    "false",
    "--trainer.enable_model_summary",
    "false",
    "--seed_everything",
    "7",
]


def _lstmzoo(args, cwd):
    return run_lstmzoo(args, cwd, timeout=300)


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_killed_run_resumes_to_the_same_weights(tmp_path, signal_name):
    straight = _lstmzoo([*RUN, "--trainer.default_root_dir", "a"], tmp_path)
    assert straight.returncode == 0, straight.stderr[-2000:]

    # 12 batches per epoch: stop in the middle of the second epoch
    killer = (
        '{"class_path": "tests.helpers_faults.SignalAtStep", '
        f'"init_args": {{"step": 17, "signal_name": "{signal_name}"}}}}'
    )
    killed = _lstmzoo(
        [*RUN, "--trainer.default_root_dir", "b", "--trainer.callbacks+", killer], tmp_path
    )
    assert killed.returncode != 0
    interrupted = read_checkpoint(tmp_path / "b" / "checkpoints" / "last.ckpt")
    assert interrupted["global_step"] == 17

    resumed = _lstmzoo([*RUN, "--trainer.default_root_dir", "b", "--ckpt_path", "last"], tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-2000:]

    a = read_checkpoint(tmp_path / "a" / "checkpoints" / "last.ckpt")
    b = read_checkpoint(tmp_path / "b" / "checkpoints" / "last.ckpt")
    assert a["global_step"] == b["global_step"] == 24
    for key, value in a["state_dict"].items():
        torch.testing.assert_close(b["state_dict"][key], value, rtol=0, atol=0)


class Opaque:
    """Not a type that weights_only loading accepts."""


def test_truncated_and_foreign_checkpoints_give_clear_errors(tmp_path, capsys):
    model = SequenceModel(input_size=2)
    good = tmp_path / "good.ckpt"
    torch.save({"state_dict": model.state_dict(), "hyper_parameters": dict(model.hparams)}, good)
    truncated = tmp_path / "truncated.ckpt"
    truncated.write_bytes(good.read_bytes()[:200])
    empty = tmp_path / "empty.ckpt"
    empty.write_bytes(b"")
    foreign = tmp_path / "foreign.ckpt"
    torch.save({"weights": torch.ones(2)}, foreign)
    text = tmp_path / "notes.ckpt"
    text.write_text("not a checkpoint")

    with pytest.raises(CheckpointError, match="truncated or not a PyTorch checkpoint"):
        read_checkpoint(truncated)
    with pytest.raises(CheckpointError, match="empty"):
        read_checkpoint(empty)
    with pytest.raises(CheckpointError, match="not a Lightning checkpoint"):
        read_checkpoint(foreign)
    with pytest.raises(CheckpointError, match="truncated or not a PyTorch checkpoint"):
        read_checkpoint(text)
    with pytest.raises(CheckpointError, match="does not exist"):
        read_checkpoint(tmp_path / "missing.ckpt")
    with pytest.raises(CheckpointError, match="truncated"):
        SequenceModel.load_from_checkpoint(truncated)

    unsafe = tmp_path / "unsafe.ckpt"
    torch.save({"state_dict": {}, "hyper_parameters": {"thing": Opaque()}}, unsafe)
    with pytest.raises(CheckpointError, match="safe loading"):
        read_checkpoint(unsafe)

    for subcommand in ("fit", "test", "predict"):
        code = main(
            [
                subcommand,
                "--model",
                "lstm",
                "--data",
                "AddingProblem",
                "--ckpt_path",
                str(truncated),
            ]
        )
        assert code == 2
        assert "truncated or not a PyTorch checkpoint" in capsys.readouterr().err


# a resumed fit says nothing about its own folder being in use (it is, on purpose)
@pytest.mark.filterwarnings("error:Experiment logs directory")
@pytest.mark.filterwarnings("error:Checkpoint directory")
# resuming mid-epoch from a plain DataLoader: Lightning's warning is true and stays visible to
# users; the sequence data is random-access, so the test does not depend on loader state
@pytest.mark.filterwarnings("ignore:You're resuming from a checkpoint that ended before the epoch")
def test_a_resumed_run_keeps_the_log_of_its_first_part(in_tmp):
    """One folder per run: the resumed fit appends to the interrupted part's metrics.csv."""
    import csv

    args = [*RUN, "--trainer.logger", "true", "--trainer.default_root_dir", "run"]
    args += ["--trainer.log_every_n_steps", "1", "--trainer.max_epochs", "-1"]
    assert main([*args, "--trainer.max_steps", "6"]) == 0
    assert main([*args, "--trainer.max_steps", "10", "--ckpt_path", "last"]) == 0
    (metrics,) = in_tmp.glob("run/**/metrics.csv")
    with open(metrics, newline="") as handle:
        steps = [int(row["step"]) for row in csv.DictReader(handle) if row.get("train/loss")]
    assert steps == list(range(10))
