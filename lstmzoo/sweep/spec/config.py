"""The sweep against the config: a trial's composed config, and the check before any trial runs.

Both go through the real ``lstmzoo fit`` parser, so a mistyped key or a value of the wrong type
is the same one-line :class:`~lstmzoo.errors.ConfigError` the CLI would give, before anything
trains.
"""

from __future__ import annotations

import difflib
import json
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from lstmzoo.errors import ConfigError
from lstmzoo.sweep.spec.messages import fail
from lstmzoo.sweep.spec.schema import SEED_KEY, SweepSpec
from lstmzoo.sweep.spec.space import Categorical

__all__ = ["compose_config", "validate_against_config"]


def _flag(key: str, value: Any) -> str:
    """``--key=value`` for the parser; non-strings travel as JSON (which is YAML)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return f"--{key}={text}"


_PARSER: Any = None  # the ``lstmzoo fit`` parser, built once per process (about 0.2 s each)
_PARSER_LOCK = threading.Lock()  # the runner composes trial configs from several threads


def _parse(args: list[str]) -> tuple[Any, Any]:
    """Parse ``args`` with the real ``lstmzoo fit`` parser; returns (parser, config).

    The parser is built by the first call and reused: a jsonargparse parser parses any number
    of argument lists, and each parse starts from the defaults again.
    """
    global _PARSER
    with _PARSER_LOCK:
        if _PARSER is not None:
            return _PARSER, _PARSER.parse_args(args)
        parser, config = _build_and_parse(args)
        _PARSER = parser
        return parser, config


def _build_and_parse(args: list[str]) -> tuple[Any, Any]:
    from typing_extensions import override

    from lstmzoo.cli.lightning import LstmzooCLI

    class _ParseOnly(LstmzooCLI):
        @override
        def instantiate_classes(self) -> None:  # parse and check types, build nothing
            return None

    import logging
    import sys

    argv = sys.argv
    sys.argv = argv[:1]  # the parser reads only ``args``; keep LightningCLI from looking at ours
    seed_log = logging.getLogger("lightning.fabric.utilities.seed")
    level = seed_log.level
    seed_log.setLevel(logging.WARNING)  # parsing seeds nothing worth a line
    try:
        cli = _ParseOnly(args=args, run=False)
    finally:
        sys.argv = argv
        seed_log.setLevel(level)
    return cli.parser, cli.config


def _dump(parser: Any, config: Any) -> str:
    """The parsed config as YAML, ``null`` values included (a complete, explicit config)."""
    try:
        return parser.dump(config, skip_unset=False)  # jsonargparse >= 4.49
    except TypeError:
        return parser.dump(config, skip_none=False)


def _parser_message(err: Exception) -> str:
    from lstmzoo.cli.messages import clean_parser_message

    return clean_parser_message(str(err))


def _base_args(spec: SweepSpec) -> list[str]:
    args: list[str] = []
    for path in spec.base:
        args += ["-c", str(path)]
    return args


def _flatten(tree: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(tree, Mapping):
        for key, value in tree.items():
            dotted = f"{prefix}.{key}" if prefix else str(key)
            yield dotted
            yield from _flatten(value, dotted)


def compose_config(
    spec: SweepSpec, values: Mapping[str, Any], seed: int, trial_dir: str | Path
) -> dict[str, Any]:
    """The full config of one trial: base files, overrides, swept values, seed, CSV logger.

    The logger writes ``metrics.csv`` (and the CLI its ``config.yaml``) into ``trial_dir``,
    checkpoints go to ``trial_dir/checkpoints``; unless a ``ModelCheckpoint`` of the config
    already monitors the sweep's metric, one is added (``best.ckpt``), which ``test: true`` and
    ``best.yaml`` use.

    Raises:
        ConfigError: when the parser rejects a value.
    """
    from argparse import ArgumentError

    args = _base_args(spec)
    args += [_flag(k, v) for k, v in spec.overrides.items()]
    args += [_flag(k, v) for k, v in values.items()]
    args.append(f"--{SEED_KEY}={int(seed)}")
    try:
        parser, config = _parse(args)
    except ArgumentError as err:
        raise ConfigError(f"{spec.path}: {_parser_message(err)}") from None
    composed = yaml.safe_load(_dump(parser, config))
    trainer = composed.setdefault("trainer", {})
    trainer["logger"] = {
        "class_path": "lightning.pytorch.loggers.CSVLogger",
        "init_args": {"save_dir": str(trial_dir), "name": "", "version": ""},
    }
    callbacks = list(trainer.get("callbacks") or [])
    monitors = [
        (cb.get("init_args") or {})
        for cb in callbacks
        if isinstance(cb, Mapping) and str(cb.get("class_path", "")).endswith("ModelCheckpoint")
    ]
    if not any(m.get("monitor") == spec.metric for m in monitors):
        taken = any(m.get("filename") == "best" for m in monitors)
        callbacks.append(
            {
                "class_path": "lightning.pytorch.callbacks.ModelCheckpoint",
                "init_args": {
                    "monitor": spec.metric,
                    "mode": spec.mode,
                    "filename": "sweep_best" if taken else "best",
                    "save_last": False,
                    "auto_insert_metric_name": False,
                },
            }
        )
    trainer["callbacks"] = callbacks
    composed.pop("ckpt_path", None)
    return composed


def validate_against_config(spec: SweepSpec) -> None:
    """Check ``space`` and ``overrides`` against the config that ``base`` composes.

    * every key exists in the composed config (close matches otherwise);
    * every listed value, and both ends of every range, parses for its key;
    * a sample point composes into a config the parser accepts.

    Raises:
        ConfigError: the first problem, as one line.
    """
    from argparse import ArgumentError

    try:
        parser, config = _parse(_base_args(spec))
    except ArgumentError as err:
        raise ConfigError(f"{spec.path}: base: {_parser_message(err)}") from None
    tree = yaml.safe_load(_dump(parser, config))
    known = list(_flatten(tree))
    for section, keys in (("space", list(spec.space)), ("overrides", list(spec.overrides))):
        for key in keys:
            if key not in known:
                matches = difflib.get_close_matches(key, known, n=3, cutoff=0.7)
                hint = (
                    "; did you mean " + " or ".join(repr(m) for m in matches) + "?"
                    if matches
                    else "; see `lstmzoo fit -c <base> --print_config` for the keys"
                )
                raise fail(spec.path, f"{section}: {key}", "not a key of the base config" + hint)

    def check(section: str, key: str, value: Any) -> None:
        try:
            _parse([*_base_args(spec), _flag(key, value)])
        except ArgumentError as err:
            raise fail(
                spec.path,
                f"{section}: {key}",
                f"value {value!r} is not valid for this key: {_parser_message(err)}",
            ) from None

    for key, value in spec.overrides.items():
        check("overrides", key, value)
    for key, dim in spec.space.items():
        values = dim.values if isinstance(dim, Categorical) else (dim.low, dim.high)
        for value in values:
            check("space", key, value)
    first = spec.grid_points()[0] if spec.is_grid else _range_midpoint(spec)
    compose_config(spec, first, spec.seeds[0], Path("."))


def _range_midpoint(spec: SweepSpec) -> dict[str, Any]:
    point: dict[str, Any] = {}
    for key, dim in spec.space.items():
        if isinstance(dim, Categorical):
            point[key] = dim.values[0]
        else:
            point[key] = dim.low
    return point
