"""Reading checkpoints safely, with clear errors, and rebuilding any zoo model from one.

What is loaded and how: checkpoints are read with ``torch.load(weights_only=True)``, which only
unpickles tensors and plain containers (dict, list, tuple, str, numbers), never arbitrary
objects. Zoo models store only plain values in their hyperparameters so this always works for
them. Lightning's own resume state (optimizer, loops, callbacks) is plain as well.
"""

from __future__ import annotations

import importlib
import os
import pickle
import zipfile
from pathlib import Path
from typing import Any

import torch

from lstmzoo.errors import CheckpointError

__all__ = [
    "PRETRAINED_PREFIX",
    "is_pretrained_reference",
    "load_model",
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


def load_model(path: str | os.PathLike[str], map_location: str | torch.device = "cpu") -> Any:
    """Rebuild the zoo model stored in ``path`` (any registered class) without any config.

    ``lstmzoo.load_model("last.ckpt")`` is ``SomeZooClass.load_from_checkpoint("last.ckpt")``
    with the class read from the checkpoint's ``lstmzoo`` record (the model as its class
    builds it, in train mode). ``path`` may also name shipped weights the way ``--ckpt_path``
    does: ``"pretrained:MODEL"`` (the model's default weights) or ``"pretrained:MODEL:TAG"``,
    which is ``lstmzoo.create_model(MODEL, pretrained=TAG)`` (in eval mode, ready to predict).
    """
    if is_pretrained_reference(path):
        from lstmzoo.weights import load_pretrained

        return load_pretrained(*parse_pretrained_reference(str(path))).to(map_location)
    ckpt = read_checkpoint(path)
    record = ckpt.get("lstmzoo")
    if not isinstance(record, dict) or "class_path" not in record:
        raise CheckpointError(
            f"{path} is a Lightning checkpoint but not an lstmzoo one (no 'lstmzoo' record); "
            "load it with YourModelClass.load_from_checkpoint instead"
        )
    module_name, _, attr = str(record["class_path"]).rpartition(".")
    if not module_name.startswith("lstmzoo."):
        # plugins: only classes the registry knows may be imported from a checkpoint
        from lstmzoo.registry import get_model_spec, list_models

        known = {get_model_spec(name).class_path for name in list_models()}
        if record["class_path"] not in known:
            raise CheckpointError(
                f"{path} names class {record['class_path']!r}, which is not a registered model"
            )
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as err:
        raise CheckpointError(f"{path} names class {record['class_path']!r}: {err}") from err
    model = cls(
        **{k: v for k, v in (ckpt.get("hyper_parameters") or {}).items() if not k.startswith("_")}
    )
    model.load_state_dict(ckpt["state_dict"])
    return model.to(map_location)
