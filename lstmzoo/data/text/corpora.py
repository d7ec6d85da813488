"""Several rated corpora in one data set: which ones, their shares of an epoch, and telling
them apart.

With ``corpora`` every example remembers its corpus. :func:`corpus_shares` turns
``corpus_balance`` into each corpus's share of a training epoch (what
:class:`~lstmzoo.data.text.BucketBatchSampler` draws), and the ``corpus_features`` option fits a
:class:`~lstmzoo.data.text.corpus_id.CorpusClassifier` on the cues of the training texts
(:func:`cue_sets`, :func:`fit_corpus_classifier`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from lstmzoo.data.text.corpus_id import CorpusClassifier, corpus_cues
from lstmzoo.data.text.readers import Example
from lstmzoo.data.text.snippets import check_corpus_names
from lstmzoo.data.text.tokenizer import Tokenizer
from lstmzoo.errors import ConfigError

__all__ = [
    "check_corpora",
    "check_corpus_balance",
    "check_corpus_features",
    "corpus_ids",
    "corpus_shares",
    "cue_sets",
    "fit_corpus_classifier",
]

log = logging.getLogger(__name__)


def check_corpora(corpora: list[str] | None, train_file: str | None) -> list[str] | None:
    """The checked corpus names (``None`` stays ``None``).

    Raises:
        ConfigError: both ``corpora`` and ``train_file`` are set, or a name is unknown.
    """
    if corpora is not None and train_file is not None:
        raise ConfigError(
            "set either data.init_args.corpora (the rated corpora) or train_file (your own "
            "data), not both"
        )
    return check_corpus_names(corpora) if corpora is not None else None


def check_corpus_balance(corpus_balance: float) -> float:
    """``corpus_balance`` as a float; :class:`ValueError` outside [0, 1]."""
    if not 0.0 <= corpus_balance <= 1.0:
        raise ValueError(f"corpus_balance must lie in [0, 1], got {corpus_balance}")
    return float(corpus_balance)


def check_corpus_features(corpora: Sequence[str] | None) -> None:
    """Raise :class:`ConfigError` unless there are at least two corpora to tell apart."""
    if corpora is None or len(corpora) < 2:
        raise ConfigError(
            "corpus_features tells the training corpora apart: it needs at least two "
            f"data.init_args.corpora, got {corpora}; add corpora or drop corpus_features"
        )


def corpus_ids(examples: Sequence[Example], corpora: Sequence[str]) -> list[int]:
    """The index in ``corpora`` of every example's corpus."""
    index = {name: i for i, name in enumerate(corpora)}
    return [index[e.corpus] for e in examples]  # type: ignore[index]


def corpus_shares(
    corpus: Sequence[int], num_corpora: int, corpus_balance: float
) -> list[float] | None:
    """Each corpus's share of a training epoch: proportional to ``size ** corpus_balance``.

    Args:
        corpus: the corpus index of every training text.
        num_corpora: how many corpora there are (an absent one gets no share).
        corpus_balance: ``1`` keeps the texts as they come, ``0`` gives every corpus the same
            share.

    Returns:
        The shares, summing to 1; ``None`` for ``corpus_balance == 1`` (no reweighting).
    """
    if corpus_balance == 1.0:
        return None
    sizes = [corpus.count(k) for k in range(num_corpora)]
    weights = [n**corpus_balance if n else 0.0 for n in sizes]
    return [w / sum(weights) for w in weights]


def cue_sets(texts: Sequence[str], tokenizer: Tokenizer) -> list[set[str]]:
    """The corpus cues of every text (see :func:`~lstmzoo.data.text.corpus_id.corpus_cues`)."""
    return [corpus_cues(text, tokenizer.analyze(text)[0]) for text in texts]


def fit_corpus_classifier(
    cues: Sequence[set[str]], labels: Sequence[int], corpora: Sequence[str]
) -> CorpusClassifier:
    """A :class:`CorpusClassifier` fitted on the training texts' cues and corpus indices."""
    classifier = CorpusClassifier.fit(cues, labels, corpora)
    log.info(
        "corpus classifier: %d cues over %s from %d training texts",
        len(classifier.cues),
        ", ".join(corpora),
        len(labels),
    )
    return classifier
