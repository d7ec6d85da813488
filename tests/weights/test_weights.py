"""lstmzoo.weights: shipped safetensors weights, their cards, and every check on load."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import yaml

import lstmzoo
import lstmzoo.weights as weights
from lstmzoo.errors import CheckpointError, ConfigError


def _ship(folder: Path, model, name: str, tag: str, dtype: str = "float32", **card_fields):
    """Write ``model``'s weights and card into ``folder`` as the package would ship them."""
    hparams = dict(model.hparams)
    path = folder / f"{name}-{tag}.safetensors"
    weights.write_weights(model, path, hparams, dtype=dtype)
    cls = type(model)
    card = weights.make_card(
        name, tag, path, f"{cls.__module__}.{cls.__qualname__}", hparams, **card_fields
    )
    (folder / f"{name}-{tag}.yaml").write_text(yaml.safe_dump(card, sort_keys=False))
    return path


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """A package folder with two tags of ``gru`` weights; the registry reads it."""
    torch.manual_seed(0)
    model = lstmzoo.create_model("gru", input_size=3, hidden_size=6)
    other = lstmzoo.create_model("gru", input_size=3, hidden_size=4)
    _ship(
        tmp_path, model, "gru", "small", default=True, headline={"metric": "test/mse", "value": 0.5}
    )
    _ship(tmp_path, other, "gru", "tiny", dtype="float16")
    weights._cards_in.cache_clear()
    monkeypatch.setattr(weights.cards, "_card_dir", lambda: tmp_path)
    yield tmp_path, model, other
    weights._cards_in.cache_clear()


def test_create_model_pretrained_gives_the_saved_model(shipped):
    _, model, _ = shipped
    loaded = lstmzoo.create_model("gru", pretrained=True)
    assert not loaded.training
    x = torch.randn(2, 7, 3)
    model.eval()
    torch.testing.assert_close(loaded(x), model(x))


def test_a_tag_picks_the_weights_and_half_precision_loads_as_float32(shipped):
    _, _, other = shipped
    loaded = lstmzoo.create_model("gru", pretrained="tiny")
    assert loaded.hparams["hidden_size"] == 4
    assert all(p.dtype == torch.float32 for p in loaded.parameters())
    other.eval()
    x = torch.randn(2, 5, 3)
    torch.testing.assert_close(loaded(x), other(x), atol=2e-3, rtol=1e-2)


def test_load_model_takes_a_pretrained_reference_like_ckpt_path(shipped):
    _, model, _ = shipped
    x = torch.randn(2, 7, 3)
    model.eval()
    torch.testing.assert_close(lstmzoo.load_model("pretrained:gru")(x), model(x))
    assert lstmzoo.load_model("pretrained:gru:tiny").hparams["hidden_size"] == 4
    with pytest.raises(ConfigError, match=r"no pretrained weights tagged 'huge'"):
        lstmzoo.load_model("pretrained:gru:huge")
    with pytest.raises(CheckpointError, match=r"names no model: write pretrained:MODEL\[:TAG\]"):
        lstmzoo.load_model("pretrained:")


def test_list_models_pretrained_and_tags(shipped):
    assert lstmzoo.list_models(pretrained=True) == ["gru"]
    assert "lstm" in lstmzoo.list_models()
    assert weights.available_tags("gru") == ["small", "tiny"]
    card = weights.get_card("gru")
    assert card.tag == "small" and card.reference == "gru:small"
    assert card.headline_text() == "test/mse 0.5"
    assert "sha256:" in card.render()


def test_unknown_tag_lists_the_tags(shipped):
    with pytest.raises(
        ConfigError, match=r"no pretrained weights tagged 'smal'.*'small'.*small, tiny"
    ):
        lstmzoo.create_model("gru", pretrained="smal")


def test_model_without_weights_says_which_have_them(shipped):
    with pytest.raises(
        ConfigError, match=r"'lstm' has no pretrained weights; models with weights: gru"
    ):
        lstmzoo.create_model("lstm", pretrained=True)


def test_a_corrupted_file_is_named_and_not_loaded(shipped):
    folder, _, _ = shipped
    path = folder / "gru-small.safetensors"
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"gru-small.safetensors is corrupted: its sha256"):
        lstmzoo.create_model("gru", pretrained=True)


def test_a_card_that_does_not_describe_the_file_says_what_differs(shipped):
    folder, _, _ = shipped
    card_path = folder / "gru-small.yaml"
    card = yaml.safe_load(card_path.read_text())
    card["architecture"]["hidden_size"] = 128
    card_path.write_text(yaml.safe_dump(card))
    weights._cards_in.cache_clear()
    with pytest.raises(CheckpointError, match=r"hidden_size: card 128 vs file 6"):
        lstmzoo.create_model("gru", pretrained=True)


def test_an_override_that_changes_a_shape_is_refused(shipped):
    with pytest.raises(ConfigError, match=r"hidden_size=8 change.*weight_hh_l0: weights \(18, 6\)"):
        lstmzoo.create_model("gru", pretrained=True, hidden_size=8)
    model = lstmzoo.create_model("gru", pretrained=True, lr=0.05)
    assert model.hparams["lr"] == 0.05


def test_an_override_the_class_does_not_take_is_a_config_error(shipped):
    with pytest.raises(ConfigError, match=r"hiden_size.*did you mean 'hidden_size'"):
        lstmzoo.create_model("gru", pretrained=True, hiden_size=8)


def test_weights_from_a_newer_code_base_name_the_version(shipped, tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("newer")
    model = lstmzoo.create_model("rnn", input_size=2, hidden_size=3)
    hparams = {**dict(model.hparams), "zoneout": 0.1}
    path = folder / "rnn-x.safetensors"
    weights.write_weights(model, path, hparams)
    card = weights.make_card(
        "rnn", "x", path, "lstmzoo.models.sequence.SequenceModel", hparams,
        lstmzoo={"version": "9.9.9"},
    )  # fmt: skip
    (folder / "rnn-x.yaml").write_text(yaml.safe_dump(card))
    with pytest.raises(CheckpointError, match=r"'zoneout'.*made with lstmzoo 9\.9\.9"):
        weights.load_pretrained("rnn", True, folder=folder)


def test_a_card_of_another_format_is_refused(shipped):
    folder, _, _ = shipped
    card_path = folder / "gru-tiny.yaml"
    card = yaml.safe_load(card_path.read_text())
    card["format"] = 99
    card_path.write_text(yaml.safe_dump(card))
    weights._cards_in.cache_clear()
    with pytest.raises(CheckpointError, match="format 99"):
        weights.list_cards()


def test_long_lists_appear_in_the_card_as_size_and_checksum():
    summary = weights.summarize_architecture({"vocab": [str(i) for i in range(100)], "h": 4})
    assert summary["h"] == 4
    assert summary["vocab"]["size"] == 100 and len(summary["vocab"]["sha256"]) == 64
