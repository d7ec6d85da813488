"""The measurements behind the explainer: short training, input gradients, gate traces."""

from __future__ import annotations

import pytest
import torch

import lstmzoo
from lstmzoo.data import AddingProblem, DelayedCopy
from lstmzoo.explain import input_gradient_norms, lstm_gate_trace, train_steps


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
