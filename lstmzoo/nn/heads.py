"""I/O-topology heads: how a recurrent encoder's states become predictions.

The explainer's four input/output structures map onto three heads:

========================  ======================================  =========================
structure                 head                                    output
========================  ======================================  =========================
1 -> N, input at step 0   ``OneToMany(mode="first_step")``         ``(B, N, out)``
1 -> N, input every step  ``OneToMany(mode="every_step")``         ``(B, N, out)``
N -> N                    ``ManyToMany()``                         ``(B, T, out)``
N -> 1                    ``ManyToOne(pool=...)``                  ``(B, out)``
========================  ======================================  =========================

Every head is built as ``Head(in_features, out_features, **options)`` where ``in_features`` is the
encoder's output size, so a config never has to repeat it: a head is configured as a
``class_path`` / ``init_args`` pair (or a short name) and the model calls it with both sizes.
A head may also shape the encoder's input (:meth:`Head.prepare_inputs`), which is how
:class:`OneToMany` turns one vector into a sequence.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal, Union

import torch
from torch import Tensor, nn

from lstmzoo.errors import ConfigError
from lstmzoo.nn.encoders import EncoderOutput

__all__ = [
    "HEADS",
    "Head",
    "HeadFactory",
    "HeadSpec",
    "ManyToMany",
    "ManyToOne",
    "OneToMany",
    "build_head",
]

Topology = Literal["one_to_many", "many_to_many", "many_to_one"]


class Head(nn.Module):
    """Base class of the topology heads.

    Subclasses set :attr:`topology`, take ``(in_features, out_features, **options)`` and implement
    ``forward(enc: EncoderOutput) -> Tensor``.
    """

    topology: ClassVar[Topology]
    #: What the head expects from the data: ``"sequence"`` input ``(B, T, D)`` or one ``"vector"``.
    input_kind: ClassVar[Literal["sequence", "vector"]] = "sequence"
    #: What it emits: one ``"vector"`` per sequence or a ``"sequence"`` of outputs.
    output_kind: ClassVar[Literal["sequence", "vector"]]

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        if in_features < 1 or out_features < 1:
            raise ValueError(
                f"{type(self).__name__}: in_features and out_features must be >= 1, "
                f"got {in_features} and {out_features}"
            )
        self.in_features = in_features
        self.out_features = out_features

    def prepare_inputs(self, x: Tensor, lengths: Tensor | None) -> tuple[Tensor, Tensor | None]:
        """Shape the model's input into the encoder's ``(B, T, D)`` (identity by default)."""
        return x, lengths

    def options(self) -> dict[str, Any]:
        """The constructor options other than the two sizes (what a config sets)."""
        return {}

    def config(self) -> dict[str, Any]:
        """A plain ``{"class_path", "init_args"}`` dict that :func:`build_head` turns back into
        this head; safe to store in a checkpoint."""
        cls = type(self)
        return {"class_path": f"{cls.__module__}.{cls.__qualname__}", "init_args": self.options()}

    def extra_repr(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        return f"in_features={self.in_features}, out_features={self.out_features}" + (
            f", {opts}" if opts else ""
        )


class ManyToOne(Head):
    """N -> 1: pool the encoder's sequence into one vector, then project.

    ``EncoderOutput(outputs: (B, T, dirs*H), h_n: (layers*dirs, B, H)) -> (B, out_features)``

    Pools (padding never takes part in any of them):
        ``last``: the top layer's final states. For a bidirectional encoder this concatenates the
        forward state at the true last step with the backward state at step 0 -- the BiLSTM
        sentiment picture.
        ``mean`` / ``max``: over the real steps of the top layer's outputs.
        ``attention``: additive attention over the real steps (a learned query).
    """

    topology = "many_to_one"
    output_kind = "vector"

    def __init__(
        self,
        in_features: int,
        out_features: int,
        pool: Literal["last", "mean", "max", "attention"] = "last",
        dropout: float = 0.0,
    ) -> None:
        super().__init__(in_features, out_features)
        if pool not in ("last", "mean", "max", "attention"):
            raise ValueError(f"unknown pool {pool!r}; choose 'last', 'mean', 'max' or 'attention'")
        self.pool = pool
        self.dropout_p = dropout
        if pool == "attention":
            self.attn_proj = nn.Linear(in_features, in_features)
            self.attn_query = nn.Linear(in_features, 1, bias=False)
        self.dropout = nn.Dropout(dropout)
        self.proj = nn.Linear(in_features, out_features)

    def options(self) -> dict[str, Any]:
        return {"pool": self.pool, "dropout": self.dropout_p}

    def pooled(self, enc: EncoderOutput) -> Tensor:
        """The pooled features ``(B, in_features)`` before dropout and projection."""
        outputs, mask = enc.outputs, enc.mask
        if self.pool == "last":
            hidden = enc.h_n.shape[-1]
            dirs = self.in_features // hidden
            top = enc.h_n[-dirs:]  # (dirs, B, H): forward (and backward) of the top layer
            return top.transpose(0, 1).reshape(top.shape[1], dirs * hidden)
        if self.pool == "mean":
            if mask is None:
                return outputs.mean(1)
            m = mask.unsqueeze(-1).to(outputs.dtype)
            return (outputs * m).sum(1) / m.sum(1).clamp_min(1.0)
        if self.pool == "max":
            if mask is None:
                return outputs.amax(1)
            return outputs.masked_fill(~mask.unsqueeze(-1), float("-inf")).amax(1)
        scores = self.attn_query(torch.tanh(self.attn_proj(outputs))).squeeze(-1)  # (B, T)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=1)
        return torch.einsum("bt,btd->bd", weights, outputs)

    def forward(self, enc: EncoderOutput) -> Tensor:
        return self.proj(self.dropout(self.pooled(enc)))


class ManyToMany(Head):
    """N -> N: one prediction per step.

    ``EncoderOutput(outputs: (B, T, F)) -> (B, T, out_features)``; padded steps come out as zeros
    (and models leave them out of losses and metrics through ``enc.mask``).
    """

    topology = "many_to_many"
    output_kind = "sequence"

    def __init__(self, in_features: int, out_features: int, dropout: float = 0.0) -> None:
        super().__init__(in_features, out_features)
        self.dropout_p = dropout
        self.dropout = nn.Dropout(dropout)
        self.proj = nn.Linear(in_features, out_features)

    def options(self) -> dict[str, Any]:
        return {"dropout": self.dropout_p}

    def forward(self, enc: EncoderOutput) -> Tensor:
        y = self.proj(self.dropout(enc.outputs))
        mask = enc.mask
        if mask is not None:
            y = y * mask.unsqueeze(-1).to(y.dtype)
        return y


class OneToMany(Head):
    """1 -> N: one input vector, ``steps`` outputs.

    ``prepare_inputs(x: (B, D)) -> (B, steps, D)``, then ``EncoderOutput -> (B, steps, out)``.

    Modes (the explainer's two one-to-many pictures):
        ``first_step``: the vector enters at ``t = 0`` only; later steps get zeros, so everything
        after the first step must come from the recurrent state.
        ``every_step``: the same vector enters at every step.
    """

    topology = "one_to_many"
    input_kind = "vector"
    output_kind = "sequence"

    def __init__(
        self,
        in_features: int,
        out_features: int,
        mode: Literal["first_step", "every_step"] = "first_step",
        steps: int = 16,
        dropout: float = 0.0,
    ) -> None:
        super().__init__(in_features, out_features)
        if mode not in ("first_step", "every_step"):
            raise ValueError(f"unknown mode {mode!r}; choose 'first_step' or 'every_step'")
        if steps < 1:
            raise ValueError(f"steps must be >= 1, got {steps}")
        self.mode = mode
        self.steps = steps
        self.dropout_p = dropout
        self.dropout = nn.Dropout(dropout)
        self.proj = nn.Linear(in_features, out_features)

    def options(self) -> dict[str, Any]:
        return {"mode": self.mode, "steps": self.steps, "dropout": self.dropout_p}

    def prepare_inputs(self, x: Tensor, lengths: Tensor | None) -> tuple[Tensor, Tensor | None]:
        if x.dim() != 2:
            raise ValueError(
                f"OneToMany expects one vector per sample, shape (B, D); got {tuple(x.shape)}"
            )
        seq = x.unsqueeze(1).expand(-1, self.steps, -1)
        if self.mode == "first_step":
            seq = torch.cat(
                [x.unsqueeze(1), x.new_zeros(x.shape[0], self.steps - 1, x.shape[1])], 1
            )
        return seq.contiguous(), None

    def forward(self, enc: EncoderOutput) -> Tensor:
        return self.proj(self.dropout(enc.outputs))


#: Short names accepted wherever a head is configured.
HEADS: dict[str, type[Head]] = {
    "many_to_one": ManyToOne,
    "many_to_many": ManyToMany,
    "one_to_many": OneToMany,
}

HeadFactory = Callable[[int, int], Head]
HeadSpec = Union[HeadFactory, Mapping[str, Any], str, None]


def _resolve_class(name: str) -> type[Head]:
    if name in HEADS:
        return HEADS[name]
    if "." not in name:
        by_class = {cls.__name__: cls for cls in HEADS.values()}
        if name in by_class:
            return by_class[name]
        close = difflib.get_close_matches(name, [*HEADS, *by_class], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ConfigError(f"unknown head {name!r}{hint} Known heads: {', '.join(HEADS)}")
    module, _, attr = name.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as err:
        raise ConfigError(f"cannot import head class_path {name!r}: {err}") from err
    if not (inspect.isclass(cls) and issubclass(cls, Head)):
        raise ConfigError(f"head class_path {name!r} is not a subclass of lstmzoo.heads.Head")
    return cls


def build_head(spec: HeadSpec, in_features: int, out_features: int, default: str) -> Head:
    """Build a head from any of the forms a config or a caller may use.

    ``spec`` may be ``None`` (use ``default``), a short name (``"many_to_one"``), a class path, a
    ``{"class_path": ..., "init_args": {...}}`` mapping (what :meth:`Head.config` returns and what
    checkpoints store) or a callable ``(in_features, out_features) -> Head`` such as a head class,
    a ``functools.partial`` or what jsonargparse makes of a ``class_path`` for a callable.
    """
    if spec is None:
        spec = default
    if isinstance(spec, str):
        return _resolve_class(spec)(in_features, out_features)
    if isinstance(spec, Mapping):
        unknown = set(spec) - {"class_path", "init_args"}
        if "class_path" not in spec or unknown:
            raise ConfigError(
                "a head given as a mapping needs 'class_path' and optional 'init_args', got keys "
                f"{sorted(spec)}"
            )
        cls = _resolve_class(str(spec["class_path"]))
        init_args = dict(spec.get("init_args") or {})
        try:
            return cls(in_features, out_features, **init_args)
        except TypeError as err:
            raise ConfigError(f"bad init_args for head {cls.__name__}: {err}") from err
    if callable(spec):
        head = spec(in_features, out_features)
        if not isinstance(head, Head):
            raise TypeError(f"head factory returned {type(head).__name__}, expected a Head")
        return head
    raise TypeError(f"cannot build a head from {spec!r}")
