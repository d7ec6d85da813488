import pytest
import torch

from lstmzoo.nn import RecurrentEncoder, lengths_to_mask, reverse_padded


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_shapes_and_lengths(cell, num_layers, bidirectional):
    torch.manual_seed(0)
    enc = RecurrentEncoder(3, 5, cell, num_layers, bidirectional).eval()
    dirs = 2 if bidirectional else 1
    x = torch.randn(4, 7, 3)
    lengths = torch.tensor([7, 2, 5, 1])
    out = enc(x, lengths)
    assert enc.output_size == dirs * 5
    assert out.outputs.shape == (4, 7, dirs * 5)
    assert out.h_n.shape == (num_layers * dirs, 4, 5)
    assert (out.c_n is not None) == (cell == "lstm")
    # padded steps are exactly zero
    assert bool((out.outputs[~lengths_to_mask(lengths, 7)] == 0).all())
    # every sequence encodes exactly as it would alone, without padding
    for i, length in enumerate(lengths.tolist()):
        alone = enc(x[i : i + 1, :length])
        torch.testing.assert_close(out.outputs[i, :length], alone.outputs[0], atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(out.h_n[:, i], alone.h_n[:, 0], atol=1e-5, rtol=1e-5)
        if out.c_n is not None:
            torch.testing.assert_close(out.c_n[:, i], alone.c_n[:, 0], atol=1e-5, rtol=1e-5)


def test_final_forward_state_is_taken_at_the_true_last_step():
    torch.manual_seed(0)
    enc = RecurrentEncoder(2, 4, "lstm", bidirectional=True)
    x = torch.randn(2, 6, 2)
    out = enc(x, torch.tensor([6, 3]))
    # forward final state == forward output at step length-1; backward final == backward at 0
    torch.testing.assert_close(out.h_n[0, 1], out.outputs[1, 2, :4])
    torch.testing.assert_close(out.h_n[1, 1], out.outputs[1, 0, 4:])


def test_lengths_none_and_full_lengths_agree():
    enc = RecurrentEncoder(3, 4, "gru")
    x = torch.randn(2, 5, 3)
    a, b = enc(x), enc(x, torch.tensor([5, 5]))
    torch.testing.assert_close(a.outputs, b.outputs)
    assert a.mask is None and b.mask is not None and bool(b.mask.all())


def test_gradients_flow_to_all_parameters():
    enc = RecurrentEncoder(3, 4, "lstm", num_layers=2, bidirectional=True, dropout=0.1)
    out = enc(torch.randn(3, 5, 3), torch.tensor([5, 4, 2]))
    out.outputs.sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in enc.parameters())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cell": "transformer"}, "unknown cell"),
        ({"dropout": 1.5}, "dropout"),
        ({"num_layers": 0}, ">= 1"),
        ({"cell": "rnn", "nonlinearity": "gelu"}, "nonlinearity"),
    ],
)
def test_bad_configuration(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RecurrentEncoder(3, 4, **kwargs)


def test_bad_inputs():
    enc = RecurrentEncoder(3, 4)
    with pytest.raises(ValueError, match=r"\(B, T, 3\)"):
        enc(torch.randn(2, 5, 2))
    with pytest.raises(ValueError, match="lie in"):
        enc(torch.randn(2, 5, 3), torch.tensor([6, 2]))
    with pytest.raises(ValueError, match="lie in"):
        enc(torch.randn(2, 5, 3), torch.tensor([0, 2]))
    with pytest.raises(ValueError, match="shape"):
        enc(torch.randn(2, 5, 3), torch.tensor([5, 2, 1]))


def test_reverse_padded_is_an_involution_on_real_steps():
    x = torch.arange(2 * 5).float().view(2, 5, 1)
    lengths = torch.tensor([5, 3])
    r = reverse_padded(x, lengths)
    assert r[1, :3, 0].tolist() == [7.0, 6.0, 5.0]
    assert r[1, 3:, 0].tolist() == [8.0, 9.0]  # padding stays in place
    torch.testing.assert_close(reverse_padded(r, lengths), x)


def test_bf16_autocast_on_cpu_never_fails():
    # CPUs without oneDNN's bf16 recurrent kernels fall back to float32 inside autocast
    enc = RecurrentEncoder(2, 8, "lstm", bidirectional=True)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        dense = enc(torch.randn(3, 5, 2))
        packed = enc(torch.randn(3, 5, 2), torch.tensor([5, 2, 3]))
    assert torch.isfinite(dense.outputs).all() and torch.isfinite(packed.outputs).all()


def test_forget_bias_initialisation():
    enc = RecurrentEncoder(3, 4, "lstm", num_layers=2, bidirectional=True, forget_bias=1.0)
    for layer in range(2):
        for suffix in ("", "_reverse"):
            b = getattr(enc.rnn, f"bias_ih_l{layer}{suffix}") + getattr(
                enc.rnn, f"bias_hh_l{layer}{suffix}"
            )
            assert bool((b[4:8] == 1.0).all())
    with pytest.raises(ValueError, match="forget_bias"):
        RecurrentEncoder(3, 4, "gru", forget_bias=1.0)
