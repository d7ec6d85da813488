"""What a checkpoint path names, and reading a checkpoint file safely with clear errors.

The low part of checkpoint handling: it imports nothing of the package but its errors, so that
any layer can use it (the models' ``load_from_checkpoint`` included). Rebuilding a model from a
checkpoint or a ``pretrained:`` reference is :func:`lstmzoo.factory.load_model`.

What is loaded and how: checkpoints are read with ``torch.load(weights_only=True)``, which only
unpickles tensors and plain containers (dict, list, tuple, str, numbers), never arbitrary
objects. Zoo models store only plain values in their hyperparameters so this always works for
them. Lightning's own resume state (optimizer, loops, callbacks) is plain as well.
"""

from __future__ import annotations

import os
import pickle
import zipfile
from pathlib import Path
from typing import Any

from lstmzoo.errors import CheckpointError

__all__ = [
    "PRETRAINED_PREFIX",
    "is_pretrained_reference",
    "parse_pretrained_reference",
    "read_checkpoint",
]

#: ``pretrained:MODEL[:TAG]`` names shipped weights wherever a checkpoint path is taken
PRETRAINED_PREFIX = "pretrained:"


def is_pretrained_reference(path: Any) -> bool:
    """Whether a checkpoint path names shipped weights (``pretrained:MODEL[:TAG]``)."""
    return isinstance(path, str) and path.startswith(PRETRAINED_PREFIX)


def parse_pretrained_reference(reference: str) -> tuple[str, str | bool]:
    """``"pretrained:MODEL[:TAG]"`` -> ``(MODEL, TAG)``, with ``True`` (the model's default
    weights) for a missing tag.

    Raises:
        CheckpointError: no model name after the prefix.
    """
    name, _, tag = reference[len(PRETRAINED_PREFIX) :].partition(":")
    if not name:
        raise CheckpointError(f"{reference!r} names no model: write pretrained:MODEL[:TAG]")
    return name, tag or True


def read_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Load a checkpoint dict on the CPU with ``weights_only=True``.

    Raises:
        CheckpointError: the file is missing, empty, truncated, not a torch checkpoint, or holds
            objects that safe loading refuses; the message names the file and what to do.
    """
    import torch  # here, so that parsing references stays free of the torch import

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    if path.stat().st_size == 0:
        raise CheckpointError(f"checkpoint {path} is empty (0 bytes): the save was interrupted")
    with open(path, "rb") as handle:
        head = handle.read(4)
    # torch.save writes a zip archive (or, before torch 1.6, a pickle starting with 0x80)
    if not head.startswith(b"PK") and not head.startswith(b"\x80"):
        raise CheckpointError(f"checkpoint {path} is truncated or not a PyTorch checkpoint")
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:
        lines = str(err).splitlines()
        detail = next((ln.strip() for ln in lines if "Unsupported global" in ln), lines[0])
        raise CheckpointError(
            f"checkpoint {path} holds objects that safe loading (weights_only=True) refuses "
            f"({detail}). Only load it with weights_only=False if you trust its source."
        ) from err
    except (RuntimeError, EOFError, zipfile.BadZipFile, ValueError, OSError) as err:
        raise CheckpointError(
            f"checkpoint {path} is truncated or not a PyTorch checkpoint "
            f"({type(err).__name__}: {str(err).splitlines()[0] if str(err) else 'no detail'})"
        ) from err
    if not isinstance(ckpt, dict) or "state_dict" not in ckpt:
        raise CheckpointError(
            f"{path} is a torch file but not a Lightning checkpoint (no 'state_dict' entry)"
        )
    return ckpt
