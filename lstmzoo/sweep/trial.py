"""One sweep trial in its own process: ``lstmzoo fit -c trial_K/config.yaml`` plus reporting.

The runner starts ``python -m lstmzoo.sweep.trial trial_K/config.yaml --result ...``. It is the
``lstmzoo fit`` of that config (same CLI class, same config file); the sweep-only parts, the
metric watch, Optuna's pruning hook and the quiet progress bar, are trainer-default callbacks,
not part of ``config.yaml``, so the file alone reproduces the run. The outcome goes to a small
JSON file the runner reads: status, the metric's best value, the last logged metrics, the test
metrics and the error of a failed run. A retry of a run that died gets ``--ckpt-path``, that
run's ``last.ckpt``, and continues it as ``lstmzoo fit -c config.yaml --ckpt_path ...`` would.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import signal
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import yaml
from lightning.pytorch.callbacks import Callback, ModelCheckpoint, ProgressBar
from lightning.pytorch.utilities.exceptions import SIGTERMException
from typing_extensions import override

from lstmzoo.errors import LstmzooError
from lstmzoo.sweep.storage import make_storage

__all__ = ["MetricMissingError", "MetricWatch", "main"]

log = logging.getLogger(__name__)


class MetricMissingError(LstmzooError):
    """The sweep's metric is not among the metrics the run logs."""

    def __init__(self, metric: str, logged: Sequence[str]) -> None:
        self.metric = metric
        self.logged = sorted(logged)
        names = ", ".join(self.logged) or "none"
        super().__init__(f"metric {metric!r} was never logged; the trial logged: {names}")


class _Quiet(ProgressBar):
    """A progress bar that draws nothing: trials write their logs to a file."""

    @override
    def disable(self) -> None:
        pass


class MetricWatch(Callback):
    """After each validation: check the metric exists and is finite; report it to Optuna.

    Args:
        metric: the logged name, e.g. ``val/mse``.
        trial: an :class:`optuna.trial.Trial` to report to and ask about pruning, or ``None``.
            Values are reported at ``trainer.global_step`` (budgets are in steps, and
            validation may run several times per epoch).
    """

    def __init__(self, metric: str, trial: Any = None) -> None:
        self.metric = metric
        self.trial = trial
        self.reported = 0

    @override
    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if trainer.sanity_checking:
            return
        metrics = trainer.callback_metrics
        if self.metric not in metrics:
            raise MetricMissingError(self.metric, list(metrics))
        value = float(metrics[self.metric])
        if not math.isfinite(value):
            raise FloatingPointError(f"{self.metric} is {value} at step {trainer.global_step}")
        if self.trial is None:
            return
        import optuna

        self.trial.report(value, step=trainer.global_step)
        self.reported += 1
        if self.trial.should_prune():
            raise optuna.TrialPruned(f"pruned at step {trainer.global_step} ({value:.6g})")


def _set_parent_death_signal(parent: int | None) -> None:
    """Linux: die with the runner, so a ``kill -9`` of the runner leaves no orphan trials."""
    if parent is None or not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not available: the runner's heartbeat still covers it
        return
    if os.getppid() != parent:  # the runner died before prctl took effect
        os._exit(1)


def _trial_for_pruning(storage: str, study: str, trial_id: int, pruner_args: dict) -> Any:
    import optuna

    loaded = optuna.load_study(
        study_name=study,
        storage=make_storage(storage, heartbeat=False),
        pruner=optuna.pruners.MedianPruner(**pruner_args),
    )
    return optuna.trial.Trial(loaded, trial_id)


def _best_checkpoint(trainer: pl.Trainer, metric: str) -> ModelCheckpoint | None:
    for callback in trainer.checkpoint_callbacks:
        if isinstance(callback, ModelCheckpoint) and callback.monitor == metric:
            return callback
    return None


def _plain(metrics: dict[str, Any]) -> dict[str, float]:
    out = {}
    for key, value in metrics.items():
        try:
            out[key] = float(value)
        except (TypeError, ValueError):
            continue
    return out


def run_trial(opts: argparse.Namespace) -> dict[str, Any]:
    """Fit (and optionally test) one config; returns the result record."""
    from lstmzoo.callbacks import ResumableCheckpoint
    from lstmzoo.cli.lightning import LstmzooCLI

    threads = os.environ.get("LSTMZOO_SWEEP_THREADS")
    if threads:
        import torch

        torch.set_num_threads(int(threads))
    trial = None
    opts.storage = opts.storage or os.environ.get("LSTMZOO_SWEEP_STORAGE")
    if opts.storage and opts.study:
        pruner_args = json.loads(opts.pruner_args or "{}")
        trial = _trial_for_pruning(opts.storage, opts.study, opts.trial_id, pruner_args)
    watch = MetricWatch(opts.metric, trial)
    # a retry resumes from last.ckpt, which ResumableCheckpoint writes at every epoch end
    callbacks: list[Callback] = [ResumableCheckpoint(), watch]
    config = yaml.safe_load(Path(opts.config).read_text(encoding="utf-8")) or {}
    if (config.get("trainer") or {}).get("enable_progress_bar") is not False:
        callbacks.append(_Quiet())  # the log file gets no progress bar
    started = time.monotonic()
    result: dict[str, Any] = {"status": "failed"}
    cli = None
    try:
        args = ["fit", "-c", opts.config]
        resumed = bool(getattr(opts, "ckpt_path", None))
        if resumed:  # a retry: continue the earlier run (weights, optimizer, step)
            args += ["--ckpt_path", opts.ckpt_path]
        cli = LstmzooCLI(args=args, trainer_defaults={"callbacks": callbacks})
        trainer = cli.trainer
        checkpoint = _best_checkpoint(trainer, opts.metric)
        score = checkpoint.best_model_score if checkpoint is not None else None
        if score is None and opts.metric not in trainer.callback_metrics and resumed:
            # the earlier run had trained to its end before it was killed: the fit resumed at
            # its last step and had nothing left to do, so validate the restored weights
            trainer.validate(cli.model, datamodule=cli.datamodule, verbose=False)
        if score is None:
            if opts.metric not in trainer.callback_metrics:
                raise MetricMissingError(opts.metric, list(trainer.callback_metrics))
            score = trainer.callback_metrics[opts.metric]
        value = float(score)
        if not math.isfinite(value):
            raise FloatingPointError(f"{opts.metric} is {value}")
        result.update(
            status="complete",
            value=value,
            steps=int(trainer.global_step),
            metrics=_plain(dict(trainer.callback_metrics)),
            best_checkpoint=checkpoint.best_model_path if checkpoint is not None else None,
        )
        if opts.test:
            ckpt = checkpoint.best_model_path if checkpoint is not None else None
            out = trainer.test(cli.model, datamodule=cli.datamodule, ckpt_path=ckpt, verbose=False)
            result["test"] = _plain(out[0]) if out else {}
    except MetricMissingError as err:
        result.update(status="metric_missing", error=str(err), logged=err.logged)
    except (KeyboardInterrupt, SIGTERMException):
        result.update(status="interrupted", error="stopped by a signal")
    except Exception as err:
        import optuna

        if isinstance(err, optuna.TrialPruned):
            result.update(status="pruned", error=str(err))
        else:
            traceback.print_exc()
            message = str(err).strip().splitlines()
            result.update(error=f"{type(err).__name__}: {message[0] if message else ''}".strip())
    finally:
        result["seconds"] = time.monotonic() - started
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lstmzoo.sweep.trial")
    parser.add_argument("config")
    parser.add_argument("--result", required=True)
    parser.add_argument("--metric", required=True)
    parser.add_argument("--test", action="store_true")
    parser.add_argument("--storage")
    parser.add_argument("--study")
    parser.add_argument("--trial-id", type=int)
    parser.add_argument("--pruner-args")
    parser.add_argument("--parent", type=int)
    parser.add_argument("--ckpt-path", help="the last.ckpt of an earlier run to continue")
    opts = parser.parse_args(argv)
    _set_parent_death_signal(opts.parent)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # SIGTERM from the runner: Lightning stops at the next step; SIGINT only comes from the runner
    signal.signal(signal.SIGINT, signal.default_int_handler)
    result = run_trial(opts)
    path = Path(opts.result)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    tmp.replace(path)
    return 0


def run_as_program(argv: Sequence[str] | None = None) -> int:
    """What ``python -m lstmzoo.sweep.trial`` runs (a fresh interpreter per trial, ``--launcher
    process``): :func:`main`, then the process's objects are frozen out of the garbage
    collections of the interpreter's shutdown (:func:`~lstmzoo.utils.freeze_for_exit`)."""
    from lstmzoo.utils import freeze_for_exit

    code = main(argv)
    freeze_for_exit()
    return code


if __name__ == "__main__":
    raise SystemExit(run_as_program())
