"""The inference fast paths: every runtime and quantization keeps the model's answers."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import torch
from PIL import Image

import lstmzoo
from lstmzoo.errors import ConfigError
from lstmzoo.inference import (
    InferenceEngine,
    InferenceOptions,
    engine_for,
    equal_length_batches,
)
from lstmzoo.models.ocr import CRNNOCR
from lstmzoo.models.sentiment import BiLSTMSentiment
from tests.helpers_text import NEGATIVE, POSITIVE, make_texts

PAIRS = itertools.product(("torch", "onnx"), ("none", "int8"))
OPTIONS = [InferenceOptions(r, q) for r, q in PAIRS]
IDS = [f"{o.runtime}-{o.quantize}" for o in OPTIONS]


def test_options_reject_unknown_values_and_name_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"runtime 'tensorrt'.*torch, onnx"):
        InferenceOptions("tensorrt")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"quantization 'int4'.*none, int8"):
        InferenceOptions("torch", "int4")  # type: ignore[arg-type]
    assert InferenceOptions().is_default and not InferenceOptions("onnx").is_default


def test_equal_length_batches_group_by_length_and_cap_the_size() -> None:
    batches = equal_length_batches([3, 1, 3, 2, 3, 1, 3], batch_size=2)
    assert batches == [[1, 5], [3], [0, 2], [4, 6]]
    assert sorted(i for b in batches for i in b) == list(range(7))
    assert equal_length_batches([], 4) == []


# ---------------------------------------------------------------------------- sentiment


def _vocab() -> list[str]:
    words = sorted({w for text, _ in make_texts(200) for w in text.lower().split()})
    return ["<pad>", "<unk>", *words, *POSITIVE, *NEGATIVE]


def _trained_sentiment(**kwargs) -> tuple[BiLSTMSentiment, list[str], list[int]]:
    """A small BiLSTM trained to near-perfect accuracy on the tiny word-cue data (seconds)."""
    torch.manual_seed(0)
    model = BiLSTMSentiment(
        vocab=sorted(set(_vocab()), key=_vocab().index),
        classes=["neg", "pos"],
        embedding_dim=16,
        hidden_size=16,
        tokenizer="word",
        **kwargs,
    )
    rows = make_texts(400, seed=3)
    texts = [t for t, _ in rows]
    labels = [1 if label == "pos" else 0 for _, label in rows]
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    encoded = model.featurizer.encode_many(texts)[0] if model.uses_features else None
    ids = [torch.tensor(model.tokenize(t)) for t in texts]
    pad = torch.nn.utils.rnn.pad_sequence
    for step in range(60):
        chunk = [(step * 32 + k) % len(texts) for k in range(32)]
        x = pad([ids[i] for i in chunk], batch_first=True)
        lengths = torch.tensor([len(ids[i]) for i in chunk])
        feats = ngrams = None
        if encoded is not None and model.num_token_features:
            feats = pad([encoded[i].feats for i in chunk], batch_first=True)
        if encoded is not None and model.char_embedding is not None:
            ngrams = pad([encoded[i].ngrams for i in chunk], batch_first=True)
        loss = torch.nn.functional.cross_entropy(
            model(x, lengths, feats, ngrams), torch.tensor([labels[i] for i in chunk])
        )
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval(), texts, labels


def _accuracy(records: list[dict], labels: list[int]) -> float:
    return sum((r["label"] == "pos") == bool(y) for r, y in zip(records, labels)) / len(labels)


@pytest.fixture(scope="module")
def sentiment() -> tuple[BiLSTMSentiment, list[str], list[int]]:
    return _trained_sentiment()


@pytest.fixture(scope="module")
def sentiment_features() -> tuple[BiLSTMSentiment, list[str], list[int]]:
    return _trained_sentiment(
        lexicon={w: 2.0 for w in POSITIVE} | {w: -2.0 for w in NEGATIVE},
        token_flags=True,
        char_ngram_buckets=256,
    )


@pytest.mark.parametrize("features", [False, True], ids=["plain", "features"])
@pytest.mark.parametrize("options", OPTIONS, ids=IDS)
def test_predict_text_keeps_the_answers(
    options: InferenceOptions, features: bool, request: pytest.FixtureRequest
) -> None:
    model, texts, labels = request.getfixturevalue(
        "sentiment_features" if features else "sentiment"
    )
    # the reference: each text alone through the model's own forward (packed, float32)
    reference = []
    for text in texts:
        if model.uses_features:
            e = model.featurizer.encode_many([text])[0][0]
            args = (e.ids[None], torch.tensor([len(e.ids)]), e.feats[None], e.ngrams[None])
        else:
            ids = torch.tensor([model.tokenize(text)])
            args = (ids, torch.tensor([ids.shape[1]]))
        with torch.no_grad():
            reference.append(model(*args).softmax(-1)[0])
    reference = torch.stack(reference)
    records = model.predict_text(
        texts, batch_size=16, runtime=options.runtime, quantize=options.quantize
    )
    probs = torch.tensor([[r["probabilities"][c] for c in model.classes] for r in records])
    tolerance = 1e-5 if options.quantize == "none" else 0.05
    assert (probs - reference).abs().max() < tolerance
    ref_acc = _accuracy(model._records(texts, reference), labels)
    assert ref_acc > 0.95  # the model has learned the task: the comparison means something
    assert abs(_accuracy(records, labels) - ref_acc) <= 0.003
    assert [r["text"] for r in records] == texts


def test_predict_step_uses_the_fast_path_and_crops_padding(sentiment) -> None:
    model, texts, _ = sentiment
    texts = texts[:12]
    ids = [torch.tensor(model.tokenize(t)) for t in texts]
    batch = {
        "x": torch.nn.utils.rnn.pad_sequence(ids, batch_first=True),
        "lengths": torch.tensor([len(i) for i in ids]),
        "text": texts,
    }
    expected = model.predict_text(texts)
    for options in OPTIONS:
        model.use_inference(options.runtime, options.quantize)
        got = model.predict_step(batch, 0)
        for a, b in zip(got, expected):
            assert a["label"] == b["label"]
            assert abs(a["probabilities"]["pos"] - b["probabilities"]["pos"]) < 0.05
    model.inference_options = None


def test_engine_is_rebuilt_when_the_weights_change() -> None:
    torch.manual_seed(0)
    model = BiLSTMSentiment(vocab=["<pad>", "<unk>", "a", "b"], embedding_dim=4, hidden_size=4)
    model.eval()
    options = InferenceOptions("onnx")
    first = engine_for(model, options)
    assert engine_for(model, options) is first  # cached while the weights stay
    before = model.predict_text("a b", runtime="onnx")[0]["probabilities"]
    with torch.no_grad():
        model.head.proj.bias.add_(torch.tensor([3.0, -3.0]))
    assert engine_for(model, options) is not first
    after = model.predict_text("a b", runtime="onnx")[0]["probabilities"]
    eager = model.predict_text("a b")[0]["probabilities"]
    assert after != before and after == pytest.approx(eager, abs=1e-5)


def test_engine_needs_an_export_graph() -> None:
    with pytest.raises(ConfigError, match="no export graph"):
        InferenceEngine(torch.nn.Linear(2, 2))  # type: ignore[arg-type]


def test_predict_text_rejects_unknown_options(sentiment) -> None:
    model = sentiment[0]
    with pytest.raises(ConfigError, match="unknown inference runtime 'gpu'"):
        model.predict_text("good", runtime="gpu")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="batch_size must be >= 1"):
        model.predict_text("good", batch_size=0)


# ---------------------------------------------------------------------------- sequence models


@pytest.mark.parametrize("options", OPTIONS, ids=IDS)
@pytest.mark.parametrize("head", ["many_to_many", "many_to_one"])
def test_sequence_predict_step_by_length(options: InferenceOptions, head: str) -> None:
    torch.manual_seed(0)
    model = lstmzoo.create_model("lstm", input_size=3, hidden_size=8, output_size=2, head=head)
    model.eval()
    lengths = torch.tensor([5, 3, 5, 2])
    x = torch.randn(4, 5, 3)
    expected = model.predict_step({"x": x, "lengths": lengths}, 0)
    model.use_inference(options.runtime, options.quantize)
    got = model.predict_step({"x": x, "lengths": lengths}, 0)
    tolerance = 1e-5 if options.quantize == "none" else 0.05
    for a, b in zip(got, expected):
        assert torch.tensor(a["prediction"]).shape == torch.tensor(b["prediction"]).shape
        assert torch.allclose(
            torch.tensor(a["prediction"]), torch.tensor(b["prediction"]), atol=tolerance
        )


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_rnn_through_onnxruntime_equals_eager(bidirectional: bool, nonlinearity: str) -> None:
    """The Elman ``rnn`` runs as an explicit loop in ONNX (no ``RNN`` operator): the same
    numbers as eager, at any length (the loop's trip count follows the input)."""
    import onnx

    from lstmzoo.inference import onnx_bytes

    torch.manual_seed(0)
    model = lstmzoo.create_model(
        "rnn",
        input_size=3,
        hidden_size=8,
        num_layers=2,
        bidirectional=bidirectional,
        nonlinearity=nonlinearity,
        head="many_to_many",
    ).eval()
    ops = {
        node.op_type
        for node in onnx.load_from_string(
            onnx_bytes(model.export_module(), model.example_inputs(), model.export_axes())
        ).graph.node
    }
    assert "RNN" not in ops and "Loop" in ops
    engine = engine_for(model, InferenceOptions("onnx"))
    for length in (1, 7, 40):
        x = torch.randn(5, length, 3)
        with torch.no_grad():
            want = model(x)
        got = engine(x)
        assert got.shape == want.shape
        torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-4)


# ---------------------------------------------------------------------------- OCR


def _line(width: int, seed: int) -> Image.Image:
    """A gray image of ``width`` x 32 with dark strokes (an untrained model reads anything)."""
    g = torch.Generator().manual_seed(seed)
    pixels = (torch.rand(32, width, generator=g) * 255).to(torch.uint8).numpy()
    return Image.fromarray(pixels, mode="L")


@pytest.fixture(scope="module")
def crnn() -> CRNNOCR:
    torch.manual_seed(0)
    return CRNNOCR(width_mult=0.125, hidden_size=16).eval()


def test_read_answers_do_not_depend_on_the_batch(crnn: CRNNOCR) -> None:
    images = [_line(w, i) for i, w in enumerate([40, 96, 41, 180, 43, 97, 60, 250])]
    alone = [crnn.read(img, resize="variable")[0] for img in images]
    together = crnn.read(images, batch_size=3, resize="variable")
    assert [r.text for r in together] == [r.text for r in alone]
    for a, b in zip(together, alone):
        assert a.confidence == pytest.approx(b.confidence, abs=1e-5)


@pytest.mark.parametrize("options", OPTIONS[1:], ids=IDS[1:])
def test_read_with_every_fast_path(crnn: CRNNOCR, options: InferenceOptions) -> None:
    images = [_line(w, i) for i, w in enumerate([40, 96, 41, 180, 100, 100])]
    reference = crnn.read(images, resize="variable")
    got = crnn.read(images, resize="variable", runtime=options.runtime, quantize=options.quantize)
    if options.quantize == "none":
        assert [r.text for r in got] == [r.text for r in reference]
    # the scores themselves, image by image, against the float32 graph
    x = crnn_input(images)
    exact = engine_for(crnn, InferenceOptions())(x).exp()
    fast = engine_for(crnn, options)(x).exp()
    assert (fast - exact).abs().max() < (1e-4 if options.quantize == "none" else 0.05)


def crnn_input(images: list[Image.Image]) -> torch.Tensor:
    from lstmzoo.data.ocr.images import ImagePrep

    prep = ImagePrep(32, 100)
    return torch.stack([prep(img) for img in images])


def test_decode_images_matches_the_model_forward_on_unpadded_images(crnn: CRNNOCR) -> None:
    from lstmzoo.data.ocr.images import ImagePrep, collate_lines

    prep = ImagePrep(32, None)
    samples = [{"x": prep(_line(w, i))} for i, w in enumerate([44, 120, 64])]
    batch = collate_lines(samples)
    decoded = crnn.decode_images(batch["x"], batch["widths"])
    for sample, d in zip(samples, decoded):
        with torch.no_grad():
            alone = crnn.decode(crnn(sample["x"][None]))[0]
        assert d.text == alone.text and d.confidence == pytest.approx(alone.confidence, abs=1e-5)


def test_read_records_errors_and_keeps_order(crnn: CRNNOCR, tmp_path: Path) -> None:
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not an image")
    images = [_line(60, 0), bad, _line(120, 1)]
    readings = crnn.read(images, errors="record", resize="variable", runtime="onnx")
    assert readings[1].error and "broken.png" in readings[1].error and readings[1].text == ""
    assert readings[0].error is None and readings[2].error is None
    assert readings[2].text == crnn.read(images[2], resize="variable")[0].text


@pytest.mark.parametrize("options", OPTIONS, ids=IDS)
def test_ocr_predict_step_with_every_option(crnn: CRNNOCR, options: InferenceOptions) -> None:
    from lstmzoo.data.ocr.images import ImagePrep, collate_lines

    prep = ImagePrep(32, None)
    samples = [{"x": prep(_line(w, i)), "name": f"{i}.png"} for i, w in enumerate([44, 150, 64])]
    batch = collate_lines(samples)
    expected = crnn.predict_step(batch, 0)
    crnn.use_inference(options.runtime, options.quantize)
    try:
        got = crnn.predict_step(batch, 0)
    finally:
        crnn.inference_options = None
    assert [r["path"] for r in got] == ["0.png", "1.png", "2.png"]
    if options.quantize == "none":
        assert [r["text"] for r in got] == [r["text"] for r in expected]
