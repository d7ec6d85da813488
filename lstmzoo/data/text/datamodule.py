"""Text classification data: readers -> tokenizer -> vocabulary -> length-bucketed batches."""

from __future__ import annotations

import html
import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Optional

import torch
from torch import Tensor
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

from lstmzoo.argtypes import (
    ClosedUnitInterval,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    Probability,
)
from lstmzoo.data.base import ZooDataModule
from lstmzoo.data.text.corpus_id import CorpusClassifier, corpus_cues, cross_fitted_posteriors
from lstmzoo.data.text.features import (
    TextFeaturizer,
    check_feature_options,
    check_rule_teacher,
    check_valence_rules,
)
from lstmzoo.data.text.lexicon import Lexicon, read_lexicon
from lstmzoo.data.text.readers import (
    Example,
    Format,
    detect_format,
    read_examples,
    read_snippets,
    where,
)
from lstmzoo.data.text.sampler import BucketBatchSampler
from lstmzoo.data.text.snippets import (
    check_corpus_names,
    fetch_corpus,
    fetch_movie_snippets,
    fetch_vader_lexicon,
)
from lstmzoo.data.text.tokenizer import MarkupMode, Tokenizer, TokenizerKind
from lstmzoo.data.text.vocab import PAD_ID, UNK_ID, Vocabulary
from lstmzoo.errors import CheckpointError, ConfigError, DataError

__all__ = ["EncodedTexts", "TextClassificationData", "encode_texts", "text_collate"]

log = logging.getLogger(__name__)

Split = Literal["train", "val", "test"]


class EncodedTexts(Dataset):
    """Token-id sequences with optional class ids, the raw texts and where each came from.

    Items: ``{"ids": (T_i,) int64, "y": int (when labelled), "text": str, "line": int}``, plus
    ``"y_soft": (C,)`` target probabilities when soft targets are given, ``"feats": (T_i, F)``
    and ``"ngrams": (T_i, K)`` when token features are given (see
    :mod:`lstmzoo.data.text.features`) and ``"corpus": int`` (an index into ``corpus_names``,
    also given as ``"corpus_names"``) when the texts come from named corpora.
    """

    def __init__(
        self,
        ids: list[Tensor],
        texts: list[str],
        labels: list[int] | None = None,
        lines: list[int] | None = None,
        soft_targets: list[list[float]] | None = None,
        feats: list[Tensor] | None = None,
        ngrams: list[Tensor] | None = None,
        corpus: list[int] | None = None,
        corpus_names: list[str] | None = None,
    ) -> None:
        self.ids = ids
        self.soft_targets = soft_targets
        self.texts = texts
        self.labels = labels
        self.lines = lines if lines is not None else list(range(1, len(ids) + 1))
        self.feats = feats
        self.ngrams = ngrams
        if (corpus is None) != (corpus_names is None):
            raise ValueError("corpus and corpus_names go together")
        self.corpus = corpus
        self.corpus_names = corpus_names

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int) -> dict[str, Any]:
        item: dict[str, Any] = {"ids": self.ids[index], "text": self.texts[index]}
        item["line"] = self.lines[index]
        if self.labels is not None:
            item["y"] = self.labels[index]
        if self.soft_targets is not None:
            item["y_soft"] = self.soft_targets[index]
        if self.feats is not None:
            item["feats"] = self.feats[index]
        if self.ngrams is not None:
            item["ngrams"] = self.ngrams[index]
        if self.corpus is not None:
            item["corpus"] = self.corpus[index]
            item["corpus_names"] = self.corpus_names
        return item

    @property
    def lengths(self) -> list[int]:
        """Tokens per text (after truncation)."""
        return [len(t) for t in self.ids]


def text_collate(samples: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Pad token ids with ``<pad>`` (0): ``{"x": (B, T_max) int64, "lengths": (B,), "y": (B,),
    "text": list[str], "line": list[int]}`` (``y`` only for labelled samples; ``y_soft: (B, C)``
    float target probabilities when the samples carry them; ``feats: (B, T_max, F)`` float and
    ``ngrams: (B, T_max, K)`` int64, zero-padded, when the samples carry token features;
    ``corpus: (B,)`` int64 with ``corpus_names: list[str]`` when they come from named corpora)."""
    batch: dict[str, Any] = {
        "x": pad_sequence([s["ids"] for s in samples], batch_first=True, padding_value=PAD_ID),
        "lengths": torch.tensor([len(s["ids"]) for s in samples], dtype=torch.long),
        "text": [s["text"] for s in samples],
        "line": [s["line"] for s in samples],
    }
    if "y" in samples[0]:
        batch["y"] = torch.tensor([s["y"] for s in samples], dtype=torch.long)
    if "y_soft" in samples[0]:
        batch["y_soft"] = torch.tensor([s["y_soft"] for s in samples], dtype=torch.float32)
    for key in ("feats", "ngrams"):
        if key in samples[0]:
            batch[key] = pad_sequence([s[key] for s in samples], batch_first=True)
    if "corpus" in samples[0]:
        batch["corpus"] = torch.tensor([s["corpus"] for s in samples], dtype=torch.long)
        batch["corpus_names"] = list(samples[0]["corpus_names"])
    return batch


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


class TextClassificationData(ZooDataModule):
    """Labelled texts for classification (sentiment by default), tokenized and length-bucketed.

    Data sources:

    * nothing given (default): the 10,605 movie-review snippets with human ratings from the
      ``vaderSentiment`` 3.3.2 source distribution (downloaded through pip once, SHA-256
      checked, cached in ``cache_dir``; or offline from ``snippets_file``). Label:
      ``"positive"`` when the mean rating is > 0, else ``"negative"``. A fixed split (seeded by
      ``split_seed``, independent of the training seed) gives train / val / test.
    * ``corpora``: any of the four rated corpora of the same source distribution,
      ``["movies", "amazon", "nyt", "tweets"]`` (see :mod:`lstmzoo.data.text.snippets`), labelled
      like the movie snippets. Each corpus is cut on its own with the same fixed split (so
      ``corpora: [movies]`` gives exactly the default split) and the splits are concatenated;
      batches carry each text's corpus, and the model reports per-corpus accuracy
      (``test/acc/amazon``, ...) next to the pooled ``test/acc``. Tweets are HTML-unescaped
      (``&amp;`` -> ``&``, ``&lt;3`` -> ``<3``) as they were stored escaped.
    * ``train_file`` (and optionally ``val_file`` / ``test_file``): CSV, TSV, JSONL, GLUE SST-2
      TSV, an ``aclImdb`` folder (its ``test/`` half is the test split) or a snippets file. Without
      ``val_file`` the validation split is cut from the training file (``val_fraction``).

    The vocabulary and the class list come from the training split only and are handed to the
    model (:meth:`model_kwargs`), which stores them in its checkpoint; from a checkpoint the data
    module adopts them back (:meth:`adopt_model_kwargs`), so ``test`` / ``predict`` need no
    training data.

    Args:
        train_file, val_file, test_file: the user's data (see above); ``None`` = movie snippets.
        predict_file: texts to label with ``predict``: a ``.txt`` file (one text per line), CSV,
            TSV or JSONL (``text_column``); default: the test split.
        format: reader format, ``"auto"`` picks by name (see :mod:`lstmzoo.data.text.readers`).
        text_column, label_column: column names (CSV / TSV) or keys (JSONL).
        encoding: text encoding of the files.
        corpora: names of the rated corpora to read (see above); ``None``: the movie snippets
            (or the user's files).
        corpus_balance: with several corpora, each corpus's share of a training epoch is
            proportional to ``size ** corpus_balance``: ``1`` takes the texts as they come (the
            largest corpus dominates), ``0`` gives every corpus the same share (small corpora
            repeated, large ones subsampled, a new subset every epoch), values between
            compromise. An epoch keeps the number of training texts.
        snippets_file: local copy of the snippets (``.txt``, ``hutto_ICWSM_2014.tar.gz`` or
            ``vaderSentiment-3.3.2.tar.gz``): no network needed. With ``corpora``, the archives
            or a folder holding the extracted ``*_GroundTruth.txt`` files.
        cache_dir: download / extraction cache (default ``~/.cache/lstmzoo``).
        download: allow the pip download of the snippets.
        neutral_band: snippets with ``|rating| <= neutral_band`` are dropped from the splits in
            ``drop_neutral_from`` (``0`` drops only ratings of exactly 0 there; negative: keep all).
        drop_neutral_from: which splits lose the near-neutral snippets (default: training only,
            so val / test keep every snippet).
        soft_labels: for rated snippets, train on soft targets ``p(positive) =
            sigmoid(soft_labels * rating)`` instead of 0 / 1, so a snippet rated +0.1 counts as
            nearly a coin flip and one rated +3 as surely positive (``None``: hard labels).
            Validation and test always use the hard labels (rating > 0).
        val_fraction, test_fraction: split sizes cut from the data when no file gives them.
        split_seed: seed of those cuts (keep it fixed to compare runs).
        tokenizer, lowercase, token_pattern, markup: see :class:`~lstmzoo.data.text.Tokenizer`
            (``"social"`` keeps emoticons and marks ALL CAPS and elongations; with it,
            ``markup="drop"`` leaves URLs and @mentions out of the tokens).
        lexicon: a per-token valence feature from a sentiment lexicon: ``"vader"`` (the lexicon
            of the same vaderSentiment source distribution) or the path of a file in VADER's
            format (see :mod:`lstmzoo.data.text.lexicon`). The model stores the lexicon and its
            SHA-256; testing a checkpoint with a different one is an error.
        token_flags: per-token ALL-CAPS and elongation flags as features.
        valence_rules: two more features per token from the lexicon (needs ``lexicon``): the
            valence adjusted for negation, intensifiers, "but" and capitals, and the running
            score of the text so far (see :mod:`lstmzoo.data.text.rules`).
        text_score: one more feature per token (needs ``valence_rules``): the running score the
            whole text ends with, the same on every token.
        rule_teacher: weight of the lexicon rules' verdict in the training targets (``0``: off;
            needs ``valence_rules`` and the classes ``negative`` / ``positive``). A training
            text whose running score at its last token is ``s != 0`` is trained towards
            ``(1 - rule_teacher) * target + rule_teacher * sigmoid(rule_teacher_scale * s)``
            for ``p(positive)``, where ``target`` is its own (soft or hard) label; texts with no
            lexicon word keep their label. The rules teach what they know on every text, so
            the network learns to trust the score where the words do not overrule it, also on
            text unlike the training corpora (rule distillation in the spirit of Hu et al.,
            *Harnessing Deep Neural Networks with Logic Rules*, ACL 2016). Validation and test
            keep the plain labels.
        rule_teacher_scale: slope of the rules' verdict ``sigmoid(rule_teacher_scale * s)``,
            ``s`` in (-1, 1): 5 turns a single "good" (s = 0.44) into p(positive) = 0.90.
        rule_teacher_unanimous: the teacher's weight for the training texts whose lexicon words
            are unanimous (every non-zero adjusted valence of one sign, as in "good fun" or
            "not bad at all"); ``rule_teacher`` stays the weight of texts with words of both
            signs ("great cast, dull plot"). The rules' verdict is right more often on the
            first kind (on every rated corpus), so it can teach them harder. ``None``: one
            weight for all.
        corpus_features: one more feature per training corpus on every token: the posterior of
            that corpus given the text, from a naive-Bayes classifier fitted on the training
            split (training texts get cross-fitted posteriors; see
            :mod:`lstmzoo.data.text.corpus_id`). Needs at least two ``corpora``; the model
            stores the classifier, so testing on one corpus or predicting needs none.
        char_ngram_buckets, char_ngram_orders, max_char_ngrams: hashed character n-grams of
            every token (0 buckets: none); see :mod:`lstmzoo.data.text.features`.
        min_freq, max_vocab_size: vocabulary pruning (see :meth:`Vocabulary.build`).
        max_length: texts are cut to this many tokens (the count of cut texts is logged).
        vocab, classes: preset vocabulary / class list (set from a checkpoint; normally derived).
        bucketing: length-bucketed training batches (and length-sorted evaluation batches);
            ``False`` gives plain random batches.
        pool_batches: batches per sorting pool of the bucketing sampler (``None``: one pool).
        skip_empty_predict: skip empty lines of the prediction input instead of failing.
        batch_size, num_workers: loader settings.
        seed: seed of the training batch order; ``None`` (default) takes the global seed in
            force when the loader is made (``seed_everything``), so one seed drives a run.
    """

    input_kind = "sequence"
    target_kind = "vector"

    def __init__(
        self,
        train_file: Optional[str] = None,
        val_file: Optional[str] = None,
        test_file: Optional[str] = None,
        predict_file: Optional[str] = None,
        format: Format = "auto",
        text_column: str = "text",
        label_column: str = "label",
        encoding: str = "utf-8",
        corpora: Optional[list[str]] = None,
        corpus_balance: ClosedUnitInterval = 1.0,
        snippets_file: Optional[str] = None,
        cache_dir: Optional[str] = None,
        download: bool = True,
        neutral_band: float = -1.0,
        drop_neutral_from: list[Split] = ["train"],  # noqa: B006 - never mutated
        soft_labels: Optional[PositiveFloat] = None,
        val_fraction: Probability = 0.1,
        test_fraction: Probability = 0.1,
        split_seed: int = 0,
        tokenizer: TokenizerKind = "word",
        lowercase: bool = True,
        token_pattern: Optional[str] = None,
        markup: MarkupMode = "keep",
        lexicon: Optional[str] = None,
        token_flags: bool = False,
        valence_rules: bool = False,
        text_score: bool = False,
        corpus_features: bool = False,
        rule_teacher: Probability = 0.0,
        rule_teacher_scale: PositiveFloat = 5.0,
        rule_teacher_unanimous: Optional[Probability] = None,
        char_ngram_buckets: NonNegativeInt = 0,
        char_ngram_orders: list[int] = [3, 4],  # noqa: B006 - never mutated
        max_char_ngrams: PositiveInt = 16,
        min_freq: PositiveInt = 1,
        max_vocab_size: Optional[PositiveInt] = None,
        max_length: Optional[PositiveInt] = 256,
        vocab: Optional[list] = None,  # list[str], see BiLSTMSentiment
        classes: Optional[list[str]] = None,
        bucketing: bool = True,
        pool_batches: Optional[PositiveInt] = None,
        skip_empty_predict: bool = False,
        batch_size: PositiveInt = 32,
        num_workers: NonNegativeInt = 0,
        seed: Optional[int] = None,
    ) -> None:
        super().__init__(batch_size, num_workers, 0 if seed is None else seed)
        self.seed: int | None = seed
        for name, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
            if not 0.0 <= value < 1.0:
                raise ValueError(f"{name} must lie in [0, 1), got {value}")
        if val_fraction + test_fraction >= 1.0:
            raise ValueError("val_fraction + test_fraction must be < 1")
        if max_length is not None and max_length < 1:
            raise ValueError(f"max_length must be >= 1 or None, got {max_length}")
        bad_splits = set(drop_neutral_from) - {"train", "val", "test"}
        if bad_splits:
            raise ValueError(
                f"drop_neutral_from takes 'train', 'val', 'test', got {sorted(bad_splits)}"
            )
        if corpora is not None and train_file is not None:
            raise ConfigError(
                "set either data.init_args.corpora (the rated corpora) or train_file (your own "
                "data), not both"
            )
        self.corpora: list[str] | None = (
            check_corpus_names(corpora) if corpora is not None else None
        )
        if not 0.0 <= corpus_balance <= 1.0:
            raise ValueError(f"corpus_balance must lie in [0, 1], got {corpus_balance}")
        self.corpus_balance = float(corpus_balance)
        check_feature_options(char_ngram_buckets, char_ngram_orders, max_char_ngrams)
        self.lexicon_source = lexicon
        self.token_flags = token_flags
        check_valence_rules(valence_rules, lexicon is not None, text_score)
        self.valence_rules = valence_rules
        self.text_score = text_score
        check_rule_teacher(rule_teacher, rule_teacher_scale, valence_rules, rule_teacher_unanimous)
        self.rule_teacher = float(rule_teacher)
        self.rule_teacher_scale = float(rule_teacher_scale)
        self.rule_teacher_unanimous = (
            float(rule_teacher_unanimous) if rule_teacher_unanimous is not None else None
        )
        self.corpus_features = corpus_features
        self._corpus_classifier: CorpusClassifier | None = None
        self._classifier_from_model = False
        self._train_cues: list[set[str]] | None = None
        self.char_ngram_buckets = char_ngram_buckets
        self.char_ngram_orders = [int(n) for n in char_ngram_orders]
        self.max_char_ngrams = max_char_ngrams
        self._lexicon: Lexicon | None = None
        self._featurizer: TextFeaturizer | None = None
        self.train_file = train_file
        self.val_file = val_file
        self.test_file = test_file
        self.predict_file = predict_file
        self.format = format
        self.text_column = text_column
        self.label_column = label_column
        self.encoding = encoding
        self.snippets_file = snippets_file
        self.cache_dir = cache_dir
        self.download = download
        self.neutral_band = neutral_band
        self.drop_neutral_from = list(drop_neutral_from)
        if soft_labels is not None and soft_labels <= 0:
            raise ValueError(f"soft_labels must be > 0 or None, got {soft_labels}")
        self.soft_labels = soft_labels
        self.val_fraction = val_fraction
        self.test_fraction = test_fraction
        self.split_seed = split_seed
        self.tokenizer = Tokenizer(tokenizer, lowercase, token_pattern, markup)
        self.min_freq = min_freq
        self.max_vocab_size = max_vocab_size
        self.max_length = max_length
        self.vocab: Vocabulary | None = Vocabulary(vocab) if vocab is not None else None
        self.classes: list[str] | None = list(classes) if classes is not None else None
        self.bucketing = bucketing
        self.pool_batches = pool_batches
        self.skip_empty_predict = skip_empty_predict
        self._splits: dict[str, list[Example]] | None = None
        self._snippets_path: Path | None = None
        self._corpus_paths: dict[str, Path] = {}
        self.stats: dict[str, dict[str, int]] = {}

    # ------------------------------------------------------------------ sources
    @property
    def uses_snippets(self) -> bool:
        """Whether the data is the movie-snippet set (default, or a snippets ``train_file``)."""
        return (
            self.corpora is not None
            or self.train_file is None
            or self._train_format() == "snippets"
        )

    def _train_format(self) -> str:
        if self.train_file is None:
            return "snippets"
        if self.format != "auto":
            return self.format
        return detect_format(self.train_file, self.encoding)

    def _only_predicting_a_file(self) -> bool:
        """``trainer.predict`` on ``predict_file``: no split is read, so nothing to fetch."""
        trainer = getattr(self, "trainer", None)
        state = getattr(trainer, "state", None)
        return self.predict_file is not None and getattr(state, "fn", None) == "predict"

    def prepare_data(self) -> None:
        """Fetch the rated corpora (or the movie snippets) when they are the data, and the
        lexicon when one is named (nothing to fetch for the user's files, nor for predicting
        a ``predict_file``)."""
        fetch = not self._only_predicting_a_file()
        if fetch and self.corpora is not None:
            local = self.snippets_file
            if (
                local is not None
                and len(self.corpora) > 1
                and not Path(local).expanduser().is_dir()
                and not local.endswith((".tar.gz", ".tgz", ".tar"))
            ):
                raise ConfigError(
                    f"data.init_args.snippets_file {local!r} is one corpus file, but corpora "
                    f"names {len(self.corpora)}: give the vaderSentiment sdist, "
                    "hutto_ICWSM_2014.tar.gz or a folder of the extracted *_GroundTruth.txt files"
                )
            for name in self.corpora:
                if name not in self._corpus_paths:
                    self._corpus_paths[name] = fetch_corpus(
                        name, self.snippets_file, self.cache_dir, download=self.download
                    )
        elif fetch and self.train_file is None and self._snippets_path is None:
            self._snippets_path = fetch_movie_snippets(
                self.snippets_file, self.cache_dir, download=self.download
            )
        if self.lexicon_source is not None:
            self.get_lexicon()

    # ------------------------------------------------------------------ token features
    @property
    def uses_features(self) -> bool:
        """Whether texts carry token features (lexicon, flags or character n-grams)."""
        return (
            self.lexicon_source is not None
            or self._lexicon is not None
            or self.token_flags
            or self.corpus_features
            or self.char_ngram_buckets > 0
        )

    def get_lexicon(self) -> Lexicon | None:
        """The lexicon of the ``lexicon`` option (read once), or the one adopted from a model."""
        if self._lexicon is None and self.lexicon_source is not None:
            if self.lexicon_source == "vader":
                local = self.snippets_file
                if local is not None and not (
                    Path(local).is_dir() or Path(local).name.startswith("vaderSentiment")
                ):
                    local = None  # a single corpus file or the inner archive: no lexicon there
                path = fetch_vader_lexicon(local, self.cache_dir, download=self.download)
            else:
                path = Path(self.lexicon_source).expanduser()
            self._lexicon = read_lexicon(path)
            log.info("lexicon: %d tokens from %s", len(self._lexicon), path)
        return self._lexicon

    def featurizer(self) -> TextFeaturizer:
        """The :class:`TextFeaturizer` of the current vocabulary and feature options."""
        self.build_vocab()
        assert self.vocab is not None
        if self._featurizer is None or self._featurizer.vocab is not self.vocab:
            self._featurizer = TextFeaturizer(
                self.tokenizer,
                self.vocab,
                self.max_length,
                self.get_lexicon(),
                self.token_flags,
                self.char_ngram_buckets,
                self.char_ngram_orders,
                self.max_char_ngrams,
                self.valence_rules,
                self.text_score,
                self.corpus_classifier(),
            )
        return self._featurizer

    def _corpus_labels(self, examples: Sequence[Example]) -> list[int]:
        assert self.corpora is not None
        index = {name: i for i, name in enumerate(self.corpora)}
        return [index[e.corpus] for e in examples]  # type: ignore[index]

    def _check_corpus_features(self) -> None:
        if self.corpora is None or len(self.corpora) < 2:
            raise ConfigError(
                "corpus_features tells the training corpora apart: it needs at least two "
                f"data.init_args.corpora, got {self.corpora}; add corpora or drop corpus_features"
            )

    def _training_cues(self) -> list[set[str]]:
        """The corpus cues of the training split's texts (computed once: the classifier and
        the cross-fitted posteriors both read them)."""
        if self._train_cues is None:
            train = self.load_splits()["train"]
            self._train_cues = [
                corpus_cues(e.text, self.tokenizer.analyze(e.text)[0]) for e in train
            ]
        return self._train_cues

    def corpus_classifier(self) -> CorpusClassifier | None:
        """The corpus classifier of ``corpus_features``: the model's, or one fitted on the
        training split (``None`` without the option)."""
        if not self.corpus_features:
            return None
        if self._corpus_classifier is None:
            self._check_corpus_features()
            assert self.corpora is not None
            train = self.load_splits()["train"]
            self._corpus_classifier = CorpusClassifier.fit(
                self._training_cues(), self._corpus_labels(train), self.corpora
            )
            log.info(
                "corpus classifier: %d cues over %s from %d training texts",
                len(self._corpus_classifier.cues),
                ", ".join(self.corpora),
                len(train),
            )
        return self._corpus_classifier

    def _read(self, path: str, split: str, require_label: bool = True) -> list[Example]:
        fmt = self.format
        if fmt == "aclimdb" or (fmt == "auto" and Path(path).is_dir()):
            fmt = "aclimdb"
        examples = read_examples(
            path, fmt, self.text_column, self.label_column, require_label, split, self.encoding
        )
        return self._label_snippets(examples)

    @staticmethod
    def _label_snippets(examples: list[Example]) -> list[Example]:
        """Rated snippets get ``"positive"`` (rating > 0) or ``"negative"``."""
        for e in examples:
            if e.score is not None:
                e.label = "positive" if e.score > 0 else "negative"
        return examples

    def _cut(self, examples: list[Example], fractions: Sequence[float]) -> list[list[Example]]:
        """Seeded random cut of ``examples`` into ``len(fractions) + 1`` parts (the rest first)."""
        g = torch.Generator().manual_seed(self.split_seed)
        perm = torch.randperm(len(examples), generator=g).tolist()
        sizes = [round(f * len(examples)) for f in fractions]
        parts, start = [], len(examples) - sum(sizes)
        parts.append([examples[i] for i in sorted(perm[:start])])
        for size in sizes:
            parts.append([examples[i] for i in sorted(perm[start : start + size])])
            start += size
        return parts

    def _drop_neutral(self, examples: list[Example], split: str) -> list[Example]:
        if split not in self.drop_neutral_from or self.neutral_band < 0:
            return examples
        kept = [e for e in examples if e.score is None or abs(e.score) > self.neutral_band]
        if len(kept) < len(examples):
            log.info(
                "%s: dropped %d of %d snippets with |rating| <= %g (neutral_band)",
                split,
                len(examples) - len(kept),
                len(examples),
                self.neutral_band,
            )
        return kept

    def load_splits(self) -> dict[str, list[Example]]:
        """The raw examples of every split that the configuration defines: ``{"train": [...],
        "val": [...], "test": [...]}`` (``test`` absent or empty where there is none), each an
        :class:`Example` with its text, label, score and corpus.

        Read (and downloaded, for the snippets) on the first call and cached: what ``setup``
        encodes, and what benchmarks and scripts can score by other means on exactly the same
        split. The lists are the cache itself; copy them before changing them.
        """
        if self._splits is not None:
            return self._splits
        splits: dict[str, list[Example]] = {}
        if self.corpora is not None:
            splits = self._corpus_splits()
        elif self.uses_snippets:
            if self.train_file is None:
                self.prepare_data()
                assert self._snippets_path is not None
                source = os.fspath(self._snippets_path)
                examples = self._label_snippets(
                    read_examples(source, "snippets", encoding=self.encoding)
                )
            else:
                examples = self._read(self.train_file, "train", require_label=False)
            train, val, test = self._cut(examples, [self.val_fraction, self.test_fraction])
            splits = {"train": train, "val": val, "test": test}
            for name in ("val", "test"):
                file = self.val_file if name == "val" else self.test_file
                if file is not None:
                    splits[name] = self._read(file, name)
        else:
            assert self.train_file is not None
            train = self._read(self.train_file, "train")
            if self.val_file is not None:
                splits["train"], splits["val"] = train, self._read(self.val_file, "val")
            else:
                splits["train"], splits["val"] = self._cut(train, [self.val_fraction])
            if self.test_file is not None:
                splits["test"] = self._read(self.test_file, "test")
            elif self._train_format() == "aclimdb":
                splits["test"] = self._read(self.train_file, "test")
        for name in list(splits):
            splits[name] = self._drop_neutral(self._drop_empty(splits[name], name), name)
        self._splits = splits
        return splits

    def _corpus_splits(self) -> dict[str, list[Example]]:
        """Each named corpus cut on its own (same seed and fractions), then concatenated."""
        assert self.corpora is not None
        self.prepare_data()
        splits: dict[str, list[Example]] = {"train": [], "val": [], "test": []}
        for name in self.corpora:
            examples = self._label_snippets(
                read_snippets(self._corpus_paths[name], encoding=self.encoding)
            )
            for e in examples:
                e.corpus = name
                if name == "tweets":
                    e.text = html.unescape(e.text)
            parts = self._cut(examples, [self.val_fraction, self.test_fraction])
            for split, part in zip(("train", "val", "test"), parts):
                splits[split].extend(part)
        for name in ("val", "test"):
            file = self.val_file if name == "val" else self.test_file
            if file is not None:
                splits[name] = self._read(file, name)
        return splits

    def _drop_empty(self, examples: list[Example], split: str) -> list[Example]:
        kept = [e for e in examples if e.text.strip()]
        if len(kept) < len(examples):
            first = next(e for e in examples if not e.text.strip())
            log.warning(
                "%s: skipped %d empty or whitespace-only text(s) (first at %s)",
                split,
                len(examples) - len(kept),
                where(first.source, first.line),
            )
        return kept

    # ------------------------------------------------------------------ vocabulary and classes
    def build_vocab(self) -> None:
        """Derive the vocabulary and the class list from the training split (unless preset)."""
        if self.vocab is not None and self.classes is not None:
            return
        train = self.load_splits()["train"]
        if not train:
            raise DataError(f"the training split is empty ({self._describe_source()})")
        if self.vocab is None:
            self.vocab = Vocabulary.build(
                (self.tokenizer(e.text) for e in train), self.min_freq, self.max_vocab_size
            )
            log.info(
                "vocabulary: %d tokens from %d training texts (min_freq=%d, max_size=%s)",
                len(self.vocab),
                len(train),
                self.min_freq,
                self.max_vocab_size,
            )
        if self.classes is None:
            classes = sorted({e.label for e in train if e.label is not None})
            if len(classes) < 2:
                raise DataError(
                    f"the training data has {len(classes)} distinct label(s) {classes}; "
                    f"classification needs at least 2 ({self._describe_source()})"
                )
            self.classes = classes

    def _describe_source(self) -> str:
        if self.corpora is not None:
            return f"corpora {', '.join(self.corpora)}"
        return self.train_file or f"movie snippets from {self._snippets_path or 'the cache'}"

    def model_kwargs(self) -> dict[str, Any]:
        """Vocabulary, classes, tokenization and token-feature options for the model (stored in
        its checkpoint; the lexicon as a plain ``{token: valence}`` dict with its SHA-256)."""
        self.build_vocab()
        assert self.vocab is not None and self.classes is not None
        lexicon = self.get_lexicon()
        return {
            "vocab": list(self.vocab.tokens),
            "classes": list(self.classes),
            "tokenizer": self.tokenizer.kind,
            "lowercase": self.tokenizer.lowercase,
            "token_pattern": self.tokenizer.config()["pattern"],
            "markup": self.tokenizer.markup,
            "max_length": self.max_length,
            "lexicon": dict(lexicon.values) if lexicon is not None else None,
            "lexicon_sha256": lexicon.sha256 if lexicon is not None else None,
            "token_flags": self.token_flags,
            "valence_rules": self.valence_rules,
            "text_score": self.text_score,
            "corpus_classifier": (
                classifier.to_plain()
                if (classifier := self.corpus_classifier()) is not None
                else None
            ),
            "char_ngram_buckets": self.char_ngram_buckets,
            "char_ngram_orders": list(self.char_ngram_orders),
            "max_char_ngrams": self.max_char_ngrams,
        }

    def adopt_model_kwargs(self, kwargs: dict[str, Any]) -> None:
        """Use a trained model's vocabulary, classes and tokenization."""
        if kwargs.get("vocab") is not None:
            self.vocab = Vocabulary(kwargs["vocab"])
        if kwargs.get("classes") is not None:
            self.classes = list(kwargs["classes"])
        if "tokenizer" in kwargs:
            self.tokenizer = Tokenizer(
                kwargs["tokenizer"],
                bool(kwargs.get("lowercase", True)),
                kwargs.get("token_pattern"),
                kwargs.get("markup", "keep"),  # checkpoints from before the option kept markup
            )
        if "max_length" in kwargs:
            self.max_length = kwargs["max_length"]
        self._adopt_features(kwargs)

    def _adopt_features(self, kwargs: dict[str, Any]) -> None:
        """Take the model's feature options; a lexicon configured here must be the model's."""
        stored = kwargs.get("lexicon")
        stored_sha = kwargs.get("lexicon_sha256")
        if isinstance(stored, dict):
            stored_sha = Lexicon(stored).sha256
        if self.lexicon_source is not None:
            mine = self.get_lexicon()
            assert mine is not None
            if stored_sha is None:
                raise CheckpointError(
                    f"the checkpoint was trained without lexicon features, but "
                    f"data.init_args.lexicon is {self.lexicon_source!r}; remove that option"
                )
            if mine.sha256 != stored_sha:
                raise CheckpointError(
                    f"the lexicon {self.lexicon_source!r} ({len(mine)} tokens, sha256 "
                    f"{mine.sha256[:12]}...) is not the one the checkpoint was trained with "
                    f"(sha256 {stored_sha[:12]}...); drop data.init_args.lexicon to use the "
                    "checkpoint's own copy"
                )
        elif isinstance(stored, dict):
            self._lexicon = Lexicon(stored)
        keys = ("token_flags", "valence_rules", "text_score", "char_ngram_buckets")
        for key in (*keys, "max_char_ngrams"):
            if key in kwargs:
                setattr(self, key, kwargs[key])
        if "corpus_classifier" in kwargs:
            stored_classifier = kwargs["corpus_classifier"]
            self.corpus_features = stored_classifier is not None
            self._corpus_classifier = (
                CorpusClassifier.from_plain(stored_classifier) if self.corpus_features else None
            )
            self._classifier_from_model = True
        if kwargs.get("char_ngram_orders") is not None:
            self.char_ngram_orders = [int(n) for n in kwargs["char_ngram_orders"]]
        self._featurizer = None

    # ------------------------------------------------------------------ datasets
    def encode(
        self, examples: Sequence[Example], split: str, labelled: bool = True
    ) -> EncodedTexts:
        """Tokenize, look up and (when ``labelled``) map labels to class ids."""
        self.build_vocab()
        assert self.vocab is not None and self.classes is not None
        labels = None
        if labelled:
            index = {c: i for i, c in enumerate(self.classes)}
            labels = []
            for e in examples:
                if e.label not in index:
                    column = 2 if e.score is not None else self.label_column
                    raise DataError(
                        f"{where(e.source, e.line, column)}: label {e.label!r} does not occur in "
                        f"the training data (classes: {', '.join(map(repr, self.classes))})"
                    )
                labels.append(index[e.label])
        texts = [e.text for e in examples]
        feats = ngrams = None
        if self.uses_features:
            posteriors = None
            if split == "train" and self.corpus_features and not self._classifier_from_model:
                # cross-fitted: as noisy as the posteriors of texts the classifier never saw
                self.corpus_classifier()  # checks the option
                assert self.corpora is not None
                cues = (
                    self._training_cues()  # the classifier's own, when it is the same split
                    if examples is self.load_splits()["train"]
                    else [corpus_cues(t, self.tokenizer.analyze(t)[0]) for t in texts]
                )
                posteriors = cross_fitted_posteriors(
                    cues, self._corpus_labels(examples), self.corpora
                )
            ids, feats, ngrams, truncated, longest = self._encode_with_features(texts, posteriors)
        else:
            ids, truncated, longest = encode_texts(
                texts, self.tokenizer, self.vocab, self.max_length
            )
        if truncated:
            log.warning(
                "%s: truncated %d of %d text(s) to max_length=%d tokens (the longest had %d)",
                split,
                truncated,
                len(texts),
                self.max_length,
                longest,
            )
        unk = sum(int((t == UNK_ID).sum()) for t in ids)
        tokens = sum(len(t) for t in ids)
        self.stats[split] = {
            "texts": len(ids),
            "tokens": tokens,
            "unk": unk,
            "truncated": truncated,
        }
        soft = None
        if split == "train" and labelled and self.soft_labels is not None:
            soft = self._soft_targets(examples)
        if split == "train" and labelled and self._teaches:
            assert feats is not None  # valence_rules is on
            soft = self._rule_taught_targets(labels, soft, feats)
        corpus = names = None
        if self.corpora is not None and all(e.corpus is not None for e in examples):
            names = list(self.corpora)
            index = {c: i for i, c in enumerate(names)}
            corpus = [index[e.corpus] for e in examples]  # type: ignore[index]
        return EncodedTexts(
            ids, texts, labels, [e.line for e in examples], soft, feats, ngrams, corpus, names
        )

    def _encode_with_features(
        self, texts: Sequence[str], corpus_posteriors: Tensor | None = None
    ) -> tuple[list[Tensor], list[Tensor] | None, list[Tensor] | None, int, int]:
        featurizer = self.featurizer()
        encoded, counts = featurizer.encode_many(texts, corpus_posteriors)
        ids = [e.ids for e in encoded]
        feats = [e.feats for e in encoded]
        ngrams = [e.ngrams for e in encoded]
        limit = self.max_length
        truncated = sum(1 for n in counts if limit is not None and n > limit)
        longest = max(counts, default=0)
        return (
            ids,
            feats if featurizer.num_features else None,
            ngrams if featurizer.uses_ngrams else None,
            truncated,
            longest,
        )

    def _soft_targets(self, examples: Sequence[Example]) -> list[list[float]] | None:
        assert self.classes is not None and self.soft_labels is not None
        if self.classes != ["negative", "positive"] or any(e.score is None for e in examples):
            log.info("soft_labels applies to rated snippets only: training on hard labels")
            return None
        scale = self.soft_labels
        out = []
        for e in examples:
            p = 1.0 / (1.0 + math.exp(-scale * float(e.score or 0.0)))
            out.append([1.0 - p, p])
        return out

    @property
    def _teaches(self) -> bool:
        """Whether ``rule_teacher`` / ``rule_teacher_unanimous`` move any training target."""
        return max(self.rule_teacher, self.rule_teacher_unanimous or 0.0) > 0.0

    def _rule_taught_targets(
        self,
        labels: Sequence[int],
        soft: list[list[float]] | None,
        feats: Sequence[Tensor],
    ) -> list[list[float]]:
        """The training targets moved towards the rules' verdict (see ``rule_teacher``)."""
        assert self.classes is not None
        if self.classes != ["negative", "positive"]:
            raise ConfigError(
                "rule_teacher needs the classes 'negative' and 'positive' (the rules score "
                f"polarity), the training data has {self.classes}: drop "
                "data.init_args.rule_teacher"
            )
        column = self.featurizer().feature_names.index("running_score")
        scores = torch.stack([f[-1, column] for f in feats]).double()
        teacher = torch.sigmoid(self.rule_teacher_scale * scores)
        if soft is not None:
            own = torch.tensor([p for _, p in soft], dtype=torch.float64)
        else:
            own = torch.tensor(labels, dtype=torch.float64)
        weight = torch.full_like(scores, self.rule_teacher)
        if self.rule_teacher_unanimous is not None:
            column = self.featurizer().feature_names.index("adjusted_valence")
            unanimous = torch.tensor(
                [bool((f[:, column] >= 0).all() or (f[:, column] <= 0).all()) for f in feats]
            )
            weight[unanimous] = self.rule_teacher_unanimous
        weight = weight * (scores != 0).double()
        positive = (1.0 - weight) * own + weight * teacher
        return torch.stack([1.0 - positive, positive], dim=1).tolist()

    def _predict_examples(self) -> list[Example]:
        assert self.predict_file is not None
        examples = self._read(self.predict_file, "predict", require_label=False)
        empty = [e for e in examples if not e.text.strip()]
        if empty and not self.skip_empty_predict:
            first = empty[0]
            raise DataError(
                f"{where(first.source, first.line)}: empty text in the prediction input "
                f"({len(empty)} in all); remove it or set data.init_args.skip_empty_predict: true"
            )
        if empty:
            log.warning("predict: skipped %d empty line(s) of %s", len(empty), self.predict_file)
        return [e for e in examples if e.text.strip()]

    def setup(self, stage: str | None = None) -> None:
        if stage in (None, "fit"):
            splits = self.load_splits()
            self.build_vocab()
            if self.train_set is None:
                self.train_set = self.encode(splits["train"], "train")
            if self.val_set is None:
                if not splits.get("val"):
                    raise DataError(
                        "the validation split is empty: set val_file or val_fraction > 0"
                    )
                self.val_set = self.encode(splits["val"], "val")
        if stage in (None, "validate") and self.val_set is None:
            self.val_set = self.encode(self.load_splits()["val"], "val")
        if stage in (None, "test") and self.test_set is None:
            test = self.load_splits().get("test")
            if not test:
                raise DataError(
                    "no test split: set data.init_args.test_file (or test_fraction > 0 for the "
                    "movie snippets)"
                )
            self.test_set = self.encode(test, "test")
        if stage in (None, "predict") and self.predict_set is None:
            if self.predict_file is not None:
                self.predict_set = self.encode(self._predict_examples(), "predict", labelled=False)
            else:
                self.predict_set = self.encode(self.load_splits()["test"], "test")

    # ------------------------------------------------------------------ loaders
    def _eval_loader(self, dataset: EncodedTexts | None, name: str, keep_order: bool) -> DataLoader:
        if dataset is None:
            raise RuntimeError(f"{type(self).__name__} has no {name} split: call setup() first")
        if keep_order or not self.bucketing:
            return DataLoader(
                dataset,
                batch_size=self.batch_size,
                shuffle=False,
                collate_fn=text_collate,
                num_workers=self.num_workers,
            )
        return DataLoader(
            dataset,
            batch_sampler=BucketBatchSampler(dataset.lengths, self.batch_size, shuffle=False),
            collate_fn=text_collate,
            num_workers=self.num_workers,
        )

    def train_dataloader(self) -> DataLoader:
        if self.train_set is None:
            raise RuntimeError(f"{type(self).__name__} has no train split: call setup('fit') first")
        assert isinstance(self.train_set, EncodedTexts)
        groups = shares = None
        corpus = self.train_set.corpus
        if corpus is not None and self.corpus_balance != 1.0:
            sizes = [corpus.count(k) for k in range(len(self.train_set.corpus_names or []))]
            weights = [n**self.corpus_balance if n else 0.0 for n in sizes]
            groups, shares = corpus, [w / sum(weights) for w in weights]
        sampler = BucketBatchSampler(
            self.train_set.lengths,
            self.batch_size,
            pool_batches=self.pool_batches if self.bucketing else 1,
            shuffle=True,
            seed=self.seed if self.seed is not None else torch.initial_seed() % (1 << 31),
            groups=groups,
            group_shares=shares,
        )
        return DataLoader(
            self.train_set,
            batch_sampler=sampler,
            collate_fn=text_collate,
            num_workers=self.num_workers,
            persistent_workers=self.num_workers > 0,
        )

    def val_dataloader(self) -> DataLoader:
        return self._eval_loader(self.val_set, "validation", keep_order=False)  # type: ignore[arg-type]

    def test_dataloader(self) -> DataLoader:
        return self._eval_loader(self.test_set, "test", keep_order=False)  # type: ignore[arg-type]

    def predict_dataloader(self) -> DataLoader:
        return self._eval_loader(self.predict_set, "predict", keep_order=True)  # type: ignore[arg-type]
