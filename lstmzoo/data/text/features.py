"""Per-token inputs beyond the word id: lexicon valence, intensity flags, hashed character n-grams.

A :class:`TextFeaturizer` turns a raw text into what a feature-aware model reads:

* ``ids: (T,) int64`` -- vocabulary ids (``<unk>`` for unknown tokens), as without features;
* ``feats: (T, F) float32`` -- per token, in this order: the lexicon valence as the lexicon
  gives it (VADER: -4..+4; kept unscaled, which made it learn faster than -1..+1 in our runs),
  then (``token_flags``) 1.0 when the token was written in ALL CAPS and 1.0 when it was
  elongated (``"soooo"``); then (``valence_rules``) the lexicon valence adjusted for its
  context and the running score of the text so far (see :mod:`lstmzoo.data.text.rules`); then
  (``text_score``) the running score the whole text ends with, the same on every token, so
  both directions of a bidirectional encoder read the text's lexicon verdict at their last
  step; then (``corpus_classifier``) the posterior of each training corpus given the text
  (see :mod:`lstmzoo.data.text.corpus_id`), the same on every token;
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

from lstmzoo.data.text.corpus_id import CorpusClassifier, corpus_cues
from lstmzoo.data.text.lexicon import Lexicon
from lstmzoo.data.text.rules import valence_rule_features
from lstmzoo.data.text.tokenizer import Tokenizer
from lstmzoo.data.text.vocab import UNK_ID, Vocabulary
from lstmzoo.errors import ConfigError

__all__ = [
    "EncodedText",
    "TextFeaturizer",
    "char_ngrams",
    "check_rule_teacher",
    "check_valence_rules",
]

#: distinct token strings a featurizer remembers before it clears its cache (~150 bytes each)
MAX_CACHED_TOKENS = 1_000_000


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
        valence_rules: add the context-adjusted valence and the running score of
            :func:`~lstmzoo.data.text.rules.valence_rule_features` (needs ``lexicon``).
        text_score: add the text's final running score on every token (needs
            ``valence_rules``).
        corpus_classifier: add its posterior over the training corpora on every token.
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
        valence_rules: bool = False,
        text_score: bool = False,
        corpus_classifier: CorpusClassifier | None = None,
    ) -> None:
        check_feature_options(char_ngram_buckets, char_ngram_orders, max_char_ngrams)
        check_valence_rules(valence_rules, lexicon is not None, text_score)
        self.tokenizer = tokenizer
        self.vocab = vocab
        self.max_length = max_length
        self.lexicon = lexicon
        self.token_flags = token_flags
        self.char_ngram_buckets = char_ngram_buckets
        self.char_ngram_orders = tuple(int(n) for n in char_ngram_orders)
        self.max_char_ngrams = max_char_ngrams
        self.valence_rules = valence_rules
        self.text_score = text_score
        self.corpus_classifier = corpus_classifier
        # one row per distinct token string seen so far: vocabulary id, valence, n-gram ids
        self._reset_cache()

    def _reset_cache(self) -> None:
        # row 0 (key None) stands for a text without tokens: <unk>, no valence, no n-grams
        self._rows: dict[str | None, int] = {None: 0}
        self._ids = torch.full((1,), UNK_ID, dtype=torch.long)
        self._valence = torch.zeros(1)
        width = self.max_char_ngrams if self.char_ngram_buckets else 0
        self._grams = torch.zeros(1, width, dtype=torch.long)

    @property
    def num_features(self) -> int:
        """``F``: the width of ``feats`` (0 when there are none)."""
        return len(self.feature_names)

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The name of each column of ``feats``, in order (``F`` names): ``"valence"``,
        ``"all_caps"``, ``"elongated"``, ``"adjusted_valence"``, ``"running_score"``,
        ``"text_score"`` and ``"corpus:<name>"`` per corpus, each only when its option is on."""
        names: list[str] = []
        if self.lexicon is not None:
            names.append("valence")
        if self.token_flags:
            names += ["all_caps", "elongated"]
        if self.valence_rules:
            names += ["adjusted_valence", "running_score"]
            if self.text_score:
                names.append("text_score")
        if self.corpus_classifier is not None:
            names += [f"corpus:{name}" for name in self.corpus_classifier.names]
        return tuple(names)

    @property
    def uses_ngrams(self) -> bool:
        return self.char_ngram_buckets > 0

    def _add_rows(self, tokens: list[str]) -> None:
        """Compute the per-token values of new token strings once and append them to the
        tables (capacity doubles, so adding is amortised O(1) per token)."""
        start = len(self._rows)
        for i, token in enumerate(tokens):
            self._rows[token] = start + i
        needed = start + len(tokens)
        if needed > len(self._ids):
            capacity = max(needed, 2 * len(self._ids), 1024)
            grow = capacity - len(self._ids)
            self._ids = torch.cat([self._ids, torch.empty(grow, dtype=torch.long)])
            self._valence = torch.cat([self._valence, torch.empty(grow)])
            self._grams = torch.cat(
                [self._grams, torch.empty(grow, self._grams.shape[1], dtype=torch.long)]
            )
        self._ids[start:needed] = torch.tensor(self.vocab.encode(tokens), dtype=torch.long)
        if self.lexicon is not None:
            lexicon = self.lexicon
            self._valence[start:needed] = torch.tensor([lexicon.get(t) for t in tokens])
        if self.uses_ngrams:
            k = self.max_char_ngrams
            rows = []
            for token in tokens:
                grams = char_ngrams(token, self.char_ngram_orders, self.char_ngram_buckets, k)
                rows.append(grams + (0,) * (k - len(grams)))
            self._grams[start:needed] = torch.tensor(rows, dtype=torch.long)

    def encode(self, text: str) -> EncodedText:
        """Encode one text; a text without tokens becomes a single ``<unk>`` (length 1)."""
        return self.encode_many([text])[0][0]

    def encode_many(
        self, texts: Sequence[str], corpus_posteriors: Tensor | None = None
    ) -> tuple[list[EncodedText], list[int]]:
        """Encode many texts at once (a few tensor operations in all, not per text).

        Args:
            texts: the raw texts.
            corpus_posteriors: ``(N, K)`` corpus posteriors to use instead of the classifier's
                (the cross-fitted ones of the training texts); only with a classifier.

        Returns:
            ``(encoded, counts)``: one :class:`EncodedText` per text (views into shared
            tensors; cut to ``max_length`` tokens; a text without tokens is a single ``<unk>``)
            and the token count of each text before the cut.
        """
        flat: list[str | None] = []
        caps: list[bool] = []
        elongated: list[bool] = []
        lengths: list[int] = []
        counts: list[int] = []
        analyze, limit = self.tokenizer.analyze, self.max_length
        classifier = self.corpus_classifier
        if corpus_posteriors is not None:
            if classifier is None:
                raise ValueError("corpus_posteriors need a featurizer with a corpus_classifier")
            if tuple(corpus_posteriors.shape) != (len(texts), len(classifier.names)):
                raise ValueError(
                    f"corpus_posteriors must have shape ({len(texts)}, "
                    f"{len(classifier.names)}), got {tuple(corpus_posteriors.shape)}"
                )
        cue_sets: list[set[str]] = []
        wants_cues = classifier is not None and corpus_posteriors is None
        for text in texts:
            tokens, c, e = analyze(text)
            counts.append(len(tokens))
            if wants_cues:
                cue_sets.append(corpus_cues(text, tokens))
            if limit is not None and len(tokens) > limit:
                tokens, c, e = tokens[:limit], c[:limit], e[:limit]
            if not tokens:
                flat.append(None)  # row 0: <unk>, no valence, no n-grams
                caps.append(False)
                elongated.append(False)
                lengths.append(1)
                continue
            flat.extend(tokens)
            caps.extend(c)
            elongated.extend(e)
            lengths.append(len(tokens))
        new = [t for t in dict.fromkeys(flat) if t not in self._rows]
        if new and len(self._rows) + len(new) > MAX_CACHED_TOKENS:
            self._reset_cache()  # a long-running predictor: bound the memory, start afresh
            new = [t for t in dict.fromkeys(flat) if t is not None]
        if new:
            self._add_rows(new)  # type: ignore[arg-type]
        index = self._rows
        rows = torch.tensor([index[t] for t in flat], dtype=torch.long)
        ids = self._ids[rows].split(lengths)
        feats: Sequence[Tensor | None] = [None] * len(lengths)
        if self.num_features:
            columns = []
            if self.lexicon is not None:
                columns.append(self._valence[rows])
            if self.token_flags:
                columns.append(torch.tensor(caps, dtype=torch.float32))
                columns.append(torch.tensor(elongated, dtype=torch.float32))
            if self.valence_rules:
                adjusted, running = self._rule_columns(flat, rows, caps, lengths)
                columns += [adjusted, running]
                if self.text_score:
                    last = torch.tensor(lengths).cumsum(0) - 1
                    ends = running[last]
                    columns.append(ends.repeat_interleave(torch.tensor(lengths)))
            if classifier is not None:
                posteriors = (
                    corpus_posteriors
                    if corpus_posteriors is not None
                    else classifier.posteriors(cue_sets)
                )
                per_token = posteriors.float().repeat_interleave(torch.tensor(lengths), dim=0)
                columns.extend(per_token.unbind(1))
            feats = torch.stack(columns, dim=1).split(lengths)
        ngrams: Sequence[Tensor | None] = [None] * len(lengths)
        if self.uses_ngrams:
            ngrams = self._grams[rows].split(lengths)
        encoded = [EncodedText(*parts) for parts in zip(ids, feats, ngrams)]
        return encoded, counts

    def _rule_columns(
        self,
        flat: list[str | None],
        rows: Tensor,
        caps: list[bool],
        lengths: list[int],
    ) -> tuple[Tensor, Tensor]:
        """The adjusted valence and running score columns, text by text."""
        valences = self._valence[rows].tolist()
        adjusted: list[float] = []
        running: list[float] = []
        start = 0
        for n in lengths:
            end = start + n
            if flat[start] is None:  # a text without tokens: one neutral row
                adjusted.append(0.0)
                running.append(0.0)
            else:
                tokens: list[str] = flat[start:end]  # type: ignore[assignment]
                a, r = valence_rule_features(tokens, valences[start:end], caps[start:end])
                adjusted.extend(a)
                running.extend(r)
            start = end
        return torch.tensor(adjusted), torch.tensor(running)

    def config(self) -> dict[str, Any]:
        """The feature options as plain values (the lexicon itself is stored separately)."""
        return {
            "token_flags": self.token_flags,
            "valence_rules": self.valence_rules,
            "text_score": self.text_score,
            "char_ngram_buckets": self.char_ngram_buckets,
            "char_ngram_orders": list(self.char_ngram_orders),
            "max_char_ngrams": self.max_char_ngrams,
        }


def check_valence_rules(valence_rules: bool, has_lexicon: bool, text_score: bool = False) -> None:
    """Raise :class:`ConfigError` when the valence rules are asked for without a lexicon, or
    the text score without the valence rules."""
    if valence_rules and not has_lexicon:
        raise ConfigError(
            "valence_rules adjusts lexicon valences: set data.init_args.lexicon as well "
            "(for example lexicon: vader), or drop valence_rules"
        )
    if text_score and not valence_rules:
        raise ConfigError(
            "text_score is the final running score of valence_rules: set "
            "data.init_args.valence_rules: true as well, or drop text_score"
        )


def check_rule_teacher(
    weight: float, scale: float, valence_rules: bool, unanimous: float | None = None
) -> None:
    """Raise :class:`ConfigError` for a rule teacher without the valence rules or out of range
    (``unanimous``: the weight for texts whose lexicon words all lean one way, if set)."""
    for name, value in (("rule_teacher", weight), ("rule_teacher_unanimous", unanimous)):
        if value is not None and not 0.0 <= value < 1.0:
            raise ConfigError(
                f"{name} is the weight of the rules' verdict in the targets: it must lie in "
                f"[0, 1), got {value}"
            )
    if scale <= 0.0:
        raise ConfigError(f"rule_teacher_scale must be > 0, got {scale}")
    if max(weight, unanimous or 0.0) > 0.0 and not valence_rules:
        raise ConfigError(
            "rule_teacher trains towards the running score of valence_rules: set "
            "data.init_args.valence_rules: true (and a lexicon) as well, or drop rule_teacher"
        )


def check_feature_options(buckets: int, orders: Sequence[int], max_ngrams: int) -> None:
    """Raise :class:`ConfigError` for impossible character n-gram options."""
    if buckets < 0:
        raise ConfigError(f"char_ngram_buckets must be >= 0 (0 = off), got {buckets}")
    if buckets:
        if not orders or any(int(n) < 1 for n in orders):
            raise ConfigError(f"char_ngram_orders must be lengths >= 1, got {list(orders)}")
        if max_ngrams < 1:
            raise ConfigError(f"max_char_ngrams must be >= 1, got {max_ngrams}")
