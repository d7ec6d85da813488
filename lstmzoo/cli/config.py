"""What the command line and the config files say, rewritten into what the parser reads.

Registry names work wherever a model class path does (``--model lstm``, ``model: lstm`` in a
file), recipe names wherever a config file does (``-c lstm_adding``), and ``precision: auto``
wherever a precision does (:mod:`lstmzoo.cli.auto_precision`). A registry name expands to
``{class_path: <class>, init_args: <registered defaults>}``; further ``init_args`` from later files
or flags are merged on top.

Config files are read through the parser mode :data:`PARSER_MODE`, registered with jsonargparse
when this module is imported (jsonargparse keeps its loaders by mode name, for the process).
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from jsonargparse import Namespace, get_loader, set_loader

from lstmzoo.cli.argv import config_sections, flag_values
from lstmzoo.cli.auto_precision import current_auto_precision, resolve_auto_precision
from lstmzoo.registry import get_model_spec

__all__ = [
    "PARSER_MODE",
    "expand_model_name",
    "load_config_value",
    "plain_config",
    "rewrite_name_flags",
]

#: the jsonargparse parser mode of the ``lstmzoo`` parsers (YAML, plus the rewriting here)
PARSER_MODE = "lstmzoo_yaml"


def expand_model_name(model: Any) -> Any:
    """Expand a registry name into a class path and its registered defaults.

    ``"lstm"`` or ``{"class_path": "lstm", ...}`` becomes
    ``{"class_path": <class>, "init_args": ...}``.

    Registry defaults go under any ``init_args`` given; anything that is not a registry name
    (a class path, a class name, a mapping without ``class_path``) comes back unchanged.

    Raises:
        ConfigError: a lower-case name that is not registered (the message lists close ones).
    """
    if isinstance(model, str):
        name, init_args = model, {}
    elif isinstance(model, dict) and isinstance(model.get("class_path"), str):
        name, init_args = model["class_path"], dict(model.get("init_args") or {})
    else:
        return model
    if "." in name or not name.islower():
        return model  # a class path or a CamelCase class name: jsonargparse resolves it
    spec = get_model_spec(name)  # unknown lower-case names raise, listing close matches
    expanded = dict(model) if isinstance(model, dict) else {}
    expanded["class_path"] = spec.class_path
    expanded["init_args"] = {**copy.deepcopy(spec.defaults), **init_args}
    return expanded


def load_config_value(value: str) -> Any:
    """The loader of :data:`PARSER_MODE`: YAML, with registry names expanded and
    ``precision: auto`` resolved (for the whole command line when a CLI is parsing it)."""
    data = get_loader("yaml")(value)
    for section in config_sections(data):
        if "model" in section:
            section["model"] = expand_model_name(section["model"])
        trainer = section.get("trainer")
        if isinstance(trainer, dict) and trainer.get("precision") == "auto":
            auto = current_auto_precision()
            if auto is not None:
                trainer["precision"] = auto.precision
            else:  # the parser mode used outside a CLI: the accelerator next to it decides
                trainer["precision"] = resolve_auto_precision(trainer.get("accelerator"))
    return data


set_loader(PARSER_MODE, load_config_value, (yaml.YAMLError,))


def rewrite_name_flags(argv: list[str]) -> list[str]:
    """Registry and recipe names on the command line -> what the parser reads.

    ``--model lstm`` becomes the expanded mapping, ``--model.help lstm`` the class path, and
    ``-c lstm_adding`` (a name that is not a file) the path of the shipped recipe.

    Raises:
        ConfigError: an unknown model name, or a ``-c`` value that is neither a file nor a
            recipe (:class:`~lstmzoo.recipes.UnknownRecipeError`).
    """
    from lstmzoo.recipes import resolve_config_arg

    out = list(argv)
    for index, prefix, value in flag_values(out, ("--model",)):
        if value.isidentifier() and value.islower():
            expanded = expand_model_name(value)
            out[index] = prefix + yaml.safe_dump(expanded, default_flow_style=True).strip()
    for index, prefix, value in flag_values(out, ("--model.help",)):
        if value.isidentifier() and value.islower():
            out[index] = prefix + get_model_spec(value).class_path
    for index, prefix, value in flag_values(out, ("-c", "--config")):
        out[index] = prefix + resolve_config_arg(value)
    return out


def plain_config(cfg: Namespace) -> None:
    """Restricted numbers (``PositiveInt`` ...) in the parsed config -> built-in ``int`` /
    ``float``, in place, so constructors store plain values and checkpoints stay
    ``weights_only``-safe."""
    from lstmzoo.argtypes import plain

    for key, value in list(cfg.items()):
        converted = plain(value)
        if converted is not value:
            cfg[key] = converted
