"""Weights files: a model's ``state_dict`` as safetensors with its hyperparameters.

:func:`write_weights` saves a model; :func:`read_weights` checks a file against its card (its
SHA-256, then the stored hyperparameters against the card's architecture) before it returns
the tensors.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lstmzoo.errors import CheckpointError, ConfigError
from lstmzoo.utils import sha256_file
from lstmzoo.weights.cards import WeightsCard, summarize_architecture

__all__ = ["check_architecture", "read_weights", "write_weights"]


def read_weights(card: WeightsCard) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check the file against the card and read it: ``(state_dict, hyper_parameters)``.

    The tensors come back in float32 whatever the stored precision.

    Raises:
        CheckpointError: missing file, SHA-256 mismatch (corrupted), unreadable file, or stored
            hyperparameters that differ from the card's architecture.
    """
    from safetensors import SafetensorError, safe_open

    path = card.weights_path
    if not path.is_file():
        raise CheckpointError(f"weights file {path} of {card.reference} is missing")
    actual = sha256_file(path)
    if actual != card.sha256:
        raise CheckpointError(
            f"weights file {path} is corrupted: its sha256 is {actual}, the card "
            f"{card.path} expects {card.sha256}. Reinstall lstmzoo to restore it."
        )
    try:
        with safe_open(str(path), framework="pt") as handle:
            metadata = handle.metadata() or {}
            state = {k: handle.get_tensor(k) for k in handle.keys()}  # noqa: SIM118
    except (SafetensorError, OSError, ValueError) as err:
        raise CheckpointError(f"weights file {path} cannot be read: {err}") from err
    try:
        hparams = json.loads(metadata["hyper_parameters"])
    except (KeyError, json.JSONDecodeError) as err:
        raise CheckpointError(f"weights file {path} has no readable hyper_parameters") from err
    state = {k: v.float() if v.is_floating_point() else v for k, v in state.items()}
    check_architecture(card, hparams)
    return state, hparams


def check_architecture(card: WeightsCard, hparams: Mapping[str, Any]) -> None:
    """Raise :class:`CheckpointError` when the card's architecture differs from ``hparams``."""
    stored = summarize_architecture(hparams)
    diffs = [
        f"{key}: card {card.architecture.get(key, '<absent>')!r} vs file {stored.get(key)!r}"
        for key in sorted(set(card.architecture) | set(stored))
        if _plain(card.architecture.get(key, "<absent>")) != _plain(stored.get(key, "<absent>"))
    ]
    if diffs:
        raise CheckpointError(
            f"the card {card.path} does not describe the weights in {card.weights_path}: "
            + "; ".join(diffs)
        )


def _plain(value: Any) -> Any:
    """JSON round trip, so tuples and lists (YAML vs JSON) compare equal."""
    return json.loads(json.dumps(value, sort_keys=True))


def write_weights(
    model: Any,
    path: str | Path,
    hyper_parameters: Mapping[str, Any],
    dtype: str = "float32",
) -> str:
    """Save ``model``'s ``state_dict`` as safetensors with its hyperparameters; return sha256.

    ``dtype``: ``"float32"``, ``"float16"`` or ``"bfloat16"`` for the floating-point tensors.
    """
    import torch
    from safetensors.torch import save_file

    cast = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
    if dtype not in cast:
        raise ConfigError(f"dtype must be one of {', '.join(cast)}, got {dtype!r}")
    state = {
        k: (v.detach().to(cast[dtype]) if v.is_floating_point() else v.detach()).contiguous()
        for k, v in model.state_dict().items()
    }
    plain = {k: v for k, v in hyper_parameters.items() if not k.startswith("_")}
    metadata = {"hyper_parameters": json.dumps(plain, ensure_ascii=False, sort_keys=True)}
    save_file(state, str(path), metadata=metadata)
    os.chmod(path, 0o644)  # package data: readable by every user of an installation
    return sha256_file(path)
