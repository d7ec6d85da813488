"""``precision: auto``, resolved once for a whole command line.

The trainer's ``precision`` argument does not accept ``auto``, so the value is replaced while
the parser reads it: in a config file by the loader of :mod:`lstmzoo.cli.config`, as
``--trainer.precision auto`` by the trainer subcommands before parsing. Both take the one choice
of the command line's :class:`AutoPrecision`, made for the accelerator the run uses: the last
``trainer.accelerator`` of the ``-c`` files, ``--trainer`` values and ``--trainer.accelerator``
flags, in the order the parser merges them (``-c trainer/auto -c trainer/cpu`` chooses for the
CPU). Once parsing is done, :meth:`AutoPrecision.report` logs the choice and its reason, or that
a later file or flag set another precision.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator, Sequence
from typing import Any

import torch

from lstmzoo import precision as hardware
from lstmzoo.cli.argv import SUBCOMMAND_SECTIONS, flag_values, read_config_arg

__all__ = [
    "AutoPrecision",
    "auto_precision_scope",
    "current_auto_precision",
    "device_of",
    "resolve_auto_precision",
]

log = logging.getLogger(__name__)


def device_of(accelerator: Any) -> str:
    """The device type ``precision: auto`` chooses for: ``"cuda"`` for ``"gpu"`` / ``"cuda"``,
    and for unset / ``"auto"`` when a GPU is there; ``"cpu"`` for unset without one; any other
    accelerator name as given (lower case)."""
    name = str(accelerator or "auto").lower()
    if name in ("gpu", "cuda"):
        return "cuda"
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return name


def resolve_auto_precision(accelerator: Any) -> str:
    """``precision: auto`` -> ``bf16-mixed``, ``16-mixed`` or ``32-true`` for ``accelerator``
    (``"gpu"`` / ``"cuda"``, ``"cpu"``, or unset / ``"auto"``: the GPU when there is one);
    see :func:`lstmzoo.precision.auto_precision`. Nothing is logged."""
    return hardware.auto_precision(device_of(accelerator))[0]


class AutoPrecision:
    """What ``precision: auto`` means on one command line: one choice, for one accelerator.

    Args:
        accelerator: the accelerator the run uses (``None``: Lightning's default, ``auto``).
    """

    def __init__(self, accelerator: Any = None) -> None:
        self.accelerator = accelerator
        #: whether any file or flag asked for ``auto`` (set when :attr:`precision` is read)
        self.requested = False
        self._choice: tuple[str, str] | None = None

    @classmethod
    def of_command_line(cls, argv: Sequence[str]) -> AutoPrecision:
        """The :class:`AutoPrecision` of ``argv`` (the arguments, subcommand included, after
        recipe names became paths), for the last accelerator it sets."""
        args = list(argv)
        subcommand = next((a for a in args if a in SUBCOMMAND_SECTIONS), None)
        settings: list[tuple[tuple[int, int], Any]] = []
        for index, _, value in flag_values(args, ("-c", "--config")):
            data = read_config_arg(value)
            if not isinstance(data, dict):
                continue
            sections = [data, data.get(subcommand)] if subcommand else [data]
            for order, section in enumerate(sections):
                trainer = section.get("trainer") if isinstance(section, dict) else None
                if isinstance(trainer, dict) and trainer.get("accelerator") is not None:
                    settings.append(((index, order), trainer["accelerator"]))
        for index, _, value in flag_values(args, ("--trainer",)):
            trainer = read_config_arg(value)
            if isinstance(trainer, dict) and trainer.get("accelerator") is not None:
                settings.append(((index, 0), trainer["accelerator"]))
        for index, _, value in flag_values(args, ("--trainer.accelerator",)):
            settings.append(((index, 0), value))
        return cls(max(settings, key=lambda s: s[0])[1] if settings else None)

    def _resolve(self) -> tuple[str, str]:
        if self._choice is None:
            self._choice = hardware.auto_precision(device_of(self.accelerator))
        return self._choice

    @property
    def precision(self) -> str:
        """The precision ``auto`` stands for (``bf16-mixed``, ``16-mixed`` or ``32-true``)."""
        self.requested = True
        return self._resolve()[0]

    @property
    def reason(self) -> str:
        """Why :attr:`precision` was chosen, in words, for the log."""
        return self._resolve()[1]

    def rewrite_flags(self, argv: Sequence[str]) -> list[str]:
        """``argv`` with every ``--trainer.precision auto`` replaced by :attr:`precision`."""
        out = list(argv)
        for index, prefix, value in flag_values(out, ("--trainer.precision",)):
            if value == "auto":
                out[index] = prefix + self.precision
        return out

    def report(self, final: Any) -> None:
        """Log what ``auto`` chose, or that a later file or flag overrode it; nothing when
        ``auto`` was not asked for. ``final``: the precision of the parsed configuration."""
        if not self.requested:
            return
        precision, why = self._resolve()
        if str(final) == precision:
            log.info("precision auto -> %s: %s", precision, why)
        else:
            log.info("precision auto was overridden: training with precision %s", final)


_ACTIVE: contextvars.ContextVar[AutoPrecision | None] = contextvars.ContextVar(
    "lstmzoo_auto_precision", default=None
)


@contextlib.contextmanager
def auto_precision_scope(auto: AutoPrecision) -> Iterator[AutoPrecision]:
    """Make ``auto`` the choice that config files read while the ``with`` block parses."""
    token = _ACTIVE.set(auto)
    try:
        yield auto
    finally:
        _ACTIVE.reset(token)


def current_auto_precision() -> AutoPrecision | None:
    """The :class:`AutoPrecision` of the innermost :func:`auto_precision_scope`, if any."""
    return _ACTIVE.get()
