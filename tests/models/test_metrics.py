"""Classification metrics: accuracy, F1 and AUROC by class count; per-corpus accuracy."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from lstmzoo.data.text import TextClassificationData
from lstmzoo.models.metrics import (
    CorpusAccuracy,
    classification_metrics,
    update_classification_metrics,
)
from lstmzoo.models.sentiment import BiLSTMSentiment
from tests.helpers_text import write_csv
from tests.models.helpers_sentiment import tiny_trainer


def test_three_classes_metrics(tmp_path: Path) -> None:
    rows = [("good film", "pos"), ("bad film", "neg"), ("a film", "neutral")] * 8
    train = write_csv(tmp_path / "train.csv", rows)
    dm = TextClassificationData(train_file=str(train), val_file=str(train), test_file=str(train))
    model = BiLSTMSentiment(**dm.model_kwargs(), embedding_dim=8, hidden_size=4)
    trainer = tiny_trainer(tmp_path)
    trainer.fit(model, datamodule=dm)
    result = trainer.test(model, datamodule=dm, verbose=False)[0]
    assert {"test/acc", "test/f1", "test/auroc"} <= set(result)
    assert len(model.predict_text(["good"])[0]["probabilities"]) == 3


@pytest.mark.parametrize("num_classes", [2, 3])
def test_classification_metrics_of_perfect_predictions(num_classes: int) -> None:
    metrics = classification_metrics(num_classes)
    assert set(metrics) == {"acc", "f1", "auroc"}
    y = torch.arange(num_classes).repeat(2)
    probs = torch.nn.functional.one_hot(y, num_classes).float() * 0.9 + 0.1 / num_classes
    update_classification_metrics(metrics, probs, y)
    for name, metric in metrics.items():
        assert float(metric.compute()) == pytest.approx(1.0), name


def test_corpus_accuracy_per_stage_and_corpus_and_their_mean() -> None:
    acc = CorpusAccuracy(2)
    names = ["amazon", "tweets", "nyt"]
    corpus = torch.tensor([0, 0, 1, 1])
    preds, y = torch.tensor([1, 1, 0, 1]), torch.tensor([1, 0, 0, 0])
    updated = acc.add_batch("val", names, corpus, preds, y)
    # every named corpus gets its metric; only corpora with texts are updated
    assert sorted(acc) == ["val_amazon", "val_nyt", "val_tweets"]
    assert [(name, key, count) for name, key, _, count in updated] == [
        ("amazon", "val_amazon", 2),
        ("tweets", "val_tweets", 2),
    ]
    assert float(acc["val_amazon"].compute()) == pytest.approx(0.5)
    assert float(acc["val_tweets"].compute()) == pytest.approx(0.5)
    assert float(acc.mean("val")) == pytest.approx(0.5)
    assert acc.mean("test") is None  # no corpus of that stage
    acc.add_batch("test", names, torch.tensor([2]), torch.tensor([1]), torch.tensor([1]))
    assert acc.mean("test") is None  # one corpus with texts: nothing to average
