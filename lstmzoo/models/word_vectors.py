"""Pretrained word vectors for a text model's embedding: read, checked, copied, coverage logged."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from torch import nn

from lstmzoo.data.text.vectors import WordVectors, load_word_vectors
from lstmzoo.errors import ConfigError
from lstmzoo.nn.text import fill_embedding

__all__ = ["load_pretrained_embedding"]

log = logging.getLogger(__name__)


def load_pretrained_embedding(
    embedding: nn.Embedding, tokens: Sequence[str], path: str
) -> WordVectors:
    """Copy the vectors of the word-vector file ``path`` into ``embedding`` (row ``i`` is
    ``tokens[i]``, the first two ``<pad>`` and ``<unk>``); words not in the file get a random
    vector of the same scale (see :func:`~lstmzoo.nn.text.fill_embedding`). How many were found
    is logged.

    Raises:
        ConfigError: the file's dimension differs from the embedding's.
        DataError: the file is missing or malformed.
    """
    vectors = load_word_vectors(path, tokens)
    if vectors.dim != embedding.embedding_dim:
        raise ConfigError(
            f"{path} holds {vectors.dim}-dimensional vectors but embedding_dim is "
            f"{embedding.embedding_dim}; set model.init_args.embedding_dim: {vectors.dim}"
        )
    fill_embedding(embedding, vectors.vectors, vectors.found)
    n = len(tokens) - 2
    log.info(
        "pretrained embeddings: %d of %d vocabulary words found in %s (%.1f%% coverage, "
        "%d words in the file); the other %d keep a random vector",
        int(vectors.found.sum()),
        n,
        path,
        100 * vectors.coverage,
        vectors.file_words,
        n - int(vectors.found.sum()),
    )
    return vectors
