"""BiLSTM text classifier (sentiment): embedding -> bidirectional LSTM -> N -> 1 head.

The LightningModule: construction, forward, loss, metrics, optimizer, steps and export hooks.
Its parts live beside it: the network pieces in :mod:`lstmzoo.nn.text`, the preprocessing
rebuilt from the hyperparameters in :mod:`lstmzoo.models.text_pipeline`, prediction from raw
texts in :mod:`lstmzoo.models.text_prediction`, the metrics in :mod:`lstmzoo.models.metrics`
and the pretrained word vectors in :mod:`lstmzoo.models.word_vectors`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Optional, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torchmetrics.classification import MulticlassAccuracy
from typing_extensions import override

from lstmzoo.argtypes import (
    DecayFactor,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    Probability,
)
from lstmzoo.data.text.features import check_feature_options
from lstmzoo.data.text.tokenizer import MarkupMode, Tokenizer, TokenizerKind
from lstmzoo.data.text.vectors import WordVectors
from lstmzoo.data.text.vocab import PAD, PAD_ID, UNK, UNK_ID, Vocabulary
from lstmzoo.errors import ConfigError
from lstmzoo.inference import InferenceOptions, Quantize, Runtime, engine_for
from lstmzoo.lightning_ties import attached_trainer
from lstmzoo.models.base import DEFAULT_LR, ZooModule
from lstmzoo.models.metrics import (
    CorpusAccuracy,
    classification_metrics,
    update_classification_metrics,
)
from lstmzoo.models.sequence import HeadArg
from lstmzoo.models.text_pipeline import build_featurizer, plain_pipeline_hparams
from lstmzoo.models.text_prediction import (
    check_texts,
    padded_batch_logits,
    prediction_records,
    text_logits,
)
from lstmzoo.models.word_vectors import load_pretrained_embedding
from lstmzoo.nn.encoders import CellType, EncoderOutput, RecurrentEncoder
from lstmzoo.nn.heads import build_head
from lstmzoo.nn.text import TextClassifierNet, embed_tokens, encode_padded
from lstmzoo.registry import register_model

__all__ = ["BiLSTMSentiment"]

DEFAULT_CLASSES = ["negative", "positive"]


@register_model(
    "bilstm_sentiment",
    task="sentiment classification (movie-review snippets)",
    topology="N->1",
    config="configs/bilstm_sentiment.yaml",
    description="Embedding + BiLSTM; final forward and backward states -> classes",
)
class BiLSTMSentiment(ZooModule):
    """Text classifier: token embedding -> (Bi)LSTM over packed sequences -> N -> 1 head.

    ``batch = {"x": (B, T) int64 token ids, padded with 0, "lengths": (B,), "y": (B,) class ids}``
    (plus ``"feats": (B, T, F)`` and ``"ngrams": (B, T, K)`` for a model with token features,
    and ``"corpus": (B,)`` with ``"corpus_names"`` for per-corpus accuracy), or the tuple
    ``(x, y)`` / ``(x, y, lengths)`` for a model without token features (predict also takes a
    bare ``x``); without lengths every position of ``x`` is read as a token.
    ``forward(x, lengths[, feats, ngrams]) -> (B, num_classes)`` logits. With the default head,
    ``ManyToOne(pool="last")``, the features are the forward state at each text's last token
    concatenated with the backward state at its first token; padding never enters the LSTM
    (packed sequences), so a text gives the same logits however much it is padded.

    Everything needed to predict is stored in the hyperparameters as plain values (vocabulary,
    classes, tokenization), so ``BiLSTMSentiment.load_from_checkpoint(path).predict_text([...])``
    works anywhere, and the checkpoint loads with ``torch.load(weights_only=True)``.

    Args:
        vocab: token of every id, a ``list[str]`` (``["<pad>", "<unk>", ...]``); linked from the
            data module. (Annotated as a bare ``list``: config parsers then check it as one value
            instead of element by element, which matters for vocabularies of 10^4+ tokens.)
        classes: class names (index = class id); linked from the data module.
        embedding_dim, hidden_size, num_layers, bidirectional, cell, dropout: embedding size and
            the :class:`~lstmzoo.nn.RecurrentEncoder` (``dropout`` acts between stacked layers).
        embedding_dropout: dropout on the embedded tokens (training only).
        word_dropout: probability of replacing a token by ``<unk>`` while training.
        head: the N -> 1 head (short name, ``class_path`` mapping or factory); default
            ``ManyToOne(pool="last", dropout=0.5)``: dropout then the linear classifier.
        pretrained_embeddings: a word-vector text file (``word v1 v2 ...`` per line, optional
            ``count dim`` header). It is read once, when a fresh training run starts
            (``setup("fit")`` without a checkpoint to resume) or when
            :meth:`load_pretrained_embeddings` is called; the vectors then live in the embedding
            weights, so a checkpoint reloads without the file. Words missing from the file keep a
            random vector (coverage is logged).
        freeze_embeddings: keep the embedding weights fixed during training.
        tokenizer, lowercase, token_pattern, markup, max_length: the tokenization of the training
            data (linked from the data module), used by :meth:`predict_text`.
        lexicon: token valences as an extra input feature (linked from the data module's
            ``lexicon`` option): a ``{token: valence}`` dict, or, when loading a checkpoint,
            ``"vader"`` / the path of a lexicon file to check against the stored one. The dict
            itself is stored in the checkpoint, so predicting needs no file.
        lexicon_sha256: the SHA-256 of the lexicon the model was trained with (see
            :func:`~lstmzoo.data.text.lexicon.lexicon_sha256`); a lexicon that does not match
            raises :class:`~lstmzoo.errors.CheckpointError` instead of predicting with it.
        token_flags: two more input features per token: ALL CAPS and elongation (``"soooo"``).
        valence_rules: two more input features per token from the lexicon: the valence adjusted
            for negation, intensifiers, "but" and capitals, and the running score of the text
            so far (see :mod:`lstmzoo.data.text.rules`; needs ``lexicon``).
        text_score: one more input feature per token: the running score of ``valence_rules``
            that the whole text ends with, on every token.
        corpus_classifier: the naive-Bayes corpus classifier of the data module's
            ``corpus_features`` (linked from it, as plain values; see
            :mod:`lstmzoo.data.text.corpus_id`): its posterior over the training corpora is
            one more input feature per corpus on every token.
        char_ngram_buckets, char_ngram_orders, max_char_ngrams: hashed character n-grams of
            each token (0 buckets: none); their embeddings (``embedding_dim`` wide) are averaged
            and added to the word embedding, so tokens outside the vocabulary are not all
            ``<unk>`` (see :mod:`lstmzoo.data.text.features`).
        pack: run the encoder on packed sequences (default). ``False`` runs it over the padded
            batch as is (padding steps included; the forward state is read at each text's last
            token): the plain baseline of the bucketing benchmark.
        label_smoothing: label smoothing of the training cross-entropy. Batches that carry
            soft targets (``y_soft``, see ``TextClassificationData(soft_labels=...)``) are
            trained on those instead.
        lr, weight_decay: the default Adam optimizer (a config ``optimizer:`` group replaces it).
        lr_decay: the learning rate is multiplied by this after every epoch (``1``: constant).
    """

    input_kind = "sequence"
    target_kind = "vector"

    def __init__(
        self,
        vocab: Optional[list] = None,  # list[str]; unparametrised for fast config validation
        classes: Optional[list[str]] = None,
        embedding_dim: PositiveInt = 128,
        hidden_size: PositiveInt = 128,
        num_layers: PositiveInt = 1,
        bidirectional: bool = True,
        cell: CellType = "lstm",
        dropout: Probability = 0.0,
        embedding_dropout: Probability = 0.0,
        word_dropout: Probability = 0.0,
        head: HeadArg = None,
        pretrained_embeddings: Optional[str] = None,
        freeze_embeddings: bool = False,
        tokenizer: TokenizerKind = "word",
        lowercase: bool = True,
        token_pattern: Optional[str] = None,
        markup: MarkupMode = "keep",
        max_length: Optional[PositiveInt] = 256,
        lexicon: Union[dict, str, None] = None,  # dict[str, float]; bare for fast validation
        lexicon_sha256: Optional[str] = None,
        token_flags: bool = False,
        valence_rules: bool = False,
        text_score: bool = False,
        corpus_classifier: Optional[dict] = None,  # CorpusClassifier.to_plain(); bare: fast
        char_ngram_buckets: NonNegativeInt = 0,
        char_ngram_orders: list[int] = [3, 4],  # noqa: B006 - never mutated
        max_char_ngrams: PositiveInt = 16,
        pack: bool = True,
        label_smoothing: Probability = 0.0,
        lr: PositiveFloat = DEFAULT_LR,
        weight_decay: NonNegativeFloat = 0.0,
        lr_decay: DecayFactor = 1.0,
    ) -> None:
        # the constructor's arguments, before any is changed: the hyperparameters to store
        hparams = {k: v for k, v in locals().items() if k not in ("self", "__class__")}
        super().__init__()
        vocab = list(vocab) if vocab is not None else [PAD, UNK]
        classes = list(classes) if classes is not None else list(DEFAULT_CLASSES)
        if len(classes) < 2 or len(set(classes)) != len(classes):
            raise ConfigError(f"classes must hold at least 2 distinct names, got {classes}")
        if not 0.0 < lr_decay <= 1.0:
            raise ConfigError(f"lr_decay must lie in (0, 1], got {lr_decay}")
        probabilities = (
            ("embedding_dropout", embedding_dropout),
            ("word_dropout", word_dropout),
            ("label_smoothing", label_smoothing),
        )
        for name, p in probabilities:
            if not 0.0 <= p < 1.0:
                raise ConfigError(f"{name} must lie in [0, 1), got {p}")
        check_feature_options(char_ngram_buckets, char_ngram_orders, max_char_ngrams)
        self.vocabulary = Vocabulary(vocab)
        self.classes = classes
        self.text_tokenizer = Tokenizer(tokenizer, lowercase, token_pattern, markup)
        self.max_length = max_length
        self.pack = pack
        self.word_dropout = word_dropout
        self.featurizer = build_featurizer(
            self.text_tokenizer,
            self.vocabulary,
            max_length,
            lexicon,
            lexicon_sha256,
            token_flags,
            char_ngram_buckets,
            char_ngram_orders,
            max_char_ngrams,
            valence_rules,
            text_score,
            corpus_classifier,
        )
        self.num_token_features = self.featurizer.num_features
        self.embedding = nn.Embedding(len(vocab), embedding_dim, padding_idx=PAD_ID)
        self.embedding.weight.requires_grad_(not freeze_embeddings)
        self.char_embedding = (
            nn.EmbeddingBag(char_ngram_buckets + 1, embedding_dim, mode="mean", padding_idx=0)
            if char_ngram_buckets
            else None
        )
        self.embedding_dropout = nn.Dropout(embedding_dropout)
        self.encoder = RecurrentEncoder(
            embedding_dim + self.num_token_features,
            hidden_size,
            cell,
            num_layers,
            bidirectional,
            dropout,
        )
        if head is None:
            head = {"class_path": "many_to_one", "init_args": {"pool": "last", "dropout": 0.5}}
        self.head = build_head(head, self.encoder.output_size, len(classes), default="many_to_one")
        if self.head.input_kind != "sequence" or self.head.output_kind != "vector":
            raise ConfigError(
                f"{type(self).__name__} classifies whole texts: it needs an N -> 1 head such as "
                f"ManyToOne, got {type(self.head).__name__}"
            )
        hparams["vocab"], hparams["classes"] = vocab, classes
        # plain values only: the lexicon itself (not a path), the n-gram orders as a list
        hparams.update(plain_pipeline_hparams(self.featurizer))
        hparams["head"] = self.head.config()  # plain dict: the checkpoint stays weights_only-safe
        self.save_hyperparameters(hparams)
        self._pretrained_loaded = False
        self.train_acc = MulticlassAccuracy(len(classes), average="micro")
        self.val_metrics = classification_metrics(len(classes))
        self.test_metrics = classification_metrics(len(classes))
        # per-corpus accuracy ("val_amazon" -> metric), made when batches name their corpora
        self.corpus_metrics = CorpusAccuracy(len(classes))

    @property
    def uses_features(self) -> bool:
        """Whether the model reads token features or character n-grams besides the ids."""
        return self.num_token_features > 0 or self.char_embedding is not None

    @property
    def _extra_inputs(self) -> tuple[str, ...]:
        """The network's inputs after the ids, in order: ``"feats"`` and / or ``"ngrams"``."""
        return self.export_module().input_names[1:]

    # ------------------------------------------------------------------ model
    def embed(self, x: Tensor, feats: Tensor | None = None, ngrams: Tensor | None = None) -> Tensor:
        """``x: (B, T)`` ids [, ``feats: (B, T, F)``, ``ngrams: (B, T, K)``] -> the encoder's
        input ``(B, T, embedding_dim + F)``: word embedding (+ mean n-gram embedding), dropout,
        then the token features concatenated."""
        if x.dim() != 2:
            raise ValueError(f"expected token ids of shape (B, T), got {tuple(x.shape)}")
        if self.training and self.word_dropout > 0:  # n-grams and features stay: a stand-in
            drop = torch.rand(x.shape, device=x.device) < self.word_dropout  # for unseen words
            x = x.masked_fill(drop & (x != PAD_ID), UNK_ID)
        return embed_tokens(
            self.embedding,
            self.char_embedding,
            self.num_token_features,
            x,
            feats,
            ngrams,
            self.embedding_dropout,
        )

    def encode(
        self,
        x: Tensor,
        lengths: Tensor | None = None,
        feats: Tensor | None = None,
        ngrams: Tensor | None = None,
    ) -> EncoderOutput:
        """``x: (B, T)`` ids (and the token features, see :meth:`embed`) -> the
        :class:`EncoderOutput` of the recurrent encoder (packed sequences, or the padded batch
        as it is with ``pack=False``, see :func:`~lstmzoo.nn.text.encode_padded`)."""
        emb = self.embed(x, feats, ngrams)
        if self.pack or lengths is None:
            return self.encoder(emb, lengths)
        return encode_padded(self.encoder, emb, lengths)

    @override
    def forward(
        self,
        x: Tensor,
        lengths: Tensor | None = None,
        feats: Tensor | None = None,
        ngrams: Tensor | None = None,
    ) -> Tensor:
        """``x: (B, T)`` token ids (0 = padding), ``lengths: (B,)`` [, ``feats: (B, T, F)``,
        ``ngrams: (B, T, K)`` for a model with token features] -> logits ``(B, classes)``."""
        return self.head(self.encode(x, lengths, feats, ngrams))

    def _batch_logits(self, batch: Mapping[str, Any]) -> Tensor:
        return self(batch["x"], batch.get("lengths"), batch.get("feats"), batch.get("ngrams"))

    # ------------------------------------------------------------------ export
    @override
    def export_module(self) -> TextClassifierNet:
        """Token ids [, token features] [, character n-grams] in, logits out; texts of one
        length per batch (no padding, no lengths): a :class:`~lstmzoo.nn.text.TextClassifierNet`
        sharing this model's weights."""
        return TextClassifierNet(
            self.embedding, self.char_embedding, self.num_token_features, self.encoder, self.head
        )

    @override
    def example_inputs(self) -> tuple[Tensor, ...]:
        return self.export_module().example_inputs()

    @override
    def export_axes(self) -> dict[str, dict[str, dict[int, str]]]:
        return self.export_module().export_axes()

    # ------------------------------------------------------------------ pretrained vectors
    def load_pretrained_embeddings(self, path: str | None = None) -> WordVectors:
        """Copy the vectors of ``path`` (default: the ``pretrained_embeddings`` hyperparameter)
        into the embedding weights; words not in the file get a random vector of the same scale.

        Raises:
            ConfigError: no path, or the file's dimension differs from ``embedding_dim``.
            DataError: the file is missing or malformed.
        """
        path = path or self.hparams.get("pretrained_embeddings")
        if not path:
            raise ConfigError("no word-vector file: set model.init_args.pretrained_embeddings")
        vectors = load_pretrained_embedding(self.embedding, self.vocabulary.tokens, path)
        self._pretrained_loaded = True
        return vectors

    @override
    def setup(self, stage: str) -> None:
        super().setup(stage)
        trainer = attached_trainer(self)
        resuming = trainer is not None and getattr(trainer, "ckpt_path", None)
        if (
            stage == "fit"
            and self.hparams.get("pretrained_embeddings")
            and not self._pretrained_loaded
            and not resuming
        ):
            self.load_pretrained_embeddings()

    @override
    def configure_optimizers(self) -> Any:
        """Adam over the trainable parameters (frozen embeddings left out); the fused kernel
        where the parameters allow it (several times faster on CPU for a large embedding) and
        the precision is not mixed."""
        params = [p for p in self.parameters() if p.requires_grad]
        lr = float(self.hparams.get("lr", DEFAULT_LR))
        weight_decay = float(self.hparams.get("weight_decay", 0.0))
        fused = all(p.device.type in ("cpu", "cuda") and p.dtype == torch.float32 for p in params)
        # Lightning's mixed-precision plugins cannot clip the gradients of fused optimizers
        trainer = attached_trainer(self)
        if trainer is not None and "mixed" in str(getattr(trainer, "precision", "")):
            fused = False
        opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay, fused=fused or None)
        decay = float(self.hparams.get("lr_decay", 1.0))
        if decay == 1.0:
            return opt
        scheduler = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=decay)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": scheduler, "interval": "epoch"}}

    # ------------------------------------------------------------------ steps
    @override
    def training_step(self, batch: Any, batch_idx: int) -> Tensor:
        batch = self.as_batch(batch, "train")
        logits = self._batch_logits(batch)
        if batch.get("y_soft") is not None:
            loss = -(batch["y_soft"] * logits.float().log_softmax(-1)).sum(-1).mean()
        else:
            smoothing = float(self.hparams.get("label_smoothing", 0.0))
            loss = F.cross_entropy(logits.float(), batch["y"], label_smoothing=smoothing)
        batch_size = batch["x"].shape[0]
        self.train_acc.update(logits.detach().argmax(-1), batch["y"])
        if self.log_this_step():
            self.log("train/loss", loss, prog_bar=True, batch_size=batch_size)
        self.log("train/acc", self.train_acc, on_step=False, on_epoch=True, batch_size=batch_size)
        return loss

    def _eval_step(self, batch: Any, stage: str) -> None:
        batch = self.as_batch(batch, stage)
        logits = self._batch_logits(batch)
        loss = F.cross_entropy(logits.float(), batch["y"])
        batch_size = batch["x"].shape[0]
        metrics = self.val_metrics if stage == "val" else self.test_metrics
        update_classification_metrics(metrics, logits.float().softmax(-1), batch["y"])
        self.log(f"{stage}/loss", loss, prog_bar=True, batch_size=batch_size)
        for name, metric in metrics.items():
            self.log(
                f"{stage}/{name}", metric, on_step=False, on_epoch=True,
                prog_bar=name == "acc", batch_size=batch_size,
            )  # fmt: skip
        if batch.get("corpus") is not None:
            self._log_corpus_accuracy(stage, logits, batch)

    def _log_corpus_accuracy(self, stage: str, logits: Tensor, batch: Mapping[str, Any]) -> None:
        """``{stage}/acc/{corpus}`` for texts from named corpora (see ``corpus`` in the batch)."""
        preds = logits.detach().argmax(-1)
        updated = self.corpus_metrics.add_batch(
            stage, batch["corpus_names"], batch["corpus"], preds, batch["y"]
        )
        for name, key, metric, count in updated:
            self.log(
                f"{stage}/acc/{name}", metric, on_step=False, on_epoch=True, batch_size=count,
                metric_attribute=f"corpus_metrics.{key}",  # made after Lightning listed metrics
            )  # fmt: skip

    @override
    def validation_step(self, batch: Any, batch_idx: int) -> None:
        self._eval_step(batch, "val")

    @override
    def test_step(self, batch: Any, batch_idx: int) -> None:
        self._eval_step(batch, "test")

    def _log_corpus_mean(self, stage: str) -> None:
        """``{stage}/acc/corpus_mean``: the mean of the per-corpus accuracies, every corpus
        weighted alike (the pooled ``{stage}/acc`` weights them by size), when there are two or
        more. A checkpoint monitor on it picks the model that does best across domains."""
        mean = self.corpus_metrics.mean(stage)
        if mean is not None:
            self.log(f"{stage}/acc/corpus_mean", mean, on_epoch=True, sync_dist=False)

    @override
    def on_validation_epoch_end(self) -> None:
        self._log_corpus_mean("val")

    @override
    def on_test_epoch_end(self) -> None:
        self._log_corpus_mean("test")

    def _records(self, texts: Sequence[str] | None, probs: Tensor) -> list[dict[str, Any]]:
        """One record per row of ``probs: (N, classes)`` (see
        :func:`~lstmzoo.models.text_prediction.prediction_records`)."""
        return prediction_records(self.classes, texts, probs)

    @override
    def predict_step(self, batch: Any, batch_idx: int) -> list[dict[str, Any]]:
        """One JSON-ready record per text: ``{"text", "label", "probabilities": {class: p},
        "line"}`` (plus ``"target"`` when the input is labelled). A tuple or bare-tensor batch of
        token ids has no texts: its records hold the label and probabilities only.

        The batch runs through the inference fast path (:attr:`inference_options`): sub-batches
        of texts of one length, padding cropped."""
        batch = self.as_batch(batch, "predict")
        engine = engine_for(self, self.inference_options or InferenceOptions())
        logits = padded_batch_logits(engine, batch, self._extra_inputs, len(self.classes))
        records = self._records(batch.get("text"), logits.softmax(-1))
        for i, record in enumerate(records):
            if "line" in batch:
                record["line"] = int(batch["line"][i])
            if batch.get("y") is not None:
                record["target"] = self.classes[int(batch["y"][i])]
        return records

    # ------------------------------------------------------------------ Python API
    def tokenize(self, text: str) -> list[int]:
        """Token ids of ``text`` with the training tokenization (truncated to ``max_length``)."""
        ids = self.vocabulary.encode(self.text_tokenizer(text)) or [UNK_ID]
        return ids[: self.max_length] if self.max_length else ids

    def predict_text(
        self,
        texts: Sequence[str] | str,
        batch_size: int = 64,
        runtime: Runtime = "torch",
        quantize: Quantize = "none",
    ) -> list[dict[str, Any]]:
        """Classify raw texts: one ``{"text", "label", "probabilities": {class: p}}`` per text.

        Texts are grouped by token count, so no batch is padded and each text gets the answer it
        would get alone.

        Args:
            texts: one text or a sequence of them.
            batch_size: texts per forward pass (at most).
            runtime: ``"torch"`` (eager) or ``"onnx"`` (onnxruntime), see :mod:`lstmzoo.inference`.
            quantize: ``"none"`` or ``"int8"`` (dynamic int8 LSTM and Linear weights).

        >>> model = BiLSTMSentiment.load_from_checkpoint("best.ckpt")  # doctest: +SKIP
        >>> model.predict_text(["what a great film"])[0]["label"]       # doctest: +SKIP
        'positive'

        Raises:
            DataError: a text is empty or whitespace only (its position is named).
            ConfigError: an unknown runtime or quantization.
        """
        texts = check_texts(texts, batch_size)
        engine = engine_for(self, InferenceOptions(runtime, quantize))
        with self.evaluating():
            logits = text_logits(
                engine,
                texts,
                featurizer=self.featurizer if self.uses_features else None,
                tokenize=self.tokenize,
                extra=self._extra_inputs,
                batch_size=batch_size,
                num_classes=len(self.classes),
                device=self.embedding.weight.device,
            )
        return self._records(texts, logits.softmax(-1))
