"""The text classification data module: readers -> tokenizer -> vocabulary -> length-bucketed
batches.

:class:`TextClassificationData` holds the options and the state of one data set (its splits,
vocabulary, classes, lexicon and corpus classifier) and composes plain pieces that need no
Lightning: the sources of the texts (:mod:`~lstmzoo.data.text.sources`), fixed splits
(:mod:`~lstmzoo.data.text.splits`), several corpora (:mod:`~lstmzoo.data.text.corpora`),
encoding (:mod:`~lstmzoo.data.text.encoding`), training targets
(:mod:`~lstmzoo.data.text.targets`), the dataset and its batches
(:mod:`~lstmzoo.data.text.dataset`, :mod:`~lstmzoo.data.text.loaders`) and what the model
stores (:mod:`~lstmzoo.data.text.model_kwargs`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

import torch
from torch import Tensor
from torch.utils.data import DataLoader
from typing_extensions import override

from lstmzoo.argtypes import (
    ClosedUnitInterval,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    Probability,
)
from lstmzoo.data.base import ZooDataModule
from lstmzoo.data.text.corpora import (
    check_corpora,
    check_corpus_balance,
    check_corpus_features,
    corpus_ids,
    corpus_shares,
    cue_sets,
    fit_corpus_classifier,
)
from lstmzoo.data.text.corpus_id import CorpusClassifier, cross_fitted_posteriors
from lstmzoo.data.text.dataset import EncodedTexts, text_collate
from lstmzoo.data.text.encoding import (
    build_vocabulary,
    class_ids,
    encode_texts,
    encode_with_features,
    encoding_stats,
    training_classes,
)
from lstmzoo.data.text.features import (
    TextFeaturizer,
    check_feature_options,
    check_rule_teacher,
    check_valence_rules,
)
from lstmzoo.data.text.lexicon import Lexicon, read_lexicon
from lstmzoo.data.text.loaders import eval_loader, train_loader
from lstmzoo.data.text.model_kwargs import (
    check_checkpoint_lexicon,
    lexicon_kwargs,
    stored_lexicon,
    tokenizer_from_kwargs,
    tokenizer_kwargs,
)
from lstmzoo.data.text.readers import Example, Format
from lstmzoo.data.text.snippets import fetch_movie_snippets
from lstmzoo.data.text.sources import TextSource, fetch_corpora, vader_lexicon_path
from lstmzoo.data.text.splits import Split, check_fractions, check_neutral_splits, clean_splits
from lstmzoo.data.text.targets import rule_taught_targets, soft_targets, teaches
from lstmzoo.data.text.tokenizer import MarkupMode, Tokenizer, TokenizerKind
from lstmzoo.data.text.vocab import Vocabulary
from lstmzoo.errors import DataError

# EncodedTexts, encode_texts and text_collate live in dataset.py / encoding.py; they stay
# importable from here, where they were first defined
__all__ = ["EncodedTexts", "TextClassificationData", "encode_texts", "text_collate"]

log = logging.getLogger(__name__)


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
        check_fractions(val_fraction, test_fraction)
        if max_length is not None and max_length < 1:
            raise ValueError(f"max_length must be >= 1 or None, got {max_length}")
        check_neutral_splits(drop_neutral_from)
        self.corpora: list[str] | None = check_corpora(corpora, train_file)
        self.corpus_balance = check_corpus_balance(corpus_balance)
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
        return self._source().uses_snippets

    def _source(self) -> TextSource:
        """The texts the options name (made afresh: the options are plain attributes)."""
        return TextSource(
            train_file=self.train_file,
            val_file=self.val_file,
            test_file=self.test_file,
            format=self.format,
            text_column=self.text_column,
            label_column=self.label_column,
            encoding=self.encoding,
            corpora=self.corpora,
            val_fraction=self.val_fraction,
            test_fraction=self.test_fraction,
            split_seed=self.split_seed,
        )

    def _only_predicting_a_file(self) -> bool:
        """``trainer.predict`` on ``predict_file``: no split is read, so nothing to fetch."""
        trainer = getattr(self, "trainer", None)
        state = getattr(trainer, "state", None)
        return self.predict_file is not None and getattr(state, "fn", None) == "predict"

    @override
    def prepare_data(self) -> None:
        """Fetch the rated corpora (or the movie snippets) when they are the data, and the
        lexicon when one is named (nothing to fetch for the user's files, nor for predicting
        a ``predict_file``)."""
        fetch = not self._only_predicting_a_file()
        if fetch and self.corpora is not None:
            fetch_corpora(
                self.corpora, self.snippets_file, self.cache_dir, self.download, self._corpus_paths
            )
        elif fetch and self.train_file is None and self._snippets_path is None:
            self._snippets_path = fetch_movie_snippets(
                self.snippets_file, self.cache_dir, download=self.download
            )
        if self.lexicon_source is not None:
            self.get_lexicon()

    def _describe_source(self) -> str:
        return self._source().describe(self._snippets_path)

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
                path = vader_lexicon_path(self.snippets_file, self.cache_dir, self.download)
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

    def _training_cues(self) -> list[set[str]]:
        """The corpus cues of the training split's texts (computed once: the classifier and
        the cross-fitted posteriors both read them)."""
        if self._train_cues is None:
            texts = [e.text for e in self.load_splits()["train"]]
            self._train_cues = cue_sets(texts, self.tokenizer)
        return self._train_cues

    def corpus_classifier(self) -> CorpusClassifier | None:
        """The corpus classifier of ``corpus_features``: the model's, or one fitted on the
        training split (``None`` without the option)."""
        if not self.corpus_features:
            return None
        if self._corpus_classifier is None:
            check_corpus_features(self.corpora)
            assert self.corpora is not None
            train = self.load_splits()["train"]
            self._corpus_classifier = fit_corpus_classifier(
                self._training_cues(), corpus_ids(train, self.corpora), self.corpora
            )
        return self._corpus_classifier

    def _training_posteriors(self, examples: Sequence[Example]) -> Tensor:
        """Cross-fitted corpus posteriors of training texts: as noisy as the posteriors of
        texts the classifier never saw. ``(N, K)``."""
        self.corpus_classifier()  # checks the option
        assert self.corpora is not None
        cues = (
            self._training_cues()  # the classifier's own, when it is the same split
            if examples is self.load_splits()["train"]
            else cue_sets([e.text for e in examples], self.tokenizer)
        )
        return cross_fitted_posteriors(cues, corpus_ids(examples, self.corpora), self.corpora)

    # ------------------------------------------------------------------ splits
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
        if self.train_file is None:  # the movie snippets or the rated corpora
            self.prepare_data()
        splits = self._source().splits(self._snippets_path, self._corpus_paths)
        self._splits = clean_splits(splits, self.neutral_band, self.drop_neutral_from)
        return self._splits

    # ------------------------------------------------------------------ vocabulary and classes
    def build_vocab(self) -> None:
        """Derive the vocabulary and the class list from the training split (unless preset)."""
        if self.vocab is not None and self.classes is not None:
            return
        train = self.load_splits()["train"]
        if not train:
            raise DataError(f"the training split is empty ({self._describe_source()})")
        if self.vocab is None:
            self.vocab = build_vocabulary(train, self.tokenizer, self.min_freq, self.max_vocab_size)
        if self.classes is None:
            self.classes = training_classes(train, self._describe_source())

    @override
    def model_kwargs(self) -> dict[str, Any]:
        """Vocabulary, classes, tokenization and token-feature options for the model (stored in
        its checkpoint; the lexicon as a plain ``{token: valence}`` dict with its SHA-256)."""
        self.build_vocab()
        assert self.vocab is not None and self.classes is not None
        lexicon = self.get_lexicon()
        return {
            "vocab": list(self.vocab.tokens),
            "classes": list(self.classes),
            **tokenizer_kwargs(self.tokenizer),
            "max_length": self.max_length,
            **lexicon_kwargs(lexicon),
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

    @override
    def adopt_model_kwargs(self, kwargs: dict[str, Any]) -> None:
        """Use a trained model's vocabulary, classes and tokenization."""
        if kwargs.get("vocab") is not None:
            self.vocab = Vocabulary(kwargs["vocab"])
        if kwargs.get("classes") is not None:
            self.classes = list(kwargs["classes"])
        if "tokenizer" in kwargs:
            self.tokenizer = tokenizer_from_kwargs(kwargs)
        if "max_length" in kwargs:
            self.max_length = kwargs["max_length"]
        self._adopt_features(kwargs)

    def _adopt_features(self, kwargs: dict[str, Any]) -> None:
        """Take the model's feature options; a lexicon configured here must be the model's."""
        stored, stored_sha = stored_lexicon(kwargs)
        if self.lexicon_source is not None:
            mine = self.get_lexicon()
            assert mine is not None
            check_checkpoint_lexicon(self.lexicon_source, mine, stored_sha)
        elif stored is not None:
            self._lexicon = stored
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
        labels = class_ids(examples, self.classes, self.label_column) if labelled else None
        texts = [e.text for e in examples]
        feats = ngrams = None
        if self.uses_features:
            posteriors = None
            if split == "train" and self.corpus_features and not self._classifier_from_model:
                posteriors = self._training_posteriors(examples)
            ids, feats, ngrams, truncated, longest = encode_with_features(
                self.featurizer(), texts, self.max_length, posteriors
            )
        else:
            ids, truncated, longest = encode_texts(
                texts, self.tokenizer, self.vocab, self.max_length
            )
        self.stats[split] = encoding_stats(split, ids, truncated, longest, self.max_length)
        soft = None
        if split == "train" and labelled and self.soft_labels is not None:
            soft = soft_targets(examples, self.classes, self.soft_labels)
        if split == "train" and labels is not None and self._teaches:
            assert feats is not None  # valence_rules is on
            soft = rule_taught_targets(
                labels,
                soft,
                feats,
                self.featurizer().feature_names,
                self.classes,
                self.rule_teacher,
                self.rule_teacher_scale,
                self.rule_teacher_unanimous,
            )
        corpus = names = None
        if self.corpora is not None and all(e.corpus is not None for e in examples):
            names = list(self.corpora)
            corpus = corpus_ids(examples, names)
        return EncodedTexts(
            ids, texts, labels, [e.line for e in examples], soft, feats, ngrams, corpus, names
        )

    @property
    def _teaches(self) -> bool:
        """Whether ``rule_teacher`` / ``rule_teacher_unanimous`` move any training target."""
        return teaches(self.rule_teacher, self.rule_teacher_unanimous)

    @override
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
                examples = self._source().read_predict(self.predict_file, self.skip_empty_predict)
                self.predict_set = self.encode(examples, "predict", labelled=False)
            else:
                self.predict_set = self.encode(self.load_splits()["test"], "test")

    # ------------------------------------------------------------------ loaders
    def _eval_loader(self, dataset: EncodedTexts | None, name: str, keep_order: bool) -> DataLoader:
        if dataset is None:
            raise RuntimeError(f"{type(self).__name__} has no {name} split: call setup() first")
        return eval_loader(dataset, self.batch_size, self.num_workers, self.bucketing, keep_order)

    @override
    def train_dataloader(self) -> DataLoader:
        if self.train_set is None:
            raise RuntimeError(f"{type(self).__name__} has no train split: call setup('fit') first")
        assert isinstance(self.train_set, EncodedTexts)
        shares = None
        if self.train_set.corpus is not None:
            count = len(self.train_set.corpus_names or [])
            shares = corpus_shares(self.train_set.corpus, count, self.corpus_balance)
        return train_loader(
            self.train_set,
            self.batch_size,
            self.num_workers,
            bucketing=self.bucketing,
            pool_batches=self.pool_batches,
            seed=self.seed if self.seed is not None else torch.initial_seed() % (1 << 31),
            group_shares=shares,
        )

    @override
    def val_dataloader(self) -> DataLoader:
        return self._eval_loader(self.val_set, "validation", keep_order=False)  # type: ignore[arg-type]

    @override
    def test_dataloader(self) -> DataLoader:
        return self._eval_loader(self.test_set, "test", keep_order=False)  # type: ignore[arg-type]

    @override
    def predict_dataloader(self) -> DataLoader:
        return self._eval_loader(self.predict_set, "predict", keep_order=True)  # type: ignore[arg-type]
