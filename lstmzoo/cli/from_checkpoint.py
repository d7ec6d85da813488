"""``--ckpt_path``: the model's constructor arguments from a checkpoint file or shipped weights.

With ``--ckpt_path FILE`` for validate / test / predict, the model is rebuilt with the
arguments the checkpoint stores (zoo checkpoints record their class path), so no config has to
repeat them. With ``--ckpt_path pretrained:MODEL[:TAG]`` the arguments come from the weights'
card, and the weights are loaded once the model is built (:func:`start_from_pretrained`).
"""

from __future__ import annotations

import importlib
import inspect
import logging
from dataclasses import dataclass, field
from typing import Any

from jsonargparse import ArgumentParser, Namespace

from lstmzoo.checkpoint import is_pretrained_reference, parse_pretrained_reference

__all__ = ["CheckpointArgs", "read_ckpt_path", "start_from_pretrained"]

log = logging.getLogger(__name__)

#: ``--ckpt_path`` values that Lightning resolves itself (no file to read here)
LIGHTNING_CKPT_NAMES = ("last", "best", "hpc", "registry")


@dataclass
class CheckpointArgs:
    """What ``--ckpt_path`` put into the parsed configuration.

    Attributes:
        config: the configuration, with the model's arguments replaced where they came from
            the checkpoint or card.
        hparams_loaded: whether they did (the data module then adopts the model's vocabulary,
            classes or alphabet instead of building its own).
        callback_states: the checkpoint's ``callbacks`` entry (validate / test / predict).
        pretrained: ``(card, state dict)`` of ``pretrained:`` weights, read and checked.
    """

    config: Namespace
    hparams_loaded: bool = False
    callback_states: dict[str, Any] = field(default_factory=dict)
    pretrained: tuple[Any, dict[str, Any]] | None = None


def read_ckpt_path(parser: ArgumentParser, config: Namespace) -> CheckpointArgs:
    """Read the subcommand's ``--ckpt_path`` into ``config`` (parsed by ``parser``).

    A file is read once here, so a bad one fails with one clear message; for ``fit`` it only
    resumes (the config describes the model, Lightning restores the state).

    Raises:
        CheckpointError: the file is missing, truncated or not a checkpoint.
        ConfigError: an unknown ``pretrained:`` model or tag, or weights that fail their check.
    """
    sub = config.get("subcommand")
    if not sub:
        return CheckpointArgs(config)
    ckpt_path = config[sub].get("ckpt_path")
    if is_pretrained_reference(ckpt_path):
        return _from_pretrained(parser, config, sub, str(ckpt_path))
    if not ckpt_path or str(ckpt_path) in LIGHTNING_CKPT_NAMES:
        return CheckpointArgs(config)
    from lstmzoo.checkpoint import read_checkpoint

    ckpt = read_checkpoint(ckpt_path)  # a bad file fails here with one clear message
    if sub == "fit":
        return CheckpointArgs(config)
    states = dict(ckpt.get("callbacks") or {})
    hparams = dict(ckpt.get("hyper_parameters") or {})
    for key in ("_instantiator", "_class_path"):
        hparams.pop(key, None)
    class_path = (ckpt.get("lstmzoo") or {}).get("class_path")
    if not hparams or not class_path:
        return CheckpointArgs(config, callback_states=states)
    model = {"class_path": class_path, "init_args": hparams}
    config = parser.parse_object({sub: {"model": model}}, config)
    return CheckpointArgs(config, hparams_loaded=True, callback_states=states)


def _from_pretrained(
    parser: ArgumentParser, config: Namespace, sub: str, reference: str
) -> CheckpointArgs:
    """``--ckpt_path pretrained:MODEL[:TAG]``: the model's constructor arguments come from
    the shipped weights' card (for ``fit``, the config's values win where they leave the
    weights' shapes alone, so ``lr`` and the like can change for fine-tuning), and the
    data module adopts the weights' vocabulary or alphabet. The weights are read and
    checked here (SHA-256, card) and loaded once the model is built."""
    from lstmzoo.weights import get_card, read_weights

    card = get_card(*parse_pretrained_reference(reference))
    state, hparams = read_weights(card)
    init_args = {k: v for k, v in hparams.items() if not k.startswith("_")}
    if sub == "fit":
        current = config[sub].get("model")
        given = current.get("init_args") if isinstance(current, Namespace) else None
        if given is not None and current.get("class_path") == card.class_path:
            init_args.update(_changed_from_defaults(card.class_path, _plain_dict(given)))
    model = {"class_path": card.class_path, "init_args": init_args}
    config = parser.parse_object({sub: {"model": model}}, config)
    return CheckpointArgs(config, hparams_loaded=True, pretrained=(card, state))


def start_from_pretrained(model: Any, pretrained: tuple[Any, dict[str, Any]]) -> None:
    """Load ``pretrained`` (``(card, state dict)`` from :func:`read_ckpt_path`) into the built
    ``model``; the run then starts from these weights with a fresh optimizer and step 0."""
    from lstmzoo.weights import load_weights_into

    card, state = pretrained
    load_weights_into(model, state, card.reference)
    log.info("starting from the pretrained weights %s", card.reference)


def _plain_dict(ns: Any) -> dict[str, Any]:
    return ns.as_dict() if isinstance(ns, Namespace) else dict(ns or {})


def _changed_from_defaults(class_path: str, init_args: dict[str, Any]) -> dict[str, Any]:
    """The ``init_args`` whose value differs from the constructor's default: what a config or
    a flag set on purpose (``lr: 1e-4`` for fine-tuning), as opposed to values nobody chose."""
    module, _, name = class_path.rpartition(".")
    params = inspect.signature(getattr(importlib.import_module(module), name)).parameters
    return {
        k: v
        for k, v in init_args.items()
        if k in params and params[k].default is not inspect.Parameter.empty
        and _argtypes_plain(v) != _argtypes_plain(params[k].default)
    }  # fmt: skip


def _argtypes_plain(value: Any) -> Any:
    from lstmzoo.argtypes import plain

    value = plain(value)
    return list(value) if isinstance(value, tuple) else value
