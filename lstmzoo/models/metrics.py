"""Metrics of whole-text classifiers: accuracy, F1 and AUROC, pooled and per named corpus."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn
from torchmetrics import Metric
from torchmetrics.classification import (
    BinaryAUROC,
    BinaryF1Score,
    MulticlassAccuracy,
    MulticlassAUROC,
    MulticlassF1Score,
)

__all__ = ["CorpusAccuracy", "classification_metrics", "update_classification_metrics"]


def classification_metrics(num_classes: int) -> nn.ModuleDict:
    """``{"acc", "f1", "auroc"}`` for ``num_classes`` classes: micro accuracy, and F1 and AUROC
    of the second class (e.g. ``"positive"``) for two classes, macro averaged for more."""
    metrics: dict[str, Metric] = {"acc": MulticlassAccuracy(num_classes, average="micro")}
    if num_classes == 2:
        metrics["f1"] = BinaryF1Score()
        metrics["auroc"] = BinaryAUROC()
    else:
        metrics["f1"] = MulticlassF1Score(num_classes, average="macro")
        metrics["auroc"] = MulticlassAUROC(num_classes, average="macro")
    return nn.ModuleDict(metrics)


def update_classification_metrics(metrics: nn.ModuleDict, probs: Tensor, y: Tensor) -> None:
    """Update the metrics of :func:`classification_metrics` with ``probs: (B, C)`` class
    probabilities and ``y: (B,)`` class ids."""
    metrics["acc"].update(probs, y)
    scores = probs[:, 1] if probs.shape[-1] == 2 else probs
    metrics["f1"].update(scores, y)
    metrics["auroc"].update(scores, y)


class CorpusAccuracy(nn.ModuleDict):
    """Accuracy per stage and named corpus, one micro-accuracy metric per ``"{stage}_{name}"``
    key, made on the first batch that names the corpus.

    The metrics are submodules, so Lightning logs them as metric objects (under the attribute
    ``"<this module's name>.{key}"``) and moves them with the model.

    Args:
        num_classes: the classifier's number of classes.
    """

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.num_classes = num_classes

    def add_batch(
        self,
        stage: str,
        names: Sequence[str],
        corpus: Tensor,
        preds: Tensor,
        y: Tensor,
    ) -> list[tuple[str, str, Metric, int]]:
        """Update each corpus's accuracy with the texts of the batch that come from it.

        Args:
            stage: ``"val"`` or ``"test"`` (any prefix of the keys).
            names: the corpus names of the data module (index = corpus id). Every batch names
                all of them, so every process makes the same metrics.
            corpus: ``(B,)`` corpus id of each text.
            preds: ``(B,)`` predicted class ids.
            y: ``(B,)`` target class ids.

        Returns:
            ``(name, key, metric, count)`` for each corpus with texts in the batch: what to log,
            with ``count`` texts as the batch size.
        """
        for name in names:
            key = f"{stage}_{name}"
            if key not in self:
                metric = MulticlassAccuracy(self.num_classes, average="micro")
                self[key] = metric.to(preds.device)
        updated = []
        for i, name in enumerate(names):
            mask = corpus == i
            count = int(mask.sum())
            if count == 0:
                continue
            key = f"{stage}_{name}"
            metric = self[key]
            metric.update(preds[mask], y[mask])
            updated.append((name, key, metric, count))
        return updated

    def mean(self, stage: str) -> Tensor | None:
        """The mean of the stage's per-corpus accuracies, every corpus weighted alike (a pooled
        accuracy weights them by size), when two or more corpora have texts; else ``None``."""
        prefix = f"{stage}_"
        metrics = [m for k, m in self.items() if k.startswith(prefix)]
        values = [m.compute() for m in metrics if m.update_count]
        if len(values) < 2:
            return None
        return torch.stack([v.float() for v in values]).mean()
