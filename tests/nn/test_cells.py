import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from lstmzoo.nn import ExplainedRNN, LSTMCell, RNNCell


def _torch_reference(module: nn.RNNBase, x, lengths):
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out, state = module(packed)
    out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    return out, state


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
@pytest.mark.parametrize("num_layers", [1, 2, 3])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_explained_rnn_matches_torch(cell, num_layers, bidirectional):
    torch.manual_seed(num_layers)
    cls = nn.LSTM if cell == "lstm" else nn.RNN
    ref = cls(5, 7, num_layers=num_layers, bidirectional=bidirectional, batch_first=True).double()
    mine = ExplainedRNN.from_torch(ref)
    x = torch.randn(4, 9, 5, dtype=torch.float64)
    lengths = torch.tensor([9, 3, 6, 1])
    out_ref, state = _torch_reference(ref, x, lengths)
    got = mine(x, lengths)
    h_ref = state[0] if cell == "lstm" else state
    torch.testing.assert_close(got.outputs, out_ref, atol=1e-6, rtol=0)
    torch.testing.assert_close(got.h_n, h_ref, atol=1e-6, rtol=0)
    if cell == "lstm":
        torch.testing.assert_close(got.c_n, state[1], atol=1e-6, rtol=0)
    else:
        assert got.c_n is None


def test_explained_rnn_equal_lengths_matches_unpacked_torch():
    torch.manual_seed(0)
    ref = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True).double()
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    out, (h, _) = ref(x)
    got = ExplainedRNN.from_torch(ref)(x)
    torch.testing.assert_close(got.outputs, out, atol=1e-6, rtol=0)
    torch.testing.assert_close(got.h_n, h, atol=1e-6, rtol=0)


def test_gates_are_consistent_and_in_input_time_order():
    torch.manual_seed(1)
    ref = nn.LSTM(3, 4, bidirectional=True, batch_first=True).double()
    model = ExplainedRNN.from_torch(ref)
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    lengths = torch.tensor([6, 4])
    out = model(x, lengths, return_gates=True)
    assert out.gates is not None and len(out.gates) == 2
    fwd, bwd = out.gates
    for g in fwd:
        assert g.shape == (2, 6, 4)
    # sigmoid gates lie in (0, 1), the candidate in (-1, 1)
    for gate in (fwd.i, fwd.f, fwd.o):
        assert bool(((gate > 0) & (gate < 1)).all())
    assert bool((fwd.g.abs() < 1).all())
    # h = o * tanh(c) holds at every step
    torch.testing.assert_close(fwd.h, fwd.o * torch.tanh(fwd.c))
    # forward hidden states are the first half of the outputs; backward ones the second half
    torch.testing.assert_close(out.outputs[0, :, :4], fwd.h[0])
    torch.testing.assert_close(out.outputs[1, :4, 4:], bwd.h[1, :4])


def test_lstm_cell_matches_torch_cell():
    torch.manual_seed(2)
    ref = nn.LSTMCell(3, 5).double()
    cell = LSTMCell(3, 5).double()
    cell.load_state_dict(ref.state_dict())
    x = torch.randn(4, 3, dtype=torch.float64)
    state = (torch.randn(4, 5, dtype=torch.float64), torch.randn(4, 5, dtype=torch.float64))
    h_ref, c_ref = ref(x, state)
    h, c = cell(x, state)
    torch.testing.assert_close(h, h_ref)
    torch.testing.assert_close(c, c_ref)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_matches_torch_cell(nonlinearity):
    torch.manual_seed(3)
    ref = nn.RNNCell(3, 5, nonlinearity=nonlinearity).double()
    cell = RNNCell(3, 5, nonlinearity=nonlinearity).double()
    cell.load_state_dict(ref.state_dict())
    x, h = torch.randn(4, 3, dtype=torch.float64), torch.randn(4, 5, dtype=torch.float64)
    torch.testing.assert_close(cell(x, h), ref(x, h))


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="cell"):
        ExplainedRNN(3, 4, cell="gru")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="nonlinearity"):
        RNNCell(3, 4, nonlinearity="sigmoid")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ExplainedRNN.from_torch(nn.GRU(3, 4))  # type: ignore[arg-type]
