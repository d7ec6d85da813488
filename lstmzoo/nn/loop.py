"""Elman RNN layers as an explicit loop over time, for ONNX export.

onnxruntime runs the ONNX ``LSTM`` and ``GRU`` operators on dedicated CPU kernels, but its
``RNN`` operator (what ``torch.onnx`` makes of :class:`torch.nn.RNN`) is a plainer one: on a
2-core CPU it ran the ``rnn`` zoo model at half the speed of PyTorch eager. The same computation
written as one matrix product for the inputs of all steps, then a loop of
``h = tanh(x_t W_ih^T + b + h W_hh^T)`` (an ONNX ``Loop`` of one ``Gemm`` and one activation per
step), runs faster than eager there. :func:`loop_elman_layers` swaps every
:class:`~torch.nn.RNN` of a module for an :class:`ElmanLoop` with the same weights before export.

Both give the same numbers up to float rounding; :class:`ElmanLoop` takes whole, unpacked
sequences (the export graphs of the zoo have no padding).
"""

from __future__ import annotations

import copy
import functools
import warnings
from collections.abc import Callable

import torch
from torch import Tensor, nn

__all__ = ["ElmanLoop", "loop_elman_layers"]


def _elman_scan(xw: Tensor, whh_t: Tensor, relu: bool) -> Tensor:
    """``xw: (T, B, H)`` input projections (both biases added) -> hidden states ``(T, B, H)``."""
    h = torch.zeros(xw.size(1), xw.size(2), dtype=xw.dtype, device=xw.device)
    steps: list[Tensor] = []
    for t in range(xw.size(0)):
        z = torch.addmm(xw[t], h, whh_t)
        h = torch.relu(z) if relu else torch.tanh(z)
        steps.append(h)
    return torch.stack(steps, 0)


@functools.cache
def _scripted_scan() -> Callable[[Tensor, Tensor, bool], Tensor]:
    """:func:`_elman_scan` compiled by TorchScript (once, on first export), so that tracing
    keeps its loop (with a dynamic trip count) instead of unrolling it to the example's
    length."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TorchScript's deprecation notice
        return torch.jit.script(_elman_scan)


class ElmanLoop(nn.Module):
    """The computation of an Elman :class:`torch.nn.RNN` (any layers, directions, ``tanh`` or
    ``relu``), written as a loop over time; it shares the RNN's parameters.

    ``forward(x)`` returns ``(outputs, h_n)`` as :class:`torch.nn.RNN` does without an initial
    state, for a tensor input (not a packed sequence). Dropout between layers is not applied:
    this module is for inference.
    """

    def __init__(self, rnn: nn.RNN) -> None:
        super().__init__()
        if not isinstance(rnn, nn.RNN):
            raise TypeError(f"ElmanLoop replaces torch.nn.RNN, got {type(rnn).__name__}")
        self.num_layers = rnn.num_layers
        self.batch_first = rnn.batch_first
        self.bias = rnn.bias
        self.relu = rnn.nonlinearity == "relu"
        self.directions = 2 if rnn.bidirectional else 1
        for name, weight in rnn.named_parameters(recurse=False):  # the same Parameters and names
            self.register_parameter(name, weight)

    def _weights(self, layer: int, reverse: bool) -> tuple[Tensor, Tensor, Tensor | None]:
        suffix = f"_l{layer}" + ("_reverse" if reverse else "")
        w_ih = getattr(self, "weight_ih" + suffix)
        w_hh = getattr(self, "weight_hh" + suffix)
        bias = None
        if self.bias:
            bias = getattr(self, "bias_ih" + suffix) + getattr(self, "bias_hh" + suffix)
        return w_ih, w_hh, bias

    def forward(self, x: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        if not isinstance(x, Tensor):
            raise TypeError("ElmanLoop takes a padded tensor, not a PackedSequence")
        if hx is not None:
            raise ValueError("ElmanLoop starts from a zero state; pass no hx")
        batched = x.dim() == 3
        if not batched:
            x = x.unsqueeze(1 if not self.batch_first else 0)
        seq = x.transpose(0, 1) if self.batch_first else x  # (T, B, D)
        scan = _scripted_scan()
        finals: list[Tensor] = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(self.directions):
                w_ih, w_hh, bias = self._weights(layer, reverse=d == 1)
                xw = nn.functional.linear(seq, w_ih, bias)
                if d == 1:
                    xw = xw.flip(0)
                hs = scan(xw, w_hh.t(), self.relu)
                finals.append(hs[-1])
                outs.append(hs.flip(0) if d == 1 else hs)
            seq = torch.cat(outs, -1) if len(outs) > 1 else outs[0]
        out = seq.transpose(0, 1) if self.batch_first else seq
        h_n = torch.stack(finals, 0)
        if not batched:
            out, h_n = out.squeeze(0 if self.batch_first else 1), h_n.squeeze(1)
        return out, h_n


def loop_elman_layers(module: nn.Module) -> nn.Module:
    """``module`` itself when it holds no :class:`torch.nn.RNN`; otherwise a deep copy in
    which each one is an :class:`ElmanLoop` with the same weights."""
    if isinstance(module, nn.RNN):
        return ElmanLoop(copy.deepcopy(module))
    if not any(isinstance(m, nn.RNN) for m in module.modules()):
        return module
    module = copy.deepcopy(module)
    for parent in list(module.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.RNN):
                setattr(parent, name, ElmanLoop(child))
    return module
