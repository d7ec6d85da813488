"""The ``lstmzoo`` command's entry: :data:`SUBCOMMANDS`, the top-level help, and :func:`main`,
which runs a subcommand and turns the user's errors into one line and exit code 2."""

from __future__ import annotations

import difflib
import functools
import logging
import signal
import sys
import warnings
from collections.abc import Callable, Sequence

from jsonargparse import ArgumentError
from lightning.pytorch.utilities.exceptions import SIGTERMException

from lstmzoo.cli.commands.export import export_command
from lstmzoo.cli.commands.list_models import list_command
from lstmzoo.cli.commands.recipes import recipes_command
from lstmzoo.cli.commands.sweep import sweep_command
from lstmzoo.cli.commands.trainer import trainer_command
from lstmzoo.cli.commands.weights import weights_command
from lstmzoo.cli.messages import clean_parser_message, print_error
from lstmzoo.errors import LstmzooError

__all__ = ["SUBCOMMANDS", "Handler", "main"]

#: a subcommand's handler: the arguments after its name -> the exit code
Handler = Callable[[Sequence[str]], int]

_fit, _validate, _test, _predict = (
    functools.partial(trainer_command, name) for name in ("fit", "validate", "test", "predict")
)
#: ``name -> (one-line description, handler)``; a handler takes the arguments after the name.
SUBCOMMANDS: dict[str, tuple[str, Handler]] = {
    "fit": ("train a model: -c RECIPE|FILE, --model, --data, --trainer.*", _fit),
    "validate": ("evaluate on the validation split (--ckpt_path)", _validate),
    "test": ("evaluate on the test split (--ckpt_path)", _test),
    "predict": ("write predictions as JSON lines (--ckpt_path, --predictions.output)", _predict),
    "list": ("list the registered models [PATTERN ...]", list_command),
    "export": ("export a checkpoint to ONNX or TorchScript", export_command),
    "recipes": ("list the shipped recipes; show / path / copy NAME [DEST]", recipes_command),
    "weights": ("the pretrained weights; the model card of MODEL[:TAG]", weights_command),
    "sweep": ("grids, seeds and searches over config keys on Optuna: run / show", sweep_command),
}


def print_help() -> None:
    """The top-level usage: one line per subcommand, on stdout."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    console.print(
        "usage: lstmzoo SUBCOMMAND \\[options]   (lstmzoo SUBCOMMAND --help for its options)"
    )
    table = Table(show_header=False, box=None, padding=(0, 2))
    for name, (description, _) in SUBCOMMANDS.items():
        table.add_row(f"[bold]{name}[/]", description)
    console.print(table)
    console.print("examples: lstmzoo fit -c lstm_adding   lstmzoo recipes   lstmzoo list 'lstm*'")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lstmzoo`` console script and ``python -m lstmzoo``.

    Returns the exit code. Called without ``argv`` (as the program) it also prepares the
    process for a quick exit (:func:`~lstmzoo.utils.freeze_for_exit`).
    """
    code = _main(list(sys.argv[1:] if argv is None else argv))
    if argv is None:
        from lstmzoo.utils import freeze_for_exit

        freeze_for_exit()
    return code


def _main(args: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # Lightning's batch-size probe calls a torch pytree API that torch 2.13 deprecates: noise on
    # every fit that the user can do nothing about
    warnings.filterwarnings("ignore", message=r"`isinstance\(treespec, LeafSpec\)` is deprecated")
    if not args or args[0] in ("-h", "--help", "help"):
        print_help()
        return 0 if args else 2
    try:
        if args[0] in SUBCOMMANDS:
            return SUBCOMMANDS[args[0]][1](args[1:])
        if not args[0].startswith("-"):
            close = difflib.get_close_matches(args[0], list(SUBCOMMANDS), n=2)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            print_error(f"unknown subcommand {args[0]!r}.{hint}", tip="run `lstmzoo --help`")
            return 2
        return trainer_command(None, args)  # options before the subcommand: LightningCLI's
    except ArgumentError as err:
        print_error(
            clean_parser_message(str(err)), tip="run `lstmzoo <subcommand> --help` for the options"
        )
        return 2
    except LstmzooError as err:
        print_error(str(err))
        return 2
    except SIGTERMException:
        # stopped by SIGTERM (pre-emption); last.ckpt was saved, resume with --ckpt_path last
        return 128 + signal.SIGTERM
