"""Predicting with a text classifier: raw texts or padded batches in, JSON-ready records out.

Both paths run the classifier's tensor-only network (an inference engine, see
:mod:`lstmzoo.inference`) on groups of texts of one length, so nothing is padded and each text
gets the answer it would get alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
from torch import Tensor

from lstmzoo.data.text.features import TextFeaturizer
from lstmzoo.errors import ConfigError, DataError
from lstmzoo.inference import equal_length_batches

__all__ = ["check_texts", "padded_batch_logits", "prediction_records", "text_logits"]

#: A classifier's tensor-only forward: ``ids: (B, T)`` [+ its extra inputs] -> ``(B, C)``.
Engine = Callable[..., Tensor]


def check_texts(texts: Sequence[str] | str, batch_size: int) -> list[str]:
    """``texts`` as a list (one text becomes a list of one).

    Raises:
        DataError: a text is empty, whitespace only or not a string (its position is named).
        ConfigError: ``batch_size`` is below 1.
    """
    if isinstance(texts, str):
        texts = [texts]
    for i, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            raise DataError(f"text {i} (0-based) is empty or not a string: {text!r}")
    if batch_size < 1:
        raise ConfigError(f"batch_size must be >= 1, got {batch_size}")
    return list(texts)


def text_logits(
    engine: Engine,
    texts: Sequence[str],
    *,
    featurizer: TextFeaturizer | None,
    tokenize: Callable[[str], list[int]],
    extra: Sequence[str],
    batch_size: int,
    num_classes: int,
    device: torch.device,
) -> Tensor:
    """Logits ``(N, num_classes)`` (CPU) of ``N`` raw texts, in their order.

    Args:
        engine: the network to run.
        texts: the texts.
        featurizer: encodes the texts when the network reads token features or n-grams;
            ``None``: the ids of ``tokenize`` only.
        tokenize: text -> token ids (without a featurizer).
        extra: the network's inputs after the ids, in order: ``"feats"`` and / or
            ``"ngrams"`` (fields of :class:`~lstmzoo.data.text.features.EncodedText`).
        batch_size: texts per forward pass (at most).
        num_classes: the width of the logits.
        device: where the network's weights are.
    """
    encoded = featurizer.encode_many(texts)[0] if featurizer is not None else None
    # id tensors (encoded texts) or id lists
    ids: list[Any] = [e.ids for e in encoded] if encoded is not None else list(map(tokenize, texts))
    logits = torch.empty(len(ids), num_classes)
    for chunk in equal_length_batches([len(i) for i in ids], batch_size):
        if encoded is None:  # id lists: one tensor per batch, not one per text
            inputs = [torch.tensor([ids[i] for i in chunk], dtype=torch.long)]
        else:
            inputs = [torch.stack([ids[i] for i in chunk])]
            for name in extra:
                inputs.append(torch.stack([getattr(encoded[i], name) for i in chunk]))
        logits[chunk] = engine(*(t.to(device) for t in inputs)).cpu()
    return logits


def padded_batch_logits(
    engine: Engine, batch: Mapping[str, Any], extra: Sequence[str], num_classes: int
) -> Tensor:
    """Logits ``(B, num_classes)`` (CPU) of a padded batch ``{"x": (B, T), "lengths": (B,)
    (optional), and each name of extra: (B, T, ...)}``, run in sub-batches of texts of one
    length with the padding cropped.

    Raises:
        ValueError: the batch lacks an input of ``extra``.
    """
    x = batch["x"]
    lengths = batch.get("lengths")
    lengths = [x.shape[1]] * x.shape[0] if lengths is None else lengths.tolist()
    missing = [k for k in extra if batch.get(k) is None]
    if missing:
        raise ValueError(
            f"this model reads token features: the batch lacks {', '.join(missing)} (use the "
            "data module the model was trained with, or predict_text)"
        )
    inputs = [batch[k] for k in extra]
    logits = torch.empty(x.shape[0], num_classes)
    for group in equal_length_batches(lengths, x.shape[0]):
        steps = int(lengths[group[0]])
        logits[group] = engine(*(t[group, :steps] for t in (x, *inputs))).cpu()
    return logits


def prediction_records(
    classes: Sequence[str], texts: Sequence[str] | None, probs: Tensor
) -> list[dict[str, Any]]:
    """One ``{"text", "label", "probabilities": {class: p}}`` per row of ``probs: (N, C)``
    (without ``"text"`` when ``texts`` is ``None``); the label is the most probable class."""
    records = []
    for i, p in enumerate(probs.tolist()):
        best = max(range(len(p)), key=p.__getitem__)
        record: dict[str, Any] = {} if texts is None else {"text": texts[i]}
        record["label"] = classes[best]
        record["probabilities"] = {c: float(v) for c, v in zip(classes, p)}
        records.append(record)
    return records
