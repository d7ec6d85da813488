"""The OCR data module: synthetic words or text lines by default, the user's own images on
request."""

from __future__ import annotations

import functools
import logging
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Optional

import torch
from torch.utils.data import DataLoader, Dataset, Subset

from lstmzoo.argtypes import (
    ClosedUnitInterval,
    ImageWidth,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveInt,
    Probability,
)
from lstmzoo.data.base import ZooDataModule
from lstmzoo.data.ocr.degrade import Degradations
from lstmzoo.data.ocr.files import (
    IMAGE_SUFFIXES,
    LabeledImages,
    LmdbLines,
    find_label_file,
    is_lmdb,
    list_images,
    read_label_file,
)
from lstmzoo.data.ocr.fonts import FontFile, font_families, resolve_fonts
from lstmzoo.data.ocr.images import ImagePrep, collate_lines
from lstmzoo.data.ocr.labels import OOVPolicy, TooLongPolicy, check_labels
from lstmzoo.data.ocr.linetext import LineTextSource, check_line_mix, load_sentences
from lstmzoo.data.ocr.render import (
    SyntheticTextLines,
    TextLineRenderer,
    TextSource,
    check_augmentation,
    load_words,
)
from lstmzoo.data.ocr.sampler import FreshBucketBatchSampler, FreshSampler, width_batches
from lstmzoo.errors import ConfigError, DataError
from lstmzoo.nn.crnn import crnn_output_length
from lstmzoo.nn.ctc import DEFAULT_ALPHABET, Alphabet

__all__ = ["FreshSampler", "OCRDataModule"]

log = logging.getLogger(__name__)

Split = Literal["train", "val", "test"]
#: The longest synthetic text of each ``text_source`` unless ``max_chars`` says otherwise.
DEFAULT_MAX_CHARS = {"words": 12, "lines": 64}
#: Seed offsets of the synthetic splits (the text of test sample i is the same for any fonts).
SPLIT_SEEDS = {"train": 0, "val": 10_007, "test": 20_011}


def _check_files(paths: Sequence[Path], label_file: Path) -> None:
    """Missing or empty image files named up front, before any worker process starts."""
    bad = []
    for path in paths:
        try:
            size = path.stat().st_size
        except OSError:
            bad.append(f"{path} (missing)")
            continue
        if size == 0:
            bad.append(f"{path} (empty, 0 bytes)")
    if bad:
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise DataError(
            f"{label_file}: {len(bad)} image file(s) cannot be read: {', '.join(bad[:5])}{more}"
        )


class OCRDataModule(ZooDataModule):
    """Text-line images and their labels for CRNN training, testing and prediction.

    Without paths every split is rendered on the fly (:mod:`lstmzoo.data.ocr.render`); each
    ``*_path`` replaces that split with the user's data: a labels file, a folder holding
    ``labels.txt`` / ``gt.txt``, or an LMDB dataset (:mod:`lstmzoo.data.ocr.files`).
    ``predict_path`` may also be one image or a folder of images without labels.

    Args:
        alphabet: the characters the model reads (blank excluded), or the name of an alphabet:
            ``"printable"`` (the 95 printable ASCII characters with the space, for text lines)
            or ``"default"`` (see :mod:`lstmzoo.nn.ctc`); stored in the checkpoint.
        case_fold: map labels to the alphabet's case when it has only one case of a letter.
        oov_policy: what to do with a label character outside the alphabet: ``"error"``,
            ``"skip"`` the sample, ``"drop"`` the character, or ``"map"`` it to its nearest
            equivalent (curly quotes, dashes, accents to ASCII; see
            :mod:`lstmzoo.data.ocr.labels`).
        too_long_policy: a label that needs more CTC steps than the image width gives:
            ``"error"`` or ``"skip"``.
        train_path, val_path, test_path, predict_path: the user's data (see above).
        val_fraction: with ``train_path`` but no ``val_path``, the share of it held out for
            validation (0: no validation).
        image_width: training width (height is always 32); 100 gives 26 CTC steps.
        keep_ratio: keep the aspect ratio (pad) instead of stretching to ``image_width``.
        predict_resize: ``"fixed"`` (as in training), ``"variable"`` (height 32, natural width),
            or ``"auto"`` (variable with ``keep_ratio``, else fixed).
        num_train: synthetic training samples per epoch (new ones every epoch).
        num_val, num_test: synthetic validation / test samples (fixed).
        train_fonts, val_fonts, test_fonts: font family patterns per split (``None``: for
            training every usable family except ``holdout_fonts``; for validation and test the
            training fonts). See :mod:`lstmzoo.data.ocr.fonts`.
        holdout_fonts: families in no training or validation image (kept for an unseen-font
            test: ``test_fonts`` set to them).
        font_source: ``"packaged"`` (default: the pinned font set that the ``ocr`` extra
            installs, the same on every machine), ``"system"`` (this machine's fonts) or
            ``"all"``. A family named exactly that the packaged set lacks is looked for on the
            machine too.
        font_dirs: extra folders (or files) to look for fonts in.
        words_file: word list, one word per line (default: the built-in list, the same on every
            machine; ``"system"``: the machine's ``/usr/share/dict/words``).
        max_chars: longest synthetic text (default: 12 characters for words, 64 for lines).
        random_fraction, number_fraction, case_mix: the synthetic text mix (see
            :class:`~lstmzoo.data.ocr.render.TextSource`).
        font_size: ``[min, max]`` rendering size in pixels.
        augment: strength of the synthetic variation (0 = clean renders).
        invert_prob, natural_width_prob, resample_prob, resample_height: light text on dark,
            natural aspect ratio, and source-resolution variation (see
            :class:`~lstmzoo.data.ocr.render.TextLineRenderer`).
        prerender_dir: render the synthetic training set once into this folder and reuse it
            (then ``num_train`` is its fixed size and epochs repeat it, shuffled; fixed-width
            images only).
        batch_size, num_workers, seed: loader settings and the base seed.
        text_source: what the synthetic images say: ``"words"`` (single words, numbers and
            random strings: :class:`~lstmzoo.data.ocr.render.TextSource`) or ``"lines"``
            (lines of running text of up to ``max_chars`` characters: sentences of the rated
            corpora and generated numbers, prices, dates, codes, addresses, ...:
            :class:`~lstmzoo.data.ocr.linetext.LineTextSource`; meant for an alphabet with a
            space, such as ``"printable"``).
        line_mix: weights of the kinds of line (``None``:
            :data:`~lstmzoo.data.ocr.linetext.DEFAULT_LINE_MIX`); a mix without
            ``sentences`` needs no corpora.
        corpora, snippets_file, cache_dir, download: where the sentences of ``"lines"`` come
            from: the named rated corpora (default all four) of the ``vaderSentiment`` 3.3.2
            source distribution, fetched with pip and checked (or a local copy in
            ``snippets_file``; see :func:`~lstmzoo.data.ocr.linetext.load_sentences`). Without
            them the data module fails with a message saying how to get them.
        variable_width: images keep their natural width at height 32 (a multiple of 4, at most
            ``image_width``), for text lines of any length; batches group images of similar
            width (synthetic ones by an estimate made before they are drawn) and are padded
            with each image's background to the widest, the model told every image's width.
        font_box: synthetic lines reach from the top of the font's capitals to the bottom of
            its descenders whatever their text (the same glyph scale for every line of a font),
            instead of the text's own ink.
        degradations: what synthetic images go through besides the settings above: blur and
            noise (on by default), JPEG, uneven illumination and contrast, underline and
            strike-through, letter spacing and the scan look (binarization, dilation /
            erosion, dust, 300-dpi glyph sizes); see
            :class:`~lstmzoo.data.ocr.degrade.Degradations`. In YAML, a mapping of its fields.
        predict_positions: prediction batches carry each image's width as read
            (``source_widths``), and the model's prediction records then give every
            character's x range in the image's pixels (``positions``).
    """

    input_kind = "image"
    target_kind = "sequence"

    def __init__(
        self,
        alphabet: str = DEFAULT_ALPHABET,
        case_fold: bool = True,
        oov_policy: OOVPolicy = "error",
        too_long_policy: TooLongPolicy = "error",
        train_path: Optional[str] = None,
        val_path: Optional[str] = None,
        test_path: Optional[str] = None,
        predict_path: Optional[str] = None,
        val_fraction: Probability = 0.05,
        image_width: ImageWidth = 100,
        keep_ratio: bool = False,
        predict_resize: Literal["auto", "fixed", "variable"] = "auto",
        num_train: PositiveInt = 100_000,
        num_val: PositiveInt = 1_000,
        num_test: PositiveInt = 1_000,
        train_fonts: Optional[list[str]] = None,
        val_fonts: Optional[list[str]] = None,
        test_fonts: Optional[list[str]] = None,
        holdout_fonts: Optional[list[str]] = None,
        font_source: Literal["packaged", "system", "all"] = "packaged",
        font_dirs: Optional[list[str]] = None,
        words_file: Optional[str] = None,
        max_chars: Optional[PositiveInt] = None,
        random_fraction: ClosedUnitInterval = 0.2,
        number_fraction: ClosedUnitInterval = 0.05,
        case_mix: Sequence[float] = (1.0, 0.0, 0.0),
        font_size: Sequence[int] = (24, 44),
        augment: NonNegativeFloat = 1.0,
        invert_prob: ClosedUnitInterval = 0.2,
        natural_width_prob: ClosedUnitInterval = 0.25,
        resample_prob: ClosedUnitInterval = 0.25,
        resample_height: Sequence[int] = (20, 80),
        prerender_dir: Optional[str] = None,
        batch_size: PositiveInt = 64,
        num_workers: NonNegativeInt = 0,
        seed: int = 0,
        text_source: Literal["words", "lines"] = "words",
        line_mix: Optional[dict[str, float]] = None,
        corpora: Optional[list[str]] = None,
        snippets_file: Optional[str] = None,
        cache_dir: Optional[str] = None,
        download: bool = True,
        variable_width: bool = False,
        font_box: bool = False,
        degradations: Optional[Degradations] = None,
        predict_positions: bool = False,
    ) -> None:
        super().__init__(batch_size, num_workers, seed)
        if text_source not in ("words", "lines"):
            raise ConfigError(f"text_source must be 'words' or 'lines', got {text_source!r}")
        if variable_width and prerender_dir is not None:
            raise ConfigError(
                "prerender_dir stores fixed-width images: it cannot be used with variable_width"
            )
        if isinstance(degradations, dict):
            degradations = Degradations(**degradations)
        if image_width < 4:
            raise ConfigError(f"image_width must be >= 4, got {image_width}")
        if predict_resize not in ("auto", "fixed", "variable"):
            raise ConfigError(
                f"predict_resize must be 'auto', 'fixed' or 'variable', got {predict_resize!r}"
            )
        if not 0.0 <= val_fraction < 1.0:
            raise ConfigError(f"val_fraction must lie in [0, 1), got {val_fraction}")
        for name, value in (("num_train", num_train), ("num_val", num_val), ("num_test", num_test)):
            if value < 1:
                raise ConfigError(f"{name} must be >= 1, got {value}")
        if font_source not in ("packaged", "system", "all"):
            raise ConfigError(
                f"font_source must be 'packaged', 'system' or 'all', got {font_source!r}"
            )
        check_augmentation(invert_prob, natural_width_prob, resample_prob, resample_height)
        self.alphabet = Alphabet(alphabet, case_fold)
        self.oov_policy = oov_policy
        self.too_long_policy = too_long_policy
        self.paths = {"train": train_path, "val": val_path, "test": test_path}
        self.predict_path = predict_path
        self.val_fraction = val_fraction
        self.image_width = image_width
        self.keep_ratio = keep_ratio
        self.predict_resize = predict_resize
        self.sizes = {"train": num_train, "val": num_val, "test": num_test}
        self.fonts = {"train": train_fonts, "val": val_fonts, "test": test_fonts}
        self.holdout_fonts = list(holdout_fonts or [])
        self.font_source = font_source
        self.font_dirs = list(font_dirs or [])
        self.words_file = words_file
        self.max_chars = max_chars if max_chars is not None else DEFAULT_MAX_CHARS[text_source]
        self.random_fraction = random_fraction
        self.number_fraction = number_fraction
        self.case_mix = tuple(case_mix)
        self.font_size = tuple(font_size)
        self.augment = augment
        self.invert_prob = invert_prob
        self.natural_width_prob = natural_width_prob
        self.resample_prob = resample_prob
        self.resample_height = tuple(resample_height)
        self.prerender_dir = prerender_dir
        self.text_source = text_source
        self.line_mix = check_line_mix(line_mix) if line_mix is not None else None
        self.corpora = list(corpora) if corpora is not None else None
        self.snippets_file = snippets_file
        self.cache_dir = cache_dir
        self.download = download
        self.variable_width = variable_width
        self.font_box = font_box
        self.degradations = degradations if degradations is not None else Degradations()
        self.predict_positions = predict_positions
        self._sentences: dict[str, list[str]] | None = None
        self._font_cache: dict[str, list[FontFile]] = {}
        self._words: list[str] | None = None
        self._ready: set[str] = set()
        self._user_train_cache: tuple[LabeledImages, list[int], list[int]] | None = None

    # ----------------------------------------------------------------- model <-> data
    @property
    def max_steps(self) -> int:
        """CTC steps of a training image (the widest, with ``variable_width``):
        ``floor(image_width / 4) + 1``."""
        return int(crnn_output_length(self.image_width))

    def model_kwargs(self) -> dict[str, Any]:
        return {
            "alphabet": self.alphabet.chars,
            "case_fold": self.alphabet.case_fold,
            "image_width": self.image_width,
            # a model trained at natural widths reads at natural widths (read(resize="auto"))
            "keep_ratio": self.keep_ratio or self.variable_width,
        }

    def adopt_model_kwargs(self, kwargs: dict[str, Any]) -> None:
        """Read with the checkpoint's alphabet and image geometry."""
        if "alphabet" in kwargs:
            self.alphabet = Alphabet(str(kwargs["alphabet"]), bool(kwargs.get("case_fold", True)))
        if "image_width" in kwargs:
            self.image_width = int(kwargs["image_width"])
        if "keep_ratio" in kwargs:
            self.keep_ratio = bool(kwargs["keep_ratio"])
        self._font_cache.clear()
        self._ready.clear()
        self._user_train_cache = None

    # ----------------------------------------------------------------- building blocks
    def train_prep(self) -> ImagePrep:
        """How the user's training, validation and test images become inputs."""
        if self.variable_width:
            return ImagePrep(32, None, max_width=self.image_width)
        return ImagePrep(32, self.image_width, self.keep_ratio)

    def predict_prep(self) -> ImagePrep:
        """How prediction images become inputs (``predict_resize``); with ``variable_width``,
        an image wider at height 32 than 1,600 pixels or twice ``image_width`` (whichever is
        more, as :meth:`~lstmzoo.models.ocr.CRNNOCR.read` takes) is an error row."""
        mode = self.predict_resize
        if mode == "auto":
            mode = "variable" if self.keep_ratio or self.variable_width else "fixed"
        if mode == "variable" and self.variable_width:
            widest = max(1600, 2 * self.image_width)
            return ImagePrep(32, None, max_width=widest, too_wide="error")
        return ImagePrep(32, None if mode == "variable" else self.image_width, self.keep_ratio)

    def fonts_for(self, split: Split) -> list[FontFile]:
        """The font faces of a synthetic split (see the class docstring)."""
        if split in self._font_cache:
            return self._font_cache[split]
        chars = self._drawn_chars()
        patterns = self.fonts[split]
        if patterns is None and split != "train":
            fonts = self.fonts_for("train")
        else:
            exclude = self.holdout_fonts if split in ("train", "val") else []
            fonts = resolve_fonts(
                patterns,
                exclude,
                chars,
                self.font_dirs,
                what=f"{split} split",
                source=self.font_source,
            )
            if split == "train" and self.holdout_fonts:
                self._check_holdout(fonts)
        self._font_cache[split] = fonts
        log.info("%s fonts: %s (%d faces)", split, ", ".join(font_families(fonts)), len(fonts))
        return fonts

    def _check_holdout(self, train_fonts: Sequence[FontFile]) -> None:
        """Warn about a held-out pattern that matches no font (a typo holds out nothing)."""
        for pattern in self.holdout_fonts:
            try:
                resolve_fonts([pattern], font_dirs=self.font_dirs, source=self.font_source)
            except ConfigError:
                log.warning(
                    "holdout_fonts: %r matches no font (font source %r), so nothing is held out "
                    "for it; training fonts: %s",
                    pattern,
                    self.font_source,
                    ", ".join(font_families(train_fonts)),
                )

    def _drawn_chars(self) -> str:
        chars = set(self.alphabet.chars)
        if self.text_source == "words" and (self.case_mix[1] > 0 or self.case_mix[2] > 0):
            chars |= {c.upper() for c in self.alphabet.chars if len(c.upper()) == 1}
        return "".join(sorted(chars))

    def words(self) -> list[str]:
        if self._words is None:
            self._words = load_words(self.words_file, self.alphabet, self.max_chars)
            log.info("synthetic text: %d words in the word list", len(self._words))
        return self._words

    def sentences(self) -> dict[str, list[str]]:
        """The sentences of ``text_source="lines"``, per split (read once; see
        :func:`~lstmzoo.data.ocr.linetext.load_sentences`)."""
        if self._sentences is None:
            self._sentences = load_sentences(
                self.alphabet, self.corpora, self.snippets_file, self.cache_dir, self.download
            )
        return self._sentences

    def text_source_for(self, split: Split) -> TextSource | LineTextSource:
        """What the synthetic images of ``split`` say (see ``text_source``)."""
        if self.text_source == "words":
            return TextSource(
                self.alphabet,
                self.words(),
                min(self.max_chars, self.max_steps),
                self.random_fraction,
                self.number_fraction,
                self.case_mix,
                self.max_steps,
            )
        mix = self.line_mix
        needs_sentences = mix is None or mix.get("sentences", 0.0) > 0
        return LineTextSource(
            self.alphabet,
            self.sentences()[split] if needs_sentences else [],
            self.words(),
            self.max_chars,
            mix,
            max_steps=self.max_steps,
        )

    def synthetic(self, split: Split, num_samples: int | None = None) -> SyntheticTextLines:
        """The synthetic dataset of ``split`` (``num_samples`` overrides its configured size)."""
        renderer = TextLineRenderer(
            self.fonts_for(split),
            32,
            self.image_width,
            self.keep_ratio,
            self.font_size,
            self.augment if split == "train" else min(self.augment, 1.0),
            self.invert_prob,
            self.natural_width_prob,
            self.resample_prob,
            self.resample_height,
            natural_width=self.variable_width,
            max_width=self.image_width,
            font_box=self.font_box,
            degradations=self.degradations,
        )
        n = num_samples if num_samples is not None else self.sizes[split]
        return SyntheticTextLines(
            n, self.seed + SPLIT_SEEDS[split], renderer, self.text_source_for(split)
        )

    def labeled(
        self, path: str, what: str, strict: bool = True, prep: ImagePrep | None = None
    ) -> LabeledImages:
        """A labels file, a folder with one, or an LMDB dataset, with checked labels."""
        prep = prep or self.train_prep()
        p = Path(path).expanduser()
        if is_lmdb(p):
            dataset: LabeledImages = LmdbLines(p, prep, strict)
            names, labels = dataset.paths, dataset.labels or []
            kept, normalized = check_labels(
                names,
                labels,
                self.alphabet,
                self._steps_of(dataset) if prep.width is None else self.max_steps,
                self.oov_policy,
                self.too_long_policy,
                what,
            )
            return dataset.select(kept, normalized)  # type: ignore[attr-defined]
        if p.is_dir():
            p = find_label_file(p)
        if not p.is_file():
            raise DataError(f"{what} path {path} does not exist")
        entries = read_label_file(p)
        if not entries:
            raise DataError(f"{p}: no samples")
        names = [f"{p}, line {n} ({img})" for img, _, n in entries]
        steps: int | list[int] = self.max_steps
        if prep.width is None:  # each image gives the steps of its own width (from its header)
            if strict:
                _check_files([img for img, _, _ in entries], p)
            steps = self._steps_of(LabeledImages([e[0] for e in entries], None, prep, strict))
        kept, normalized = check_labels(
            names,
            [lab for _, lab, _ in entries],
            self.alphabet,
            steps,
            self.oov_policy,
            self.too_long_policy,
            what,
        )
        paths = [entries[i][0] for i in kept]
        if strict and prep.width is not None:
            _check_files(paths, p)
        return LabeledImages(paths, normalized, prep, strict)

    @staticmethod
    def _steps_of(dataset: LabeledImages) -> list[int]:
        """CTC steps of every image of ``dataset`` at its input width (read from headers)."""
        return [int(crnn_output_length(w)) for w in dataset.input_widths()]

    def predictable(self, path: str) -> Dataset:
        """What ``predict_path`` names: an image, a folder of images, a labels file or an LMDB."""
        prep = self.predict_prep()
        sizes = self.predict_positions
        p = Path(path).expanduser()
        if is_lmdb(p):
            return LmdbLines(p, prep, strict=False, source_widths=sizes)
        if p.is_dir():
            images = list_images(p)
            if not images:
                raise DataError(f"folder {p} holds no images ({', '.join(IMAGE_SUFFIXES)})")
            return LabeledImages(images, None, prep, strict=False, source_widths=sizes)
        if not p.exists():
            raise DataError(f"predict path {path} does not exist")
        if p.suffix.lower() in IMAGE_SUFFIXES:
            return LabeledImages([p], None, prep, strict=False, source_widths=sizes)
        entries = read_label_file(p)  # a labels file: its labels come along in the output
        labels = [self.alphabet.normalize(lab) for _, lab, _ in entries]
        return LabeledImages(
            [e[0] for e in entries], labels, prep, strict=False, source_widths=sizes
        )

    # ----------------------------------------------------------------- Lightning hooks
    def setup(self, stage: str | None = None) -> None:
        wanted = {
            "fit": ("train", "val"),
            "validate": ("val",),
            "test": ("test",),
            "predict": ("predict",),
        }
        for split in wanted.get(stage or "", ("train", "val", "test")):
            if split not in self._ready:
                self._setup_split(split)
                self._ready.add(split)

    def _setup_split(self, split: str) -> None:
        if split == "predict":
            if self.predict_path is None:
                raise ConfigError(
                    "nothing to predict: set data.init_args.predict_path to an image, a folder of "
                    "images, a labels file or an LMDB dataset"
                )
            self.predict_set = self.predictable(self.predict_path)
            return
        train_path = self.paths["train"]
        path = self.paths[split]
        dataset: Dataset | None
        if path is not None and not (split == "train" and self._holds_out_val()):
            dataset = self.labeled(path, f"{split} set {path}")
        elif train_path is not None:
            full, keep, held = self._user_train()
            if split == "train":
                dataset = Subset(full, keep)
            else:
                dataset = Subset(full, held) if held else None
                if split == "test" and dataset is not None:
                    log.warning(
                        "no test_path: testing on the part of %s held out for validation",
                        train_path,
                    )
        elif split == "train" and self.prerender_dir is None:
            # endless: FreshSampler picks num_train new indices per epoch
            dataset = self.synthetic("train", num_samples=self.sizes["train"] * 100_000)
        elif split == "train":
            from lstmzoo.data.ocr.prerender import prerender

            dataset = prerender(self.synthetic("train"), self.prerender_dir, self.num_workers)
        else:
            dataset = self.synthetic(split)  # type: ignore[arg-type]
        setattr(self, f"{split}_set", dataset)

    def _holds_out_val(self) -> bool:
        return (
            self.paths["train"] is not None and self.paths["val"] is None and self.val_fraction > 0
        )

    def _user_train(self) -> tuple[LabeledImages, list[int], list[int]]:
        """``train_path`` read once, and which of its samples train and which validate."""
        if self._user_train_cache is None:
            path = self.paths["train"]
            full = self.labeled(path, f"train set {path}")  # type: ignore[arg-type]
            order = list(range(len(full)))
            held: list[int] = []
            if self._holds_out_val():
                random.Random(self.seed).shuffle(order)
                n_val = max(1, round(len(full) * self.val_fraction)) if len(full) > 1 else 0
                held = sorted(order[:n_val])
                order = sorted(order[n_val:])
            self._user_train_cache = (full, order, held)
        return self._user_train_cache

    def train_dataloader(self) -> DataLoader:
        if "train" not in self._ready:
            self.setup("fit")
        dataset = self.train_set
        if isinstance(dataset, SyntheticTextLines):
            trainer = getattr(self, "trainer", None)
            epoch_fn = (lambda: trainer.current_epoch) if trainer is not None else None
            if self.variable_width:
                return DataLoader(
                    dataset,
                    batch_sampler=FreshBucketBatchSampler(
                        dataset.width_hint,
                        self.sizes["train"],
                        self.batch_size,
                        self.seed,
                        epoch_fn,
                    ),
                    num_workers=self.num_workers,
                    collate_fn=self._collate_fn(),
                    persistent_workers=self.num_workers > 0,
                )
            return DataLoader(
                dataset,
                batch_size=self.batch_size,
                sampler=FreshSampler(self.sizes["train"], epoch_fn),
                num_workers=self.num_workers,
                collate_fn=collate_lines,
                persistent_workers=self.num_workers > 0,
            )
        return self._loader(dataset, "train", shuffle=True)

    def _collate_fn(self) -> Any:
        """A plain function (workers need not pickle the data module); lines are padded with
        their background."""
        if self.variable_width:
            return functools.partial(collate_lines, pad="background")
        return collate_lines

    def _loader(self, dataset: Dataset | None, name: str, shuffle: bool = False) -> DataLoader:
        if dataset is None:
            raise RuntimeError(
                f"{type(self).__name__} has no {name} split: call setup() first or configure one"
            )
        if self.variable_width and name != "predict":
            return DataLoader(
                dataset,
                batch_sampler=width_batches(
                    _widths_of(dataset), self.batch_size, shuffle, self.seed
                ),
                num_workers=self.num_workers,
                collate_fn=self._collate_fn(),
                persistent_workers=self.num_workers > 0,
            )
        generator = torch.Generator().manual_seed(self.seed) if shuffle else None
        return DataLoader(
            dataset,
            batch_size=self.batch_size,
            shuffle=shuffle,
            num_workers=self.num_workers,
            collate_fn=collate_lines,  # a plain function: workers need not pickle the data module
            generator=generator,
            persistent_workers=self.num_workers > 0,
        )

    def val_dataloader(self) -> Any:
        if self.val_set is None:
            return []
        return self._loader(self.val_set, "validation")

    def collate(self, samples: Sequence[dict[str, Any]]) -> dict[str, Any]:
        return self._collate_fn()(samples)


def _widths_of(dataset: Dataset) -> list[int]:
    """What batches of similar width are grouped by: the estimated width of a synthetic sample,
    the input width of one of the user's images."""
    if isinstance(dataset, SyntheticTextLines):
        return [dataset.width_hint(i) for i in range(len(dataset))]
    if isinstance(dataset, Subset):
        inner = _widths_of(dataset.dataset)
        return [inner[i] for i in dataset.indices]
    if isinstance(dataset, LabeledImages):
        return dataset.input_widths()
    return [1] * len(dataset)  # type: ignore[arg-type]
