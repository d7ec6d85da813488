"""Reading a sweep: the table grouped by the swept values, ``best.yaml`` and the figures.

The rows come from the study's storage: completed trials grouped by their point, the metric's
mean and sample standard deviation over seeds, ``n``, and the time per trial. Figures are PNGs in
the sweep folder (matplotlib is imported only here, when figures are asked for).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import statistics
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lstmzoo.errors import ConfigError
from lstmzoo.sweep.storage import open_storage

__all__ = ["GroupRow", "SweepReport", "load_report", "render", "write_report"]

log = logging.getLogger(__name__)
ATTR = "sweep:"


@dataclass
class GroupRow:
    """One point of the sweep, aggregated over its seeds."""

    point: dict[str, Any]
    values: list[float] = field(default_factory=list)
    test: dict[str, list[float]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    trials: list[Any] = field(default_factory=list)  # the completed FrozenTrials
    pruned: int = 0
    failed: int = 0
    best: bool = False

    @property
    def n(self) -> int:
        return len(self.values)

    @staticmethod
    def _mean_std(values: list[float]) -> tuple[float, float]:
        if not values:
            return math.nan, math.nan
        mean = statistics.fmean(values)
        return mean, statistics.stdev(values) if len(values) > 1 else 0.0

    @property
    def mean(self) -> float:
        return self._mean_std(self.values)[0]

    @property
    def std(self) -> float:
        return self._mean_std(self.values)[1]

    def test_stats(self, metric: str) -> tuple[float, float]:
        return self._mean_std(self.test.get(metric, []))


@dataclass
class SweepReport:
    """A study read back: its sweep file's entries and the grouped rows."""

    name: str
    folder: Path
    study: Any
    spec: dict[str, Any]
    rows: list[GroupRow]
    errors: list[tuple[int, str]]

    @property
    def metric(self) -> str:
        return str(self.spec["metric"])

    @property
    def mode(self) -> str:
        return str(self.spec.get("mode", "min"))

    @property
    def keys(self) -> list[str]:
        return list(self.spec.get("space") or {})

    @property
    def test_metric(self) -> str | None:
        if not self.spec.get("test"):
            return None
        head, sep, tail = self.metric.partition("/")
        return f"test/{tail}" if sep and head.startswith("val") else None

    @property
    def plot_metric(self) -> str:
        """What the figures plot: ``report.metric``, else the test metric, else the metric."""
        report = self.spec.get("report") or {}
        return str(report.get("metric") or self.test_metric or self.metric)

    def best_row(self) -> GroupRow | None:
        scored = [r for r in self.rows if r.values]
        if not scored:
            return None
        sign = 1.0 if self.mode == "min" else -1.0
        return min(scored, key=lambda r: sign * r.mean)

    def short_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for key in self.keys:
            parts = key.split(".")
            short = parts[-1]
            if sum(k.split(".")[-1] == short for k in self.keys) > 1:
                short = ".".join(parts[-2:])
            names[key] = short
        return names


def load_report(
    name_or_folder: str | Path, *, root: str | Path = "runs/sweeps", storage: str | None = None
) -> SweepReport:
    """Read a sweep back from its storage.

    Raises:
        ConfigError: no such sweep, or the storage holds no study of that name.
    """
    import optuna

    folder = Path(name_or_folder)
    if not folder.is_dir():
        folder = Path(root) / str(name_or_folder)
    name = folder.name
    if storage is None:
        db = folder / "study.db"
        if not db.is_file():
            raise ConfigError(
                f"no sweep {str(name_or_folder)!r}: {db} not found (give --root, or --storage "
                "for a sweep kept in a database server)"
            )
        storage = f"sqlite:///{db}"
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    store = open_storage(storage)
    try:
        study = optuna.load_study(study_name=name, storage=store)
    except KeyError:
        names = [s.study_name for s in optuna.get_all_study_summaries(store)]
        raise ConfigError(
            f"no study {name!r} in the storage; it holds: {', '.join(names) or 'none'}"
        ) from None
    spec = dict(study.user_attrs.get(ATTR + "spec") or {})
    if "metric" not in spec:
        raise ConfigError(f"the study {name!r} was not made by `lstmzoo sweep run`")
    groups: dict[str, GroupRow] = {}
    order: list[str] = []
    errors: list[tuple[int, str]] = []
    for t in study.get_trials(deepcopy=False):
        attrs = t.user_attrs
        if ATTR + "key" not in attrs or attrs.get(ATTR + "duplicate"):
            continue
        point = attrs.get(ATTR + "point", {})
        gkey = json.dumps(point, sort_keys=True, default=str)
        if gkey not in groups:
            groups[gkey] = GroupRow(point=point)
            order.append(gkey)
        row = groups[gkey]
        if t.state.name == "COMPLETE":
            row.values.append(float(t.value))
            row.trials.append(t)
            row.seconds.append(float(attrs.get(ATTR + "wall_seconds", math.nan)))
            for metric, value in (attrs.get(ATTR + "test") or {}).items():
                row.test.setdefault(metric, []).append(float(value))
        elif t.state.name == "PRUNED":
            row.pruned += 1
        elif t.state.name == "FAIL" and attrs.get(ATTR + "final"):
            row.failed += 1
            errors.append((t.number, str(attrs.get(ATTR + "error", "unknown error"))))
    rows = [groups[k] for k in order]
    report = SweepReport(name, folder, study, spec, rows, errors)
    if spec.get("sampler", "grid") == "grid":
        space = spec.get("space") or {}

        def position(row: GroupRow) -> tuple:
            out = []
            for key, values in space.items():
                value = row.point.get(key)
                out.append(
                    values.index(value) if isinstance(values, list) and value in values else value
                )
            return tuple(out)

        rows.sort(key=position)
    else:
        sign = 1.0 if report.mode == "min" else -1.0
        rows.sort(key=lambda r: (not r.values, sign * r.mean if r.values else 0.0))
    best = report.best_row()
    if best is not None:
        best.best = True
    return report


def _fmt(value: float, std: float | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:.4g}"
    return text if std is None or math.isnan(std) else f"{text} ± {std:.2g}"


def _value(value: Any) -> str:
    """A swept value for the table: floats to 4 significant digits."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _records(report: SweepReport) -> list[dict[str, Any]]:
    names = report.short_names()
    out = []
    for row in report.rows:
        record: dict[str, Any] = {names[k]: row.point.get(k) for k in report.keys}
        record[f"{report.metric} mean"] = None if not row.values else row.mean
        record[f"{report.metric} std"] = None if not row.values else row.std
        if report.test_metric:
            mean, std = row.test_stats(report.test_metric)
            record[f"{report.test_metric} mean"] = None if math.isnan(mean) else mean
            record[f"{report.test_metric} std"] = None if math.isnan(std) else std
        record["n"] = row.n
        seconds = [s for s in row.seconds if not math.isnan(s)]
        record["seconds per trial"] = statistics.fmean(seconds) if seconds else None
        record["pruned"] = row.pruned
        record["failed"] = row.failed
        record["best"] = row.best
        out.append(record)
    return out


def render(report: SweepReport, fmt: str) -> str | Any:
    """The table as ``markdown`` / ``csv`` / ``json`` text, or a rich ``Table`` for ``rich``."""
    records = _records(report)
    if fmt == "json":
        return json.dumps(
            {"name": report.name, "metric": report.metric, "mode": report.mode, "rows": records},
            indent=1,
        )
    if fmt == "csv":
        buffer = io.StringIO()
        fields = list(records[0]) if records else []
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return buffer.getvalue()
    names = report.short_names()
    header = [names[k] for k in report.keys] + [report.metric]
    if report.test_metric:
        header.append(report.test_metric)
    header += ["n", "s / trial"]
    if any(r.pruned for r in report.rows):
        header.append("pruned")
    if any(r.failed for r in report.rows):
        header.append("failed")
    lines = []
    for row, record in zip(report.rows, records):
        cells = [_value(row.point.get(k)) for k in report.keys]
        spread = row.n > 1
        cells.append(_fmt(row.mean, row.std if spread else None) if row.values else "–")
        if report.test_metric:
            mean, std = row.test_stats(report.test_metric)
            cells.append(_fmt(mean, std if spread else None))
        cells.append(str(row.n))
        seconds = record["seconds per trial"]
        cells.append("–" if seconds is None else f"{seconds:.1f}")
        if "pruned" in header:
            cells.append(str(row.pruned))
        if "failed" in header:
            cells.append(str(row.failed))
        if row.best:
            cells[0] = f"{cells[0]} ★"
        lines.append(cells)
    if fmt == "markdown":
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(cells) + " |" for cells in lines]
        return "\n".join(out) + "\n"
    from rich.table import Table

    table = Table(
        title=f"sweep {report.name}: {report.metric} ({report.mode}), mean ± std over seeds",
        caption="★ best point",
    )
    for i, column in enumerate(header):
        table.add_column(column, justify="left" if i < len(report.keys) else "right")
    for row, cells in zip(report.rows, lines):
        table.add_row(*cells, style="bold green" if row.best else None)
    return table


def write_best(report: SweepReport) -> Path | None:
    """``best.yaml``: the config of the best point's best seed, logging to ``folder/best``."""
    row = report.best_row()
    if row is None:
        return None
    sign = 1.0 if report.mode == "min" else -1.0
    trial = min(row.trials, key=lambda t: sign * t.value)
    source = Path(str(trial.user_attrs.get(ATTR + "dir"))) / "config.yaml"
    if not source.is_file():
        log.warning("best.yaml: %s is missing (trial ran on another machine?)", source)
        return None
    config = yaml.safe_load(source.read_text(encoding="utf-8"))
    logger = (config.get("trainer") or {}).get("logger")
    if isinstance(logger, dict):
        logger.setdefault("init_args", {})["save_dir"] = str(report.folder / "best")
    target = report.folder / "best.yaml"
    point = ", ".join(f"{k}={v}" for k, v in row.point.items())
    header = (
        f"# best point of sweep {report.name}: {point}\n"
        f"# {report.metric} = {row.mean:.6g} ± {row.std:.2g} over {row.n} seed(s); this config "
        f"is trial {trial.number}'s (seed {trial.user_attrs.get(ATTR + 'seed')})\n"
        f"#   lstmzoo fit -c {target}\n"
    )
    target.write_text(header + yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


def _read_curve(folder: Path, metric: str) -> tuple[list[float], list[float]]:
    path = folder / "metrics.csv"
    steps: list[float] = []
    values: list[float] = []
    if not path.is_file():
        return steps, values
    with open(path, newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            raw = record.get(metric)
            if raw in (None, ""):
                continue
            steps.append(float(record.get("step") or 0))
            values.append(float(raw))
    return steps, values


def _label(report: SweepReport, point: dict[str, Any], skip: str | None = None) -> str:
    names = report.short_names()
    return ", ".join(f"{names[k]}={v}" for k, v in point.items() if k != skip and k in names)


def write_figures(report: SweepReport) -> list[Path]:
    """PNG figures in the sweep folder; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written: list[Path] = []
    opts = report.spec.get("report") or {}
    metric = report.plot_metric
    names = report.short_names()

    def stats(row: GroupRow) -> tuple[float, float, int]:
        values = row.values if metric == report.metric else row.test.get(metric, [])
        if not values:
            return math.nan, math.nan, 0
        mean = statistics.fmean(values)
        return mean, statistics.stdev(values) if len(values) > 1 else 0.0, len(values)

    scored = [r for r in report.rows if stats(r)[2]]
    x_keys = [opts["x"]] if opts.get("x") else report.keys
    for x_key in x_keys:
        hue = opts.get("hue")
        if hue is None and len(report.keys) == 2:
            hue = next(k for k in report.keys if k != x_key)
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
        series: dict[str, list[GroupRow]] = {}
        for row in scored:
            label = _label(report, row.point, skip=x_key) if hue else ""
            series.setdefault(label, []).append(row)
        xs_all = [r.point.get(x_key) for r in scored]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in xs_all)
        categories = list(dict.fromkeys(str(v) for v in xs_all))
        for label, rows in series.items():
            rows = sorted(
                rows,
                key=lambda r: (
                    r.point.get(x_key) if numeric else categories.index(str(r.point.get(x_key)))
                ),
            )
            xs = [
                r.point.get(x_key) if numeric else categories.index(str(r.point.get(x_key)))
                for r in rows
            ]
            means = [stats(r)[0] for r in rows]
            stds = [stats(r)[1] for r in rows]
            style = "-o" if hue else "o"
            ax.errorbar(xs, means, yerr=stds, fmt=style, capsize=3, label=label or None)
        if not numeric:
            ax.set_xticks(range(len(categories)), categories)
        if opts.get("logx") and numeric:
            ax.set_xscale("log")
            ax.set_xticks(sorted(set(xs_all)), [str(v) for v in sorted(set(xs_all))])
        if opts.get("logy"):
            ax.set_yscale("log")
        if opts.get("baseline") is not None:
            ax.axhline(
                float(opts["baseline"]),
                color="gray",
                linestyle="--",
                label=str(opts.get("baseline_label") or f"baseline {opts['baseline']}"),
            )
        ax.set_xlabel(x_key)
        ax.set_ylabel(f"{metric} (mean ± std over seeds)")
        ax.set_title(f"{report.name}: {metric} vs {names.get(x_key, x_key)}")
        if hue or opts.get("baseline") is not None:
            ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        path = report.folder / f"{metric.replace('/', '_')}_vs_{names.get(x_key, x_key)}.png"
        fig.savefig(path, dpi=120)
        plt.close(fig)
        written.append(path)

    # learning curves: every completed trial, one colour per point
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    drawn = 0
    for i, row in enumerate(r for r in report.rows if r.trials):
        color = colors[i % len(colors)]
        for j, trial in enumerate(row.trials):
            steps, values = _read_curve(
                Path(str(trial.user_attrs.get(ATTR + "dir"))), report.metric
            )
            if steps:
                ax.plot(
                    steps,
                    values,
                    color=color,
                    alpha=0.8,
                    linewidth=1,
                    label=_label(report, row.point) if j == 0 else None,
                )
                drawn += 1
    if drawn:
        ax.set_xlabel("step")
        ax.set_ylabel(report.metric)
        ax.set_title(f"{report.name}: learning curves (one colour per point, one line per seed)")
        if len(report.rows) <= 12:
            ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        path = report.folder / "learning_curves.png"
        fig.savefig(path, dpi=120)
        written.append(path)
    plt.close(fig)

    if report.spec.get("sampler", "grid") != "grid":
        written += _optuna_figures(report, plt)
    return written


def _optuna_figures(report: SweepReport, plt: Any) -> list[Path]:
    import optuna
    from optuna.visualization import matplotlib as ovm

    written = []
    complete = [t for t in report.study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
    with warnings.catch_warnings():
        # optuna marks its matplotlib plots experimental; the warning says nothing to our users
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        for name, draw, needed in (
            ("optimization_history", ovm.plot_optimization_history, 1),
            ("param_importances", ovm.plot_param_importances, 2),
        ):
            if len(complete) < needed:
                continue
            try:
                ax = draw(report.study)
            except (ValueError, RuntimeError) as err:  # e.g. no parameter varies yet
                log.warning("%s not drawn: %s", name, err)
                continue
            fig = ax.figure if hasattr(ax, "figure") else ax[0].figure
            fig.set_size_inches(7, 4.5)
            fig.tight_layout()
            path = report.folder / f"{name}.png"
            fig.savefig(path, dpi=120)
            plt.close(fig)
            written.append(path)
    return written


def write_report(
    folder: str | Path,
    *,
    root: str | Path = "runs/sweeps",
    storage: str | None = None,
    figures: bool = True,
) -> SweepReport:
    """Read a sweep and write ``best.yaml`` (and the figures) into its folder."""
    report = load_report(folder, root=root, storage=storage)
    report.folder.mkdir(parents=True, exist_ok=True)
    write_best(report)
    if figures and any(r.values for r in report.rows):
        write_figures(report)
    return report
