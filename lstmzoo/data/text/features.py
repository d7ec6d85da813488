"""Per-token inputs beyond the word id: lexicon valence, intensity flags, hashed character n-grams.

A :class:`TextFeaturizer` turns a raw text into what a feature-aware model reads:

* ``ids: (T,) int64`` -- vocabulary ids (``<unk>`` for unknown tokens), as without features;
* ``feats: (T, F) float32`` -- per token, in this order: the lexicon valence / 4 (when a
  lexicon is given; VADER's scale -4..+4 becomes -1..+1), then (``token_flags``) 1.0 when the
  token was written in ALL CAPS and 1.0 when it was elongated (``"soooo"``);
* ``ngrams: (T, K) int64`` -- (``char_ngram_buckets > 0``) the hashed character n-grams of each
  token, ``K = max_char_ngrams``, 0 = padding. The n-grams of ``"<" + token + ">"`` of every
  order in ``char_ngram_orders`` are hashed with CRC-32 (stable across processes and machines)
  into ``1 .. char_ngram_buckets``. A model embeds them and adds their mean to the word
  embedding, so a token outside the vocabulary (a misspelling, a rare inflection, an unseen
  emoticon) is more than ``<unk>``.

Everything is computed once per distinct token string and cached, so encoding a text costs one
dictionary lookup per token. The configuration is plain values (:meth:`TextFeaturizer.config`),
stored by the model in its checkpoint.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any, NamedTuple

import torch
from torch import Tensor

from lstmzoo.data.text.lexicon import Lexicon
from lstmzoo.data.text.tokenizer import Tokenizer
from lstmzoo.data.text.vocab import UNK_ID, Vocabulary
from lstmzoo.errors import ConfigError

__all__ = ["EncodedText", "TextFeaturizer", "char_ngrams"]


class EncodedText(NamedTuple):
    """One text: ``ids (T,)``, ``feats (T, F)`` or ``None``, ``ngrams (T, K)`` or ``None``."""

    ids: Tensor
    feats: Tensor | None
    ngrams: Tensor | None


def char_ngrams(token: str, orders: Sequence[int], buckets: int, limit: int) -> tuple[int, ...]:
    """Hashed n-gram ids (``1 .. buckets``) of ``"<" + token + ">"``, at most ``limit`` of them,
    orders in the given sequence; a marked token shorter than an order counts whole once."""
    marked = f"<{token}>"
    out: list[int] = []
    seen: set[str] = set()
    for n in orders:
        count = len(marked) - n + 1
        grams = [marked[i : i + n] for i in range(count)] if count > 1 else [marked]
        for gram in grams:
            if gram in seen:
                continue
            seen.add(gram)
            out.append(zlib.crc32(gram.encode("utf-8")) % buckets + 1)
            if len(out) == limit:
                return tuple(out)
    return tuple(out)


class TextFeaturizer:
    """Raw text -> :class:`EncodedText` (see the module docstring).

    Args:
        tokenizer: the training tokenization (:meth:`Tokenizer.analyze` gives the flags).
        vocab: the vocabulary.
        max_length: texts are cut to this many tokens (``None``: no cut).
        lexicon: valence lookups; ``None``: no valence feature.
        token_flags: add the ALL-CAPS and elongation flags.
        char_ngram_buckets: hash buckets of the character n-grams; ``0``: none.
        char_ngram_orders: the n-gram lengths.
        max_char_ngrams: the most n-grams kept per token (``K``).
    """

    def __init__(
        self,
        tokenizer: Tokenizer,
        vocab: Vocabulary,
        max_length: int | None = None,
        lexicon: Lexicon | None = None,
        token_flags: bool = False,
        char_ngram_buckets: int = 0,
        char_ngram_orders: Sequence[int] = (3, 4),
        max_char_ngrams: int = 16,
    ) -> None:
        check_feature_options(char_ngram_buckets, char_ngram_orders, max_char_ngrams)
        self.tokenizer = tokenizer
        self.vocab = vocab
        self.max_length = max_length
        self.lexicon = lexicon
        self.token_flags = token_flags
        self.char_ngram_buckets = char_ngram_buckets
        self.char_ngram_orders = tuple(int(n) for n in char_ngram_orders)
        self.max_char_ngrams = max_char_ngrams
        self._cache: dict[str, tuple[int, float, tuple[int, ...]]] = {}

    @property
    def num_features(self) -> int:
        """``F``: the width of ``feats`` (0 when there are none)."""
        return num_token_features(self.lexicon is not None, self.token_flags)

    @property
    def uses_ngrams(self) -> bool:
        return self.char_ngram_buckets > 0

    def _token(self, token: str) -> tuple[int, float, tuple[int, ...]]:
        hit = self._cache.get(token)
        if hit is None:
            valence = self.lexicon.get(token) / 4.0 if self.lexicon is not None else 0.0
            grams: tuple[int, ...] = ()
            if self.char_ngram_buckets:
                grams = char_ngrams(
                    token, self.char_ngram_orders, self.char_ngram_buckets, self.max_char_ngrams
                )
                grams += (0,) * (self.max_char_ngrams - len(grams))
            hit = (self.vocab[token], valence, grams)
            self._cache[token] = hit
        return hit

    def encode(self, text: str) -> EncodedText:
        """Encode one text; a text without tokens becomes a single ``<unk>`` (length 1)."""
        tokens, caps, elongated = self.tokenizer.analyze(text)
        if self.max_length is not None:
            tokens = tokens[: self.max_length]
        if not tokens:
            ids = torch.tensor([UNK_ID], dtype=torch.long)
            feats = torch.zeros(1, self.num_features) if self.num_features else None
            grams = (
                torch.zeros(1, self.max_char_ngrams, dtype=torch.long) if self.uses_ngrams else None
            )
            return EncodedText(ids, feats, grams)
        entries = [self._token(t) for t in tokens]
        ids = torch.tensor([e[0] for e in entries], dtype=torch.long)
        feats = None
        if self.num_features:
            columns = []
            if self.lexicon is not None:
                columns.append([e[1] for e in entries])
            if self.token_flags:
                columns.append([float(c) for c in caps[: len(tokens)]])
                columns.append([float(e) for e in elongated[: len(tokens)]])
            feats = torch.tensor(columns, dtype=torch.float32).T.contiguous()
        ngrams = None
        if self.uses_ngrams:
            ngrams = torch.tensor([e[2] for e in entries], dtype=torch.long)
        return EncodedText(ids, feats, ngrams)

    def config(self) -> dict[str, Any]:
        """The feature options as plain values (the lexicon itself is stored separately)."""
        return {
            "token_flags": self.token_flags,
            "char_ngram_buckets": self.char_ngram_buckets,
            "char_ngram_orders": list(self.char_ngram_orders),
            "max_char_ngrams": self.max_char_ngrams,
        }


def num_token_features(lexicon: bool, token_flags: bool) -> int:
    """``F`` for the given options: 1 for the lexicon valence, 2 for the flags."""
    return int(lexicon) + 2 * int(token_flags)


def check_feature_options(buckets: int, orders: Sequence[int], max_ngrams: int) -> None:
    """Raise :class:`ConfigError` for impossible character n-gram options."""
    if buckets < 0:
        raise ConfigError(f"char_ngram_buckets must be >= 0 (0 = off), got {buckets}")
    if buckets:
        if not orders or any(int(n) < 1 for n in orders):
            raise ConfigError(f"char_ngram_orders must be lengths >= 1, got {list(orders)}")
        if max_ngrams < 1:
            raise ConfigError(f"max_char_ngrams must be >= 1, got {max_ngrams}")
