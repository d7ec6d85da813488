"""``lstmzoo fit | validate | test | predict``: the Trainer's methods, through
:class:`~lstmzoo.cli.lightning.LstmzooCLI`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from lstmzoo.cli.auto_precision import AutoPrecision, auto_precision_scope
from lstmzoo.cli.config import rewrite_name_flags
from lstmzoo.cli.lightning import LstmzooCLI

__all__ = ["TRAINER_SUBCOMMANDS", "trainer_command"]

#: the subcommands LightningCLI runs
TRAINER_SUBCOMMANDS = ("fit", "validate", "test", "predict")


def trainer_command(subcommand: str | None, argv: Sequence[str]) -> int:
    """Run ``lstmzoo SUBCOMMAND ARGV...`` (``subcommand`` ``None``: ``argv`` starts with
    options meant for LightningCLI, the subcommand comes later). Returns 0; errors raise.

    Registry and recipe names become what the parser reads, and ``precision: auto`` is
    resolved once for the whole command line. The parser reads ``sys.argv``, which is set to
    the rewritten arguments for the run and put back afterwards.
    """
    args = rewrite_name_flags([subcommand, *argv] if subcommand else list(argv))
    auto = AutoPrecision.of_command_line(args)
    args = auto.rewrite_flags(args)
    argv_before = sys.argv
    sys.argv = [argv_before[0] if argv_before else "lstmzoo", *args]
    try:
        with auto_precision_scope(auto):
            LstmzooCLI(command_args=list(argv) if subcommand else None)
    finally:
        sys.argv = argv_before
    return 0
