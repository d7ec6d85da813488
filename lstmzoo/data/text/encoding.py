"""From examples to tensors: the vocabulary and classes of the training split, token ids (with
or without token features), class ids, and the counts a split's encoding is reported with.

Everything here is plain data preparation on a :class:`~lstmzoo.data.text.Tokenizer` and a
:class:`~lstmzoo.data.text.Vocabulary`; the data module decides which split gets what.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import torch
from torch import Tensor

from lstmzoo.data.text.features import TextFeaturizer
from lstmzoo.data.text.readers import Example, where
from lstmzoo.data.text.tokenizer import Tokenizer
from lstmzoo.data.text.vocab import UNK_ID, Vocabulary
from lstmzoo.errors import DataError

__all__ = [
    "build_vocabulary",
    "class_ids",
    "encode_texts",
    "encode_with_features",
    "encoding_stats",
    "training_classes",
]

log = logging.getLogger(__name__)


def build_vocabulary(
    train: Sequence[Example], tokenizer: Tokenizer, min_freq: int, max_size: int | None
) -> Vocabulary:
    """The vocabulary of the training texts (see :meth:`Vocabulary.build`)."""
    vocab = Vocabulary.build((tokenizer(e.text) for e in train), min_freq, max_size)
    log.info(
        "vocabulary: %d tokens from %d training texts (min_freq=%d, max_size=%s)",
        len(vocab),
        len(train),
        min_freq,
        max_size,
    )
    return vocab


def training_classes(train: Sequence[Example], source: str) -> list[str]:
    """The sorted distinct labels of the training examples.

    Raises:
        DataError: fewer than two classes (``source`` names the data in the message).
    """
    classes = sorted({e.label for e in train if e.label is not None})
    if len(classes) < 2:
        raise DataError(
            f"the training data has {len(classes)} distinct label(s) {classes}; "
            f"classification needs at least 2 ({source})"
        )
    return classes


def class_ids(examples: Sequence[Example], classes: Sequence[str], label_column: str) -> list[int]:
    """The index in ``classes`` of every example's label.

    Raises:
        DataError: a label outside ``classes``, naming its file, line and column (column 2 for
            rated snippets, else ``label_column``).
    """
    index = {c: i for i, c in enumerate(classes)}
    labels = []
    for e in examples:
        if e.label not in index:
            column = 2 if e.score is not None else label_column
            raise DataError(
                f"{where(e.source, e.line, column)}: label {e.label!r} does not occur in "
                f"the training data (classes: {', '.join(map(repr, classes))})"
            )
        labels.append(index[e.label])
    return labels


def encode_texts(
    texts: Sequence[str], tokenizer: Tokenizer, vocab: Vocabulary, max_length: int | None
) -> tuple[list[Tensor], int, int]:
    """Token ids of every text, truncated to ``max_length``.

    A text without any token gets a single ``<unk>`` so that every length is >= 1.

    Returns:
        ``(ids, truncated, longest)``: the id tensors, how many texts were cut and the longest
        token count before cutting.
    """
    out, truncated, longest = [], 0, 0
    for text in texts:
        ids = vocab.encode(tokenizer(text)) or [UNK_ID]
        longest = max(longest, len(ids))
        if max_length is not None and len(ids) > max_length:
            ids = ids[:max_length]
            truncated += 1
        out.append(torch.tensor(ids, dtype=torch.long))
    return out, truncated, longest


def encode_with_features(
    featurizer: TextFeaturizer,
    texts: Sequence[str],
    max_length: int | None,
    corpus_posteriors: Tensor | None = None,
) -> tuple[list[Tensor], list[Tensor] | None, list[Tensor] | None, int, int]:
    """Token ids and token features of every text (see :meth:`TextFeaturizer.encode_many`).

    Returns:
        ``(ids, feats, ngrams, truncated, longest)``: per text ``(T_i,)`` ids, ``(T_i, F)``
        features (``None`` when the featurizer has none) and ``(T_i, K)`` n-gram ids (``None``
        without n-grams); how many texts were cut to ``max_length`` and the longest token count
        before cutting.
    """
    encoded, counts = featurizer.encode_many(texts, corpus_posteriors)
    ids = [e.ids for e in encoded]
    feats = [e.feats for e in encoded]
    ngrams = [e.ngrams for e in encoded]
    truncated = sum(1 for n in counts if max_length is not None and n > max_length)
    longest = max(counts, default=0)
    return (
        ids,
        feats if featurizer.num_features else None,  # type: ignore[return-value]
        ngrams if featurizer.uses_ngrams else None,  # type: ignore[return-value]
        truncated,
        longest,
    )


def encoding_stats(
    split: str, ids: Sequence[Tensor], truncated: int, longest: int, max_length: int | None
) -> dict[str, int]:
    """The counts of an encoded split (texts, tokens, ``<unk>`` tokens, truncated texts), with a
    warning when texts were cut to ``max_length``."""
    if truncated:
        log.warning(
            "%s: truncated %d of %d text(s) to max_length=%d tokens (the longest had %d)",
            split,
            truncated,
            len(ids),
            max_length,
            longest,
        )
    return {
        "texts": len(ids),
        "tokens": sum(len(t) for t in ids),
        "unk": sum(int((t == UNK_ID).sum()) for t in ids),
        "truncated": truncated,
    }
