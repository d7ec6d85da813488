"""Reading an ``lstmzoo`` command line before the parser does: flags and the config files they
name. Plain lists and dicts; nothing here imports torch, Lightning or jsonargparse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["SUBCOMMAND_SECTIONS", "config_sections", "flag_values", "read_config_arg"]

#: sections of a config file given before the subcommand (``lstmzoo -c all.yaml fit`` with
#: ``fit: {trainer: ...}`` in the file)
SUBCOMMAND_SECTIONS = ("fit", "validate", "test", "predict")


def flag_values(argv: list[str], flags: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """``(index, prefix, value)`` of every ``FLAG VALUE`` / ``FLAG=VALUE`` in ``argv``, in order.

    ``argv[index]`` is ``prefix + value``, so a caller can replace the value in place.
    """
    found = []
    for i, arg in enumerate(argv):
        if arg in flags and i + 1 < len(argv):
            found.append((i + 1, "", argv[i + 1]))
        else:
            for flag in flags:
                if arg.startswith(flag + "="):
                    found.append((i, flag + "=", arg.split("=", 1)[1]))
    return found


def config_sections(data: Any) -> list[dict[str, Any]]:
    """The parts of a loaded config that hold ``model`` / ``trainer`` / ... keys: the config
    itself and its subcommand sections (``fit:``, ``test:``, ...); ``[]`` for a non-mapping."""
    if not isinstance(data, dict):
        return []
    return [data] + [data[k] for k in SUBCOMMAND_SECTIONS if isinstance(data.get(k), dict)]


def read_config_arg(value: str) -> Any:
    """What a ``-c`` / ``--config`` value holds: the file's YAML, or the value itself read as
    inline YAML (``-c '{trainer: {accelerator: cpu}}'``); ``None`` when it is neither (the
    parser reports that)."""
    try:
        if Path(value).is_file():
            return yaml.safe_load(Path(value).read_text(encoding="utf-8"))
        if any(c in value for c in "\n:{"):
            return yaml.safe_load(value)
    except (OSError, yaml.YAMLError):
        return None
    return None
