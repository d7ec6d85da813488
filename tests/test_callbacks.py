"""lstmzoo.callbacks: the throttled progress bar redraws on time, not on every batch."""

from __future__ import annotations

import lightning.pytorch as pl
import torch
from torch.utils.data import DataLoader, TensorDataset

from lstmzoo.callbacks import ThrottledRichProgressBar
from lstmzoo.models import SequenceModel


def _fit_counting_redraws(min_interval: float) -> list[int]:
    bar = ThrottledRichProgressBar(min_interval=min_interval)
    drawn: list[int] = []
    original = bar._update_metrics

    def spy(trainer, pl_module):
        drawn.append(trainer.global_step)
        return original(trainer, pl_module)

    bar._update_metrics = spy  # type: ignore[method-assign]
    data = TensorDataset(torch.randn(40, 5, 2), torch.randn(40, 1))
    trainer = pl.Trainer(
        max_epochs=2,
        callbacks=[bar],
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
        accelerator="cpu",
        limit_val_batches=0,
        num_sanity_val_steps=0,
    )
    loader = DataLoader(data, batch_size=4)
    trainer.fit(SequenceModel(input_size=2, hidden_size=4), loader, loader)
    return drawn


# every epoch end also updates the metrics once more (Lightning's own call), hence 10 and 20 twice
def test_throttled_bar_redraws_the_first_batch_and_epoch_ends_when_steps_are_fast():
    # 10 batches per epoch, far faster than an hour apart: the first batch, then each last one
    assert _fit_counting_redraws(min_interval=3600.0) == [1, 10, 10, 20, 20]


def test_throttled_bar_with_no_interval_redraws_every_batch():
    every = [*range(1, 11), 10, *range(11, 21), 20]
    assert _fit_counting_redraws(min_interval=0.0) == every
