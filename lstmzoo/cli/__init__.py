"""The ``lstmzoo`` command: LightningCLI for fit / validate / test / predict, plus list, export,
recipes, weights and sweep (:data:`~lstmzoo.cli.dispatch.SUBCOMMANDS` is the table; adding a
subcommand is one entry and one module in :mod:`lstmzoo.cli.commands`).

Registry names work wherever a model class path does, recipe names wherever a config file does::

    lstmzoo fit -c lstm_adding                              # the shipped recipe, from anywhere
    lstmzoo fit -c configs/lstm_adding.yaml                 # model: lstm inside the file
    lstmzoo fit --model lstm --data AddingProblem --trainer.max_epochs 1
    lstmzoo fit --model.help lstm                           # the model's options
    lstmzoo fit -c lstm_adding -c trainer/ddp_cpu

A registry name expands to ``{class_path: <class>, init_args: <registered defaults>}`` and further
``init_args`` from later files or flags are merged on top.

The modules, from the bottom up: :mod:`~lstmzoo.cli.argv` and :mod:`~lstmzoo.cli.output` (no
torch), :mod:`~lstmzoo.cli.messages`, :mod:`~lstmzoo.cli.auto_precision`,
:mod:`~lstmzoo.cli.config`, the pieces of :class:`LstmzooCLI` (:mod:`~lstmzoo.cli.fit_summary`,
:mod:`~lstmzoo.cli.save_config`, :mod:`~lstmzoo.cli.run_folder`,
:mod:`~lstmzoo.cli.from_checkpoint`, :mod:`~lstmzoo.cli.lightning_private`), the class itself
(:mod:`~lstmzoo.cli.lightning`), then the subcommands (:mod:`lstmzoo.cli.commands`) and
:mod:`~lstmzoo.cli.dispatch`, which may import :mod:`lstmzoo.sweep`; ``lstmzoo.sweep`` imports
only the modules below the subcommands. Importing this package imports none of them: each name
below is loaded from its module when it is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lstmzoo.cli.auto_precision import resolve_auto_precision
    from lstmzoo.cli.config import expand_model_name
    from lstmzoo.cli.dispatch import SUBCOMMANDS, main
    from lstmzoo.cli.fit_summary import FitSummaryPrinter
    from lstmzoo.cli.lightning import LstmzooCLI
    from lstmzoo.cli.messages import clean_parser_message
    from lstmzoo.cli.save_config import ZooSaveConfig

    _clean_parser_message = clean_parser_message

__all__ = [
    "SUBCOMMANDS",
    "FitSummaryPrinter",
    "LstmzooCLI",
    "ZooSaveConfig",
    "clean_parser_message",
    "expand_model_name",
    "main",
    "resolve_auto_precision",
]

#: ``name -> module`` of the names this package re-exports (loaded on first use)
_EXPORTS = {
    "SUBCOMMANDS": "lstmzoo.cli.dispatch",
    "main": "lstmzoo.cli.dispatch",
    "LstmzooCLI": "lstmzoo.cli.lightning",
    "FitSummaryPrinter": "lstmzoo.cli.fit_summary",
    "ZooSaveConfig": "lstmzoo.cli.save_config",
    "expand_model_name": "lstmzoo.cli.config",
    "resolve_auto_precision": "lstmzoo.cli.auto_precision",
    "clean_parser_message": "lstmzoo.cli.messages",
}
#: older private names, kept importable: ``old name -> (module, name)``
_ALIASES = {"_clean_parser_message": ("lstmzoo.cli.messages", "clean_parser_message")}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, attr = _EXPORTS[name], name
    elif name in _ALIASES:
        module, attr = _ALIASES[name]
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS, *_ALIASES})
