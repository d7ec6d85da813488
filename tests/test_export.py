"""Export every zoo model and compare the exported program with PyTorch."""

from __future__ import annotations

import pytest
import torch

import lstmzoo
from lstmzoo.cli import main
from lstmzoo.export import export_model

from .helpers_sequence import TINY_LSTM_FIT

onnxruntime = pytest.importorskip("onnxruntime")

SEQUENCE_MODELS = {
    "rnn": {"input_size": 2},
    "lstm": {"input_size": 2},
    "gru": {"input_size": 2},
    "lstm_2layer": {"input_size": 3, "bidirectional": True, "head": "many_to_many"},
    "lstm_onetomany": {
        "input_size": 3,
        "head": {"class_path": "OneToMany", "init_args": {"steps": 6}},
    },
}


def _model(key):
    name = "lstm" if key == "lstm_onetomany" else key
    torch.manual_seed(0)
    return lstmzoo.create_model(name, hidden_size=8, **SEQUENCE_MODELS[key]).eval()


def _inputs(model, length):
    x = model.example_inputs()[0]
    if x.dim() == 3:
        return torch.randn(3, length, x.shape[-1])
    return torch.randn(3, x.shape[-1])


@pytest.mark.parametrize("key", sorted(SEQUENCE_MODELS))
def test_onnx_matches_pytorch_on_two_lengths(key, tmp_path):
    model = _model(key)
    path = export_model(model, "onnx", tmp_path / "m.onnx")
    session = onnxruntime.InferenceSession(str(path))
    for length in (4, 13):
        x = _inputs(model, length)
        (got,) = session.run(None, {"x": x.numpy()})
        want = model(x).detach().numpy()
        assert got.shape == want.shape
        assert abs(got - want).max() <= 1e-4


@pytest.mark.parametrize("key", sorted(SEQUENCE_MODELS))
def test_torchscript_matches_pytorch_on_two_lengths(key, tmp_path):
    model = _model(key)
    path = export_model(model, "torchscript", tmp_path / "m.pt")
    loaded = torch.jit.load(str(path))
    for length in (4, 13):
        x = _inputs(model, length)
        torch.testing.assert_close(loaded(x), model(x), atol=1e-5, rtol=1e-5)


def test_export_command_from_a_checkpoint(in_tmp, capsys):
    args = TINY_LSTM_FIT
    assert main(args) == 0
    ckpt = next(in_tmp.glob("**/last.ckpt"))
    assert main(["export", "--ckpt_path", str(ckpt), "--format", "onnx"]) == 0
    assert ckpt.with_suffix(".onnx").is_file()
    assert (
        main(
            [
                "export",
                "--ckpt_path",
                str(ckpt),
                "--format",
                "torchscript",
                "--output",
                "out/model.pt",
            ]
        )
        == 0
    )
    assert (in_tmp / "out" / "model.pt").is_file()
    bad = in_tmp / "bad.ckpt"
    bad.write_text("nope")
    assert main(["export", "--ckpt_path", str(bad)]) == 2
    assert "not a PyTorch checkpoint" in capsys.readouterr().err


def test_crnn_onnx_matches_pytorch_on_two_widths(tmp_path):
    model = lstmzoo.create_model("crnn_ocr", width_mult=0.125, hidden_size=16).eval()
    path = export_model(model, "onnx", tmp_path / "crnn.onnx")
    session = onnxruntime.InferenceSession(str(path))
    for width in (100, 160):
        images = torch.rand(2, 1, 32, width)
        (got,) = session.run(None, {"images": images.numpy()})
        want = model.export_module()(images).detach().numpy()
        assert got.shape == (2, width // 4 + 1, model.alphabet.num_classes)
        assert abs(got - want).max() <= 1e-4


def test_bilstm_sentiment_onnx_matches_pytorch_on_two_lengths(tmp_path):
    vocab = ["<pad>", "<unk>", *[f"w{i}" for i in range(30)]]
    model = lstmzoo.create_model(
        "bilstm_sentiment",
        vocab=vocab,
        classes=["negative", "positive"],
        embedding_dim=8,
        hidden_size=8,
    ).eval()
    path = export_model(model, "onnx", tmp_path / "sentiment.onnx")
    session = onnxruntime.InferenceSession(str(path))
    for length in (3, 11):
        ids = torch.randint(2, len(vocab), (3, length))
        (got,) = session.run(None, {"ids": ids.numpy()})
        want = model(ids).detach().numpy()
        assert got.shape == (3, 2) and abs(got - want).max() <= 1e-4


def test_bilstm_sentiment_with_token_features_exports_every_input(tmp_path):
    vocab = ["<pad>", "<unk>", *[f"w{i}" for i in range(30)]]
    torch.manual_seed(0)
    model = lstmzoo.create_model(
        "bilstm_sentiment",
        vocab=vocab,
        embedding_dim=8,
        hidden_size=8,
        lexicon={"w1": 2.0, "w2": -1.0},
        token_flags=True,
        char_ngram_buckets=50,
        max_char_ngrams=5,
    ).eval()
    path = export_model(model, "onnx", tmp_path / "sentiment.onnx")
    session = onnxruntime.InferenceSession(str(path))
    assert [i.name for i in session.get_inputs()] == ["ids", "feats", "ngrams"]
    for length in (2, 9):
        ids = torch.randint(2, len(vocab), (3, length))
        feats = torch.randn(3, length, model.num_token_features)
        ngrams = torch.randint(0, 51, (3, length, 5))
        ngrams[0, 0] = 0  # a token without n-grams: its n-gram mean is zero, as in EmbeddingBag
        feed = {"ids": ids.numpy(), "feats": feats.numpy(), "ngrams": ngrams.numpy()}
        (got,) = session.run(None, feed)
        with torch.no_grad():
            want = model(ids, None, feats, ngrams).numpy()
        assert abs(got - want).max() <= 1e-4
