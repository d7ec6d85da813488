"""Building zoo models: by registry name (with or without shipped weights) or from a checkpoint.

The top of the loading layers, and the one place the rest of the package and its users go
through::

    lstmzoo.create_model("lstm", hidden_size=128)        # registered defaults + overrides
    lstmzoo.create_model("lstm", pretrained=True)         # shipped weights (lstmzoo.weights)
    lstmzoo.load_model("runs/lstm_adding/checkpoints/last.ckpt")
    lstmzoo.load_model("pretrained:lstm:adding_t200")

It stands on the registry (:mod:`lstmzoo.registry`: names, classes, defaults), the weights
(:mod:`lstmzoo.weights`: cards, files, loading them into a model) and the checkpoint reader
(:mod:`lstmzoo.checkpoint_file`); none of those imports it.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

from lstmzoo.checkpoint_file import (
    is_pretrained_reference,
    parse_pretrained_reference,
    read_checkpoint,
)
from lstmzoo.errors import CheckpointError
from lstmzoo.registry import get_model_spec, list_models

if TYPE_CHECKING:
    import torch

__all__ = ["create_model", "load_model"]


def create_model(name: str, *, pretrained: bool | str = False, **overrides: Any) -> Any:
    """Build the registered model ``name``; ``overrides`` replace its default init arguments.

    Args:
        name: a registry name (``lstmzoo.list_models()``).
        pretrained: ``True`` loads the model's default shipped weights, a string picks them by
            tag (``lstmzoo.weights.available_tags(name)``); the constructor arguments then come
            from the weights' card and ``overrides`` may only change what leaves the weights'
            shapes alone (``lr``, dropout, ...). The model comes back in eval mode.
        **overrides: constructor arguments that replace the registered defaults.

    Raises:
        UnknownModelError: ``name`` is not registered (close matches are listed).
        TypeError: an override the class does not take (without ``pretrained``).
        ConfigError: no weights, or no weights of that tag (the tags are listed).
        CheckpointError: the weights file is corrupted or does not match its card or the code.
    """
    spec = get_model_spec(name)
    if pretrained is False or pretrained is None:
        return spec.build(**overrides)
    from lstmzoo.weights import load_pretrained

    return load_pretrained(name, pretrained, **overrides)


def _checkpoint_class(path: str | os.PathLike[str], record: Any) -> type:
    """The model class named by a checkpoint's ``lstmzoo`` record (``{"class_path": ...}``).

    Classes of the package import directly; any other class must be one the registry knows
    (a plugin), so that a checkpoint cannot make this import an arbitrary module.
    """
    if not isinstance(record, dict) or "class_path" not in record:
        raise CheckpointError(
            f"{path} is a Lightning checkpoint but not an lstmzoo one (no 'lstmzoo' record); "
            "load it with YourModelClass.load_from_checkpoint instead"
        )
    class_path = str(record["class_path"])
    module_name, _, attr = class_path.rpartition(".")
    if not module_name.startswith("lstmzoo."):
        known = {get_model_spec(name).class_path for name in list_models()}
        if class_path not in known:
            raise CheckpointError(
                f"{path} names class {class_path!r}, which is not a registered model"
            )
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError) as err:
        raise CheckpointError(f"{path} names class {class_path!r}: {err}") from err


def load_model(path: str | os.PathLike[str], map_location: str | torch.device = "cpu") -> Any:
    """Rebuild the zoo model stored in ``path`` (any registered class) without any config.

    ``lstmzoo.load_model("last.ckpt")`` is ``SomeZooClass.load_from_checkpoint("last.ckpt")``
    with the class read from the checkpoint's ``lstmzoo`` record (the model as its class
    builds it, in train mode). ``path`` may also name shipped weights the way ``--ckpt_path``
    does: ``"pretrained:MODEL"`` (the model's default weights) or ``"pretrained:MODEL:TAG"``,
    which is ``lstmzoo.create_model(MODEL, pretrained=TAG)`` (in eval mode, ready to predict).

    Raises:
        CheckpointError: a bad file (see :func:`~lstmzoo.checkpoint_file.read_checkpoint`), a
            checkpoint without the ``lstmzoo`` record, or one naming a class that is neither
            the package's nor a registered plugin's.
        ConfigError: a ``pretrained:`` reference to a model or tag without weights.
    """
    if is_pretrained_reference(path):
        from lstmzoo.weights import load_pretrained

        return load_pretrained(*parse_pretrained_reference(str(path))).to(map_location)
    ckpt = read_checkpoint(path)
    cls = _checkpoint_class(path, ckpt.get("lstmzoo"))
    hparams = ckpt.get("hyper_parameters") or {}
    model = cls(**{k: v for k, v in hparams.items() if not k.startswith("_")})
    model.load_state_dict(ckpt["state_dict"])
    return model.to(map_location)
