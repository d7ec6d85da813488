"""The sweep file: its format, read and shape-checked into a :class:`SweepSpec`.

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

:func:`load_spec` checks what the file alone can tell (entries, types, ranges, the sampler's
needs); the keys and values against the config that ``base`` composes are checked by
:func:`~lstmzoo.sweep.spec.config.validate_against_config`.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any, Literal

import yaml

from lstmzoo.errors import ConfigError
from lstmzoo.sweep.spec.messages import did_you_mean, fail
from lstmzoo.sweep.spec.space import Categorical, Dimension, Range, parse_dimension

__all__ = ["MODES", "PRUNERS", "SAMPLERS", "SEED_KEY", "SweepSpec", "load_spec"]

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
_REPORT_KEYS = ("baseline", "baseline_label", "metric", "x", "hue", "logx", "logy")
SEED_KEY = "seed_everything"


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


def _resolve_base(path: Path, item: Any) -> Path:
    if not isinstance(item, str) or not item:
        raise fail(path, "base", f"expected config file paths, got {item!r}")
    for candidate in (Path(item), path.parent / item):
        if candidate.is_file():
            return candidate
    from lstmzoo.recipes import UnknownRecipeError, recipe_path

    try:  # a shipped recipe: `lstm_adding`, `configs/lstm_adding.yaml` outside the repository
        return recipe_path(item)
    except UnknownRecipeError:
        pass
    raise fail(
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
            raise fail(path, str(key), "unknown entry" + did_you_mean(str(key), _TOP_KEYS))
    for key in ("base", "space", "metric"):
        if key not in data:
            raise fail(path, key, "missing; a sweep file needs 'base', 'space' and 'metric'")
    base_items = data["base"] if isinstance(data["base"], list) else [data["base"]]
    if not base_items:
        raise fail(path, "base", "give at least one config file")
    base = [_resolve_base(path, item) for item in base_items]

    space_raw = data["space"]
    if not isinstance(space_raw, Mapping) or not space_raw:
        raise fail(path, "space", "expected a mapping of dotted config keys to values or ranges")
    space = {str(k): parse_dimension(path, str(k), v) for k, v in space_raw.items()}
    if SEED_KEY in space:
        raise fail(path, f"space: {SEED_KEY}", "seeds are set with the 'seeds' entry")

    seeds_raw = data.get("seeds", 1)
    if isinstance(seeds_raw, bool) or not isinstance(seeds_raw, (int, list)):
        raise fail(path, "seeds", f"expected a count or a list of ints, got {seeds_raw!r}")
    if isinstance(seeds_raw, int):
        if seeds_raw < 1:
            raise fail(path, "seeds", f"the count must be >= 1, got {seeds_raw}")
        seeds = list(range(seeds_raw))
    else:
        if not seeds_raw or not all(
            isinstance(s, int) and not isinstance(s, bool) for s in seeds_raw
        ):
            raise fail(path, "seeds", f"expected a non-empty list of ints, got {seeds_raw!r}")
        if len(set(seeds_raw)) != len(seeds_raw):
            raise fail(path, "seeds", f"a seed is listed twice: {seeds_raw}")
        seeds = list(seeds_raw)

    metric = data["metric"]
    if not isinstance(metric, str) or not metric:
        raise fail(path, "metric", f"expected a logged metric name like 'val/loss', got {metric!r}")
    mode = data.get("mode", "min")
    if mode not in MODES:
        raise fail(path, "mode", f"unknown mode {mode!r}" + did_you_mean(str(mode), MODES))
    test = data.get("test", False)
    if not isinstance(test, bool):
        raise fail(path, "test", f"expected true or false, got {test!r}")

    sampler = data.get("sampler", "grid")
    if sampler not in SAMPLERS:
        raise fail(
            path, "sampler", f"unknown sampler {sampler!r}" + did_you_mean(str(sampler), SAMPLERS)
        )
    sampler_seed = data.get("sampler_seed", 0)
    if not isinstance(sampler_seed, int) or isinstance(sampler_seed, bool):
        raise fail(path, "sampler_seed", f"expected an int, got {sampler_seed!r}")
    trials = data.get("trials")
    if sampler == "grid":
        if trials is not None:
            raise fail(path, "trials", "a grid runs every point; 'trials' is for random / tpe")
        for key, dim in space.items():
            if isinstance(dim, Range) and dim.step is None:
                raise fail(
                    path,
                    f"space: {key}",
                    "a grid needs a list of values or a range with 'step'; "
                    "or use sampler: random / tpe",
                )
    elif not isinstance(trials, int) or isinstance(trials, bool) or trials < 1:
        raise fail(path, "trials", f"sampler {sampler} needs 'trials: N' (N >= 1), got {trials!r}")

    pruner_raw = data.get("pruner", "none")
    pruner_args: dict[str, Any] = {}
    if isinstance(pruner_raw, Mapping):
        pruner_args = {k: v for k, v in pruner_raw.items() if k != "name"}
        pruner = pruner_raw.get("name")
    else:
        pruner = "none" if pruner_raw is None else pruner_raw
    if pruner not in PRUNERS:
        raise fail(
            path, "pruner", f"unknown pruner {pruner!r}" + did_you_mean(str(pruner), PRUNERS)
        )
    if pruner_args:
        if pruner == "none":
            raise fail(path, "pruner", "pruner 'none' takes no options")
        import optuna

        allowed = list(inspect.signature(optuna.pruners.MedianPruner).parameters)
        for key in pruner_args:
            if key not in allowed:
                raise fail(path, f"pruner: {key}", "unknown option" + did_you_mean(key, allowed))

    overrides = data.get("overrides") or {}
    if not isinstance(overrides, Mapping):
        raise fail(path, "overrides", "expected a mapping of dotted config keys to values")
    # a key both in overrides and in space takes the swept values
    overrides = {str(k): v for k, v in overrides.items() if str(k) not in space}
    report = data.get("report") or {}
    if not isinstance(report, Mapping):
        raise fail(path, "report", "expected a mapping (baseline, metric, x, hue, logx, logy)")
    for key in report:
        if key not in _REPORT_KEYS:
            raise fail(
                path, f"report: {key}", "unknown entry" + did_you_mean(str(key), _REPORT_KEYS)
            )
    for key in ("x", "hue"):
        if key in report and report[key] not in space:
            raise fail(
                path,
                f"report: {key}",
                f"{report[key]!r} is not a key of 'space'"
                + did_you_mean(str(report[key]), list(space)),
            )
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name or "/" in name:
        raise fail(path, "name", f"expected a folder name, got {name!r}")
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
