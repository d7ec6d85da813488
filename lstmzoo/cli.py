"""The ``lstmzoo`` command: LightningCLI for fit / validate / test / predict, plus list and export.

Registry names work wherever a model class path does::

    lstmzoo fit -c configs/lstm_adding.yaml                 # model: lstm inside the file
    lstmzoo fit --model lstm --data AddingProblem --trainer.max_epochs 1
    lstmzoo fit -c configs/lstm_adding.yaml -c configs/trainer/ddp_cpu.yaml

A registry name expands to ``{class_path: <class>, init_args: <registered defaults>}`` and further
``init_args`` from later files or flags are merged on top.
"""

from __future__ import annotations

import copy
import logging
import signal
import sys
from collections.abc import Sequence
from typing import Any

import lightning.pytorch as pl
import yaml
from jsonargparse import ArgumentError, ArgumentParser, Namespace, set_loader
from jsonargparse._loaders_dumpers import get_loader_exceptions, loaders
from lightning.pytorch.callbacks import RichModelSummary, RichProgressBar
from lightning.pytorch.cli import LightningArgumentParser, LightningCLI
from lightning.pytorch.utilities.exceptions import SIGTERMException

import lstmzoo.data  # noqa: F401 - makes the zoo's data modules resolvable by class name
from lstmzoo.callbacks import JsonlPredictionWriter, ResumableCheckpoint
from lstmzoo.errors import LstmzooError
from lstmzoo.registry import get_model_spec, list_models

__all__ = ["LstmzooCLI", "main"]

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
    return data


set_loader(_PARSER_MODE, _load_config_value, get_loader_exceptions("yaml"))


def _rewrite_model_flags(argv: list[str]) -> list[str]:
    """``--model lstm`` / ``--model=lstm`` on the command line -> the expanded mapping."""
    out = list(argv)
    for i, arg in enumerate(out):
        if arg == "--model" and i + 1 < len(out):
            value, index, prefix = out[i + 1], i + 1, ""
        elif arg.startswith("--model="):
            value, index, prefix = arg.split("=", 1)[1], i, "--model="
        else:
            continue
        if value.isidentifier() and value.islower():
            expanded = expand_model_name(value)
            out[index] = prefix + yaml.safe_dump(expanded, default_flow_style=True).strip()
    return out


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

    def __init__(self, args: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("model_class", pl.LightningModule)
        kwargs.setdefault("subclass_mode_model", True)
        kwargs.setdefault("datamodule_class", pl.LightningDataModule)
        kwargs.setdefault("subclass_mode_data", True)
        kwargs.setdefault("save_config_kwargs", {"overwrite": True})
        kwargs.setdefault("load_from_checkpoint_support", False)
        defaults = dict(kwargs.pop("trainer_defaults", None) or {})
        defaults.setdefault(
            "callbacks",
            [
                RichProgressBar(leave=True),
                RichModelSummary(max_depth=2),
                ResumableCheckpoint(),
            ],
        )
        kwargs["trainer_defaults"] = defaults
        super().__init__(args=args, **kwargs)

    def init_parser(self, **kwargs: Any) -> LightningArgumentParser:
        kwargs.setdefault("parser_mode", _PARSER_MODE)
        kwargs.setdefault("exit_on_error", False)
        return super().init_parser(**kwargs)

    def add_arguments_to_parser(self, parser: LightningArgumentParser) -> None:
        parser.add_lightning_class_args(JsonlPredictionWriter, "predictions")

    def _active_config(self) -> Namespace:
        return self.config[self.subcommand] if self.subcommand else self.config

    def instantiate_classes(self) -> None:
        self._link_data_to_model()
        super().instantiate_classes()

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
        ckpt = cfg.get("ckpt_path") if self.subcommand != "fit" else None
        from_ckpt = bool(ckpt) and getattr(self, "_ckpt_hparams_loaded", False)
        if from_ckpt and hasattr(datamodule, "adopt_model_kwargs"):
            datamodule.adopt_model_kwargs(init_args.as_dict())
        elif hasattr(datamodule, "model_kwargs"):
            for key, value in datamodule.model_kwargs().items():
                if key in init_args:
                    init_args[key] = value
        self._linked_datamodule = datamodule

    def _parse_ckpt_path(self) -> None:
        """With ``--ckpt_path FILE``, the model's constructor arguments come from the checkpoint.

        Replaces LightningCLI's version so that zoo checkpoints (which record their class path)
        resolve under subclass mode, and so that a bad file gives one clear error.
        """
        self._ckpt_hparams_loaded = False
        if not self.config.get("subcommand"):
            return
        sub = self.config.subcommand
        ckpt_path = self.config[sub].get("ckpt_path")
        if not ckpt_path or str(ckpt_path) in ("last", "best", "hpc", "registry"):
            return
        from lstmzoo.checkpoint import read_checkpoint

        ckpt = read_checkpoint(ckpt_path)  # a bad file fails here with one clear message
        if sub == "fit":
            return  # resuming: the config describes the model, Lightning restores the state
        hparams = dict(ckpt.get("hyper_parameters") or {})
        for key in ("_instantiator", "_class_path"):
            hparams.pop(key, None)
        class_path = (ckpt.get("lstmzoo") or {}).get("class_path")
        if not hparams or not class_path:
            return
        model = {"class_path": class_path, "init_args": hparams}
        self.config = self.parser.parse_object({sub: {"model": model}}, self.config)
        self._ckpt_hparams_loaded = True

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
        callbacks = self.trainer_defaults.get("callbacks", [])
        self.trainer_defaults["callbacks"] = [c for c in callbacks if type(c) not in dropped]
        return super().instantiate_trainer(**kwargs)


def _list_command(argv: Sequence[str]) -> int:
    import argparse

    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(prog="lstmzoo list", description="List the registered models.")
    parser.add_argument("pattern", nargs="*", default=["*"], help="wildcard filters, e.g. 'lstm*'")
    opts = parser.parse_args(list(argv))
    table = Table(title="lstmzoo models")
    for column in ("name", "task", "topology", "parameters", "config", "description"):
        table.add_column(column, justify="right" if column == "parameters" else "left")
    for name in list_models(opts.pattern):
        spec = get_model_spec(name)
        try:
            params = f"{sum(p.numel() for p in spec.build().parameters()):,}"
        except Exception as err:  # a model that cannot build with defaults still gets listed
            params = f"n/a ({type(err).__name__})"
        table.add_row(name, spec.task, spec.topology, params, spec.config or "", spec.description)
    Console().print(table)
    return 0


def _print_error(message: str, tip: str | None = None) -> None:
    from rich.console import Console

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    console.print(f"[bold red]error:[/] {message}")
    if tip:
        console.print(f"[dim]{tip}[/]")


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
    return " ".join(dict.fromkeys(kept))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lstmzoo`` console script and ``python -m lstmzoo``."""
    args = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if args and args[0] == "list":
            return _list_command(args[1:])
        if args and args[0] == "sweep":  # lstmzoo sweep run | show (lstmzoo/sweep/cli.py)
            from lstmzoo.sweep.cli import sweep_command

            return sweep_command(args[1:])
        if args and args[0] == "export":
            from lstmzoo.export import export_command

            return export_command(args[1:])
        argv_before = sys.argv
        sys.argv = [argv_before[0] if argv_before else "lstmzoo", *_rewrite_model_flags(args)]
        try:
            LstmzooCLI()
        finally:
            sys.argv = argv_before
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
