"""Batches in any common form: dicts, ``(x, y)`` / ``(x, y, lengths)`` tuples, bare tensors."""

from __future__ import annotations

import csv
import inspect

import lightning.pytorch as pl
import pytest
import torch
import yaml
from torch.utils.data import DataLoader, TensorDataset

from lstmzoo.models import CRNNOCR, BiLSTMSentiment, SequenceModel
from lstmzoo.models.base import DEFAULT_LR, BatchFormatError, as_batch_dict


def _trainer(tmp_path) -> pl.Trainer:
    return pl.Trainer(
        max_steps=2,
        limit_val_batches=1,
        default_root_dir=str(tmp_path),
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )


def _run_all_stages(tmp_path, model: pl.LightningModule, train: TensorDataset, predict) -> list:
    """fit + validate + test on ``train`` with the default collate, then predict on ``predict``."""
    loader = DataLoader(train, batch_size=4)
    before = [p.detach().clone() for p in model.parameters()]
    trainer = _trainer(tmp_path)
    trainer.fit(model, loader, loader)
    after = list(model.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(before, after)), "no weight changed"
    trainer.validate(model, loader, verbose=False)
    trainer.test(model, loader, verbose=False)
    return trainer.predict(model, predict)


def test_as_batch_dict_forms() -> None:
    x, y, n = torch.randn(3, 5, 2), torch.randn(3, 1), torch.tensor([5, 4, 2])
    assert as_batch_dict((x, y))["lengths"] is None
    assert as_batch_dict([x, y, n])["lengths"] is n
    assert as_batch_dict({"x": x, "y": y, "extra": 1})["extra"] == 1
    assert as_batch_dict(x, stage="predict")["x"] is x
    assert as_batch_dict([x], stage="predict")["x"] is x


@pytest.mark.parametrize(
    ("batch", "stage", "what"),
    [
        ("text", "train", "of type str"),
        (torch.randn(3, 5, 2), "train", "bare tensor"),
        ((torch.randn(3, 5, 2),), "train", "of 1 elements"),
        ((torch.randn(3, 5, 2),) * 4, "predict", "of 4 elements"),
        ({"y": torch.zeros(3)}, "val", "without the key 'x'"),
        ({"x": torch.zeros(3, 5, 2)}, "test", "without a target 'y'"),
        (([1, 2], torch.zeros(2)), "train", "'x' is a list"),
        ((torch.zeros(3, 5, 2), torch.zeros(3), torch.ones(3, 5)), "train", "not a (B,) tensor"),
        ((torch.zeros(3, 5, 2), torch.zeros(3), torch.ones(2)), "train", "2 lengths for 3"),
    ],
)
def test_as_batch_dict_rejects_other_forms(batch, stage, what) -> None:
    with pytest.raises(BatchFormatError) as err:
        as_batch_dict(batch, stage=stage, owner="SequenceModel")
    message = str(err.value)
    assert what in message
    assert "accepted forms: a dict {'x', 'y', 'lengths'}, a tuple/list (x, y)" in message
    assert ("bare x tensor" in message) == (stage == "predict")


def test_sequence_model_trains_on_a_tensor_dataset(tmp_path) -> None:
    x, y = torch.randn(16, 6, 2), torch.randn(16, 1)
    model = SequenceModel(input_size=2, hidden_size=8, lr=0.05)
    preds = _run_all_stages(tmp_path, model, TensorDataset(x, y), DataLoader(x[:5], batch_size=5))
    assert len(preds[0]) == 5 and "target" not in preds[0][0]
    assert model.loss((x[:4], y[:4])).dim() == 0


def test_sequence_model_takes_lengths_as_third_element(tmp_path) -> None:
    x = torch.randn(8, 6, 3)
    y = torch.randint(0, 4, (8, 6))
    lengths = torch.tensor([6, 5, 4, 3, 6, 2, 1, 6])
    model = SequenceModel(
        input_size=3, output_size=4, task="classification", hidden_size=8, head="many_to_many"
    )
    data = TensorDataset(x, y, lengths)
    preds = _run_all_stages(tmp_path, model, data, DataLoader(data, batch_size=8))
    # padded steps are cut from both prediction and target
    assert [len(r["prediction"]) for r in preds[0]] == lengths.tolist()
    assert [len(r["target"]) for r in preds[0]] == lengths.tolist()
    # padding does not change the loss: the same samples padded further give the same value
    model.eval()
    padded = torch.cat([x, torch.randn(8, 3, 3)], dim=1)
    y_pad = torch.cat([y, torch.zeros(8, 3, dtype=torch.long)], dim=1)
    with torch.no_grad():
        assert torch.allclose(model.loss((x, y, lengths)), model.loss([padded, y_pad, lengths]))


def test_sentiment_trains_on_a_tensor_dataset(tmp_path) -> None:
    vocab = ["<pad>", "<unk>", "good", "bad", "film", "very"]
    g = torch.Generator().manual_seed(0)
    x = torch.randint(2, len(vocab), (16, 7), generator=g)
    lengths = torch.randint(1, 8, (16,), generator=g)
    x[torch.arange(7).unsqueeze(0) >= lengths.unsqueeze(1)] = 0
    y = torch.randint(0, 2, (16,), generator=g)
    model = BiLSTMSentiment(vocab=vocab, embedding_dim=8, hidden_size=8)
    data = TensorDataset(x, y, lengths)
    preds = _run_all_stages(tmp_path, model, data, DataLoader(TensorDataset(x), batch_size=16))
    assert preds[0][0].keys() == {"label", "probabilities"}
    # (x, y) without lengths works too
    _run_all_stages(tmp_path, model, TensorDataset(x, y), DataLoader(x, batch_size=4))


def test_ocr_trains_on_a_tensor_dataset(tmp_path) -> None:
    model = CRNNOCR(alphabet="ab", hidden_size=8, width_mult=0.125)
    images = torch.rand(8, 1, 32, 40)
    labels = torch.tensor([[1, 2, 0], [2, 2, 1], [1, 0, 0], [2, 1, 2]] * 2)  # "ab", "bba", ...
    preds = _run_all_stages(
        tmp_path, model, TensorDataset(images, labels), DataLoader(images[:3], batch_size=3)
    )
    assert [r["index"] for r in preds[0]] == [0, 1, 2]
    assert {"text", "confidence"} <= preds[0][0].keys()
    batch = model.as_batch((images[:2], ["ab", "b"], torch.tensor([40, 30])))
    assert batch["text"] == ["ab", "b"] and batch["widths"].tolist() == [40, 30]
    assert model.as_batch((images[:2], labels[:2]))["text"] == ["ab", "bba"]


@pytest.mark.parametrize(
    "labels", [torch.tensor([[1, 5], [2, 0]]), torch.rand(2, 2), torch.tensor([1, 2])]
)
def test_ocr_rejects_bad_label_tensors(labels) -> None:
    model = CRNNOCR(alphabet="ab", hidden_size=8, width_mult=0.125)
    with pytest.raises(BatchFormatError, match="CRNNOCR got train label"):
        model.as_batch((torch.rand(2, 1, 32, 40), labels))


def test_a_bad_batch_fails_before_the_forward_pass() -> None:
    model = SequenceModel(input_size=2, hidden_size=8)
    with pytest.raises(BatchFormatError, match=r"SequenceModel got a train batch of type int"):
        model.training_step(3, 0)


class UserSineData(pl.LightningDataModule):
    """A user's own data module: stock TensorDatasets, default collate, ``(x, y)`` batches."""

    def __init__(self, samples: int = 32, steps: int = 6, batch_size: int = 8) -> None:
        super().__init__()
        self.samples, self.steps, self.batch_size = samples, steps, batch_size

    def setup(self, stage: str) -> None:
        g = torch.Generator().manual_seed(0)
        x = torch.randn(self.samples, self.steps, 2, generator=g)
        self.data = TensorDataset(x, x.sum(dim=(1, 2)).unsqueeze(-1))

    def train_dataloader(self) -> DataLoader:
        return DataLoader(self.data, batch_size=self.batch_size, shuffle=True)

    def val_dataloader(self) -> DataLoader:
        return DataLoader(self.data, batch_size=self.batch_size)


@pytest.mark.parametrize("model", ["lstmzoo.models.SequenceModel", "SequenceModel"])
# a plain LightningCLI, as a user would write it: its default seed_everything=True warns
@pytest.mark.filterwarnings("ignore:No seed found, seed set to 0")
def test_zoo_model_trains_in_a_users_own_lightning_cli(tmp_path, model) -> None:
    from lightning.pytorch.cli import LightningCLI

    args = [
        "fit",
        *("--model", model),
        *("--model.init_args.input_size", "2", "--model.init_args.hidden_size", "8"),
        *("--data.batch_size", "4"),
        *("--trainer.max_steps", "3", "--trainer.default_root_dir", str(tmp_path)),
        *("--trainer.logger", "false", "--trainer.enable_progress_bar", "false"),
        *("--trainer.enable_model_summary", "false", "--trainer.accelerator", "cpu"),
    ]
    cli = LightningCLI(
        SequenceModel,
        UserSineData,
        subclass_mode_model=True,
        args=args,
        save_config_kwargs={"overwrite": True},
    )
    assert cli.trainer.global_step == 3
    assert type(cli.model.hparams["hidden_size"]) is int  # plain values: weights_only-safe
    ckpt = next(tmp_path.rglob("*.ckpt"))
    again = SequenceModel.load_from_checkpoint(ckpt)
    assert again.encoder.hidden_size == 8


def test_train_loss_is_logged_on_the_logging_steps_only(tmp_path) -> None:
    """Per-step values are logged where Lightning writes them (every ``log_every_n_steps``)."""
    from lightning.pytorch.loggers import CSVLogger

    data = TensorDataset(torch.randn(28, 5, 2), torch.randn(28, 1))
    model = SequenceModel(input_size=2, hidden_size=4)
    logged: list[int] = []
    original = model.log

    def spy(name, *args, **kwargs):
        if name == "train/loss":
            logged.append(model.global_step)
        return original(name, *args, **kwargs)

    model.log = spy  # type: ignore[method-assign]
    trainer = pl.Trainer(
        max_steps=7,
        log_every_n_steps=3,
        limit_val_batches=1,
        val_check_interval=7,
        logger=CSVLogger(str(tmp_path)),
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )
    loader = DataLoader(data, batch_size=4)
    trainer.fit(model, loader, loader)
    assert logged == [0, 2, 5]
    assert "train/loss" in trainer.progress_bar_metrics
    with open(tmp_path / "lightning_logs" / "version_0" / "metrics.csv") as handle:
        steps = [int(row["step"]) for row in csv.DictReader(handle) if row["train/loss"]]
    assert steps == [2, 5]  # what the CSV logger wrote: unchanged by the skipped calls


def test_hyperparameters_and_their_initial_copy_are_plain_values() -> None:
    """Restricted argument types (what a config parser passes) become built-in types in the
    checkpoint's ``hparams`` and in the loggers' ``hparams_initial`` alike."""
    from lstmzoo.argtypes import PositiveFloat, PositiveInt

    model = SequenceModel(
        input_size=PositiveInt(2), hidden_size=PositiveInt(4), lr=PositiveFloat(0.5)
    )
    for store in (model.hparams, model.hparams_initial):
        assert type(store["hidden_size"]) is int and type(store["lr"]) is float
    assert yaml.safe_load(yaml.safe_dump(dict(model.hparams_initial)))["hidden_size"] == 4


def test_the_default_optimizer_uses_the_lr_hyperparameter_or_default_lr() -> None:
    model = SequenceModel(input_size=2, hidden_size=4, lr=0.25)
    assert model.configure_optimizers().param_groups[0]["lr"] == 0.25
    del model.hparams["lr"]  # a subclass that takes no lr
    assert model.configure_optimizers().param_groups[0]["lr"] == DEFAULT_LR
    assert inspect.signature(SequenceModel).parameters["lr"].default == DEFAULT_LR
