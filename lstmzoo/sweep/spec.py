"""The sweep file: its schema, and its check against the composed config before any trial runs.

A sweep file is YAML::

    base: [configs/lstm_adding.yaml, configs/trainer/cpu.yaml]   # composed like repeated -c
    space:
      model.init_args.cell: [rnn, gru, lstm]                 # a list: grid / categorical
      model.init_args.lr: {low: 1.0e-4, high: 1.0e-2, log: true}   # a range (ints take step)
    seeds: 3                                                 # or a list: [0, 1, 2]
    metric: val/mse
    mode: min
    test: true                                               # test each trial's best ckpt
    sampler: tpe                                             # grid | random | tpe
    trials: 24                                               # random / tpe only
    pruner: median                                           # none | median | {name: median}
    overrides: {trainer.max_steps: 500}                      # every trial's budget
    report: {baseline: 0.167, logx: true}                    # figure options

Every key of ``space`` and ``overrides`` is checked against the config that ``base`` composes,
with the real ``lstmzoo`` parser, so a mistyped key or a value of the wrong type is one line
(:class:`~lstmzoo.errors.ConfigError`) before anything trains.
"""

from __future__ import annotations

import difflib
import hashlib
import inspect
import json
import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any, Literal

import yaml

from lstmzoo.errors import ConfigError

__all__ = [
    "Categorical",
    "Range",
    "SweepSpec",
    "compose_config",
    "load_spec",
    "validate_against_config",
]

SAMPLERS = ("grid", "random", "tpe")
PRUNERS = ("none", "median")
MODES = ("min", "max")
_TOP_KEYS = (
    "name",
    "base",
    "space",
    "seeds",
    "metric",
    "mode",
    "test",
    "sampler",
    "sampler_seed",
    "trials",
    "pruner",
    "overrides",
    "report",
)
_RANGE_KEYS = ("low", "high", "log", "step")
_REPORT_KEYS = ("baseline", "baseline_label", "metric", "x", "hue", "logx", "logy")
SEED_KEY = "seed_everything"


@dataclass(frozen=True)
class Categorical:
    """A list of values: every one is a grid point (grid) or a choice (random / tpe)."""

    values: tuple[Any, ...]


@dataclass(frozen=True)
class Range:
    """A numeric range ``[low, high]``; ``log`` samples on a log scale, ``step`` discretises.

    Integer ranges (both ends ints) suggest ints. A grid enumerates a range only with ``step``.
    """

    low: float
    high: float
    log: bool = False
    step: float | None = None

    @property
    def is_int(self) -> bool:
        return isinstance(self.low, int) and isinstance(self.high, int)

    def grid_values(self) -> tuple[Any, ...]:
        """The values a grid runs: ``low, low + step, ..., <= high``."""
        assert self.step is not None
        count = math.floor((self.high - self.low) / self.step + 1e-9) + 1
        values = [self.low + i * self.step for i in range(count)]
        return tuple(int(v) for v in values) if self.is_int else tuple(values)


Dimension = Categorical | Range


@dataclass
class SweepSpec:
    """A parsed and shape-checked sweep file (see the module docstring for the format)."""

    path: Path
    name: str
    base: list[Path]
    space: dict[str, Dimension]
    seeds: list[int]
    metric: str
    mode: Literal["min", "max"] = "min"
    test: bool = False
    sampler: str = "grid"
    sampler_seed: int = 0
    trials: int | None = None
    pruner: str = "none"
    pruner_args: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def is_grid(self) -> bool:
        return self.sampler == "grid"

    @property
    def direction(self) -> str:
        return "minimize" if self.mode == "min" else "maximize"

    @property
    def test_metric(self) -> str | None:
        """The test-split counterpart of ``metric`` (``val/mse`` -> ``test/mse``)."""
        if not self.test:
            return None
        head, sep, tail = self.metric.partition("/")
        if sep and head in ("val", "valid", "validation"):
            return f"test/{tail}"
        return self.metric.replace("val", "test", 1) if "val" in self.metric else None

    def grid_points(self) -> list[dict[str, Any]]:
        """Every point of a grid (without seeds), in a fixed order."""
        keys = list(self.space)
        axes = [
            dim.values if isinstance(dim, Categorical) else dim.grid_values()
            for dim in self.space.values()
        ]
        return [dict(zip(keys, combo)) for combo in product(*axes)]

    def total_runs(self) -> int:
        """Trials the sweep runs when none fails or is pruned (points x seeds)."""
        points = len(self.grid_points()) if self.is_grid else int(self.trials or 0)
        return points * len(self.seeds)

    def fingerprint(self) -> str:
        """What identifies a study: the space, seeds, sampler and metric (not the budget)."""
        keep = {k: self.raw.get(k) for k in ("space", "seeds", "sampler", "metric", "mode")}
        blob = json.dumps(keep, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _fail(path: Path | str, where: str, message: str) -> ConfigError:
    return ConfigError(f"{path}: {where}: {message}")


def _close(word: str, options: Sequence[str]) -> str:
    matches = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    if matches:
        return "; did you mean " + " or ".join(repr(m) for m in matches) + "?"
    return f"; expected one of {', '.join(options)}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _parse_dimension(path: Path, key: str, value: Any) -> Dimension:
    where = f"space: {key}"
    if isinstance(value, list):
        if not value:
            raise _fail(path, where, "the list of values is empty; give at least one value")
        seen: list[str] = []
        for item in value:
            text = json.dumps(item, sort_keys=True, default=str)
            if text in seen:
                raise _fail(path, where, f"the value {item!r} is listed twice")
            seen.append(text)
        return Categorical(tuple(value))
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in _RANGE_KEYS]
        if unknown:
            raise _fail(
                path, where, f"unknown range key {unknown[0]!r}" + _close(unknown[0], _RANGE_KEYS)
            )
        if "low" not in value or "high" not in value:
            raise _fail(path, where, "a range needs both 'low' and 'high'")
        low, high, log, step = (
            value["low"],
            value["high"],
            value.get("log", False),
            value.get("step"),
        )
        for name, item in (("low", low), ("high", high)):
            if not _is_number(item):
                raise _fail(path, where, f"'{name}' must be a number, got {item!r}")
        if not isinstance(log, bool):
            raise _fail(path, where, f"'log' must be true or false, got {log!r}")
        if low > high:
            raise _fail(path, where, f"inverted range: low {low} > high {high}; swap them")
        if low == high:
            raise _fail(path, where, f"empty range: low == high == {low}; use a list for one value")
        if log and low <= 0:
            raise _fail(path, where, f"a log range needs low > 0, got {low}")
        if step is not None:
            if not _is_number(step) or step <= 0:
                raise _fail(path, where, f"'step' must be a positive number, got {step!r}")
            if log:
                raise _fail(path, where, "'step' and 'log: true' cannot be combined")
            if isinstance(low, int) and isinstance(high, int) and not isinstance(step, int):
                raise _fail(path, where, f"an int range needs an int 'step', got {step!r}")
        return Range(low, high, log, step)
    raise _fail(
        path,
        where,
        f"expected a list of values or a range {{low, high, log, step}}, got {value!r}",
    )


def _resolve_base(path: Path, item: Any) -> Path:
    if not isinstance(item, str) or not item:
        raise _fail(path, "base", f"expected config file paths, got {item!r}")
    for candidate in (Path(item), path.parent / item):
        if candidate.is_file():
            return candidate
    from lstmzoo.recipes import UnknownRecipeError, recipe_path

    try:  # a shipped recipe: `lstm_adding`, `configs/lstm_adding.yaml` outside the repository
        return recipe_path(item)
    except UnknownRecipeError:
        pass
    raise _fail(
        path,
        "base",
        f"config file {item!r} not found (relative to the current folder or {path.parent}, "
        "nor a shipped recipe: see `lstmzoo recipes`)",
    )


def load_spec(path: str | Path, data: Mapping[str, Any] | None = None) -> SweepSpec:
    """Read and shape-check a sweep file (the config-dependent checks are separate).

    Raises:
        ConfigError: one line naming the file, the entry and what is wrong.
    """
    path = Path(path)
    if data is None and not path.is_file():
        from lstmzoo.recipes import UnknownRecipeError, recipe_path

        # `sweeps/memory_vs_length`, `configs/sweeps/...yaml` or just `memory_vs_length`
        for candidate in (str(path), f"sweeps/{path.stem}"):
            try:
                path = recipe_path(candidate)
                break
            except UnknownRecipeError:
                continue
    if data is None:
        if not path.is_file():
            raise ConfigError(
                f"sweep file {path} not found, nor a shipped sweep of that name "
                "(see `lstmzoo recipes list sweeps/`)"
            )
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise ConfigError(f"{path}: not valid YAML: {first}") from None
    if not isinstance(data, Mapping):
        raise ConfigError(f"{path}: a sweep file is a mapping with 'base', 'space', 'metric', ...")
    for key in data:
        if key not in _TOP_KEYS:
            raise _fail(path, str(key), "unknown entry" + _close(str(key), _TOP_KEYS))
    for key in ("base", "space", "metric"):
        if key not in data:
            raise _fail(path, key, "missing; a sweep file needs 'base', 'space' and 'metric'")
    base_items = data["base"] if isinstance(data["base"], list) else [data["base"]]
    if not base_items:
        raise _fail(path, "base", "give at least one config file")
    base = [_resolve_base(path, item) for item in base_items]

    space_raw = data["space"]
    if not isinstance(space_raw, Mapping) or not space_raw:
        raise _fail(path, "space", "expected a mapping of dotted config keys to values or ranges")
    space = {str(k): _parse_dimension(path, str(k), v) for k, v in space_raw.items()}
    if SEED_KEY in space:
        raise _fail(path, f"space: {SEED_KEY}", "seeds are set with the 'seeds' entry")

    seeds_raw = data.get("seeds", 1)
    if isinstance(seeds_raw, bool) or not isinstance(seeds_raw, (int, list)):
        raise _fail(path, "seeds", f"expected a count or a list of ints, got {seeds_raw!r}")
    if isinstance(seeds_raw, int):
        if seeds_raw < 1:
            raise _fail(path, "seeds", f"the count must be >= 1, got {seeds_raw}")
        seeds = list(range(seeds_raw))
    else:
        if not seeds_raw or not all(
            isinstance(s, int) and not isinstance(s, bool) for s in seeds_raw
        ):
            raise _fail(path, "seeds", f"expected a non-empty list of ints, got {seeds_raw!r}")
        if len(set(seeds_raw)) != len(seeds_raw):
            raise _fail(path, "seeds", f"a seed is listed twice: {seeds_raw}")
        seeds = list(seeds_raw)

    metric = data["metric"]
    if not isinstance(metric, str) or not metric:
        raise _fail(
            path, "metric", f"expected a logged metric name like 'val/loss', got {metric!r}"
        )
    mode = data.get("mode", "min")
    if mode not in MODES:
        raise _fail(path, "mode", f"unknown mode {mode!r}" + _close(str(mode), MODES))
    test = data.get("test", False)
    if not isinstance(test, bool):
        raise _fail(path, "test", f"expected true or false, got {test!r}")

    sampler = data.get("sampler", "grid")
    if sampler not in SAMPLERS:
        raise _fail(
            path, "sampler", f"unknown sampler {sampler!r}" + _close(str(sampler), SAMPLERS)
        )
    sampler_seed = data.get("sampler_seed", 0)
    if not isinstance(sampler_seed, int) or isinstance(sampler_seed, bool):
        raise _fail(path, "sampler_seed", f"expected an int, got {sampler_seed!r}")
    trials = data.get("trials")
    if sampler == "grid":
        if trials is not None:
            raise _fail(path, "trials", "a grid runs every point; 'trials' is for random / tpe")
        for key, dim in space.items():
            if isinstance(dim, Range) and dim.step is None:
                raise _fail(
                    path,
                    f"space: {key}",
                    "a grid needs a list of values or a range with 'step'; "
                    "or use sampler: random / tpe",
                )
    elif not isinstance(trials, int) or isinstance(trials, bool) or trials < 1:
        raise _fail(path, "trials", f"sampler {sampler} needs 'trials: N' (N >= 1), got {trials!r}")

    pruner_raw = data.get("pruner", "none")
    pruner_args: dict[str, Any] = {}
    if isinstance(pruner_raw, Mapping):
        pruner_args = {k: v for k, v in pruner_raw.items() if k != "name"}
        pruner = pruner_raw.get("name")
    else:
        pruner = "none" if pruner_raw is None else pruner_raw
    if pruner not in PRUNERS:
        raise _fail(path, "pruner", f"unknown pruner {pruner!r}" + _close(str(pruner), PRUNERS))
    if pruner_args:
        if pruner == "none":
            raise _fail(path, "pruner", "pruner 'none' takes no options")
        import optuna

        allowed = list(inspect.signature(optuna.pruners.MedianPruner).parameters)
        for key in pruner_args:
            if key not in allowed:
                raise _fail(path, f"pruner: {key}", "unknown option" + _close(key, allowed))

    overrides = data.get("overrides") or {}
    if not isinstance(overrides, Mapping):
        raise _fail(path, "overrides", "expected a mapping of dotted config keys to values")
    # a key both in overrides and in space takes the swept values
    overrides = {str(k): v for k, v in overrides.items() if str(k) not in space}
    report = data.get("report") or {}
    if not isinstance(report, Mapping):
        raise _fail(path, "report", "expected a mapping (baseline, metric, x, hue, logx, logy)")
    for key in report:
        if key not in _REPORT_KEYS:
            raise _fail(path, f"report: {key}", "unknown entry" + _close(str(key), _REPORT_KEYS))
    for key in ("x", "hue"):
        if key in report and report[key] not in space:
            raise _fail(
                path,
                f"report: {key}",
                f"{report[key]!r} is not a key of 'space'" + _close(str(report[key]), list(space)),
            )
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name or "/" in name:
        raise _fail(path, "name", f"expected a folder name, got {name!r}")
    return SweepSpec(
        path=path,
        name=name,
        base=base,
        space=space,
        seeds=seeds,
        metric=metric,
        mode=mode,
        test=test,
        sampler=sampler,
        sampler_seed=sampler_seed,
        trials=trials if sampler != "grid" else None,
        pruner=pruner,
        pruner_args=dict(pruner_args),
        overrides=overrides,
        report=dict(report),
        raw=dict(data),
    )


# --- the config side -----------------------------------------------------------------------


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
    from lstmzoo.cli import LstmzooCLI

    class _ParseOnly(LstmzooCLI):
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
    from lstmzoo.cli import _clean_parser_message

    return _clean_parser_message(str(err))


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
                raise _fail(spec.path, f"{section}: {key}", "not a key of the base config" + hint)

    def check(section: str, key: str, value: Any) -> None:
        try:
            _parse([*_base_args(spec), _flag(key, value)])
        except ArgumentError as err:
            raise _fail(
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
