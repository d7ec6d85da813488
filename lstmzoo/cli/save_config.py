"""The run's ``config.yaml``: Lightning's saver, without the values the data module filled in."""

from __future__ import annotations

from typing import Any

import lightning.pytorch as pl
from jsonargparse import Namespace
from lightning.pytorch.cli import SaveConfigCallback
from typing_extensions import override

__all__ = ["ZooSaveConfig"]


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

    @override
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
