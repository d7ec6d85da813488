"""The measurements behind the explainer: short training, input gradients, gate traces."""

from __future__ import annotations

import pytest
import torch

import lstmzoo
from lstmzoo.data import AddingProblem, DelayedCopy
from lstmzoo.explain import (
    SENTIMENT_CLASSES,
    bidirectional_states,
    column_saliency,
    input_gradient_norms,
    lstm_gate_trace,
    receptive_columns,
    template_sentences,
    train_steps,
)
from lstmzoo.nn.crnn import CRNNBackbone, crnn_output_length


@pytest.fixture(autouse=True)
def one_thread():
    """These models are tiny: one thread is fastest, and steady on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _adding(seq_len: int = 30) -> AddingProblem:
    data = AddingProblem(seq_len=seq_len, num_train=256, num_val=64, num_test=64, batch_size=32)
    data.setup("fit")
    return data


def test_train_steps_returns_one_loss_per_step_and_learns():
    data = _adding(10)
    torch.manual_seed(0)
    model = lstmzoo.create_model("lstm", **data.model_kwargs(), hidden_size=16, lr=0.01)
    before = [p.detach().clone() for p in model.parameters()]
    losses = train_steps(model, data.train_dataloader(), 40)  # 8 batches per epoch: cycled
    assert len(losses) == 40
    assert all(isinstance(v, float) for v in losses)
    assert sum(losses[-10:]) < sum(losses[:10])
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))
    assert not model.training


def test_train_steps_zero_and_negative():
    data = _adding(10)
    model = lstmzoo.create_model("rnn", **data.model_kwargs(), hidden_size=4)
    before = [p.detach().clone() for p in model.parameters()]
    assert train_steps(model, data.train_dataloader(), 0) == []
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    with pytest.raises(ValueError):
        train_steps(model, data.train_dataloader(), -1)


def test_train_steps_handles_padded_sequence_targets():
    data = DelayedCopy(
        num_symbols=3,
        delay=1,
        min_len=3,
        max_len=6,
        num_train=64,
        num_val=8,
        num_test=8,
        batch_size=16,
    )
    data.setup("fit")
    model = lstmzoo.create_model("lstm", **data.model_kwargs(), hidden_size=8, head="many_to_many")
    losses = train_steps(model, data.train_dataloader(), 5)
    assert len(losses) == 5 and all(v == v for v in losses)


def test_input_gradient_norms_vanish_for_an_untrained_rnn():
    data = _adding(30)
    batch = next(iter(data.val_dataloader()))
    torch.manual_seed(0)
    model = lstmzoo.create_model("rnn", **data.model_kwargs(), hidden_size=32)
    model.train()
    norms = input_gradient_norms(model, batch)
    assert norms.shape == (30,)
    assert bool(torch.isfinite(norms).all()) and bool((norms > 0).all())
    assert norms[0] < 1e-3 * norms[-1]  # geometric decay back in time
    assert model.training  # mode restored
    assert all(p.grad is None for p in model.parameters())  # weights untouched
    assert not batch["x"].requires_grad


def test_input_gradient_norms_match_autograd_by_hand():
    data = _adding(8)
    batch = next(iter(data.val_dataloader()))
    model = lstmzoo.create_model("lstm", **data.model_kwargs(), hidden_size=4)
    x = batch["x"].clone().requires_grad_(True)
    torch.nn.functional.mse_loss(model(x), batch["y"]).backward()
    expected = x.grad.norm(dim=-1).mean(0)
    assert torch.allclose(input_gradient_norms(model, batch), expected)


def test_lstm_gate_trace_reproduces_the_lstm():
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(2, 6, batch_first=True, dtype=torch.float64)
    x = torch.randn(3, 7, 2, dtype=torch.float64)
    gates = lstm_gate_trace(lstm, x)
    assert gates.i.shape == gates.c.shape == (3, 7, 6)
    out, (_, c_n) = lstm(x)
    assert torch.allclose(gates.h, out, atol=1e-12)
    assert torch.allclose(gates.c[:, -1], c_n[0], atol=1e-12)
    assert bool(((gates.f > 0) & (gates.f < 1)).all())
    assert not gates.h.requires_grad


def _tiny_ocr():
    from lstmzoo.data import OCRDataModule

    data = OCRDataModule(
        alphabet="ab",
        train_fonts=["DejaVu Sans"],
        max_chars=3,
        random_fraction=1.0,
        number_fraction=0.0,
        augment=0.0,
        num_train=16,
        num_val=4,
        num_test=4,
        batch_size=8,
    )
    data.setup("fit")
    return data


def test_train_steps_trains_a_ctc_model():
    data = _tiny_ocr()
    torch.manual_seed(0)
    model = lstmzoo.create_model(
        "crnn_ocr", **data.model_kwargs(), width_mult=0.125, hidden_size=8, lr=0.01
    )
    before = [p.detach().clone() for p in model.parameters()]
    losses = train_steps(model, data.train_dataloader(), 3, clip=5.0)
    assert len(losses) == 3 and all(v > 0 and v == v for v in losses)
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))
    assert not model.training


@pytest.mark.parametrize("schedule", ["constant", "one_cycle"])
def test_train_steps_learning_rate_schedule(schedule, monkeypatch):
    made = []
    adam = torch.optim.Adam

    def spy(*args, **kwargs):
        made.append(adam(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(torch.optim, "Adam", spy)
    data = _adding(8)
    model = lstmzoo.create_model("lstm", **data.model_kwargs(), hidden_size=4)
    train_steps(model, data.train_dataloader(), 10, lr=0.01, schedule=schedule)
    (optimizer,) = made
    final = optimizer.param_groups[0]["lr"]
    if schedule == "constant":
        assert final == 0.01
    else:  # warmed up, then annealed far below the peak
        assert 0 < final < 0.001
        assert optimizer.param_groups[0]["max_lr"] == 0.01


def test_train_steps_refuses_an_unknown_schedule():
    data = _adding(8)
    model = lstmzoo.create_model("lstm", **data.model_kwargs(), hidden_size=4)
    with pytest.raises(ValueError, match="schedule"):
        train_steps(model, data.train_dataloader(), 1, schedule="cosine")
    with pytest.raises(ValueError, match="at least 4 steps"):
        train_steps(model, data.train_dataloader(), 3, schedule="one_cycle")
    assert train_steps(model, data.train_dataloader(), 0, schedule="one_cycle") == []


def test_receptive_columns_of_a_small_stack_by_hand():
    # conv 3x3 (pad 1), then 2x2 pooling: output j covers input pixels 2j - 1 .. 2j + 2
    stack = torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2)
    )
    cols = receptive_columns(stack, 10)
    assert cols.centers.tolist() == [1.0, 3.0, 5.0, 7.0, 9.0]
    assert (cols.stride, cols.size) == (2.0, 4.0)


@pytest.mark.parametrize("width", [4, 37, 100, 160])
def test_receptive_columns_match_the_crnn_backbone(width):
    backbone = CRNNBackbone(width_mult=0.125)
    cols = receptive_columns(backbone, width)
    steps = backbone(torch.zeros(1, 1, 32, width)).shape[-1]
    assert len(cols.centers) == steps == crnn_output_length(width)
    assert cols.centers[0].item() == 0.0 and cols.centers[-1].item() == 4.0 * (steps - 1)
    assert (cols.stride, cols.size) == (4.0, 54.0)


def test_receptive_columns_refuses_a_too_narrow_input():
    with pytest.raises(ValueError, match="no output step"):
        receptive_columns(torch.nn.Conv2d(1, 1, 5), 3)


def test_column_saliency_stays_inside_each_receptive_field():
    torch.manual_seed(0)
    backbone = CRNNBackbone(width_mult=0.125, batch_norm="all")
    backbone.train()
    image = torch.rand(1, 32, 100) * 2 - 1
    saliency = column_saliency(backbone, image)
    assert saliency.shape == (26, 100)
    assert backbone.training  # mode restored
    assert all(p.grad is None for p in backbone.parameters())
    cols = receptive_columns(backbone, 100)
    pixel_centres = torch.arange(100) + 0.5
    for t in range(26):
        inside = (pixel_centres - cols.centers[t]).abs() < cols.size / 2
        assert saliency[t][~inside].abs().max() == 0
        assert saliency[t][inside].sum() > 0
    # a middle step reaches well beyond its own 4-pixel slice
    touched = saliency[10].nonzero().flatten()
    assert touched.min() < 40 - 15 and touched.max() > 40 + 15
    with pytest.raises(ValueError):
        column_saliency(backbone, torch.rand(2, 1, 32, 100))


def test_template_sentences_are_distinct_deterministic_and_respect_exclude():
    texts, labels = template_sentences(200, seed=3)
    assert len(set(texts)) == 200 and set(labels) == {0, 1}
    assert (texts, labels) == template_sentences(200, seed=3)
    assert texts != template_sentences(200, seed=4)[0]
    again, _ = template_sentences(200, seed=3, exclude=set(texts[:10]))
    assert not set(texts[:10]) & set(again)
    negative = {"bad", "boring", "dull", "awful", "terrible", "weak", "tedious", "flat",
                "silly", "messy", "clumsy", "bland"}  # fmt: skip
    for text, label in zip(texts, labels):  # "not" flips the polarity of the word after it
        if " not " in text:
            flipped = "positive" if text.split(" not ")[1] in negative else "negative"
            assert SENTIMENT_CLASSES[label] == flipped
    with pytest.raises(ValueError, match="104640 distinct"):
        template_sentences(200_000)


def test_bidirectional_states_are_the_two_halves_of_the_lstm_output():
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(4, 3, batch_first=True, bidirectional=True)
    x = torch.randn(6, 4)
    fwd, bwd = bidirectional_states(lstm, x)
    with torch.no_grad():
        out, (h_n, _) = lstm(x.unsqueeze(0))
    assert torch.allclose(torch.cat([fwd, bwd], -1), out[0], atol=1e-6)
    assert torch.allclose(fwd[-1], h_n[0, 0], atol=1e-6)  # forward: after the last step
    assert torch.allclose(bwd[0], h_n[1, 0], atol=1e-6)  # backward: after the first step
    with pytest.raises(ValueError, match="bidirectional"):
        bidirectional_states(torch.nn.LSTM(4, 3, batch_first=True), x)
