"""The ``lstmzoo`` command: LightningCLI for fit / validate / test / predict, plus list, export
and recipes (:data:`SUBCOMMANDS` is the table; adding a subcommand is one entry).

Registry names work wherever a model class path does, recipe names wherever a config file does::

    lstmzoo fit -c lstm_adding                              # the shipped recipe, from anywhere
    lstmzoo fit -c configs/lstm_adding.yaml                 # model: lstm inside the file
    lstmzoo fit --model lstm --data AddingProblem --trainer.max_epochs 1
    lstmzoo fit --model.help lstm                           # the model's options
    lstmzoo fit -c lstm_adding -c trainer/ddp_cpu

A registry name expands to ``{class_path: <class>, init_args: <registered defaults>}`` and further
``init_args`` from later files or flags are merged on top.
"""

from __future__ import annotations

import copy
import difflib
import functools
import logging
import os
import re
import signal
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import lightning.pytorch as pl
import yaml
from jsonargparse import ArgumentError, ArgumentParser, Namespace, set_loader
from jsonargparse._loaders_dumpers import get_loader_exceptions, loaders
from lightning.pytorch.callbacks import Callback, RichModelSummary, RichProgressBar
from lightning.pytorch.callbacks.progress.rich_progress import RichProgressBarTheme
from lightning.pytorch.cli import LightningArgumentParser, LightningCLI, SaveConfigCallback
from lightning.pytorch.utilities.exceptions import SIGTERMException

import lstmzoo.data  # noqa: F401 - makes the zoo's data modules resolvable by class name
from lstmzoo.callbacks import (
    JsonlPredictionWriter,
    KeepMetricsOnResume,
    PrecisionCheck,
    ResumableCheckpoint,
    ThrottledRichProgressBar,
)
from lstmzoo.checkpoint import is_pretrained_reference, parse_pretrained_reference
from lstmzoo.errors import ConfigError, LstmzooError
from lstmzoo.registry import get_model_spec, list_models

__all__ = ["SUBCOMMANDS", "LstmzooCLI", "main"]

log = logging.getLogger(__name__)

_PARSER_MODE = "lstmzoo_yaml"
_SUBCOMMANDS = ("fit", "validate", "test", "predict")


def expand_model_name(model: Any) -> Any:
    """Expand a registry name into a class path and its registered defaults.

    ``"lstm"`` or ``{"class_path": "lstm", ...}`` becomes
    ``{"class_path": <class>, "init_args": ...}``.

    Registry defaults go under any ``init_args`` given; anything that is not a registry name
    (a class path, a class name, a mapping without ``class_path``) comes back unchanged.
    """
    if isinstance(model, str):
        name, init_args = model, {}
    elif isinstance(model, dict) and isinstance(model.get("class_path"), str):
        name, init_args = model["class_path"], dict(model.get("init_args") or {})
    else:
        return model
    if "." in name or not name.islower():
        return model  # a class path or a CamelCase class name: jsonargparse resolves it
    spec = get_model_spec(name)  # unknown lower-case names raise, listing close matches
    expanded = dict(model) if isinstance(model, dict) else {}
    expanded["class_path"] = spec.class_path
    expanded["init_args"] = {**copy.deepcopy(spec.defaults), **init_args}
    return expanded


def _load_config_value(value: str) -> Any:
    data = loaders["yaml"](value)
    if isinstance(data, dict):
        targets = [data] + [data[k] for k in _SUBCOMMANDS if isinstance(data.get(k), dict)]
        for section in targets:
            if "model" in section:
                section["model"] = expand_model_name(section["model"])
            trainer = section.get("trainer")
            if isinstance(trainer, dict) and trainer.get("precision") == "auto":
                trainer["precision"] = resolve_auto_precision(trainer.get("accelerator"))
    return data


def resolve_auto_precision(accelerator: Any) -> str:
    """``precision: auto`` -> ``bf16-mixed``, ``16-mixed`` or ``32-true`` for ``accelerator``
    (``"gpu"`` / ``"cuda"``, ``"cpu"``, or unset / ``"auto"``: the GPU when there is one). The
    accelerator is the one set next to it (in the same file, or by ``--trainer.accelerator`` on
    the command line). The choice and its reason are logged once parsing is done."""
    import torch

    from lstmzoo.precision import auto_precision

    name = str(accelerator or "auto").lower()
    if name in ("gpu", "cuda"):
        device = "cuda"
    elif name == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    else:
        device = name
    precision, why = auto_precision(device)
    # reported once the whole configuration is merged (a later file or flag may override it)
    _AUTO_PRECISION_CHOICES.append((precision, why))
    return precision


#: ``(precision, reason)`` for each ``precision: auto`` resolved while reading the command line
_AUTO_PRECISION_CHOICES: list[tuple[str, str]] = []


def _report_auto_precision(trainer_cfg: Any) -> None:
    """Log what ``precision: auto`` chose, or that a later file or flag overrode it.

    ``auto`` is resolved as each config file is read (the trainer's ``precision`` argument does
    not accept it), so this runs after parsing, when the value that wins is known."""
    if not _AUTO_PRECISION_CHOICES:
        return
    final = trainer_cfg.get("precision") if trainer_cfg is not None else None
    for precision, why in _AUTO_PRECISION_CHOICES:
        if str(precision) == str(final):
            log.info("precision auto -> %s: %s", precision, why)
            return
    log.info("precision auto was overridden: training with precision %s", final)


set_loader(_PARSER_MODE, _load_config_value, get_loader_exceptions("yaml"))


def _flag_values(argv: list[str], flags: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """``(index, prefix, value)`` of every ``FLAG VALUE`` / ``FLAG=VALUE`` in ``argv``."""
    found = []
    for i, arg in enumerate(argv):
        if arg in flags and i + 1 < len(argv):
            found.append((i + 1, "", argv[i + 1]))
        else:
            for flag in flags:
                if arg.startswith(flag + "="):
                    found.append((i, flag + "=", arg.split("=", 1)[1]))
    return found


def _rewrite_model_flags(argv: list[str]) -> list[str]:
    """Registry and recipe names on the command line -> what the parser reads.

    ``--model lstm`` becomes the expanded mapping, ``--model.help lstm`` the class path, and
    ``-c lstm_adding`` (a name that is not a file) the path of the shipped recipe.
    """
    from lstmzoo.recipes import resolve_config_arg

    out = list(argv)
    for index, prefix, value in _flag_values(out, ("--model",)):
        if value.isidentifier() and value.islower():
            expanded = expand_model_name(value)
            out[index] = prefix + yaml.safe_dump(expanded, default_flow_style=True).strip()
    for index, prefix, value in _flag_values(out, ("--model.help",)):
        if value.isidentifier() and value.islower():
            out[index] = prefix + get_model_spec(value).class_path
    for index, prefix, value in _flag_values(out, ("-c", "--config")):
        out[index] = prefix + resolve_config_arg(value)
    auto = [f for f in _flag_values(out, ("--trainer.precision",)) if f[2] == "auto"]
    if auto:
        accelerators = _flag_values(out, ("--trainer.accelerator",))
        chosen = resolve_auto_precision(accelerators[-1][2] if accelerators else None)
        for index, prefix, _ in auto:
            out[index] = prefix + chosen
    return out


def _plain_config(cfg: Namespace) -> None:
    """Restricted numbers (``PositiveInt`` ...) in the parsed config -> built-in ``int`` /
    ``float``, so constructors store plain values and checkpoints stay ``weights_only``-safe."""
    from lstmzoo.argtypes import plain

    for key, value in list(cfg.items()):
        converted = plain(value)
        if converted is not value:
            cfg[key] = converted


def _constructor_error_message(err: BaseException) -> str:
    """``"<group>.init_args.<key>: <message>"`` for an error raised by a constructor.

    The group (``model``, ``data``, ``trainer.callbacks``, ``trainer``) is the outermost
    constructor in the traceback that belongs to one; the key is the first of that constructor's
    arguments the message names (as a word), if any.
    """
    import inspect
    import traceback

    from lightning.pytorch.callbacks import Callback

    message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    groups = (
        (pl.LightningModule, "model"),
        (pl.LightningDataModule, "data"),
        (Callback, "trainer.callbacks"),
        (pl.Trainer, "trainer"),
    )
    for frame, _ in traceback.walk_tb(err.__traceback__):
        owner = frame.f_locals.get("self") if frame.f_code.co_name == "__init__" else None
        group = next((g for cls, g in groups if isinstance(owner, cls)), None)
        if group is None:
            continue
        params = [p for p in inspect.signature(type(owner).__init__).parameters if p != "self"]
        named = [(m.start(), p) for p in params if (m := re.search(rf"\b{p}\b", message))]
        where = f"{group} ({type(owner).__name__})"
        if named and group != "trainer":
            where = f"{group}.init_args.{min(named)[1]}" if "." not in group else where
            if group == "trainer.callbacks":
                where = f"{group} ({type(owner).__name__}.{min(named)[1]})"
        elif named:
            where = f"trainer.{min(named)[1]}"
        return f"{where}: {message}"
    return message


class FitSummaryPrinter(Callback):
    """Prints the end-of-fit summary (:mod:`lstmzoo.summary`) on rank 0: after a finished fit,
    and after one stopped by Ctrl+C or SIGTERM (the checkpoint callbacks save ``last.ckpt``
    after this callback's ``on_exception``; the summary names where it goes)."""

    def __init__(self, command_args: Sequence[str]) -> None:
        self.command_args = list(command_args)
        self._started = time.monotonic()

    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._started = time.monotonic()

    def on_fit_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._finished = True

    def teardown(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        # after the progress bar's teardown (it comes earlier in the callback list), so the
        # table is printed below the bar, not inside its live display
        if stage == "fit" and getattr(self, "_finished", False):
            self._finished = False
            self._print(trainer)

    def on_exception(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, exception: BaseException
    ) -> None:
        if isinstance(exception, (KeyboardInterrupt, SIGTERMException)):
            self._print(trainer, interrupted=True)

    def _print(self, trainer: pl.Trainer, interrupted: bool = False) -> None:
        if not trainer.is_global_zero or trainer.sanity_checking:
            return
        from rich.console import Console

        from lstmzoo.summary import render_fit_summary, summarize_fit

        summary = summarize_fit(trainer, time.monotonic() - self._started, interrupted)
        render_fit_summary(summary, self.command_args, Console(highlight=False, soft_wrap=True))


class ZooSaveConfig(SaveConfigCallback):
    """Lightning's ``config.yaml`` saver, without the values the data module filled in.

    The CLI writes the data module's ``model_kwargs()`` (vocabulary, classes, lexicon, ...)
    into the model's arguments before the model is built; a run's ``config.yaml`` keeps the
    model arguments as the user gave them instead, since ``lstmzoo fit -c config.yaml`` derives
    those values from the data again (a sentiment run's config stays a page long instead of
    holding its 15,000-word vocabulary). The checkpoint stores them all.

    Args:
        data_linked: ``{model argument: value before linking}``, set by the CLI.
    """

    def __init__(self, *args: Any, data_linked: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.data_linked = dict(data_linked or {})

    def setup(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        init_args = (self.config.get("model") or Namespace()).get("init_args")
        if not self.data_linked or not isinstance(init_args, Namespace):
            super().setup(trainer, pl_module, stage)
            return
        config = self.config
        saved = config.clone()
        for key, value in self.data_linked.items():
            saved.model.init_args[key] = value
        self.config = saved
        try:
            super().setup(trainer, pl_module, stage)
        finally:
            self.config = config


def _plain_dict(ns: Any) -> dict[str, Any]:
    return ns.as_dict() if isinstance(ns, Namespace) else dict(ns or {})


def _changed_from_defaults(class_path: str, init_args: dict[str, Any]) -> dict[str, Any]:
    """The ``init_args`` whose value differs from the constructor's default: what a config or
    a flag set on purpose (``lr: 1e-4`` for fine-tuning), as opposed to values nobody chose."""
    import importlib
    import inspect

    module, _, name = class_path.rpartition(".")
    params = inspect.signature(getattr(importlib.import_module(module), name)).parameters
    return {
        k: v
        for k, v in init_args.items()
        if k in params and params[k].default is not inspect.Parameter.empty
        and _argtypes_plain(v) != _argtypes_plain(params[k].default)
    }  # fmt: skip


def _argtypes_plain(value: Any) -> Any:
    from lstmzoo.argtypes import plain

    value = plain(value)
    return list(value) if isinstance(value, tuple) else value


class LstmzooCLI(LightningCLI):
    """LightningCLI with the zoo's defaults.

    * model and data are chosen in the config (``class_path`` or a registry name);
    * sizes that come from the data (``ZooDataModule.model_kwargs()``: input size, classes,
      vocabulary, alphabet) are passed to the model's constructor, so they are stored in the
      checkpoint's hyperparameters; with ``--ckpt_path`` for validate / test / predict the data
      module adopts the checkpoint's values instead;
    * rich progress bar and model summary, ``last.ckpt`` saved, predictions written as JSONL,
      and the saved ``config.yaml`` overwritten on a rerun in the same folder.
    """

    def __init__(
        self, args: Any = None, *, command_args: Sequence[str] | None = None, **kwargs: Any
    ) -> None:
        # the user's own arguments after the subcommand, for the end-of-fit `lstmzoo test` line
        self._command_args = list(command_args) if command_args is not None else None
        kwargs.setdefault("model_class", pl.LightningModule)
        kwargs.setdefault("subclass_mode_model", True)
        kwargs.setdefault("datamodule_class", pl.LightningDataModule)
        kwargs.setdefault("subclass_mode_data", True)
        # Lightning's default (True) seeds with 0 anyway, and warns "No seed found" on every
        # run without a config: say 0 outright (a config's seed_everything still wins)
        kwargs.setdefault("seed_everything_default", 0)
        kwargs.setdefault("save_config_callback", ZooSaveConfig)
        kwargs.setdefault("save_config_kwargs", {"overwrite": True})
        kwargs.setdefault("load_from_checkpoint_support", False)
        defaults = dict(kwargs.pop("trainer_defaults", None) or {})
        defaults.setdefault(
            "callbacks",
            [
                # 4 significant digits: losses of 3e-4 stay readable (".3f" shows 0.000)
                ThrottledRichProgressBar(
                    leave=True, theme=RichProgressBarTheme(metrics_format=".4g")
                ),
                RichModelSummary(max_depth=2),
                ResumableCheckpoint(),
                PrecisionCheck(),
                KeepMetricsOnResume(),
            ],
        )
        if self._command_args is not None:
            defaults["callbacks"] = [*defaults["callbacks"], FitSummaryPrinter(self._command_args)]
        kwargs["trainer_defaults"] = defaults
        super().__init__(args=args, **kwargs)

    def before_fit(self) -> None:
        """A resumed fit (``--ckpt_path FILE`` or ``last``) keeps the interrupted part's CSV log:
        read it before the logger starts (see :class:`~lstmzoo.callbacks.KeepMetricsOnResume`)."""
        ckpt = self._active_config().get("ckpt_path")
        if not ckpt or is_pretrained_reference(ckpt):
            return
        from lightning.pytorch.loggers import CSVLogger

        logger = self.trainer.logger
        keepers = [c for c in self.trainer.callbacks if isinstance(c, KeepMetricsOnResume)]
        if isinstance(logger, CSVLogger) and keepers:
            keepers[0].remember(os.path.join(logger.log_dir, "metrics.csv"))

    def _run_subcommand(self, subcommand: str) -> None:
        ckpt = self._active_config().get("ckpt_path")
        if subcommand != "fit" or not ckpt or is_pretrained_reference(ckpt):
            super()._run_subcommand(subcommand)
            return
        # A resumed fit writes into its own run folder on purpose, and KeepMetricsOnResume puts
        # the earlier rows of metrics.csv back: Lightning's warnings that the folder is not
        # empty and that "previous log files will be deleted" would say otherwise.
        with warnings.catch_warnings():
            for folder in ("Experiment logs directory", "Checkpoint directory"):
                warnings.filterwarnings("ignore", f"{folder} .* exists and is not empty")
            super()._run_subcommand(subcommand)

    def init_parser(self, **kwargs: Any) -> LightningArgumentParser:
        kwargs.setdefault("parser_mode", _PARSER_MODE)
        kwargs.setdefault("exit_on_error", False)
        return super().init_parser(**kwargs)

    def add_arguments_to_parser(self, parser: LightningArgumentParser) -> None:
        parser.add_lightning_class_args(JsonlPredictionWriter, "predictions")

    def _active_config(self) -> Namespace:
        return self.config[self.subcommand] if self.subcommand else self.config

    def before_instantiate_classes(self) -> None:
        _report_auto_precision(self._active_config().get("trainer"))

    def instantiate_classes(self) -> None:
        _plain_config(self.config)
        self._one_run_folder(fit=self.subcommand in ("fit", None))  # None: run=False
        try:
            self._link_data_to_model()
            super().instantiate_classes()
        except (ValueError, TypeError) as err:
            if isinstance(err, LstmzooError) and not isinstance(err, ConfigError):
                raise  # data and checkpoint errors already say where
            raise ConfigError(_constructor_error_message(err)) from err

    def _one_run_folder(self, fit: bool = True) -> None:
        """Logs, saved config and every checkpoint of a fit share one folder.

        The logger's ``version`` becomes ``""`` unless the config sets one, so the run folder is
        ``<save_dir>/<name>/`` (``runs/lstm_adding/``) rather than ``.../version_N/``; then the
        default checkpoint callback (``last.ckpt``) and any ``ModelCheckpoint`` of the config
        without a ``dirpath`` (``best.ckpt``) both write to ``<run folder>/checkpoints/``, and
        ``--ckpt_path last`` finds the previous run's state. With ``logger: true`` (the default)
        the logger is a ``CSVLogger`` in ``<default_root_dir>/lightning_logs/``, for every
        subcommand (``fit=False``: validate / test / predict log into a new ``version_N``
        beside the fit's files instead of over them).
        """
        trainer = self._active_config().get("trainer")
        if trainer is None:
            return
        logger = trainer.get("logger")
        if logger is None or logger is True:
            trainer["logger"] = Namespace(
                class_path="lightning.pytorch.loggers.CSVLogger",
                init_args=Namespace(
                    save_dir=trainer.get("default_root_dir") or ".", name="lightning_logs"
                ),
            )
            logger = trainer["logger"]
        if not fit:
            return
        if isinstance(logger, Namespace) and isinstance(logger.get("init_args"), Namespace):
            init_args = logger.init_args
            if "version" not in init_args or init_args.get("version") is None:
                init_args["version"] = ""

    def _link_data_to_model(self) -> None:
        cfg = self._active_config()
        data_cfg, model_cfg = cfg.get("data"), cfg.get("model")
        if data_cfg is None or model_cfg is None or not isinstance(model_cfg, Namespace):
            return
        parser = ArgumentParser(exit_on_error=False)
        parser.add_argument("--data", type=pl.LightningDataModule)
        instantiate = getattr(parser, "instantiate", None) or parser.instantiate_classes
        datamodule = instantiate(parser.parse_object({"data": data_cfg.clone()})).data
        init_args = model_cfg.get("init_args")
        if init_args is None:
            return
        ckpt = cfg.get("ckpt_path")
        if self.subcommand == "fit" and not is_pretrained_reference(ckpt):
            ckpt = None  # resuming a run: the config describes the model and the data
        from_ckpt = bool(ckpt) and getattr(self, "_ckpt_hparams_loaded", False)
        if from_ckpt and hasattr(datamodule, "adopt_model_kwargs"):
            datamodule.adopt_model_kwargs(init_args.as_dict())
        elif hasattr(datamodule, "model_kwargs"):
            before: dict[str, Any] = {}
            for key, value in datamodule.model_kwargs().items():
                if key in init_args:
                    before[key] = copy.deepcopy(init_args[key])
                    init_args[key] = value
            if self.save_config_callback is ZooSaveConfig:
                self.save_config_kwargs = {**self.save_config_kwargs, "data_linked": before}
        self._linked_datamodule = datamodule

    def _parse_ckpt_path(self) -> None:
        """With ``--ckpt_path FILE``, the model's constructor arguments come from the checkpoint.

        Replaces LightningCLI's version so that zoo checkpoints (which record their class path)
        resolve under subclass mode, and so that a bad file gives one clear error.
        """
        self._ckpt_hparams_loaded = False
        self._pretrained_state = None
        if not self.config.get("subcommand"):
            return
        sub = self.config.subcommand
        ckpt_path = self.config[sub].get("ckpt_path")
        if is_pretrained_reference(ckpt_path):
            self._use_pretrained(sub, str(ckpt_path))
            return
        if not ckpt_path or str(ckpt_path) in ("last", "best", "hpc", "registry"):
            return
        from lstmzoo.checkpoint import read_checkpoint

        ckpt = read_checkpoint(ckpt_path)  # a bad file fails here with one clear message
        if sub == "fit":
            return  # resuming: the config describes the model, Lightning restores the state
        self._ckpt_callback_states = dict(ckpt.get("callbacks") or {})
        hparams = dict(ckpt.get("hyper_parameters") or {})
        for key in ("_instantiator", "_class_path"):
            hparams.pop(key, None)
        class_path = (ckpt.get("lstmzoo") or {}).get("class_path")
        if not hparams or not class_path:
            return
        model = {"class_path": class_path, "init_args": hparams}
        self.config = self.parser.parse_object({sub: {"model": model}}, self.config)
        self._ckpt_hparams_loaded = True

    def _use_pretrained(self, sub: str, reference: str) -> None:
        """``--ckpt_path pretrained:MODEL[:TAG]``: the model's constructor arguments come from
        the shipped weights' card (for ``fit``, the config's values win where they leave the
        weights' shapes alone, so ``lr`` and the like can change for fine-tuning), and the
        data module adopts the weights' vocabulary or alphabet. The weights are read and
        checked here (SHA-256, card) and loaded once the model is built."""
        from lstmzoo.weights import get_card, read_weights

        card = get_card(*parse_pretrained_reference(reference))
        state, hparams = read_weights(card)
        init_args = {k: v for k, v in hparams.items() if not k.startswith("_")}
        if sub == "fit":
            current = self.config[sub].get("model")
            given = current.get("init_args") if isinstance(current, Namespace) else None
            if given is not None and current.get("class_path") == card.class_path:
                init_args.update(_changed_from_defaults(card.class_path, _plain_dict(given)))
        model = {"class_path": card.class_path, "init_args": init_args}
        self.config = self.parser.parse_object({sub: {"model": model}}, self.config)
        self._ckpt_hparams_loaded = True
        self._pretrained_state = (card, state)

    def _prepare_subcommand_kwargs(self, subcommand: str) -> dict[str, Any]:
        kwargs = super()._prepare_subcommand_kwargs(subcommand)
        pretrained = getattr(self, "_pretrained_state", None)
        if pretrained is not None and is_pretrained_reference(kwargs.get("ckpt_path")):
            from lstmzoo.weights import load_weights_into

            card, state = pretrained
            load_weights_into(self.model, state, card.reference)
            log.info("starting from the pretrained weights %s", card.reference)
            kwargs["ckpt_path"] = None  # weights only: a fresh optimizer and step 0 for fit
        return kwargs

    def instantiate_trainer(self, **kwargs: Any) -> pl.Trainer:
        # reuse the data module that was built (and possibly set up) while linking sizes
        linked = getattr(self, "_linked_datamodule", None)
        if linked is not None and self.datamodule is not None:
            self.datamodule = linked
        # the default rich callbacks step aside when the config turns their feature off
        trainer_cfg = self._active_config().get("trainer", {})
        dropped = set()
        if trainer_cfg.get("enable_progress_bar") is False:
            dropped.add(RichProgressBar)
        if trainer_cfg.get("enable_model_summary") is False:
            dropped.add(RichModelSummary)
        if trainer_cfg.get("enable_checkpointing") is False:
            dropped.add(ResumableCheckpoint)
        if self.subcommand != "fit":
            dropped.add(FitSummaryPrinter)
        callbacks = self.trainer_defaults.get("callbacks", [])
        self.trainer_defaults["callbacks"] = [
            c for c in callbacks if not isinstance(c, tuple(dropped))
        ]
        trainer = super().instantiate_trainer(**kwargs)
        if self.subcommand != "fit":
            self._checkpoint_folders_as_recorded(trainer)
        return trainer

    def _checkpoint_folders_as_recorded(self, trainer: pl.Trainer) -> None:
        """validate / test / predict from a checkpoint: its checkpoint callbacks keep the folder
        the training run recorded (they save nothing here). Otherwise each would resolve to this
        run's own folder and Lightning would warn, on restoring its state, that it changed."""
        states = getattr(self, "_ckpt_callback_states", None) or {}
        for callback in trainer.checkpoint_callbacks:
            state = states.get(getattr(callback, "state_key", None))
            recorded = state.get("dirpath") if isinstance(state, dict) else None
            if recorded and callback.dirpath is None:
                callback.dirpath = recorded


def _list_command(argv: Sequence[str]) -> int:
    import argparse

    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(prog="lstmzoo list", description="List the registered models.")
    parser.add_argument("pattern", nargs="*", default=["*"], help="wildcard filters, e.g. 'lstm*'")
    parser.add_argument(
        "--pretrained", action="store_true", help="only the models with pretrained weights"
    )
    opts = parser.parse_args(list(argv))
    from lstmzoo.weights import list_cards

    weights: dict[str, list[str]] = {}
    for card in list_cards():
        mark = "*" if card.default else ""
        weights.setdefault(card.model, []).append(
            f"{card.tag}{mark} {card.headline_text()}".strip()
        )
    table = Table(title="lstmzoo models")
    columns = ("name", "task", "topology", "parameters", "recipe", "pretrained", "description")
    for column in columns:
        table.add_column(column, justify="right" if column == "parameters" else "left")
    for name in list_models(opts.pattern, pretrained=opts.pretrained):
        spec = get_model_spec(name)
        try:
            params = f"{sum(p.numel() for p in spec.build().parameters()):,}"
        except Exception as err:  # a model that cannot build with defaults still gets listed
            params = f"n/a ({type(err).__name__})"
        shipped = "\n".join(weights.get(name, [])) or "-"
        table.add_row(
            name, spec.task, spec.topology, params, spec.recipe or "", shipped, spec.description
        )
    Console().print(table)
    return 0


def _export_command(argv: Sequence[str]) -> int:
    from lstmzoo.export import export_command

    return export_command(argv)


def _check_weights(console: Any, reference: str | None) -> int:
    """``lstmzoo weights [MODEL[:TAG]] --check``: 0 when every checked card's samples hold."""
    from lstmzoo.weights import get_card, list_cards, load_pretrained
    from lstmzoo.weights.samples import check_samples

    if reference:
        model, _, tag = reference.partition(":")
        get_model_spec(model)
        cards = [get_card(model, tag or True)]
    else:
        cards = list_cards()
    failed = 0
    for card in cards:
        problems = check_samples(load_pretrained(card.model, card.tag), card.samples)
        failed += bool(problems)
        status = "[red]differs[/]" if problems else "[green]ok[/]"
        console.print(f"{card.reference}: {status} ({len(card.samples)} samples)")
        for problem in problems:
            console.print(f"  {problem}", markup=False)
    if not cards:
        console.print("no pretrained weights installed")
    return 1 if failed else 0


def _weights_command(argv: Sequence[str]) -> int:
    import argparse

    from rich.console import Console
    from rich.table import Table

    from lstmzoo.weights import get_card, list_cards

    parser = argparse.ArgumentParser(
        prog="lstmzoo weights",
        description="The pretrained weights: all of them, or the model card of MODEL[:TAG].",
    )
    parser.add_argument("reference", nargs="?", help="MODEL or MODEL:TAG (default: list all)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="load the weights and check that they still give the card's sample answers",
    )
    opts = parser.parse_args(list(argv))
    console = Console(highlight=False, soft_wrap=True)
    if opts.check:
        return _check_weights(console, opts.reference)
    if opts.reference:
        model, _, tag = opts.reference.partition(":")
        get_model_spec(model)  # an unknown model name lists close matches
        card = get_card(model, tag or True)
        console.print(f"# {card.path}", markup=False)
        console.print(card.render(), markup=False)
        return 0
    table = Table(title="lstmzoo pretrained weights (* = default of its model)")
    for column in ("model", "tag", "headline", "size", "use"):
        table.add_column(column)
    for card in list_cards():
        size = (
            f"{card.weights_path.stat().st_size / 2**20:.1f} MB"
            if card.weights_path.is_file()
            else "missing"
        )
        table.add_row(
            card.model,
            card.tag + ("*" if card.default else ""),
            card.headline_text(),
            size,
            f"--ckpt_path pretrained:{card.reference}",
        )
    console.print(table)
    return 0


def _sweep_command(argv: Sequence[str]) -> int:
    from lstmzoo.sweep.cli import sweep_command  # lstmzoo sweep run | show (lstmzoo/sweep/)

    return sweep_command(argv)


def _recipes_command(argv: Sequence[str]) -> int:
    import argparse

    from rich.console import Console
    from rich.table import Table

    from lstmzoo import recipes

    parser = argparse.ArgumentParser(
        prog="lstmzoo recipes",
        description="The shipped configs, usable by name: lstmzoo fit -c NAME [-c trainer/NAME].",
    )
    sub = parser.add_subparsers(dest="action")
    show_list = sub.add_parser("list", help="list the recipes (the default)")
    show_list.add_argument("prefix", nargs="?", default="", help="only names starting with this")
    show = sub.add_parser("show", help="print a recipe")
    show.add_argument("name")
    path = sub.add_parser("path", help="print a recipe's file path")
    path.add_argument("name")
    copy_ = sub.add_parser("copy", help="copy a recipe to edit it")
    copy_.add_argument("name")
    copy_.add_argument("dest", nargs="?", default=".", help="folder or .yaml file (default: .)")
    copy_.add_argument("--force", action="store_true", help="overwrite an existing file")
    opts = parser.parse_args(list(argv))
    console = Console(highlight=False, soft_wrap=True)
    if opts.action == "show":
        console.print(recipes.recipe_path(opts.name).read_text(encoding="utf-8"), markup=False)
    elif opts.action == "path":
        console.print(str(recipes.recipe_path(opts.name)), markup=False)
    elif opts.action == "copy":
        target = recipes.copy_recipe(opts.name, opts.dest, overwrite=opts.force)
        console.print(f"wrote [bold]{target}[/]; run it with: lstmzoo fit -c {target}")
    else:
        table = Table(title=f"lstmzoo recipes ({recipes.recipes_root()})")
        table.add_column("name")
        table.add_column("description")
        for name in recipes.list_recipes(getattr(opts, "prefix", "")):
            table.add_row(name, recipes.recipe_description(name))
        console.print(table)
    return 0


def _lightning_command(subcommand: str | None, argv: Sequence[str]) -> int:
    argv_before = sys.argv
    _AUTO_PRECISION_CHOICES.clear()
    args = _rewrite_model_flags([subcommand, *argv] if subcommand else list(argv))
    sys.argv = [argv_before[0] if argv_before else "lstmzoo", *args]
    try:
        LstmzooCLI(command_args=list(argv) if subcommand else None)
    finally:
        sys.argv = argv_before
    return 0


Handler = Callable[[Sequence[str]], int]

#: ``name -> (one-line description, handler)``; a handler takes the arguments after the name.
_fit, _validate, _test, _predict = (
    functools.partial(_lightning_command, name) for name in ("fit", "validate", "test", "predict")
)
SUBCOMMANDS: dict[str, tuple[str, Handler]] = {
    "fit": ("train a model: -c RECIPE|FILE, --model, --data, --trainer.*", _fit),
    "validate": ("evaluate on the validation split (--ckpt_path)", _validate),
    "test": ("evaluate on the test split (--ckpt_path)", _test),
    "predict": ("write predictions as JSON lines (--ckpt_path, --predictions.output)", _predict),
    "list": ("list the registered models [PATTERN ...]", _list_command),
    "export": ("export a checkpoint to ONNX or TorchScript", _export_command),
    "recipes": ("list the shipped recipes; show / path / copy NAME [DEST]", _recipes_command),
    "weights": ("the pretrained weights; the model card of MODEL[:TAG]", _weights_command),
    "sweep": ("grids, seeds and searches over config keys on Optuna: run / show", _sweep_command),
}


def _print_help() -> None:
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


def _print_error(message: str, tip: str | None = None) -> None:
    """One line on stderr: ``error: <message> (<tip>)``."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    line = f"[bold red]error:[/] {escape(' '.join(message.split()))}"
    if tip:
        line += f" [dim]({escape(tip)})[/]"
    console.print(line)


def _clean_parser_message(message: str) -> str:
    """Keep what jsonargparse says about the offending key and drop the union bookkeeping."""
    noise = (
        "Does not validate against any of the Union subtypes",
        "Subtypes:",
        "Errors:",
        "Expected a <class 'NoneType'>",
        "Given value type:",
        "Given value:",
    )
    lines = [ln.strip(" -") for ln in message.splitlines()]
    kept = [ln for ln in lines if ln and not ln.startswith(noise)]
    message = " ".join(dict.fromkeys(kept))
    nested = re.match(
        r'Parser key "([\w.]+)": Problem with given class_path \'([\w.]+)\': '
        r'Parser key "([\w.]+)": (.*)',
        message,
        re.DOTALL,
    )
    if nested:  # an init argument of a model / data class: name the full key
        group, class_path, key, rest = nested.groups()
        name = class_path.rsplit(".", 1)[-1]
        message = f"{group}.init_args.{key} ({name}): {rest.strip()}"
    return message


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
        _print_help()
        return 0 if args else 2
    try:
        if args[0] in SUBCOMMANDS:
            return SUBCOMMANDS[args[0]][1](args[1:])
        if not args[0].startswith("-"):
            close = difflib.get_close_matches(args[0], list(SUBCOMMANDS), n=2)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            _print_error(f"unknown subcommand {args[0]!r}.{hint}", tip="run `lstmzoo --help`")
            return 2
        return _lightning_command(None, args)  # options before the subcommand: LightningCLI's
    except ArgumentError as err:
        _print_error(
            _clean_parser_message(str(err)), tip="run `lstmzoo <subcommand> --help` for the options"
        )
        return 2
    except LstmzooError as err:
        _print_error(str(err))
        return 2
    except SIGTERMException:
        # stopped by SIGTERM (pre-emption); last.ckpt was saved, resume with --ckpt_path last
        return 128 + signal.SIGTERM
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
