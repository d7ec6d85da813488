"""Card samples: fixed inputs and the answers a weight gives on them, checked on load."""

from __future__ import annotations

import pytest
import torch

import lstmzoo
from lstmzoo.weights.samples import SENTENCES, check_samples, example_images, make_samples


def test_example_images_are_the_checkout_or_installed_copy() -> None:
    names = [p.name for p in example_images()]
    assert names == ["000_hello.png", "001_world.png", "002_2024.png", "003_lstmzoo.png"]


def test_sequence_samples_come_from_the_recipe_test_split_and_detect_a_change() -> None:
    torch.manual_seed(0)
    model = lstmzoo.create_model("lstm", input_size=2, hidden_size=8)
    samples = make_samples(model, "lstm_adding")
    assert [s["input"] for s in samples] == [
        {"recipe": "lstm_adding", "split": "test", "index": i} for i in range(3)
    ]
    assert all(len(s["target"]) == 1 and isinstance(s["target"][0], float) for s in samples)
    assert make_samples(model, "lstm_adding") == samples  # the split is a function of the seed
    assert check_samples(model, samples) == []
    with torch.no_grad():
        model.head.proj.bias.add_(0.5)
    problems = check_samples(model, samples)
    assert len(problems) == 3 and "card prediction" in problems[0]


def test_sentiment_samples_are_the_fixed_sentences() -> None:
    torch.manual_seed(0)
    vocab = ["<pad>", "<unk>", "movie", "dull"]
    model = lstmzoo.create_model("bilstm_sentiment", vocab=vocab, embedding_dim=4, hidden_size=4)
    samples = make_samples(model)
    assert [s["input"] for s in samples] == list(SENTENCES)
    assert all(s["label"] in model.classes and 0.5 <= s["probability"] <= 1 for s in samples)
    assert check_samples(model, samples) == []
    flipped = [dict(s, label="x") for s in samples]
    assert len(check_samples(model, flipped)) == len(samples)


def test_ocr_samples_read_the_example_images() -> None:
    torch.manual_seed(0)
    model = lstmzoo.create_model("crnn_ocr", width_mult=0.125, hidden_size=8)
    samples = make_samples(model)
    assert [s["input"] for s in samples] == [p.name for p in example_images()]
    assert check_samples(model, samples) == []


def test_a_card_without_samples_is_reported() -> None:
    model = lstmzoo.create_model("lstm", input_size=2, hidden_size=4)
    assert check_samples(model, []) == ["the card has no samples"]
    with pytest.raises(ValueError, match="recipe"):
        make_samples(model)
