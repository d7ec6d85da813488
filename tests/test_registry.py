import os
import subprocess
import sys
from pathlib import Path

import pytest

import lstmzoo
from lstmzoo import registry
from lstmzoo.models import SequenceModel

PLUGIN_SRC = Path(__file__).parent / "plugins" / "toy_plugin"


def test_builtin_models_are_listed_sorted():
    names = lstmzoo.list_models()
    assert names == sorted(names)
    assert {"rnn", "lstm", "lstm_2layer"} <= set(names)


def test_wildcard_filters():
    assert lstmzoo.list_models("lstm*") == ["lstm", "lstm_2layer"]
    assert lstmzoo.list_models(["rnn", "gr?"]) == ["gru", "rnn"]
    assert lstmzoo.list_models("nothing*") == []


def test_create_model_applies_registered_defaults_and_overrides():
    model = lstmzoo.create_model("lstm_2layer", hidden_size=16)
    assert isinstance(model, SequenceModel)
    assert model.encoder.num_layers == 2 and model.encoder.hidden_size == 16
    assert lstmzoo.create_model("rnn").encoder.cell == "rnn"


def test_unknown_model_lists_close_matches():
    with pytest.raises(lstmzoo.UnknownModelError, match="Did you mean: lstm") as info:
        lstmzoo.create_model("lsmt")
    assert "Registered models:" in str(info.value)
    assert isinstance(info.value, KeyError)


def test_unknown_override_is_named_with_a_suggestion():
    with pytest.raises(TypeError, match="'hiden_size' \\(did you mean 'hidden_size'\\?\\)"):
        lstmzoo.create_model("lstm", hiden_size=3)


def test_duplicate_names_are_an_error():
    with pytest.raises(ValueError, match="already registered"):
        lstmzoo.register_model("lstm")(SequenceModel)


def test_bad_names_and_defaults_are_rejected(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    with pytest.raises(ValueError, match="lower-case"):
        lstmzoo.register_model("My-Model")
    with pytest.raises(TypeError, match="unknown argument"):
        lstmzoo.register_model("tmp_model", not_an_arg=1)(SequenceModel)
    lstmzoo.register_model("tmp_model", hidden_size=3)(SequenceModel)
    assert lstmzoo.create_model("tmp_model").encoder.hidden_size == 3


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory):
    """The toy plugin package, really installed (pip) into a private site folder."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(PLUGIN_SRC),
        ],
        check=True,
    )
    return target


def test_plugin_models_appear_through_the_entry_point(plugin_site):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(plugin_site), os.environ.get("PYTHONPATH", "")]),
    }
    code = (
        "import lstmzoo; print(lstmzoo.list_models()); "
        "m = lstmzoo.create_model('toy_gru', hidden_size=5); "
        "print(type(m).__name__, m.encoder.cell)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert "'toy_gru'" in out.stdout
    assert "ToyGRU gru" in out.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "lstmzoo", "list", "toy*"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "toy_gru" in listed.stdout
