"""lstmzoo.checkpoint: load_model rebuilds a zoo model from the file alone, and refuses others."""

from __future__ import annotations

import pytest
import torch

import lstmzoo
from lstmzoo.checkpoint import load_model, read_checkpoint
from lstmzoo.errors import CheckpointError


def _save(path, model, record):
    ckpt = {"state_dict": model.state_dict(), "hyper_parameters": dict(model.hparams)}
    if record is not None:
        ckpt["lstmzoo"] = record
    torch.save(ckpt, path)
    return path


def test_load_model_rebuilds_the_registered_class(tmp_path):
    model = lstmzoo.create_model("gru", input_size=3, hidden_size=5)
    record = {"class_path": "lstmzoo.models.sequence.SequenceModel", "version": "x"}
    loaded = load_model(_save(tmp_path / "m.ckpt", model, record))
    assert type(loaded) is type(model)
    assert loaded.hparams["cell"] == "gru"
    x = torch.randn(2, 4, 3)
    model.eval(), loaded.eval()
    torch.testing.assert_close(loaded(x), model(x))


def test_load_model_refuses_a_class_outside_the_registry(tmp_path):
    model = lstmzoo.create_model("rnn", hidden_size=4)
    record = {"class_path": "os.path.join", "version": "x"}
    with pytest.raises(CheckpointError, match="not a registered model"):
        load_model(_save(tmp_path / "m.ckpt", model, record))


def test_load_model_needs_the_lstmzoo_record(tmp_path):
    model = lstmzoo.create_model("rnn", hidden_size=4)
    path = _save(tmp_path / "m.ckpt", model, None)
    assert "state_dict" in read_checkpoint(path)
    with pytest.raises(CheckpointError, match="not an lstmzoo one"):
        load_model(path)
