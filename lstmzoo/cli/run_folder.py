"""One run, one folder: where a run's logs, saved config and checkpoints go."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import lightning.pytorch as pl
from jsonargparse import Namespace

__all__ = ["checkpoint_folders_as_recorded", "one_run_folder"]


def one_run_folder(trainer_cfg: Namespace | None, fit: bool = True) -> None:
    """Make the logs, saved config and every checkpoint of a fit share one folder (in place).

    The logger's ``version`` becomes ``""`` unless the config sets one, so the run folder is
    ``<save_dir>/<name>/`` (``runs/lstm_adding/``) rather than ``.../version_N/``; then the
    default checkpoint callback (``last.ckpt``) and any ``ModelCheckpoint`` of the config
    without a ``dirpath`` (``best.ckpt``) both write to ``<run folder>/checkpoints/``, and
    ``--ckpt_path last`` finds the previous run's state. With ``logger: true`` (the default)
    the logger is a ``CSVLogger`` in ``<default_root_dir>/lightning_logs/``, for every
    subcommand (``fit=False``: validate / test / predict log into a new ``version_N``
    beside the fit's files instead of over them).

    Args:
        trainer_cfg: the parsed ``trainer`` section (``None``: nothing to do).
        fit: whether the run is a fit.
    """
    if trainer_cfg is None:
        return
    logger = trainer_cfg.get("logger")
    if logger is None or logger is True:
        trainer_cfg["logger"] = Namespace(
            class_path="lightning.pytorch.loggers.CSVLogger",
            init_args=Namespace(
                save_dir=trainer_cfg.get("default_root_dir") or ".", name="lightning_logs"
            ),
        )
        logger = trainer_cfg["logger"]
    if not fit:
        return
    if isinstance(logger, Namespace) and isinstance(logger.get("init_args"), Namespace):
        init_args = logger.init_args
        if "version" not in init_args or init_args.get("version") is None:
            init_args["version"] = ""


def checkpoint_folders_as_recorded(trainer: pl.Trainer, states: Mapping[str, Any]) -> None:
    """validate / test / predict from a checkpoint: its checkpoint callbacks keep the folder
    the training run recorded (they save nothing here). Otherwise each would resolve to this
    run's own folder and Lightning would warn, on restoring its state, that it changed.

    Args:
        trainer: the trainer built for the run.
        states: the checkpoint's ``callbacks`` entry (``{state_key: state}``).
    """
    for callback in trainer.checkpoint_callbacks:
        state = states.get(getattr(callback, "state_key", None))
        recorded = state.get("dirpath") if isinstance(state, dict) else None
        if recorded and callback.dirpath is None:
            callback.dirpath = recorded
