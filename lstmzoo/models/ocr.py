"""CRNN-BiLSTM text recognition trained with CTC: the zoo's OCR model."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from typing import Any, Literal, NamedTuple, Optional, Union

import torch
from lightning.pytorch.callbacks import Timer
from torch import Tensor, nn
from torchmetrics import MeanMetric, MetricCollection
from torchmetrics.text import CharErrorRate, WordErrorRate

from lstmzoo.argtypes import (
    ClosedUnitInterval,
    ImageWidth,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    Probability,
)
from lstmzoo.errors import ConfigError, DataError
from lstmzoo.inference import (
    InferenceOptions,
    Quantize,
    Runtime,
    engine_for,
    equal_length_batches,
)
from lstmzoo.models.base import BatchFormatError, ZooModule
from lstmzoo.nn.crnn import (
    CRNN,
    BatchNormWhere,
    CRNNOutput,
    crnn_char_ranges,
    crnn_output_length,
)
from lstmzoo.nn.ctc import (
    DEFAULT_ALPHABET,
    Alphabet,
    Decoded,
    beam_search_decode,
    encode_batch,
    greedy_decode,
)
from lstmzoo.registry import register_model

__all__ = ["CRNNOCR", "Reading"]

ImageInput = Union[str, "os.PathLike[str]", bytes, Any]


class Reading(NamedTuple):
    """What :meth:`CRNNOCR.read` returns per image.

    Attributes:
        text: the text read ("" when the image could not be read).
        confidence: product of the per-character confidences (see :mod:`lstmzoo.nn.ctc`).
        char_confidences: one probability per character of ``text``.
        error: why the image could not be read, else ``None``.
        positions: with ``read(positions=True)``, every character's columns ``(x0, x1)``
            (``x0 <= x < x1``) in the pixels of the image as given, from the CTC steps the
            decoder attributes to it (see :func:`~lstmzoo.nn.crnn.crnn_char_ranges`); a word's
            columns run from its first character's ``x0`` to its last one's ``x1``.
    """

    text: str
    confidence: float
    char_confidences: list[float]
    error: Optional[str] = None
    positions: Optional[list[tuple[int, int]]] = None


class _CRNNExport(nn.Module):
    """``images: (B, 1, 32, W) -> log_probs: (B, floor(W/4) + 1, K + 1)`` (blank = class 0)."""

    def __init__(self, net: CRNN) -> None:
        super().__init__()
        self.net = net

    def forward(self, images: Tensor) -> Tensor:
        return self.net(images).logits.log_softmax(-1)


@register_model(
    "crnn_ocr",
    task="text recognition (OCR, CTC)",
    topology="image->N",
    config="configs/crnn_ocr.yaml",
    description="CRNN: VGG-style CNN + BiLSTM -> Linear -> BiLSTM -> Linear, CTC loss",
)
class CRNNOCR(ZooModule):
    """Reads a text line: ``(B, 1, 32, W)`` images -> ``(B, floor(W/4)+1, len(alphabet)+1)`` scores.

    ``batch = {"x": (B, 1, 32, W), "widths": (B,), "text": [label, ...], "name": [...],
    "error": [...]}``
    as built by :class:`~lstmzoo.data.ocr.OCRDataModule`, or the tuple ``(x, labels)`` /
    ``(x, labels, widths)`` where ``labels`` is a list of strings or a ``(B, S)`` integer tensor
    of class indices (``alphabet[i]`` = ``i + 1``, 0 = padding); predict also takes a bare ``x``.
    The loss is ``nn.CTCLoss(blank=0, zero_infinity=True)`` on float32 log-probabilities, also
    under mixed precision (autocast is switched off around ``log_softmax`` and the loss).

    Args:
        alphabet: the characters (the blank is class 0, ``alphabet[i]`` class ``i + 1``) or the
            name of one (``"printable"``, see :mod:`lstmzoo.nn.ctc`); linked from the data module
            and stored in the checkpoint as characters.
        case_fold: labels are mapped to the alphabet's case (see :class:`~lstmzoo.nn.ctc.Alphabet`).
        image_width: training image width (``floor(W/4)+1`` CTC steps); from the data module.
        keep_ratio: whether training images kept their aspect ratio (then :meth:`read` uses
            variable widths; otherwise it stretches to ``image_width`` as in training).
        hidden_size: LSTM units per direction.
        width_mult: backbone channel multiplier (1 = paper width; 0.5 = half, for CPUs).
        batch_norm: ``"deep"`` (paper), ``"all"`` or ``"none"``
            (see :class:`~lstmzoo.nn.crnn.CRNNBackbone`).
        dropout: dropout on the BiLSTM outputs.
        decoder: ``"greedy"`` (best path) or ``"beam"`` (prefix beam search) for metrics,
            prediction and :meth:`read`.
        beam_width: prefixes kept by the beam search.
        case_sensitive_accuracy: compare texts case-sensitively for the accuracy and error rates.
        metrics: what validation and test measure: ``"words"`` (``cer``, the character error
            rate, and ``word_acc``, the share of texts read exactly) or ``"lines"`` (``cer``,
            ``wer``, the word error rate, and ``line_acc``, the share of lines read exactly);
            the rates are torchmetrics' ``CharErrorRate`` and ``WordErrorRate``.
        lr, weight_decay: the default Adam optimizer.
        lr_schedule: ``"constant"`` or ``"cosine"``: cosine decay to ``min_lr_ratio * lr`` over
            the run, measured by the trainer's ``max_time`` or step budget, whichever is
            further along (so a time-limited run ends at the low learning rate).
        warmup_steps: linear warm-up steps of ``"cosine"``.
        min_lr_ratio: final learning rate of ``"cosine"``, relative to ``lr``.
        pack_sequences: let the BiLSTMs skip the padded steps of a batch of images of mixed widths
            (packed sequences). ``False`` runs them over the padding too, several times faster
            on CPUs for such batches (text lines of similar, not equal, width); the padding is
            the images' background, which the backward LSTM then reads as a wider right margin,
            and the CTC loss still counts each image's own steps. Batches of one width (the
            word recipe, :meth:`read`) are not packed either way.
        channels_last: train the CNN with its weights and activations in channels-last
            (NHWC) memory layout, which oneDNN's convolutions run a little faster on CPUs
            (1.05x per step for the half-width backbone, in bf16-mixed and in float32, on a
            2-core AVX-512 machine: ``benchmarks/bench_inference.py --only layout``). Only the
            training loop uses it: checkpoints hold ordinary contiguous tensors, and the model
            is back in the default layout when ``fit`` ends. The numbers are the same up to
            floating-point summation order.
    """

    input_kind = "image"
    target_kind = "sequence"
    batch_keys = ("x", "text", "widths")

    def __init__(
        self,
        alphabet: str = DEFAULT_ALPHABET,
        case_fold: bool = True,
        image_width: ImageWidth = 100,
        keep_ratio: bool = False,
        hidden_size: PositiveInt = 256,
        width_mult: PositiveFloat = 1.0,
        batch_norm: BatchNormWhere = "deep",
        dropout: Probability = 0.0,
        decoder: Literal["greedy", "beam"] = "greedy",
        beam_width: PositiveInt = 10,
        case_sensitive_accuracy: bool = False,
        metrics: Literal["words", "lines"] = "words",
        lr: PositiveFloat = 1e-3,
        weight_decay: NonNegativeFloat = 0.0,
        lr_schedule: Literal["constant", "cosine"] = "constant",
        warmup_steps: NonNegativeInt = 0,
        min_lr_ratio: ClosedUnitInterval = 0.01,
        channels_last: bool = False,
        pack_sequences: bool = True,
    ) -> None:
        super().__init__()
        if decoder not in ("greedy", "beam"):
            raise ConfigError(f"decoder must be 'greedy' or 'beam', got {decoder!r}")
        if lr_schedule not in ("constant", "cosine"):
            raise ConfigError(f"lr_schedule must be 'constant' or 'cosine', got {lr_schedule!r}")
        if beam_width < 1:
            raise ConfigError(f"beam_width must be >= 1, got {beam_width}")
        if metrics not in ("words", "lines"):
            raise ConfigError(f"metrics must be 'words' or 'lines', got {metrics!r}")
        self.alphabet = Alphabet(alphabet, case_fold)
        self.net = CRNN(self.alphabet.num_classes, hidden_size, width_mult, batch_norm, 1, dropout)
        self.ctc = nn.CTCLoss(blank=0, reduction="mean", zero_infinity=True)
        self.save_hyperparameters(
            {
                "alphabet": self.alphabet.chars,  # a named alphabet is stored as its characters
                "case_fold": bool(case_fold),
                "image_width": int(image_width),
                "keep_ratio": bool(keep_ratio),
                "hidden_size": int(hidden_size),
                "width_mult": float(width_mult),
                "batch_norm": str(batch_norm),
                "dropout": float(dropout),
                "decoder": str(decoder),
                "beam_width": int(beam_width),
                "case_sensitive_accuracy": bool(case_sensitive_accuracy),
                "metrics": str(metrics),
                "lr": float(lr),
                "weight_decay": float(weight_decay),
                "lr_schedule": str(lr_schedule),
                "warmup_steps": int(warmup_steps),
                "min_lr_ratio": float(min_lr_ratio),
                "channels_last": bool(channels_last),
                "pack_sequences": bool(pack_sequences),
            }
        )
        if metrics == "lines":
            measures = {"cer": CharErrorRate(), "wer": WordErrorRate(), "line_acc": MeanMetric()}
        else:
            measures = {"cer": CharErrorRate(), "word_acc": MeanMetric()}
        collection = MetricCollection(measures)
        self.val_metrics = collection.clone(prefix="val/")
        self.test_metrics = collection.clone(prefix="test/")

    # ------------------------------------------------------------------ forward / loss
    def forward(self, x: Tensor, widths: Tensor | None = None) -> CRNNOutput:
        """``x: (B, 1, 32, W)``, ``widths: (B,)`` true widths of padded images -> output."""
        return self.net(x, widths, pack=self.hparams.get("pack_sequences", True))

    def export_module(self) -> nn.Module:
        return _CRNNExport(self.net)

    def example_inputs(self) -> tuple[Tensor, ...]:
        return (torch.rand(2, 1, 32, int(self.hparams["image_width"])),)

    def export_axes(self) -> dict[str, dict[str, dict[int, str]]]:
        return {
            "inputs": {"images": {0: "batch", 3: "width"}},
            "outputs": {"log_probs": {0: "batch", 1: "time"}},
        }

    def ctc_loss(self, out: CRNNOutput, texts: Sequence[str]) -> Tensor:
        """Mean CTC loss of a batch; float32 whatever the autocast context."""
        targets, target_lengths = encode_batch(texts, self.alphabet)
        logits = out.logits
        batch, steps = logits.shape[:2]
        lengths = (
            out.lengths
            if out.lengths is not None
            else torch.full((batch,), steps, dtype=torch.long)
        )
        device = logits.device
        with torch.autocast(device_type=device.type, enabled=False):
            log_probs = logits.float().log_softmax(-1).transpose(0, 1)  # (T, B, C)
            return self.ctc(
                log_probs, targets.to(device), lengths.to(device), target_lengths.to(device)
            )

    def decode(
        self, out: CRNNOutput, decoder: str | None = None, align: bool = False
    ) -> list[Decoded]:
        """Decode a forward pass with the configured (or given) decoder; with ``align`` every
        character's CTC steps too (:attr:`~lstmzoo.nn.ctc.Decoded.steps`)."""
        decoder = decoder or self.hparams["decoder"]
        with torch.autocast(device_type=out.logits.device.type, enabled=False):
            log_probs = out.logits.float().log_softmax(-1)
        if decoder == "beam":
            return beam_search_decode(
                log_probs, out.lengths, self.alphabet, self.hparams["beam_width"], align=align
            )
        return greedy_decode(log_probs, out.lengths, self.alphabet, align=align)

    def _same(self, a: str, b: str) -> tuple[str, str]:
        if self.hparams["case_sensitive_accuracy"]:
            return a, b
        return a.lower(), b.lower()

    # ------------------------------------------------------------------ steps
    def as_batch(self, batch: Any, stage: str = "train") -> dict[str, Any]:
        """The dict form of ``batch``; integer label tensors become strings."""
        batch = super().as_batch(batch, stage)
        labels = batch.get("text")
        if isinstance(labels, Tensor):
            if labels.dim() != 2 or labels.is_floating_point():
                raise BatchFormatError(
                    f"{type(self).__name__} got {stage} labels of shape {tuple(labels.shape)} and "
                    f"dtype {labels.dtype}; give a list of strings or a (B, S) integer tensor of "
                    "class indices (alphabet[i] = i + 1, 0 = padding)"
                )
            top = int(labels.max()) if labels.numel() else 0
            if top > len(self.alphabet) or (labels.numel() and int(labels.min()) < 0):
                raise BatchFormatError(
                    f"{type(self).__name__} got {stage} label indices outside "
                    f"0..{len(self.alphabet)} (the alphabet has {len(self.alphabet)} characters; "
                    "0 is padding)"
                )
            batch["text"] = [self.alphabet.decode(row.tolist()) for row in labels.cpu()]
        return batch

    def training_step(self, batch: Any, batch_idx: int) -> Tensor:
        batch = self.as_batch(batch, "train")
        out = self(batch["x"], batch.get("widths"))
        loss = self.ctc_loss(out, batch["text"])
        if self.log_this_step():
            self.log("train/loss", loss, prog_bar=True, batch_size=len(batch["text"]))
        return loss

    def _eval_step(self, batch: Any, stage: str) -> None:
        batch = self.as_batch(batch, stage)
        out = self(batch["x"], batch.get("widths"))
        texts = list(batch["text"])
        if any(t is None for t in texts):
            raise DataError(
                f"{stage} data has images without labels; give a labels file or LMDB dataset"
            )
        loss = self.ctc_loss(out, texts)
        preds = [d.text for d in self.decode(out)]
        pairs = [self._same(p, t) for p, t in zip(preds, texts)]
        metrics = self.val_metrics if stage == "val" else self.test_metrics
        predicted, targets = [p for p, _ in pairs], [t for _, t in pairs]
        metrics[f"{stage}/cer"].update(predicted, targets)
        exact = torch.tensor([float(p == t) for p, t in pairs])
        if self.hparams.get("metrics", "words") == "lines":
            metrics[f"{stage}/wer"].update(predicted, targets)
            metrics[f"{stage}/line_acc"].update(exact)
        else:
            metrics[f"{stage}/word_acc"].update(exact)
        size = len(texts)
        self.log(f"{stage}/loss", loss, prog_bar=True, batch_size=size)
        self.log_dict(metrics, prog_bar=True, batch_size=size)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        self._eval_step(batch, "val")

    def test_step(self, batch: Any, batch_idx: int) -> None:
        self._eval_step(batch, "test")

    def predict_step(self, batch: Any, batch_idx: int) -> list[dict[str, Any]]:
        """One JSON record per image: ``{"path", "text", "confidence"}`` (plus ``"label"`` when
        known), or ``{"path", "error"}`` for an image that could not be read. A tuple or
        bare-tensor batch has no paths: its records hold ``"index"`` (the image's position in
        the batch) instead. A batch with ``source_widths`` (the width of every image as read:
        the data module's ``predict_positions``) also gives every character's columns in its
        image, ``"positions": [[x0, x1], ...]`` (see :attr:`Reading.positions`)."""
        batch = self.as_batch(batch, "predict")
        sources = batch.get("source_widths")
        widths = batch.get("widths")
        decoded = self.decode_images(
            batch["x"], widths, self.inference_options, align=sources is not None
        )
        records: list[dict[str, Any]] = []
        errors = batch.get("error") or [None] * len(decoded)
        labels = batch.get("text") or [None] * len(decoded)
        names = batch.get("name")
        ids = [("path", n) for n in names] if names is not None else []
        ids = ids or [("index", i) for i in range(len(decoded))]
        full = int(batch["x"].shape[-1])
        input_widths = widths.tolist() if widths is not None else [full] * len(decoded)
        for k, ((id_key, name), d, err, label) in enumerate(zip(ids, decoded, errors, labels)):
            if err is not None:
                records.append({id_key: name, "error": err})
                continue
            record: dict[str, Any] = {
                id_key: name,
                "text": d.text,
                "confidence": round(d.confidence, 6),
            }
            if sources is not None:
                spans = crnn_char_ranges(d.steps or [], input_widths[k], int(sources[k]))
                record["positions"] = [list(span) for span in spans]
            if label is not None:
                record["label"] = label
            records.append(record)
        return records

    # ------------------------------------------------------------------ learning rate
    def training_progress(self) -> float | None:
        """Fraction of the run done, from ``max_time`` or the step budget (``None``: unknown)."""
        trainer = self._trainer
        if trainer is None:
            return None
        fractions = []
        for callback in trainer.callbacks:  # type: ignore[attr-defined]
            if isinstance(callback, Timer):
                remaining = callback.time_remaining("train")
                if remaining is not None:
                    elapsed = callback.time_elapsed("train")
                    fractions.append(elapsed / max(elapsed + remaining, 1e-9))
        total = getattr(self, "_total_steps", None)
        if total is None:
            total = self._total_steps = float(trainer.estimated_stepping_batches)
        if total and math.isfinite(total):
            fractions.append(trainer.global_step / total)
        return min(1.0, max(fractions)) if fractions else None

    def lr_factor(self, step: int, progress: float | None) -> float:
        """Multiplier of the base learning rate at ``step`` / ``progress`` (see ``lr_schedule``)."""
        if self.hparams["lr_schedule"] != "cosine":
            return 1.0
        warmup = self.hparams["warmup_steps"]
        factor = 1.0
        if warmup > 0 and step < warmup:
            factor = (step + 1) / warmup
        if progress is not None:
            low = self.hparams["min_lr_ratio"]
            factor *= low + (1.0 - low) * 0.5 * (1.0 + math.cos(math.pi * progress))
        return factor

    def on_train_start(self) -> None:
        self._total_steps = None  # the step budget of this fit, read on first use
        if self.hparams.get("channels_last", False):
            self._set_backbone_layout(torch.channels_last)

    def on_train_end(self) -> None:
        self._set_backbone_layout(torch.contiguous_format)

    def _set_backbone_layout(self, memory_format: torch.memory_format) -> None:
        """Re-lay the backbone's 4-d weights in place; the Parameter objects (and so the
        optimizer's references to them) stay the same."""
        for param in self.net.backbone.parameters():
            if param.dim() == 4:
                param.data = param.data.contiguous(memory_format=memory_format)

    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        super().on_save_checkpoint(checkpoint)
        # a checkpoint written mid-fit holds plain contiguous tensors whatever the layout
        # used for training (safetensors and other readers expect them)
        state = checkpoint.get("state_dict")
        if state is not None:
            checkpoint["state_dict"] = {k: v.contiguous() for k, v in state.items()}

    def on_train_batch_start(self, batch: Any, batch_idx: int) -> None:
        if self.hparams["lr_schedule"] == "constant":
            return
        factor = self.lr_factor(self.global_step, self.training_progress())
        for optimizer in self.trainer.optimizers:
            for group in optimizer.param_groups:
                group.setdefault("scheduled_base_lr", group["lr"])
                group["lr"] = group["scheduled_base_lr"] * factor
        if self.log_this_step():
            self.log("train/lr_factor", factor, batch_size=1)

    # ------------------------------------------------------------------ Python API
    def decode_images(
        self,
        x: Tensor,
        widths: Tensor | None = None,
        options: InferenceOptions | None = None,
        decoder: str | None = None,
        align: bool = False,
    ) -> list[Decoded]:
        """Read a batch of right-padded images ``x: (B, 1, 32, W)`` with true ``widths`` through
        the inference fast path (``options``, default float32 eager): the batch runs as
        sub-batches of images with the same CTC step count, each cropped to its widest image, so
        an image is padded by at most 3 columns and its answer does not depend on its batch.
        With ``align`` every character's CTC steps come too (:attr:`Decoded.steps`)."""
        engine = engine_for(self, options or InferenceOptions())
        n, full = x.shape[0], x.shape[-1]
        widths = torch.full((n,), full) if widths is None else widths.cpu().clamp(1, full)
        decoded: list[Decoded | None] = [None] * n
        with self.evaluating():
            for group in equal_length_batches(crnn_output_length(widths).tolist(), n):
                width = int(widths[group].max())
                log_probs = engine(x[group, ..., :width].to(self.device))
                out = CRNNOutput(log_probs, None)
                for i, d in zip(group, self.decode(out, decoder, align)):
                    decoded[i] = d
        return decoded  # type: ignore[return-value]

    def read(
        self,
        images: ImageInput | Iterable[ImageInput],
        batch_size: int = 32,
        decoder: str | None = None,
        resize: Literal["auto", "fixed", "variable"] = "auto",
        errors: Literal["raise", "record"] = "raise",
        runtime: Runtime = "torch",
        quantize: Quantize = "none",
        positions: bool = False,
    ) -> list[Reading]:
        """Read the text of images (paths, encoded bytes or PIL images, one or many).

        Images are batched by width (see :meth:`decode_images`), so each gets the answer it
        would get alone, however the others are sized. A model whose alphabet has a space
        reads whole lines: the text keeps its inner spaces and punctuation (see
        :mod:`lstmzoo.nn.ctc` for the space rule).

        Args:
            images: one image or an iterable of them.
            batch_size: images per forward pass (at most).
            decoder: ``"greedy"`` or ``"beam"`` (default: the model's ``decoder``).
            resize: ``"fixed"`` (stretch to the training width), ``"variable"`` (height 32,
                natural width) or ``"auto"`` (variable if trained with ``keep_ratio``, as the
                line recipe is).
            errors: ``"raise"`` a :class:`~lstmzoo.errors.DataError` naming an unreadable image,
                or ``"record"`` it in :attr:`Reading.error` and read the others. Unreadable:
                a missing, empty or undecodable file, an image of no pixels, and at variable
                width one more than :attr:`max_read_width` pixels wide at height 32 (a squeezed
                line would read as nonsense; cut it into shorter lines). An image without text
                is read: its text is empty (or short, with a low confidence).
            runtime: ``"torch"`` (eager) or ``"onnx"`` (onnxruntime), see :mod:`lstmzoo.inference`.
            quantize: ``"none"`` or ``"int8"`` (dynamic int8 LSTM and Linear weights).
            positions: also give every character's columns in its image
                (:attr:`Reading.positions`), to highlight a word.

        Returns:
            one :class:`Reading` per image, in order.
        """
        from lstmzoo.data.ocr.images import ImagePrep, collate_lines, open_image

        options = InferenceOptions(runtime, quantize)
        if batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {batch_size}")
        if isinstance(images, (str, os.PathLike, bytes)) or hasattr(images, "getpixel"):
            images = [images]
        mode = (
            resize if resize != "auto" else ("variable" if self.hparams["keep_ratio"] else "fixed")
        )
        if mode == "variable":
            prep = ImagePrep(32, None, max_width=self.max_read_width, too_wide="error")
        else:
            prep = ImagePrep(32, self.hparams["image_width"], self.hparams["keep_ratio"])
        results: list[Reading | None] = []
        samples: dict[int, Tensor] = {}
        source_widths: dict[int, int] = {}
        for i, image in enumerate(images):
            name = os.fspath(image) if isinstance(image, (str, os.PathLike)) else f"image {i}"
            try:
                opened = open_image(image, name)
                samples[i] = prep(opened)
                source_widths[i] = int(opened.size[0])
                results.append(None)
            except (DataError, OSError, ValueError) as err:
                if errors == "raise" and isinstance(err, DataError):
                    raise
                message = (
                    str(err) if isinstance(err, DataError) else f"cannot read image {name}: {err}"
                )
                if errors == "raise":
                    raise DataError(message) from err
                results.append(Reading("", 0.0, [], message))
        order = list(samples)
        steps = [crnn_output_length(int(samples[i].shape[-1])) for i in order]
        with torch.inference_mode():
            for group in equal_length_batches(steps, batch_size):
                batch = collate_lines([{"x": samples[order[k]]} for k in group])
                decoded = self.decode_images(
                    batch["x"], batch["widths"], options, decoder, align=positions
                )
                for k, d in zip(group, decoded):
                    i = order[k]
                    spans = None
                    if positions:
                        width = int(samples[i].shape[-1])
                        spans = crnn_char_ranges(d.steps or [], width, source_widths[i])
                    results[i] = Reading(d.text, d.confidence, d.char_confidences, None, spans)
        return results  # type: ignore[return-value]

    @property
    def max_read_width(self) -> int:
        """The widest image :meth:`read` takes at variable width, in pixels at height 32: 1,600
        or twice the training width, whichever is more."""
        return max(1600, 2 * int(self.hparams["image_width"]))

    @property
    def max_label_steps(self) -> int:
        """CTC steps of a training image (labels must fit, see :mod:`lstmzoo.nn.ctc`)."""
        return int(crnn_output_length(self.hparams["image_width"]))
