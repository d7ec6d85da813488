"""Every use of Lightning's private API by the loading and training layers, in one place.

Lightning has no public way to do the two things below; each function names the private
attribute it touches, and ``tests/test_lightning_ties.py`` fails loudly when a Lightning
release moves or renames one, so that a version bump breaks a test and not a training run.
:func:`attached_trainer` is here too: it relies only on public behaviour (``module.trainer``
raises ``RuntimeError`` when no trainer is attached), which the same tests pin down.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lightning.pytorch as pl

__all__ = ["attached_trainer", "convert_initial_hparams", "request_stop_at_step_boundary"]


def attached_trainer(module: pl.LightningModule) -> pl.Trainer | None:
    """The trainer ``module`` is attached to, or ``None`` (a step or hook called by hand).

    ``LightningModule.trainer`` raises ``RuntimeError`` without a trainer; this asks it and
    turns that into ``None``.
    """
    try:
        return module.trainer
    except RuntimeError:
        return None


def convert_initial_hparams(module: pl.LightningModule, convert: Callable[[Any], Any]) -> None:
    """Apply ``convert`` to every value of ``module``'s initial hyperparameters, in place.

    ``hparams_initial`` (what Lightning sends to the loggers, e.g. the CSV logger's
    ``hparams.yaml``) is a deep copy made by ``save_hyperparameters``, and its public property
    returns another copy: only the private ``_hparams_initial`` can be changed. The mutable
    ``module.hparams`` (what checkpoints store) is public and converted by the caller.
    """
    store = getattr(module, "_hparams_initial", None)  # private: Lightning's frozen copy
    if store is None:
        return
    for key in list(store):
        store[key] = convert(store[key])


def request_stop_at_step_boundary(trainer: pl.Trainer) -> None:
    """Make ``trainer`` stop after its current step as if it had received SIGTERM.

    Lightning's fit loop raises ``SIGTERMException`` at the next step boundary once its signal
    connector has ``received_sigterm`` set (read publicly as ``trainer.received_sigterm``); the
    only way to set it is through the private ``_signal_connector``.
    """
    trainer._signal_connector.received_sigterm = True  # private: Lightning's signal state
