"""Helpers for padded batches that travel with a ``lengths`` tensor."""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["check_lengths", "lengths_to_mask", "reverse_padded"]


def check_lengths(lengths: Tensor | None, batch_size: int, max_len: int) -> Tensor | None:
    """Validate a ``lengths`` tensor for a padded batch ``(B, T, ...)``.

    Returns ``lengths`` as a CPU ``int64`` tensor (what packing needs), or ``None``.
    Raises ``ValueError`` naming the offending value when a length is out of ``[1, T]``.
    """
    if lengths is None:
        return None
    lengths = torch.as_tensor(lengths)
    if lengths.dim() != 1 or lengths.numel() != batch_size:
        raise ValueError(
            f"lengths must have shape (B,) = ({batch_size},), got {tuple(lengths.shape)}; "
            "pass one length per sequence in the batch"
        )
    lengths = lengths.to("cpu", torch.int64)
    if batch_size:
        lo, hi = int(lengths.min()), int(lengths.max())
        if lo < 1 or hi > max_len:
            bad = lo if lo < 1 else hi
            raise ValueError(
                f"every length must lie in [1, {max_len}] (the padded time dimension), got {bad}; "
                "drop empty sequences before batching"
            )
    return lengths


def lengths_to_mask(lengths: Tensor, max_len: int | None = None) -> Tensor:
    """``lengths: (B,) -> mask: (B, T)``, ``True`` at real steps, ``False`` at padding."""
    max_len = int(lengths.max()) if max_len is None else max_len
    steps = torch.arange(max_len, device=lengths.device)
    return steps.unsqueeze(0) < lengths.unsqueeze(1)


def reverse_padded(x: Tensor, lengths: Tensor | None) -> Tensor:
    """Reverse every sequence of ``x: (B, T, ...)`` within its own length; padding stays at the end.

    ``reverse_padded(reverse_padded(x, l), l) == x`` on the real steps.
    """
    if lengths is None:
        return x.flip(1)
    batch, max_len = x.shape[:2]
    lengths = lengths.to(x.device)
    steps = torch.arange(max_len, device=x.device).unsqueeze(0).expand(batch, max_len)
    rev = lengths.unsqueeze(1) - 1 - steps
    index = torch.where(rev >= 0, rev, steps)  # padded positions map to themselves
    index = index.view(batch, max_len, *([1] * (x.dim() - 2))).expand_as(x)
    return x.gather(1, index)
