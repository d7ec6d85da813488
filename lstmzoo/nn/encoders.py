"""Recurrent encoders: the fast path of the zoo, on torch's fused kernels."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from lstmzoo.nn.masking import check_lengths

__all__ = ["CellType", "EncoderOutput", "RecurrentEncoder"]

CellType = Literal["rnn", "lstm", "gru"]


class EncoderOutput(NamedTuple):
    """What a :class:`RecurrentEncoder` returns.

    Attributes:
        outputs: ``(B, T, dirs*H)`` top-layer output at every step, zeros at padded steps.
        h_n: ``(layers*dirs, B, H)`` final hidden state of every layer and direction, taken at each
            sequence's true last step (forward) or at step 0 (backward). Layout as in ``nn.LSTM``:
            index ``layer * dirs + direction``.
        c_n: ``(layers*dirs, B, H)`` final cell state for LSTMs, else ``None``.
        lengths: ``(B,)`` true lengths (CPU, int64), or ``None`` when all steps are real.
    """

    outputs: Tensor
    h_n: Tensor
    c_n: Tensor | None
    lengths: Tensor | None

    @property
    def mask(self) -> Tensor | None:
        """``(B, T)`` boolean mask of real steps, or ``None`` when there is no padding."""
        if self.lengths is None:
            return None
        steps = torch.arange(self.outputs.shape[1], device=self.outputs.device)
        return steps.unsqueeze(0) < self.lengths.to(self.outputs.device).unsqueeze(1)


class RecurrentEncoder(nn.Module):
    """A stack of RNN / LSTM / GRU layers over a padded batch.

    ``x: (B, T, D), lengths: (B,) | None -> EncoderOutput`` with ``outputs: (B, T, dirs*H)``.

    Variable lengths run through :func:`~torch.nn.utils.rnn.pack_padded_sequence`, so the fused
    kernels (cuDNN on GPU, oneDNN/ATen on CPU) never see padding and the final states are those of
    each sequence's true last step. With ``lengths=None`` the batch goes straight to the kernel.

    Args:
        input_size: features per step ``D``.
        hidden_size: hidden units per direction ``H``.
        cell: ``"rnn"`` (Elman), ``"lstm"`` or ``"gru"``.
        num_layers: stacked layers; layer ``k`` reads the hidden sequence of layer ``k-1``.
        bidirectional: also read the sequence backwards and concatenate both directions.
        dropout: dropout between stacked layers (ignored for one layer, as in torch).
        nonlinearity: ``"tanh"`` or ``"relu"``, for ``cell="rnn"`` only.
        forget_bias: for ``cell="lstm"``, start every forget gate's bias at this value (e.g.
            ``1.0``, so the cell remembers by default early in training: Gers et al. 2000,
            Jozefowicz et al. 2015); ``None`` keeps torch's uniform initialisation.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        cell: CellType = "lstm",
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        nonlinearity: Literal["tanh", "relu"] = "tanh",
        forget_bias: float | None = None,
    ) -> None:
        super().__init__()
        if input_size < 1 or hidden_size < 1 or num_layers < 1:
            raise ValueError(
                "input_size, hidden_size and num_layers must be >= 1, got "
                f"{input_size}, {hidden_size}, {num_layers}"
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {dropout}")
        kwargs = dict(
            input_size=input_size,
            hidden_size=hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout if num_layers > 1 else 0.0,
            batch_first=True,
        )
        if cell == "lstm":
            self.rnn: nn.RNNBase = nn.LSTM(**kwargs)
        elif cell == "gru":
            self.rnn = nn.GRU(**kwargs)
        elif cell == "rnn":
            if nonlinearity not in ("tanh", "relu"):
                raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
            self.rnn = nn.RNN(nonlinearity=nonlinearity, **kwargs)
        else:
            raise ValueError(f"unknown cell {cell!r}; choose one of 'rnn', 'lstm', 'gru'")
        if forget_bias is not None:
            if cell != "lstm":
                raise ValueError(f"forget_bias applies to cell='lstm' only, got cell={cell!r}")
            self.init_forget_bias(forget_bias)
        self.cell = cell
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        # Some CPUs lack oneDNN's low-precision recurrent kernels (bf16 LSTM needs AVX512-BF16 or
        # AMX); there the layer runs in float32 inside autocast instead of failing.
        self._cpu_low_precision_ok = True

    @torch.no_grad()
    def init_forget_bias(self, value: float) -> None:
        """Set the forget-gate bias (gate order i, f, g, o) of every layer and direction so that
        ``bias_ih + bias_hh`` equals ``value`` for the forget gate."""
        hidden = self.rnn.hidden_size
        for name, param in self.rnn.named_parameters():
            if name.startswith("bias_ih"):
                param[hidden : 2 * hidden].fill_(value)
            elif name.startswith("bias_hh"):
                param[hidden : 2 * hidden].zero_()

    @property
    def num_directions(self) -> int:
        """1, or 2 when bidirectional."""
        return 2 if self.bidirectional else 1

    @property
    def output_size(self) -> int:
        """Features per step of :attr:`EncoderOutput.outputs`: ``dirs * H``."""
        return self.num_directions * self.hidden_size

    def _run(self, inputs: Any) -> tuple[Any, Any]:
        cpu_autocast = inputs.data.device.type == "cpu" and torch.is_autocast_enabled("cpu")
        if cpu_autocast and not self._cpu_low_precision_ok:
            with torch.autocast("cpu", enabled=False):
                return self.rnn(inputs.float())
        try:
            return self.rnn(inputs)
        except RuntimeError as err:
            if not (cpu_autocast and "primitive descriptor" in str(err)):
                raise
            self._cpu_low_precision_ok = False
            with torch.autocast("cpu", enabled=False):
                return self.rnn(inputs.float())

    def forward(self, x: Tensor, lengths: Tensor | None = None) -> EncoderOutput:
        """Encode ``x: (B, T, D)``; see the class docstring for shapes."""
        if x.dim() != 3 or x.shape[-1] != self.input_size:
            raise ValueError(
                f"expected input of shape (B, T, {self.input_size}), got {tuple(x.shape)}"
            )
        batch, max_len = x.shape[:2]
        lengths = check_lengths(lengths, batch, max_len)
        if lengths is not None and bool((lengths == max_len).all()):
            lengths_out: Tensor | None = lengths
            lengths = None
        else:
            lengths_out = lengths
        if lengths is None:
            outputs, state = self._run(x)
        else:
            packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            packed_out, state = self._run(packed)
            outputs, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=max_len)
        if isinstance(state, tuple):
            h_n, c_n = state
        else:
            h_n, c_n = state, None
        return EncoderOutput(outputs, h_n, c_n, lengths_out)
