"""Prediction with the text classifier: raw texts, padded batches, records."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from lstmzoo.errors import ConfigError, DataError
from lstmzoo.models.text_prediction import (
    check_texts,
    padded_batch_logits,
    prediction_records,
    text_logits,
)
from tests.models.helpers_sentiment import FEATURES, fit_tiny, tiny_model


def test_predict_text_returns_label_and_probabilities() -> None:
    model = tiny_model()
    model.train()
    out = model.predict_text(["Very good film!", "bad", "unknown words only"])
    assert model.training  # mode restored
    assert [r["text"] for r in out] == ["Very good film!", "bad", "unknown words only"]
    for record in out:
        assert set(record) == {"text", "label", "probabilities"}
        assert set(record["probabilities"]) == {"neg", "pos"}
        assert sum(record["probabilities"].values()) == pytest.approx(1.0, abs=1e-6)
        assert record["label"] == max(record["probabilities"], key=record["probabilities"].get)
    # order and batching do not change the result
    again = model.predict_text(["bad", "Very good film!"], batch_size=1)
    assert again[1]["probabilities"] == pytest.approx(out[0]["probabilities"])
    assert model.tokenize("Very GOOD!") == [5, 2, 6]
    with pytest.raises(DataError, match="text 1"):
        model.predict_text(["fine", "  "])


def test_predict_step_records(tmp_path: Path) -> None:
    model, dm, trainer = fit_tiny(tmp_path)
    batches = trainer.predict(model, datamodule=dm)
    records = [r for batch in batches for r in batch]
    assert [r["text"] for r in records] == dm.predict_set.texts
    assert [r["line"] for r in records] == [1, 2, 3]
    assert all(set(r) == {"text", "label", "probabilities", "line"} for r in records)


def test_check_texts() -> None:
    assert check_texts("one text", 1) == ["one text"]
    assert check_texts(("a", "b"), 8) == ["a", "b"]
    with pytest.raises(DataError, match=r"text 2 .* None"):
        check_texts(["a", "b", None], 1)  # type: ignore[list-item]
    with pytest.raises(ConfigError, match="batch_size must be >= 1, got 0"):
        check_texts(["a"], 0)


def test_prediction_records_take_the_most_probable_class() -> None:
    probs = torch.tensor([[0.2, 0.8], [0.9, 0.1]])
    records = prediction_records(["neg", "pos"], ["x", "y"], probs)
    assert [r["label"] for r in records] == ["pos", "neg"]
    assert records[0] == {
        "text": "x",
        "label": "pos",
        "probabilities": {"neg": pytest.approx(0.2), "pos": pytest.approx(0.8)},
    }
    assert set(prediction_records(["neg", "pos"], None, probs)[1]) == {"label", "probabilities"}


def test_padded_batch_logits_equal_the_padded_forward_and_name_missing_inputs() -> None:
    model = tiny_model(lexicon={"good": 1.9, "bad": -2.5}, **FEATURES).eval()
    x, lengths = torch.tensor([[2, 4, 6], [3, 1, 0]]), torch.tensor([3, 2])
    feats, ngrams = torch.randn(2, 3, 3), torch.randint(0, 65, (2, 3, 6))
    batch = {"x": x, "lengths": lengths, "feats": feats, "ngrams": ngrams}
    extra = model.export_module().input_names[1:]
    assert extra == ("feats", "ngrams")
    with torch.no_grad():
        logits = padded_batch_logits(model.export_module(), batch, extra, 2)
        assert torch.allclose(logits, model(x, lengths, feats, ngrams), atol=1e-5)
    with pytest.raises(ValueError, match="the batch lacks ngrams"):
        padded_batch_logits(model.export_module(), {"x": x, "feats": feats}, extra, 2)


def test_text_logits_keep_the_text_order_across_length_groups() -> None:
    model = tiny_model().eval()
    texts = ["good film !", "bad", "very good", "film"]
    with torch.no_grad():
        logits = text_logits(
            model.export_module(),
            texts,
            featurizer=None,
            tokenize=model.tokenize,
            extra=(),
            batch_size=2,
            num_classes=2,
            device=torch.device("cpu"),
        )
        for i, text in enumerate(texts):
            alone = model(torch.tensor([model.tokenize(text)]))
            assert torch.allclose(logits[i], alone[0], atol=1e-6)
