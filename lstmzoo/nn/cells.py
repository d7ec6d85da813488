"""From-scratch recurrent cells that show every gate: the explainer path.

These run a Python loop over time and are meant for inspection and teaching; the fast path is
:class:`lstmzoo.nn.RecurrentEncoder`. Weights use torch's layout (``weight_ih: (G*H, D)``,
``weight_hh: (G*H, H)``, gate order ``i, f, g, o`` for the LSTM) so that
:meth:`ExplainedRNN.from_torch` can copy an ``nn.LSTM`` / ``nn.RNN`` and reproduce it exactly.
"""

from __future__ import annotations

import math
from typing import Literal, NamedTuple

import torch
from torch import Tensor, nn

from lstmzoo.nn.masking import check_lengths, reverse_padded

__all__ = ["ExplainedOutput", "ExplainedRNN", "LSTMCell", "LSTMGates", "RNNCell"]


class LSTMGates(NamedTuple):
    """One LSTM step, every quantity ``(B, H)``.

    ``c = f * c_prev + i * g`` and ``h = o * tanh(c)``.
    """

    i: Tensor  #: input gate, sigmoid
    f: Tensor  #: forget gate, sigmoid
    g: Tensor  #: cell candidate, tanh
    o: Tensor  #: output gate, sigmoid
    c: Tensor  #: new cell state
    h: Tensor  #: new hidden state


class _Cell(nn.Module):
    gates: int

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        g = self.gates * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(g, input_size))
        self.weight_hh = nn.Parameter(torch.empty(g, hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(g)) if bias else None
        self.bias_hh = nn.Parameter(torch.empty(g)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Uniform ``(-1/sqrt(H), 1/sqrt(H))``, as torch initialises its recurrent layers."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def _preact(self, x: Tensor, h: Tensor) -> Tensor:
        z = x @ self.weight_ih.T + h @ self.weight_hh.T
        if self.bias_ih is not None and self.bias_hh is not None:
            z = z + self.bias_ih + self.bias_hh
        return z


class RNNCell(_Cell):
    """Elman cell: ``h = act(W_ih x + b_ih + W_hh h_prev + b_hh)``.

    ``x: (B, D), h: (B, H) -> (B, H)``.
    """

    gates = 1

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: Literal["tanh", "relu"] = "tanh",
    ) -> None:
        super().__init__(input_size, hidden_size, bias)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        self.nonlinearity = nonlinearity

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        if h is None:
            h = x.new_zeros(x.shape[0], self.hidden_size)
        z = self._preact(x, h)
        return torch.tanh(z) if self.nonlinearity == "tanh" else torch.relu(z)


class LSTMCell(_Cell):
    """LSTM cell with every gate exposed.

    ``x: (B, D), state: ((B, H), (B, H)) | None -> LSTMGates`` via :meth:`step`;
    ``forward`` returns just ``(h, c)`` like ``nn.LSTMCell``.
    """

    gates = 4

    def step(self, x: Tensor, state: tuple[Tensor, Tensor] | None = None) -> LSTMGates:
        """One step, returning all gates and both states."""
        if state is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        h_prev, c_prev = state
        zi, zf, zg, zo = self._preact(x, h_prev).chunk(4, dim=-1)
        i, f, g, o = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg), torch.sigmoid(zo)
        c = f * c_prev + i * g
        h = o * torch.tanh(c)
        return LSTMGates(i, f, g, o, c, h)

    def forward(
        self, x: Tensor, state: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor]:
        gates = self.step(x, state)
        return gates.h, gates.c


class ExplainedOutput(NamedTuple):
    """What :class:`ExplainedRNN` returns.

    Attributes:
        outputs: ``(B, T, dirs*H)``, zeros at padded steps.
        h_n: ``(layers*dirs, B, H)`` final hidden states (true last step / step 0 backwards).
        c_n: ``(layers*dirs, B, H)`` final cell states (LSTM), else ``None``.
        gates: with ``return_gates=True`` and an LSTM, ``gates[layer * dirs + direction]`` is an
            :class:`LSTMGates` of ``(B, T, H)`` tensors in the input's time order (the backward
            direction's step ``t`` is the one that read ``x[:, t]``); else ``None``.
    """

    outputs: Tensor
    h_n: Tensor
    c_n: Tensor | None
    gates: list[LSTMGates] | None


class ExplainedRNN(nn.Module):
    """A multi-layer, optionally bidirectional RNN or LSTM built from the cells above.

    Same interface and numbers as ``nn.RNN`` / ``nn.LSTM`` with ``batch_first=True`` (see
    :meth:`from_torch`), with variable lengths handled exactly like packed sequences:
    ``x: (B, T, D), lengths: (B,) | None -> ExplainedOutput``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        cell: Literal["rnn", "lstm"] = "lstm",
        num_layers: int = 1,
        bidirectional: bool = False,
        nonlinearity: Literal["tanh", "relu"] = "tanh",
        bias: bool = True,
    ) -> None:
        super().__init__()
        if cell not in ("rnn", "lstm"):
            raise ValueError(f"ExplainedRNN supports cell 'rnn' or 'lstm', got {cell!r}")
        self.cell_type = cell
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        dirs = 2 if bidirectional else 1
        cells: list[nn.Module] = []
        for layer in range(num_layers):
            layer_in = input_size if layer == 0 else hidden_size * dirs
            for _ in range(dirs):
                if cell == "lstm":
                    cells.append(LSTMCell(layer_in, hidden_size, bias))
                else:
                    cells.append(RNNCell(layer_in, hidden_size, bias, nonlinearity))
        self.cells = nn.ModuleList(cells)

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @classmethod
    def from_torch(cls, module: nn.RNN | nn.LSTM) -> ExplainedRNN:
        """Copy a ``batch_first`` ``nn.RNN`` or ``nn.LSTM`` (weights, dtype and device)."""
        if isinstance(module, nn.LSTM):
            cell: Literal["rnn", "lstm"] = "lstm"
            nonlinearity: Literal["tanh", "relu"] = "tanh"
        elif isinstance(module, nn.RNN):
            cell, nonlinearity = "rnn", module.nonlinearity  # type: ignore[assignment]
        else:
            raise TypeError(f"from_torch takes nn.RNN or nn.LSTM, got {type(module).__name__}")
        if getattr(module, "proj_size", 0):
            raise ValueError("LSTMs with proj_size are not supported")
        ref = next(module.parameters())
        out = cls(
            module.input_size,
            module.hidden_size,
            cell,
            module.num_layers,
            module.bidirectional,
            nonlinearity,
            module.bias,
        ).to(device=ref.device, dtype=ref.dtype)
        with torch.no_grad():
            for layer in range(module.num_layers):
                for d in range(out.num_directions):
                    suffix = f"_l{layer}" + ("_reverse" if d else "")
                    target = out.cells[layer * out.num_directions + d]
                    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                        src = getattr(module, name + suffix, None)
                        if src is not None:
                            getattr(target, name).copy_(src)
        return out

    def _run_direction(
        self, cell: nn.Module, x: Tensor, mask: Tensor, want_gates: bool
    ) -> tuple[Tensor, Tensor, Tensor | None, list[LSTMGates]]:
        batch, steps = x.shape[:2]
        h = x.new_zeros(batch, self.hidden_size)
        c = x.new_zeros(batch, self.hidden_size) if self.cell_type == "lstm" else None
        outs: list[Tensor] = []
        trace: list[LSTMGates] = []
        for t in range(steps):
            m = mask[:, t].unsqueeze(-1)
            if isinstance(cell, LSTMCell):
                assert c is not None
                gates = cell.step(x[:, t], (h, c))
                if want_gates:
                    trace.append(gates)
                h = torch.where(m, gates.h, h)
                c = torch.where(m, gates.c, c)
            else:
                h = torch.where(m, cell(x[:, t], h), h)
            outs.append(h * m.to(h.dtype))
        return torch.stack(outs, 1), h, c, trace

    def forward(
        self, x: Tensor, lengths: Tensor | None = None, return_gates: bool = False
    ) -> ExplainedOutput:
        batch, steps = x.shape[:2]
        lengths = check_lengths(lengths, batch, steps)
        if lengths is None:
            mask = torch.ones(batch, steps, dtype=torch.bool, device=x.device)
        else:
            mask = torch.arange(steps, device=x.device).unsqueeze(0) < lengths.to(
                x.device
            ).unsqueeze(1)
        dirs = self.num_directions
        h_n: list[Tensor] = []
        c_n: list[Tensor] = []
        gate_traces: list[LSTMGates] = []
        layer_in = x
        for layer in range(self.num_layers):
            dir_outs = []
            for d in range(dirs):
                cell = self.cells[layer * dirs + d]
                inp = layer_in if d == 0 else reverse_padded(layer_in, lengths)
                out, h, c, trace = self._run_direction(cell, inp, mask, return_gates)
                if d == 1:
                    out = reverse_padded(out, lengths)
                dir_outs.append(out)
                h_n.append(h)
                if c is not None:
                    c_n.append(c)
                if return_gates and trace:
                    stacked = LSTMGates(*(torch.stack(g, 1) for g in zip(*trace)))
                    if d == 1:
                        stacked = LSTMGates(*(reverse_padded(g, lengths) for g in stacked))
                    gate_traces.append(stacked)
            layer_in = torch.cat(dir_outs, -1) if dirs == 2 else dir_outs[0]
        return ExplainedOutput(
            layer_in,
            torch.stack(h_n),
            torch.stack(c_n) if c_n else None,
            gate_traces if return_gates and gate_traces else None,
        )
