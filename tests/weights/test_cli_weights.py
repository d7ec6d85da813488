"""``--ckpt_path pretrained:MODEL[:TAG]`` for fit / test / predict, ``lstmzoo weights``, and the
weights column of ``lstmzoo list``, on a small weight written into ``$LSTMZOO_WEIGHTS_PATH``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
import yaml

import lstmzoo
import lstmzoo.weights as weights
from lstmzoo.cli import main
from lstmzoo.data.synthetic import AddingProblem

from ..helpers_sequence import TINY_DATA

QUIET = [
    "--trainer.logger", "false", "--trainer.enable_progress_bar", "false",
    "--trainer.enable_model_summary", "false",
]  # fmt: skip


@pytest.fixture
def user_weights(tmp_path, monkeypatch):
    """An ``lstm`` for the tiny adding problem (hidden size 6, not the default 64), shipped as
    the tag ``tiny`` in a folder named by ``$LSTMZOO_WEIGHTS_PATH``."""
    folder = tmp_path / "weights"
    folder.mkdir()
    torch.manual_seed(0)
    model = lstmzoo.create_model("lstm", input_size=2, hidden_size=6).eval()
    path = folder / "lstm-tiny.safetensors"
    hparams = dict(model.hparams)
    weights.write_weights(model, path, hparams)
    card = weights.make_card(
        "lstm", "tiny", path, "lstmzoo.models.sequence.SequenceModel", hparams, default=True,
        headline={"metric": "test/mse", "value": 0.25, "split": "tiny adding problem"},
    )  # fmt: skip
    (folder / "lstm-tiny.yaml").write_text(yaml.safe_dump(card, sort_keys=False))
    monkeypatch.setenv(weights.WEIGHTS_PATH_ENV, str(folder))
    weights._cards_in.cache_clear()
    monkeypatch.chdir(tmp_path)
    yield model, folder
    weights._cards_in.cache_clear()


def _tiny_test_set() -> tuple[torch.Tensor, torch.Tensor]:
    data = AddingProblem(seq_len=12, num_train=64, num_val=32, num_test=32)
    data.setup("test")
    batch = next(iter(data.test_dataloader()))
    return batch["x"], batch["y"]


def test_test_and_predict_with_pretrained_weights(user_weights, capsys):
    model, _ = user_weights
    args = ["--model", "lstm", "--data", "AddingProblem", *TINY_DATA["AddingProblem"], *QUIET]
    args += ["--data.init_args.batch_size", "32"]
    assert main(["test", *args, "--ckpt_path", "pretrained:lstm"]) == 0
    x, y = _tiny_test_set()
    expected = torch.nn.functional.mse_loss(model(x), y).item()
    assert f"{expected:.4f}"[:5] in capsys.readouterr().out
    out = "preds.jsonl"
    assert (
        main(["predict", *args, "--ckpt_path", "pretrained:lstm:tiny", "--predictions.output", out])
        == 0
    )
    rows = [json.loads(line) for line in Path(out).read_text().splitlines()]
    assert len(rows) == 32
    torch.testing.assert_close(
        torch.tensor([r["prediction"] for r in rows]), model(x).detach(), atol=1e-5, rtol=1e-4
    )


def test_fit_from_pretrained_weights_starts_fresh_with_the_card_architecture(user_weights):
    model, _ = user_weights
    args = ["--model", "lstm", "--data", "AddingProblem", *TINY_DATA["AddingProblem"], *QUIET]
    args += ["--trainer.max_steps", "2", "--trainer.default_root_dir", "ft"]
    args += ["--model.init_args.lr", "1e-12", "--ckpt_path", "pretrained:lstm"]
    assert main(["fit", *args]) == 0
    ckpt = torch.load(
        next(iter(__import__("pathlib").Path("ft").rglob("last.ckpt"))), weights_only=True
    )
    assert ckpt["global_step"] == 2  # a fresh run, not a resumed one
    assert ckpt["hyper_parameters"]["hidden_size"] == 6  # from the card, not the default 64
    assert ckpt["hyper_parameters"]["lr"] == 1e-12  # the config's choice wins for fine-tuning
    for key, value in model.state_dict().items():  # a tiny lr: still the pretrained weights
        torch.testing.assert_close(ckpt["state_dict"][key], value, atol=1e-8, rtol=0)


def test_fit_with_a_shape_changing_override_is_one_line(user_weights, capsys):
    args = ["--model", "lstm", "--data", "AddingProblem", *TINY_DATA["AddingProblem"], *QUIET]
    args += ["--model.init_args.hidden_size", "8", "--ckpt_path", "pretrained:lstm"]
    assert main(["fit", *args, "--trainer.max_steps", "1"]) == 2
    err = capsys.readouterr().err
    assert "do not fit the model built here" in err and "weight_hh_l0" in err
    assert "Traceback" not in err


def test_weights_command_and_list_column(user_weights, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # rich tables: no wrapping inside the cells
    assert main(["weights"]) == 0
    out = capsys.readouterr().out
    assert "lstm" in out and "tiny*" in out and "pretrained:lstm:tiny" in out
    assert main(["weights", "lstm"]) == 0
    card = capsys.readouterr().out
    assert "sha256:" in card and "hidden_size: 6" in card
    assert main(["list", "--pretrained"]) == 0
    listed = capsys.readouterr().out
    assert "test/mse 0.25" in listed and "gru" not in listed


def test_unknown_tag_and_corrupted_file_are_one_line(user_weights, capsys):
    _, folder = user_weights
    assert main(["weights", "lstm:big"]) == 2
    err = capsys.readouterr().err
    assert "has no pretrained weights tagged 'big'" in err and "tiny" in err.split("Tags:")[1]
    path = folder / "lstm-tiny.safetensors"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    args = ["--model", "lstm", "--data", "AddingProblem", *TINY_DATA["AddingProblem"], *QUIET]
    assert main(["test", *args, "--ckpt_path", "pretrained:lstm"]) == 2
    err = capsys.readouterr().err
    assert "is corrupted" in err and "Traceback" not in err
    assert main(["test", *args, "--ckpt_path", "pretrained:"]) == 2
    err = capsys.readouterr().err
    assert "'pretrained:' names no model: write pretrained:MODEL[:TAG]" in err
    assert "Traceback" not in err
