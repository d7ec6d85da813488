"""Tiny sentiment models, trainers and fits shared by the tests of the sentiment model's parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import torch

from lstmzoo.data.text import TextClassificationData
from lstmzoo.models.sentiment import BiLSTMSentiment
from tests.helpers_text import write_tiny_dataset

REPO = Path(__file__).resolve().parents[2]
VOCAB = ["<pad>", "<unk>", "good", "bad", "film", "very", "!"]
#: token features of every kind: flags (with a lexicon), hashed character n-grams
FEATURES: dict[str, Any] = dict(
    tokenizer="social", token_flags=True, char_ngram_buckets=64, char_ngram_orders=[2, 3],
    max_char_ngrams=6,
)  # fmt: skip


def tiny_model(**kwargs: Any) -> BiLSTMSentiment:
    """A seeded model over :data:`VOCAB` with classes ``neg`` / ``pos``; ``kwargs`` override."""
    torch.manual_seed(0)
    defaults = dict(vocab=VOCAB, classes=["neg", "pos"], embedding_dim=8, hidden_size=6)
    return BiLSTMSentiment(**{**defaults, **kwargs})


def tiny_trainer(root: Path, epochs: int = 1) -> pl.Trainer:
    """A quiet CPU trainer writing under ``root``."""
    return pl.Trainer(
        max_epochs=epochs,
        default_root_dir=root,
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )


def fit_tiny(
    tmp_path: Path, **model_kwargs: Any
) -> tuple[BiLSTMSentiment, TextClassificationData, pl.Trainer]:
    """Two epochs on the tiny dataset of :func:`~tests.helpers_text.write_tiny_dataset`."""
    files = write_tiny_dataset(tmp_path / "data")
    dm = TextClassificationData(
        train_file=str(files["train"]),
        val_file=str(files["val"]),
        test_file=str(files["test"]),
        predict_file=str(files["predict"]),
        batch_size=16,
        seed=0,
    )
    torch.manual_seed(0)
    model = BiLSTMSentiment(
        **dm.model_kwargs(), embedding_dim=12, hidden_size=8, lr=0.01, **model_kwargs
    )
    trainer = tiny_trainer(tmp_path / "run", epochs=2)
    trainer.fit(model, datamodule=dm)
    return model, dm, trainer
