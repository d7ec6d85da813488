"""ElmanLoop: the same numbers as torch.nn.RNN, eagerly and through ONNX with dynamic length."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lstmzoo.nn.loop import ElmanLoop, loop_elman_layers


@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("batch_first", [True, False])
def test_equals_torch_rnn(
    layers: int, bidirectional: bool, nonlinearity: str, batch_first: bool
) -> None:
    torch.manual_seed(layers)
    rnn = nn.RNN(
        3, 5, layers, nonlinearity=nonlinearity, bidirectional=bidirectional,
        batch_first=batch_first,
    ).eval()  # fmt: skip
    loop = ElmanLoop(rnn)
    for x in (torch.randn(4, 7, 3), torch.randn(7, 3)):  # batched and unbatched
        want, want_h = rnn(x)
        got, got_h = loop(x)
        assert got.shape == want.shape and got_h.shape == want_h.shape
        torch.testing.assert_close(got, want, atol=1e-6, rtol=1e-5)
        torch.testing.assert_close(got_h, want_h, atol=1e-6, rtol=1e-5)


def test_shares_the_parameters_and_state_dict_keys() -> None:
    rnn = nn.RNN(2, 4, bias=False)
    loop = ElmanLoop(rnn)
    assert loop.state_dict().keys() == rnn.state_dict().keys()
    assert loop.weight_hh_l0 is rnn.weight_hh_l0
    with pytest.raises(TypeError, match="PackedSequence"):
        loop(nn.utils.rnn.pack_sequence([torch.randn(3, 2)]))
    with pytest.raises(TypeError, match=r"replaces torch\.nn\.RNN"):
        ElmanLoop(nn.GRU(2, 4))  # type: ignore[arg-type]


def test_swaps_only_elman_layers_and_leaves_the_original_alone() -> None:
    net = nn.Sequential(nn.RNN(2, 4, batch_first=True))
    swapped = loop_elman_layers(net)
    assert isinstance(swapped[0], ElmanLoop) and isinstance(net[0], nn.RNN)
    other = nn.Sequential(nn.LSTM(2, 4))
    assert loop_elman_layers(other) is other


def test_onnx_export_keeps_the_loop_dynamic() -> None:
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    from lstmzoo.inference import onnx_bytes

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = nn.RNN(2, 6, 2, batch_first=True, bidirectional=True)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.rnn(x)[0]

    net = Net().eval()
    axes = {"inputs": {"x": {0: "batch", 1: "time"}}, "outputs": {"y": {0: "batch", 1: "time"}}}
    data = onnx_bytes(net, (torch.randn(2, 5, 2),), axes)
    import onnx

    ops = {node.op_type for node in onnx.load_from_string(data).graph.node}
    assert "Loop" in ops and "RNN" not in ops
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    for shape in ((3, 11, 2), (1, 1, 2)):  # other lengths than the traced one
        x = torch.randn(*shape)
        got = torch.from_numpy(session.run(None, {"x": x.numpy()})[0])
        torch.testing.assert_close(got, net(x).detach(), atol=1e-5, rtol=1e-4)
    assert isinstance(net.rnn, nn.RNN)  # the module given was not changed
