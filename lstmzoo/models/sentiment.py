"""BiLSTM text classifier (sentiment): embedding -> bidirectional LSTM -> N -> 1 head."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any, Optional, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torchmetrics import Metric
from torchmetrics.classification import (
    BinaryAUROC,
    BinaryF1Score,
    MulticlassAccuracy,
    MulticlassAUROC,
    MulticlassF1Score,
)

from lstmzoo.argtypes import (
    DecayFactor,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    Probability,
)
from lstmzoo.data.text.corpus_id import CorpusClassifier
from lstmzoo.data.text.features import TextFeaturizer, check_feature_options
from lstmzoo.data.text.lexicon import Lexicon, read_lexicon
from lstmzoo.data.text.snippets import fetch_vader_lexicon
from lstmzoo.data.text.tokenizer import MarkupMode, Tokenizer, TokenizerKind
from lstmzoo.data.text.vectors import WordVectors, load_word_vectors
from lstmzoo.data.text.vocab import PAD, PAD_ID, UNK, UNK_ID, Vocabulary
from lstmzoo.errors import CheckpointError, ConfigError, DataError
from lstmzoo.inference import (
    InferenceOptions,
    Quantize,
    Runtime,
    engine_for,
    equal_length_batches,
)
from lstmzoo.models.base import ZooModule
from lstmzoo.models.sequence import HeadArg
from lstmzoo.nn.encoders import CellType, EncoderOutput, RecurrentEncoder
from lstmzoo.nn.heads import build_head
from lstmzoo.registry import register_model

__all__ = ["BiLSTMSentiment"]

log = logging.getLogger(__name__)

DEFAULT_CLASSES = ["negative", "positive"]


class _SentimentNet(nn.Module):
    """What gets exported and what the inference fast path runs: ``ids: (B, T)`` [,
    ``feats: (B, T, F)``] [, ``ngrams: (B, T, K)``] -> ``logits: (B, classes)``, with every step
    real (one text, or texts of one length: nothing padded, no lengths)."""

    def __init__(self, model: BiLSTMSentiment) -> None:
        super().__init__()
        self.embedding = model.embedding
        self.char_embedding = model.char_embedding
        self.encoder = model.encoder
        self.head = model.head
        self.num_token_features = model.num_token_features

    def forward(self, ids: Tensor, *extra: Tensor) -> Tensor:
        rest = list(extra)
        feats = rest.pop(0) if self.num_token_features else None
        ngrams = rest.pop(0) if self.char_embedding is not None else None
        emb = embed_tokens(
            self.embedding,
            self.char_embedding,
            self.num_token_features,
            ids,
            feats,
            ngrams,
            gather_ngrams=True,
        )
        return self.head(self.encoder(emb))


def embed_tokens(
    embedding: nn.Embedding,
    char_embedding: nn.EmbeddingBag | None,
    num_token_features: int,
    x: Tensor,
    feats: Tensor | None,
    ngrams: Tensor | None,
    dropout: nn.Module | None = None,
    gather_ngrams: bool = False,
) -> Tensor:
    """``x: (B, T)`` ids [, ``feats: (B, T, F)``, ``ngrams: (B, T, K)``] -> the encoder's input
    ``(B, T, embedding_dim + F)``: word embedding (+ mean n-gram embedding), ``dropout``, then
    the token features concatenated.

    ``gather_ngrams`` computes the n-grams' mean embedding with a gather and a masked mean
    instead of :class:`~torch.nn.EmbeddingBag` (same values; ONNX has no bag with padding)."""
    emb = embedding(x)
    if char_embedding is not None:
        if ngrams is None or ngrams.shape[:2] != x.shape:
            raise ValueError(
                "this model reads character n-grams: pass ngrams of shape (B, T, K) matching "
                f"x {tuple(x.shape)}, got {None if ngrams is None else tuple(ngrams.shape)}"
            )
        if gather_ngrams:
            keep = (ngrams != char_embedding.padding_idx).unsqueeze(-1).to(emb.dtype)
            total = (char_embedding.weight[ngrams] * keep).sum(-2)
            emb = emb + total / keep.sum(-2).clamp(min=1.0)
        else:
            flat = char_embedding(ngrams.reshape(-1, ngrams.shape[-1]))
            emb = emb + flat.view(*x.shape, -1)
    if dropout is not None:
        emb = dropout(emb)
    if num_token_features:
        expected = (*x.shape, num_token_features)
        if feats is None or tuple(feats.shape) != expected:
            raise ValueError(
                f"this model reads {num_token_features} token feature(s): pass feats of "
                f"shape {expected}, got {None if feats is None else tuple(feats.shape)}"
            )
        emb = torch.cat([emb, feats.to(emb.dtype)], dim=-1)
    return emb


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
        lr: PositiveFloat = 1e-3,
        weight_decay: NonNegativeFloat = 0.0,
        lr_decay: DecayFactor = 1.0,
    ) -> None:
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
        lex = _resolve_lexicon(lexicon, lexicon_sha256)
        corpus_model = (
            CorpusClassifier.from_plain(corpus_classifier)
            if corpus_classifier is not None
            else None
        )
        self.featurizer = TextFeaturizer(
            self.text_tokenizer,
            self.vocabulary,
            max_length,
            lex,
            token_flags,
            char_ngram_buckets,
            char_ngram_orders,
            max_char_ngrams,
            valence_rules,
            text_score,
            corpus_model,
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
        hparams = dict(locals())
        for key in ("self", "__class__", "name", "p", "probabilities", "lex", "corpus_model"):
            hparams.pop(key, None)
        hparams["vocab"], hparams["classes"] = vocab, classes
        # plain values only: the lexicon itself (not a path), the n-gram orders as a list
        hparams["lexicon"] = dict(lex.values) if lex is not None else None
        hparams["lexicon_sha256"] = lex.sha256 if lex is not None else None
        hparams["char_ngram_orders"] = [int(n) for n in char_ngram_orders]
        hparams["head"] = self.head.config()  # plain dict: the checkpoint stays weights_only-safe
        self.save_hyperparameters(hparams)
        self._pretrained_loaded = False
        self.train_acc = MulticlassAccuracy(len(classes), average="micro")
        self.val_metrics = self._make_metrics()
        self.test_metrics = self._make_metrics()
        # per-corpus accuracy ("val_amazon" -> metric), made when batches name their corpora
        self.corpus_metrics = nn.ModuleDict()

    @property
    def uses_features(self) -> bool:
        """Whether the model reads token features or character n-grams besides the ids."""
        return self.num_token_features > 0 or self.char_embedding is not None

    # ------------------------------------------------------------------ metrics
    def _make_metrics(self) -> nn.ModuleDict:
        n = len(self.classes)
        metrics: dict[str, Metric] = {"acc": MulticlassAccuracy(n, average="micro")}
        if n == 2:  # F1 and AUROC of the second class (e.g. "positive")
            metrics["f1"] = BinaryF1Score()
            metrics["auroc"] = BinaryAUROC()
        else:
            metrics["f1"] = MulticlassF1Score(n, average="macro")
            metrics["auroc"] = MulticlassAUROC(n, average="macro")
        return nn.ModuleDict(metrics)

    def _update_metrics(self, metrics: nn.ModuleDict, probs: Tensor, y: Tensor) -> None:
        metrics["acc"].update(probs, y)
        scores = probs[:, 1] if len(self.classes) == 2 else probs
        metrics["f1"].update(scores, y)
        metrics["auroc"].update(scores, y)

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
        :class:`EncoderOutput` of the recurrent encoder."""
        emb = self.embed(x, feats, ngrams)
        if self.pack or lengths is None:
            return self.encoder(emb, lengths)
        return self._encode_padded(emb, lengths)

    def _encode_padded(self, emb: Tensor, lengths: Tensor) -> EncoderOutput:
        out = self.encoder(emb, None)
        lengths = lengths.to(out.outputs.device)
        steps = torch.arange(emb.shape[1], device=emb.device)
        mask = (steps.unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(-1)
        outputs = out.outputs * mask
        hidden = self.encoder.hidden_size
        rows = torch.arange(emb.shape[0], device=emb.device)
        last = outputs[rows, lengths - 1, :hidden]  # forward state at the true last token
        top = [last]
        if self.encoder.bidirectional:
            top.append(outputs[:, 0, hidden:])  # backward state (it has read the padding too)
        h_n = out.h_n.clone()
        h_n[-len(top) :] = torch.stack(top)
        return EncoderOutput(outputs, h_n, None, lengths.cpu())

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
    def export_module(self) -> nn.Module:
        """Token ids [, token features] [, character n-grams] in, logits out; texts of one
        length per batch (no padding, no lengths)."""
        return _SentimentNet(self)

    def example_inputs(self) -> tuple[Tensor, ...]:
        ids = torch.randint(2, len(self.hparams["vocab"]), (2, 7))
        inputs = [ids]
        if self.num_token_features:
            inputs.append(torch.zeros(2, 7, self.num_token_features))
        if self.char_embedding is not None:
            inputs.append(torch.randint(0, self.char_embedding.num_embeddings, (2, 7, 4)))
        return tuple(inputs)

    def export_axes(self) -> dict[str, dict[str, dict[int, str]]]:
        inputs: dict[str, dict[int, str]] = {"ids": {0: "batch", 1: "time"}}
        if self.num_token_features:
            inputs["feats"] = {0: "batch", 1: "time"}
        if self.char_embedding is not None:
            inputs["ngrams"] = {0: "batch", 1: "time", 2: "ngrams"}
        return {"inputs": inputs, "outputs": {"logits": {0: "batch"}}}

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
        vectors = load_word_vectors(path, self.vocabulary.tokens)
        if vectors.dim != self.embedding.embedding_dim:
            raise ConfigError(
                f"{path} holds {vectors.dim}-dimensional vectors but embedding_dim is "
                f"{self.embedding.embedding_dim}; set model.init_args.embedding_dim: {vectors.dim}"
            )
        found = vectors.found.to(self.embedding.weight.device)
        with torch.no_grad():
            weight = self.embedding.weight
            if bool(found.any()):
                std = float(vectors.vectors[vectors.found].std()) if int(found.sum()) > 1 else 0.1
                fresh = torch.randn_like(weight) * (std if math.isfinite(std) and std > 0 else 0.1)
                weight.copy_(torch.where(found.unsqueeze(1), vectors.vectors.to(weight), fresh))
            weight[PAD_ID].zero_()
        self._pretrained_loaded = True
        n = len(self.vocabulary) - 2
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

    def setup(self, stage: str) -> None:
        super().setup(stage)
        trainer = getattr(self, "_trainer", None)
        resuming = trainer is not None and getattr(trainer, "ckpt_path", None)
        if (
            stage == "fit"
            and self.hparams.get("pretrained_embeddings")
            and not self._pretrained_loaded
            and not resuming
        ):
            self.load_pretrained_embeddings()

    def configure_optimizers(self) -> Any:
        """Adam over the trainable parameters (frozen embeddings left out); the fused kernel
        where the parameters allow it (several times faster on CPU for a large embedding) and
        the precision is not mixed."""
        params = [p for p in self.parameters() if p.requires_grad]
        lr = float(self.hparams.get("lr", 1e-3))
        weight_decay = float(self.hparams.get("weight_decay", 0.0))
        fused = all(p.device.type in ("cpu", "cuda") and p.dtype == torch.float32 for p in params)
        # Lightning's mixed-precision plugins cannot clip the gradients of fused optimizers
        trainer = getattr(self, "_trainer", None)
        if trainer is not None and "mixed" in str(trainer.precision):
            fused = False
        opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay, fused=fused or None)
        decay = float(self.hparams.get("lr_decay", 1.0))
        if decay == 1.0:
            return opt
        scheduler = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=decay)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": scheduler, "interval": "epoch"}}

    # ------------------------------------------------------------------ steps
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
        self._update_metrics(metrics, logits.float().softmax(-1), batch["y"])
        self.log(f"{stage}/loss", loss, prog_bar=True, batch_size=batch_size)
        for name, metric in metrics.items():
            self.log(
                f"{stage}/{name}", metric, on_step=False, on_epoch=True,
                prog_bar=name == "acc", batch_size=batch_size,
            )  # fmt: skip
        if batch.get("corpus") is not None:
            self._log_corpus_accuracy(stage, logits, batch)

    def _log_corpus_accuracy(self, stage: str, logits: Tensor, batch: Mapping[str, Any]) -> None:
        """``{stage}/acc/{corpus}`` for texts from named corpora (see ``corpus`` in the batch).

        One metric per corpus name of the batch, made on the first batch that names it; every
        batch names all corpora of its data module, so every process makes the same ones."""
        names, corpus = batch["corpus_names"], batch["corpus"]
        for name in names:
            key = f"{stage}_{name}"
            if key not in self.corpus_metrics:
                metric = MulticlassAccuracy(len(self.classes), average="micro")
                self.corpus_metrics[key] = metric.to(logits.device)
        preds = logits.detach().argmax(-1)
        for i, name in enumerate(names):
            mask = corpus == i
            count = int(mask.sum())
            if count == 0:
                continue
            key = f"{stage}_{name}"
            metric = self.corpus_metrics[key]
            metric.update(preds[mask], batch["y"][mask])
            self.log(
                f"{stage}/acc/{name}", metric, on_step=False, on_epoch=True, batch_size=count,
                metric_attribute=f"corpus_metrics.{key}",  # made after Lightning listed metrics
            )  # fmt: skip

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        self._eval_step(batch, "val")

    def test_step(self, batch: Any, batch_idx: int) -> None:
        self._eval_step(batch, "test")

    def _log_corpus_mean(self, stage: str) -> None:
        """``{stage}/acc/corpus_mean``: the mean of the per-corpus accuracies, every corpus
        weighted alike (the pooled ``{stage}/acc`` weights them by size), when there are two or
        more. A checkpoint monitor on it picks the model that does best across domains."""
        prefix = f"{stage}_"
        metrics = [m for k, m in self.corpus_metrics.items() if k.startswith(prefix)]
        values = [m.compute() for m in metrics if m.update_count]
        if len(values) >= 2:
            mean = torch.stack([v.float() for v in values]).mean()
            self.log(f"{stage}/acc/corpus_mean", mean, on_epoch=True, sync_dist=False)

    def on_validation_epoch_end(self) -> None:
        self._log_corpus_mean("val")

    def on_test_epoch_end(self) -> None:
        self._log_corpus_mean("test")

    def _records(self, texts: Sequence[str] | None, probs: Tensor) -> list[dict[str, Any]]:
        records = []
        for i, p in enumerate(probs.tolist()):
            best = max(range(len(p)), key=p.__getitem__)
            record: dict[str, Any] = {} if texts is None else {"text": texts[i]}
            record["label"] = self.classes[best]
            record["probabilities"] = {c: float(v) for c, v in zip(self.classes, p)}
            records.append(record)
        return records

    def predict_step(self, batch: Any, batch_idx: int) -> list[dict[str, Any]]:
        """One JSON-ready record per text: ``{"text", "label", "probabilities": {class: p},
        "line"}`` (plus ``"target"`` when the input is labelled). A tuple or bare-tensor batch of
        token ids has no texts: its records hold the label and probabilities only."""
        batch = self.as_batch(batch, "predict")
        records = self._records(batch.get("text"), self._predict_probs(batch))
        for i, record in enumerate(records):
            if "line" in batch:
                record["line"] = int(batch["line"][i])
            if batch.get("y") is not None:
                record["target"] = self.classes[int(batch["y"][i])]
        return records

    def _predict_probs(self, batch: Mapping[str, Any]) -> Tensor:
        """Class probabilities of a padded batch through the inference fast path
        (:attr:`inference_options`): sub-batches of texts of one length, padding cropped."""
        engine = engine_for(self, self.inference_options or InferenceOptions())
        x = batch["x"]
        lengths = batch.get("lengths")
        lengths = [x.shape[1]] * x.shape[0] if lengths is None else lengths.tolist()
        keys = ["feats"] * bool(self.num_token_features)
        keys += ["ngrams"] * (self.char_embedding is not None)
        missing = [k for k in keys if batch.get(k) is None]
        if missing:
            raise ValueError(
                f"this model reads token features: the batch lacks {', '.join(missing)} (use the "
                "data module the model was trained with, or predict_text)"
            )
        extra = [batch[k] for k in keys]
        logits = torch.empty(x.shape[0], len(self.classes))
        for group in equal_length_batches(lengths, x.shape[0]):
            steps = int(lengths[group[0]])
            inputs = [t[group, :steps] for t in (x, *extra)]
            logits[group] = engine(*inputs).cpu()
        return logits.softmax(-1)

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
        if isinstance(texts, str):
            texts = [texts]
        for i, text in enumerate(texts):
            if not isinstance(text, str) or not text.strip():
                raise DataError(f"text {i} (0-based) is empty or not a string: {text!r}")
        if batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {batch_size}")
        engine = engine_for(self, InferenceOptions(runtime, quantize))
        with self.evaluating():
            encoded = self.featurizer.encode_many(texts)[0] if self.uses_features else None
            ids: list[Any]  # id tensors (encoded texts) or id lists
            if encoded is not None:
                ids = [e.ids for e in encoded]
            else:
                ids = [self.tokenize(t) for t in texts]
            logits = torch.empty(len(ids), len(self.classes))
            device = self.embedding.weight.device
            for chunk in equal_length_batches([len(i) for i in ids], batch_size):
                if encoded is None:  # id lists: one tensor per batch, not one per text
                    inputs = [torch.tensor([ids[i] for i in chunk], dtype=torch.long)]
                else:
                    inputs = [torch.stack([ids[i] for i in chunk])]
                    if self.num_token_features:
                        inputs.append(torch.stack([encoded[i].feats for i in chunk]))
                    if self.char_embedding is not None:
                        inputs.append(torch.stack([encoded[i].ngrams for i in chunk]))
                logits[chunk] = engine(*(t.to(device) for t in inputs)).cpu()
        return self._records(list(texts), logits.softmax(-1))


def _resolve_lexicon(lexicon: dict | str | None, expected_sha256: str | None) -> Lexicon | None:
    """The model's lexicon from a dict (stored in the checkpoint) or a file (``"vader"`` or a
    path), checked against ``expected_sha256`` when given.

    Raises:
        CheckpointError: the lexicon does not match ``expected_sha256``, or a checksum is given
            without a lexicon.
        DataError: the lexicon file is missing or malformed.
    """
    if lexicon is None:
        if expected_sha256 is not None:
            raise CheckpointError(
                f"the model was trained with a lexicon (sha256 {expected_sha256[:12]}...) but "
                "none is given: load the checkpoint without overriding `lexicon`"
            )
        return None
    if isinstance(lexicon, str):
        path = fetch_vader_lexicon() if lexicon == "vader" else lexicon
        lex = read_lexicon(path)
        given = f"the lexicon {lexicon!r}"
    elif isinstance(lexicon, Mapping):
        lex = Lexicon(lexicon)
        given = "the lexicon given"
    else:
        raise ConfigError(
            f"lexicon must be a {{token: valence}} dict, 'vader' or a file path, got "
            f"{type(lexicon).__name__}"
        )
    if expected_sha256 is not None and lex.sha256 != expected_sha256:
        raise CheckpointError(
            f"{given} ({len(lex)} tokens, sha256 {lex.sha256[:12]}...) does not match the one "
            f"the model was trained with (sha256 {expected_sha256[:12]}...): predictions would "
            "silently change. Load the checkpoint without a `lexicon` override to use the "
            "lexicon stored in it"
        )
    return lex
