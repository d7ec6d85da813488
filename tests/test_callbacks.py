"""lstmzoo.callbacks: the throttled progress bar redraws on time, not on every batch; the
checkpoint callback writes named files only (``last.ckpt``, ``best.ckpt``)."""

from __future__ import annotations

import lightning.pytorch as pl
import pytest
import torch
from lightning.pytorch.callbacks import ModelCheckpoint
from torch.utils.data import DataLoader, TensorDataset

from lstmzoo.callbacks import ResumableCheckpoint, ThrottledRichProgressBar
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


# ---------------------------------------------------------------------------- checkpoint names


def _fit_into_run_folder(root, callbacks, max_epochs: int, ckpt_path=None) -> pl.Trainer:
    """A tiny fit laid out as ``lstmzoo fit`` lays out a run: ``<root>/run/`` for the logs and
    ``<root>/run/checkpoints/``."""
    from lightning.pytorch.loggers import CSVLogger

    torch.manual_seed(0)
    data = TensorDataset(torch.randn(16, 5, 2), torch.randn(16, 1))
    trainer = pl.Trainer(
        max_epochs=max_epochs,
        callbacks=callbacks,
        logger=CSVLogger(str(root), name="run", version=""),
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
        num_sanity_val_steps=0,
        log_every_n_steps=1,
    )
    loader = DataLoader(data, batch_size=4)
    model = SequenceModel(input_size=2, hidden_size=4)
    trainer.fit(model, loader, loader, ckpt_path=ckpt_path)
    return trainer


def _checkpoint_files(root) -> list[str]:
    return sorted(p.name for p in (root / "run" / "checkpoints").iterdir())


# the second fit resumes into the first one's run folder on purpose, and Lightning's CSVLogger
# warns that the folder is not empty (the CLI's own logger appends instead)
@pytest.mark.filterwarnings("ignore:Experiment logs directory .* exists and is not empty")
def test_the_default_checkpoint_writes_last_ckpt_only_and_resumes_from_it(tmp_path) -> None:
    trainer = _fit_into_run_folder(tmp_path, [ResumableCheckpoint()], max_epochs=2)
    assert _checkpoint_files(tmp_path) == ["last.ckpt"]  # no epoch=N-step=M.ckpt beside it
    assert trainer.global_step == 8
    resumed = _fit_into_run_folder(tmp_path, [ResumableCheckpoint()], 3, ckpt_path="last")
    assert resumed.global_step == 12  # went on from step 8: it found and restored last.ckpt
    assert _checkpoint_files(tmp_path) == ["last.ckpt"]
    from lstmzoo.checkpoint_file import read_checkpoint

    assert read_checkpoint(tmp_path / "run" / "checkpoints" / "last.ckpt")["global_step"] == 12


def test_a_monitored_checkpoint_of_the_config_adds_best_ckpt(tmp_path) -> None:
    best = ModelCheckpoint(monitor="val/loss", filename="best", save_last=False)
    _fit_into_run_folder(tmp_path, [ResumableCheckpoint(), best], max_epochs=2)
    assert _checkpoint_files(tmp_path) == ["best.ckpt", "last.ckpt"]


def test_a_monitor_on_the_default_checkpoint_names_its_file_best(tmp_path) -> None:
    callback = ResumableCheckpoint(monitor="val/loss")
    _fit_into_run_folder(tmp_path, [callback], max_epochs=2)
    assert _checkpoint_files(tmp_path) == ["best.ckpt", "last.ckpt"]
    assert callback.best_model_path.endswith("best.ckpt")


def test_a_filename_given_by_the_user_is_kept(tmp_path) -> None:
    callback = ResumableCheckpoint(monitor="val/loss", filename="lowest-{epoch}")
    _fit_into_run_folder(tmp_path, [callback], max_epochs=1)
    assert _checkpoint_files(tmp_path) == ["last.ckpt", "lowest-epoch=0.ckpt"]


class _LastStepAtEpochStart(pl.Callback):
    """Records the ``global_step`` stored in ``last.ckpt`` when each epoch starts (what a run
    killed then would resume from)."""

    def __init__(self, folder) -> None:
        self.folder = folder
        self.steps: list[int | None] = []

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        from lstmzoo.checkpoint_file import read_checkpoint

        last = self.folder / "last.ckpt"
        self.steps.append(read_checkpoint(last)["global_step"] if last.exists() else None)


@pytest.mark.parametrize("monitor", [None, "val/never_better"])
def test_last_ckpt_holds_every_finished_epoch_before_the_fit_ends(tmp_path, monitor) -> None:
    class NeverBetter(pl.Callback):  # a monitored value that only gets worse after epoch 0
        def on_validation_epoch_end(self, trainer, pl_module) -> None:
            pl_module.log("val/never_better", float(trainer.current_epoch))

    watch = _LastStepAtEpochStart(tmp_path / "run" / "checkpoints")
    callback = ResumableCheckpoint(monitor=monitor, mode="min")
    _fit_into_run_folder(tmp_path, [NeverBetter(), callback, watch], max_epochs=3)
    # 4 steps per epoch: a kill at the start of epoch 2 resumes from step 8, not from 4 or 0
    assert watch.steps == [None, 4, 8]
