"""Building a model from its shipped weights: the class of the card, the hyperparameters of the
file, every parameter loaded strictly.

This is where ``create_model(name, pretrained=...)``, ``load_model("pretrained:...")`` and the
command line's ``--ckpt_path pretrained:...`` end up. The model class comes from the card's
class path, so this module needs no registry.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lstmzoo.errors import CheckpointError, ConfigError
from lstmzoo.signatures import check_init_kwargs
from lstmzoo.weights.cards import get_card
from lstmzoo.weights.files import read_weights

__all__ = ["load_pretrained", "load_weights_into"]

log = logging.getLogger(__name__)


def _import_class(class_path: str) -> type:
    module_name, _, attr = class_path.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError) as err:
        raise CheckpointError(
            f"the weights belong to {class_path!r}, which this lstmzoo version does not have "
            f"({err})"
        ) from err


def load_weights_into(model: Any, state: Mapping[str, Any], where: str) -> Any:
    """``model.load_state_dict(state)``, strictly; every difference is listed in one error.

    Raises:
        CheckpointError: parameters missing from ``state``, unexpected ones, or shape mismatches.
    """
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    shapes = [
        f"{k}: weights {tuple(state[k].shape)} vs model {tuple(own[k].shape)}"
        for k in sorted(set(own) & set(state))
        if tuple(own[k].shape) != tuple(state[k].shape)
    ]
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}")
    if unexpected:
        extra = ", ".join(unexpected[:8]) + (" ..." if len(unexpected) > 8 else "")
        problems.append(f"unexpected {extra}")
    if shapes:
        problems.append("shape mismatch " + "; ".join(shapes[:8]))
    if problems:
        raise CheckpointError(
            f"the weights of {where} do not fit the model built here: " + " | ".join(problems)
        )
    model.load_state_dict(dict(state), strict=True)
    return model


def load_pretrained(
    model: str, tag: str | bool | None = True, folder: str | Path | None = None, **overrides: Any
) -> Any:
    """Build ``model`` with the hyperparameters of its shipped weights ``tag`` and load them.

    ``overrides`` replace constructor arguments (for example ``lr`` before fine-tuning); one
    that changes a weight's shape is an error naming the parameter. The model is returned in
    eval mode, on the CPU.

    Raises:
        ConfigError: unknown model / tag, or an override the class does not accept.
        CheckpointError: the file is corrupted or does not match its card or the code.
    """
    card = get_card(model, tag, folder)
    state, hparams = read_weights(card)
    cls = _import_class(card.class_path)
    args = {k: v for k, v in hparams.items() if not k.startswith("_")}
    try:
        check_init_kwargs(cls, args, where=f"weights {card.reference}")
    except TypeError as err:
        version = card.raw.get("lstmzoo", {}).get("version", "unknown")
        raise CheckpointError(
            f"{err}. The weights were made with lstmzoo {version}; install that version"
        ) from None
    try:
        check_init_kwargs(cls, overrides, where=f"create_model({model!r}, pretrained=...)")
    except TypeError as err:
        raise ConfigError(str(err)) from None
    instance = cls(**{**args, **overrides})
    try:
        load_weights_into(instance, state, card.reference)
    except CheckpointError as err:
        if not overrides:
            raise
        given = ", ".join(f"{k}={v!r}" for k, v in overrides.items())
        raise ConfigError(
            f"the overrides {given} change the model so that the weights {card.reference} no "
            f"longer fit; leave out the arguments that set layer sizes ({err})"
        ) from None
    instance.eval()
    log.debug("loaded pretrained weights %s (%s)", card.reference, card.weights_path.name)
    return instance
