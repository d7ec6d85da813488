"""lstmzoo.lightning_ties: the Lightning internals the package touches are still there and
still do what the package relies on (a Lightning release that moves one fails here)."""

from __future__ import annotations

import lightning.pytorch as pl
import pytest
import torch
from lightning.pytorch.utilities.exceptions import SIGTERMException
from torch.utils.data import DataLoader, TensorDataset

from lstmzoo.lightning_ties import (
    attached_trainer,
    convert_initial_hparams,
    request_stop_at_step_boundary,
)


class _Tiny(pl.LightningModule):
    def __init__(self, width: int = 3, label: str = "x") -> None:
        super().__init__()
        self.save_hyperparameters()
        self.layer = torch.nn.Linear(2, 1)
        self.seen: list[pl.Trainer | None] = []

    def training_step(self, batch, batch_idx):
        self.seen.append(attached_trainer(self))
        x, y = batch
        return torch.nn.functional.mse_loss(self.layer(x), y)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


def _trainer(**kwargs) -> pl.Trainer:
    return pl.Trainer(
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        **kwargs,
    )


def _loader() -> DataLoader:
    return DataLoader(TensorDataset(torch.randn(8, 2), torch.randn(8, 1)), batch_size=2)


def test_attached_trainer_is_none_by_hand_and_the_trainer_in_a_fit() -> None:
    model = _Tiny()
    assert attached_trainer(model) is None
    with pytest.raises(RuntimeError, match="not attached"):  # the behaviour it relies on
        _ = model.trainer
    trainer = _trainer(max_steps=2)
    trainer.fit(model, _loader())
    assert model.seen == [trainer, trainer]


def test_initial_hparams_are_converted_in_place() -> None:
    model = _Tiny(width=4)
    assert "_hparams_initial" in vars(model), "Lightning no longer keeps _hparams_initial"
    convert_initial_hparams(model, lambda v: f"<{v}>")
    assert dict(model.hparams_initial) == {"width": "<4>", "label": "<x>"}
    assert dict(model.hparams) == {"width": 4, "label": "x"}  # the public copy is separate
    convert_initial_hparams(torch.nn.Module(), str)  # nothing saved: nothing to convert


def test_request_stop_raises_sigterm_at_the_next_step_boundary() -> None:
    class StopAtStep(pl.Callback):
        def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
            if trainer.global_step == 2:
                assert not trainer.received_sigterm
                request_stop_at_step_boundary(trainer)
                assert trainer.received_sigterm  # Lightning's public reading of the flag

    model = _Tiny()
    trainer = _trainer(max_steps=10, callbacks=[StopAtStep()])
    with pytest.raises(SIGTERMException):
        trainer.fit(model, _loader())
    assert trainer.global_step == 2
