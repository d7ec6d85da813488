""":class:`LstmzooCLI`: LightningCLI with the zoo's defaults, behind ``lstmzoo fit`` /
``validate`` / ``test`` / ``predict`` (and the sweep's trials)."""

from __future__ import annotations

import contextlib
import copy
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import lightning.pytorch as pl
from jsonargparse import ArgumentParser, Namespace
from lightning.pytorch.callbacks import RichModelSummary, RichProgressBar
from lightning.pytorch.callbacks.progress.rich_progress import RichProgressBarTheme
from lightning.pytorch.cli import ArgsType, LightningArgumentParser
from typing_extensions import override

import lstmzoo.data  # noqa: F401 - makes the zoo's data modules resolvable by class name
from lstmzoo.callbacks import (
    JsonlPredictionWriter,
    KeepMetricsOnResume,
    PrecisionCheck,
    ResumableCheckpoint,
    ThrottledRichProgressBar,
)
from lstmzoo.checkpoint import is_pretrained_reference
from lstmzoo.cli.auto_precision import AutoPrecision, auto_precision_scope, current_auto_precision
from lstmzoo.cli.config import PARSER_MODE, plain_config
from lstmzoo.cli.fit_summary import FitSummaryPrinter
from lstmzoo.cli.from_checkpoint import CheckpointArgs, read_ckpt_path, start_from_pretrained
from lstmzoo.cli.lightning_private import PrivateStepsCLI
from lstmzoo.cli.messages import constructor_error_message
from lstmzoo.cli.run_folder import checkpoint_folders_as_recorded, one_run_folder
from lstmzoo.cli.save_config import ZooSaveConfig
from lstmzoo.errors import ConfigError, LstmzooError

__all__ = ["LstmzooCLI"]


class LstmzooCLI(PrivateStepsCLI):
    """LightningCLI with the zoo's defaults.

    * model and data are chosen in the config (``class_path`` or a registry name);
    * sizes that come from the data (``ZooDataModule.model_kwargs()``: input size, classes,
      vocabulary, alphabet) are passed to the model's constructor, so they are stored in the
      checkpoint's hyperparameters; with ``--ckpt_path`` for validate / test / predict the data
      module adopts the checkpoint's values instead;
    * rich progress bar and model summary, ``last.ckpt`` saved, predictions written as JSONL,
      and the saved ``config.yaml`` overwritten on a rerun in the same folder.

    Args:
        args: as for LightningCLI (``None``: ``sys.argv``).
        command_args: the user's arguments after ``fit``; given, the end-of-fit summary is
            printed (with the ``lstmzoo test`` line that evaluates the best checkpoint).
        **kwargs: LightningCLI's arguments; the zoo's defaults above fill the ones not given.
    """

    def __init__(
        self, args: Any = None, *, command_args: Sequence[str] | None = None, **kwargs: Any
    ) -> None:
        # the user's own arguments after the subcommand, for the end-of-fit `lstmzoo test` line
        self._command_args = list(command_args) if command_args is not None else None
        self._from_ckpt = CheckpointArgs(Namespace())
        self._auto_precision = AutoPrecision()
        self._linked_datamodule: pl.LightningDataModule | None = None
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

    @override
    def init_parser(self, **kwargs: Any) -> LightningArgumentParser:
        kwargs.setdefault("parser_mode", PARSER_MODE)
        kwargs.setdefault("exit_on_error", False)
        return super().init_parser(**kwargs)

    @override
    def add_arguments_to_parser(self, parser: LightningArgumentParser) -> None:
        parser.add_lightning_class_args(JsonlPredictionWriter, "predictions")

    @override
    def parse_arguments(self, parser: LightningArgumentParser, args: ArgsType) -> None:
        """Parse with ``precision: auto`` resolved once for the whole command line, then read
        ``--ckpt_path`` (the model's arguments from a checkpoint or shipped weights)."""
        auto = current_auto_precision()
        if auto is None:
            argv = sys.argv[1:] if args is None else args
            auto = AutoPrecision.of_command_line(argv if isinstance(argv, (list, tuple)) else [])
        with auto_precision_scope(auto):
            super().parse_arguments(parser, args)
        self._auto_precision = auto
        self._from_ckpt = read_ckpt_path(self.parser, self.config)
        self.config = self._from_ckpt.config

    def _active_config(self) -> Namespace:
        return self.config[self.subcommand] if self.subcommand else self.config

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

    @override
    @contextlib.contextmanager
    def subcommand_context(self, subcommand: str) -> Iterator[None]:
        ckpt = self._active_config().get("ckpt_path")
        if subcommand != "fit" or not ckpt or is_pretrained_reference(ckpt):
            yield
            return
        # A resumed fit writes into its own run folder on purpose, and KeepMetricsOnResume puts
        # the earlier rows of metrics.csv back: Lightning's warnings that the folder is not
        # empty and that "previous log files will be deleted" would say otherwise.
        with warnings.catch_warnings():
            for folder in ("Experiment logs directory", "Checkpoint directory"):
                warnings.filterwarnings("ignore", f"{folder} .* exists and is not empty")
            yield

    @override
    def before_instantiate_classes(self) -> None:
        trainer_cfg = self._active_config().get("trainer")
        final = trainer_cfg.get("precision") if trainer_cfg is not None else None
        self._auto_precision.report(final)

    @override
    def instantiate_classes(self) -> None:
        plain_config(self.config)
        # subcommand None: run=False
        one_run_folder(self._active_config().get("trainer"), fit=self.subcommand in ("fit", None))
        try:
            self._link_data_to_model()
            super().instantiate_classes()
        except (ValueError, TypeError) as err:
            if isinstance(err, LstmzooError) and not isinstance(err, ConfigError):
                raise  # data and checkpoint errors already say where
            raise ConfigError(constructor_error_message(err)) from err

    @override
    def after_instantiate_classes(self) -> None:
        """``--ckpt_path pretrained:...``: the built model gets the weights, and the subcommand
        runs without a checkpoint (for ``fit``: a fresh optimizer and step 0)."""
        pretrained = self._from_ckpt.pretrained
        if pretrained is None or self.subcommand is None:
            return
        sub_config = self.config_init[self.subcommand]
        if is_pretrained_reference(sub_config.get("ckpt_path")):
            start_from_pretrained(self.model, pretrained)
            sub_config["ckpt_path"] = None

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
        from_ckpt = bool(ckpt) and self._from_ckpt.hparams_loaded
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

    @override
    def instantiate_trainer(self, **kwargs: Any) -> pl.Trainer:
        # reuse the data module that was built (and possibly set up) while linking sizes
        if self._linked_datamodule is not None and self.datamodule is not None:
            self.datamodule = self._linked_datamodule
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
            checkpoint_folders_as_recorded(trainer, self._from_ckpt.callback_states)
        return trainer
