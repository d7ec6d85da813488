"""Synthetic text lines rendered with Pillow: the default OCR data, no download needed.

Each sample is drawn from its own random generator seeded with ``(seed, index)``, so sample
``i`` of a split is the same image in every run, process and worker: validation and test sets
are fixed, and a training set of any size costs no disk space.

What varies per sample: the text (a word from a word list, a random string of the alphabet or a
number; lower case, capitalized or upper case), the font (face and size), ink and paper gray
levels (light text on a dark ground with probability ``invert_prob``), stroke weight, position
and margins, a slight rotation and shear, the aspect ratio (stretched to the full width, or kept
and padded with probability ``natural_width_prob``), the source resolution (resampled through a
height of 20 to 80 pixels with probability ``resample_prob``), blur and pixel noise, and the
other degradations of :mod:`~lstmzoo.data.ocr.degrade` where they are switched on. Colour and
palette images need no rendering of their own: every image is read as grayscale
(:func:`~lstmzoo.data.ocr.images.to_grayscale`) and gray levels vary.

Text lines (``natural_width``) keep the text's own width at the output height instead of a
fixed one, and with ``font_box`` every line of a font has the same glyph scale; their texts come
from :class:`~lstmzoo.data.ocr.linetext.LineTextSource`.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import torch
from torch.utils.data import Dataset

from lstmzoo.data.ocr import degrade
from lstmzoo.data.ocr.degrade import Degradations
from lstmzoo.data.ocr.fonts import FontFile, load_font
from lstmzoo.data.ocr.images import to_tensor
from lstmzoo.errors import ConfigError, DataError
from lstmzoo.nn.crnn import crnn_output_length
from lstmzoo.nn.ctc import Alphabet, ctc_min_steps

__all__ = [
    "Layout",
    "SyntheticTextLines",
    "TextLineRenderer",
    "TextSource",
    "check_augmentation",
    "load_words",
    "save_sample",
]

log = logging.getLogger(__name__)

#: The machine's word list, used only when asked for (``words_file="system"``).
SYSTEM_WORDS = Path("/usr/share/dict/words")


def load_words(
    words_file: str | os.PathLike[str] | None, alphabet: Alphabet, max_chars: int
) -> list[str]:
    """Words (one per line) whose normalized form fits ``alphabet`` and ``max_chars``.

    ``words_file=None`` takes the built-in list (:mod:`lstmzoo.data.ocr.wordlist`, the same on
    every machine); ``"system"`` the machine's ``/usr/share/dict/words``; anything else is a
    path. Duplicates after normalization are dropped.

    Raises:
        DataError: the file does not exist or cannot be read.
    """
    if words_file is None:
        from lstmzoo.data.ocr.wordlist import WORDS

        raw: Sequence[str] = WORDS
    else:
        if str(words_file) == "system":
            if not SYSTEM_WORDS.is_file():
                raise DataError(
                    f"words_file 'system': this machine has no {SYSTEM_WORDS} (Debian: apt-get "
                    "install wamerican); leave words_file unset for the built-in list"
                )
            words_file = SYSTEM_WORDS
        path = Path(words_file).expanduser()
        try:
            raw = path.read_text(encoding="utf-8", errors="replace").split()
        except OSError as err:
            raise DataError(f"cannot read the word list {path}: {err.strerror or err}") from None
    kept = dict.fromkeys(
        w for w in raw if 0 < len(w) <= max_chars and not alphabet.unknown_chars(w)
    )
    return list(kept)


class TextSource:
    """Draws the texts of synthetic samples.

    Args:
        alphabet: what labels may contain; texts are made of it (after case folding).
        words: the word list (see :func:`load_words`); may be empty when ``random_fraction +
            number_fraction == 1``.
        max_chars: longest text.
        random_fraction: share of random strings over the whole alphabet (length 1 to
            ``max_chars``), which make the model read characters rather than guess words.
        number_fraction: share of numbers (digits only, 1 to 8 of them).
        case_mix: weights of rendering a word in lower case, Capitalized and UPPER case (labels
            follow the alphabet's case folding).
        max_steps: CTC steps of the model's output; longer texts are redrawn.
    """

    def __init__(
        self,
        alphabet: Alphabet,
        words: Sequence[str],
        max_chars: int = 12,
        random_fraction: float = 0.2,
        number_fraction: float = 0.05,
        case_mix: Sequence[float] = (1.0, 0.0, 0.0),
        max_steps: int = 26,
    ) -> None:
        if max_chars < 1:
            raise ValueError(f"max_chars must be >= 1, got {max_chars}")
        if (
            not 0 <= random_fraction + number_fraction <= 1
            or min(random_fraction, number_fraction) < 0
        ):
            raise ValueError(
                "random_fraction and number_fraction must be >= 0 and sum to at most 1"
            )
        if len(case_mix) != 3 or min(case_mix) < 0 or sum(case_mix) <= 0:
            raise ValueError(f"case_mix must be 3 non-negative weights, got {list(case_mix)}")
        if not words and random_fraction + number_fraction < 1:
            raise ValueError("the word list is empty: set random_fraction + number_fraction to 1")
        self.alphabet = alphabet
        self.words = list(words)
        self.max_chars = max_chars
        self.random_fraction = random_fraction
        self.number_fraction = number_fraction
        self.case_mix = tuple(float(w) for w in case_mix)
        self.max_steps = max_steps
        self.digits = "".join(c for c in alphabet.chars if c.isdigit())
        self.chars = "".join(c for c in alphabet.chars if not c.isspace())

    def _variant(self, word: str, rng: random.Random) -> str:
        style = rng.choices((0, 1, 2), weights=self.case_mix)[0]
        variant = (word, word.capitalize(), word.upper())[style]
        return variant if not self.alphabet.unknown_chars(variant) else word

    def sample(self, rng: random.Random) -> tuple[str, str]:
        """``(text to draw, label)``; the label is the text with the alphabet's case folding."""
        for _ in range(20):
            r = rng.random()
            if r < self.number_fraction and self.digits:
                text = "".join(rng.choices(self.digits, k=rng.randint(1, min(8, self.max_chars))))
            elif r < self.number_fraction + self.random_fraction or not self.words:
                length = rng.randint(1, self.max_chars)
                text = self._variant("".join(rng.choices(self.chars, k=length)), rng)
            else:
                text = self._variant(rng.choice(self.words), rng)
            label = self.alphabet.normalize(text)
            if ctc_min_steps(label) <= self.max_steps:
                return text, label
        raise ValueError(f"could not draw a text that fits {self.max_steps} CTC steps")


def check_augmentation(
    invert_prob: float,
    natural_width_prob: float,
    resample_prob: float,
    resample_height: Sequence[int],
) -> None:
    """Raise :class:`~lstmzoo.errors.ConfigError` (a ``ValueError``) naming the first
    augmentation setting of :class:`TextLineRenderer` that cannot work."""
    for name, p in (
        ("invert_prob", invert_prob),
        ("natural_width_prob", natural_width_prob),
        ("resample_prob", resample_prob),
    ):
        if not 0.0 <= p <= 1.0:
            raise ConfigError(f"{name} must lie in [0, 1], got {p}")
    if len(resample_height) != 2 or not 4 <= resample_height[0] <= resample_height[1]:
        raise ConfigError(
            f"resample_height must be [min, max] with 4 <= min <= max, got {list(resample_height)}"
        )


class TextLineRenderer:
    """Renders a text as a grayscale line image of height ``height``.

    Args:
        fonts: the font faces to draw with (see :func:`~lstmzoo.data.ocr.fonts.resolve_fonts`).
        height, width: output size; with ``keep_ratio`` the text keeps its aspect ratio (up to
            ``width``) and the rest is filled with the background.
        keep_ratio: keep the aspect ratio and pad instead of stretching to ``width``.
        font_size: range of font sizes in pixels before scaling to ``height``; varied sizes vary
            stroke thickness and anti-aliasing.
        augment: strength of the geometric and photometric variation, 0 (clean, centred black on
            white) to 1 (the default) or more. With 0 the probabilities below do nothing.
        invert_prob: probability of light text on a dark ground (scaled by ``augment`` up to 1).
        natural_width_prob: probability that a sample keeps the text's aspect ratio and is
            padded with the background to ``width`` (as an image read at its natural width,
            ``read(resize="variable")``, shows it) instead of being stretched; texts wider
            than ``width`` at that ratio are squeezed to fit.
        resample_prob: probability of passing the line through a random source height drawn
            from ``resample_height`` (keeping its aspect ratio) before the final resize, as a
            low- or high-resolution scan would.
        resample_height: ``(min, max)`` source heights in pixels.
        natural_width: text lines: the image is as wide as the text at ``height`` (its aspect
            ratio kept), rounded up to a multiple of 4 (padded with the background) and at most
            ``max_width`` (a wider text is squeezed to it); ``width``, ``keep_ratio`` and
            ``natural_width_prob`` are then unused, the random margins never clip the first
            or last character and are smaller above and below, and a long line is rotated
            less (it rises by at most 0.15 of its height from end to end).
        max_width: the widest image of ``natural_width`` (1,024 pixels hold about 64
            characters of running text).
        font_box: the line's vertical extent reaches from the top of the font's capitals to the
            bottom of its descenders whatever the text (every line of a font at the same glyph
            scale, as a line cut from a page is) instead of the text's own ink (a word cut
            tightly).
        degradations: blur, noise, JPEG, illumination, contrast, rules, letter spacing and the
            scan look (:class:`~lstmzoo.data.ocr.degrade.Degradations`; default: blur and
            noise only, as the word recipe renders).
    """

    def __init__(
        self,
        fonts: Sequence[FontFile],
        height: int = 32,
        width: int = 100,
        keep_ratio: bool = False,
        font_size: Sequence[int] = (24, 44),
        augment: float = 1.0,
        invert_prob: float = 0.2,
        natural_width_prob: float = 0.25,
        resample_prob: float = 0.25,
        resample_height: Sequence[int] = (20, 80),
        natural_width: bool = False,
        max_width: int = 1024,
        font_box: bool = False,
        degradations: Degradations | None = None,
    ) -> None:
        if not fonts:
            raise ConfigError("the renderer needs at least one font")
        if len(font_size) != 2 or not 6 <= font_size[0] <= font_size[1]:
            raise ConfigError(
                f"font_size must be [min, max] with 6 <= min <= max, got {list(font_size)}"
            )
        if augment < 0:
            raise ConfigError(f"augment must be >= 0, got {augment}")
        if max_width < 8:
            raise ConfigError(f"max_width must be >= 8, got {max_width}")
        check_augmentation(invert_prob, natural_width_prob, resample_prob, resample_height)
        self.invert_prob = float(invert_prob)
        self.natural_width_prob = float(natural_width_prob)
        self.resample_prob = float(resample_prob)
        self.resample_height = (int(resample_height[0]), int(resample_height[1]))
        self.fonts = list(fonts)
        self.height = height
        self.width = width
        self.keep_ratio = keep_ratio
        self.font_size = (int(font_size[0]), int(font_size[1]))
        self.augment = augment
        self.natural_width = bool(natural_width)
        self.max_width = int(max_width)
        self.font_box = bool(font_box)
        self.degradations = degradations if degradations is not None else Degradations()

    def _chance(self, prob: float, rng: random.Random) -> bool:
        """Whether a degradation of probability ``prob`` happens (no draw when ``prob`` is 0)."""
        return prob > 0 and self.augment > 0 and rng.random() < prob * min(self.augment, 1.0)

    def layout(
        self, text: str, rng: random.Random, font: FontFile | None = None, measure: bool = True
    ) -> Layout:
        """The first random choices of :meth:`render` (font, size, gray levels, stroke, letter
        spacing, rule) and where the text goes; draws from ``rng`` exactly as :meth:`render`
        does before it draws anything. With ``measure=False`` the box is a quick estimate from
        the face's advance widths, and there are neither a font nor offsets."""
        a = self.augment
        d = self.degradations
        face = font if font is not None else rng.choice(self.fonts)
        size = rng.randint(*self.font_size)
        scale = rng.randint(*d.hires_scale) if self._chance(d.hires_prob, rng) else 1
        pil_font = load_font(face, size * scale) if measure else None
        # gray levels: mostly dark ink on light paper, sometimes the reverse
        if a > 0:
            paper = rng.randint(150, 255)
            ink = rng.randint(0, max(0, paper - 100))
            if rng.random() < self.invert_prob * min(a, 1.0):
                paper, ink = 255 - paper, 255 - ink
        else:
            paper, ink = 255, 0
        stroke = 1 if a > 0 and size >= 30 and rng.random() < 0.15 * min(a, 1.0) else 0
        stroke *= scale
        spacing = (
            rng.uniform(*d.spacing) * size * scale if self._chance(d.spacing_prob, rng) else 0.0
        )
        rule = rng.choice(("underline", "strike")) if self._chance(d.rule_prob, rng) else None
        if pil_font is None:  # the estimate of estimate_width, from the face's glyph table
            box = _estimated_box(face, text, size, spacing / scale, self.font_box)
            return Layout(size, scale, None, paper, ink, stroke, rule, None, box)
        if spacing:
            offsets, box = _spaced_layout(text, pil_font, stroke, spacing)
        else:
            offsets = None
            box = pil_font.getbbox(text or " ", stroke_width=stroke)
        left, top, right, bottom = box
        if self.font_box:  # from the top of a capital to the bottom of a descender
            _, cap_top, _, desc_bottom = pil_font.getbbox("Hg", stroke_width=stroke)
            top, bottom = min(top, cap_top), max(bottom, desc_bottom)
        return Layout(
            size, scale, pil_font, paper, ink, stroke, rule, offsets, (left, top, right, bottom)
        )

    def estimate_width(self, text: str, rng: random.Random) -> int:
        """About the width :meth:`render` gives ``text`` with ``rng`` at ``natural_width``
        (margins, rotation and resampling aside): a cheap sort key, nothing is drawn."""
        left, top, right, bottom = self.layout(text, rng, measure=False).box
        natural = round(max(1, right - left) * self.height / max(1, bottom - top))
        return min(self.max_width, natural)

    def render(self, text: str, rng: random.Random, font: FontFile | None = None) -> Any:
        """A PIL ``"L"`` image of ``text``; all randomness comes from ``rng``."""
        from PIL import Image, ImageDraw, ImageFilter

        a = self.augment
        d = self.degradations
        size, scale, pil_font, paper, ink, stroke, rule, offsets, (left, top, right, bottom) = (
            self.layout(text, rng, font)
        )
        text_w, text_h = max(1, right - left), max(1, bottom - top)
        pad = size * scale
        canvas = Image.new("L", (text_w + 2 * pad, text_h + 2 * pad), paper)
        draw = ImageDraw.Draw(canvas)
        origin = (pad - left, pad - top)
        if offsets is None:
            draw.text(origin, text, font=pil_font, fill=ink, stroke_width=stroke, stroke_fill=ink)
        else:
            for char, dx in zip(text, offsets):
                draw.text(
                    (origin[0] + dx, origin[1]),
                    char,
                    font=pil_font,
                    fill=ink,
                    stroke_width=stroke,
                    stroke_fill=ink,
                )
        box = (pad, pad, pad + text_w, pad + text_h)
        if rule is not None:
            box = _draw_rule(draw, rule, pil_font, origin, box, size * scale, ink)
        if a > 0:
            angle = math.radians(rng.uniform(-2.5, 2.5) * a)
            if self.natural_width:  # a long line rises at most 0.15 of its height end to end
                angle *= min(1.0, math.atan(0.15 * text_h / text_w) / math.radians(2.5))
            shear = rng.uniform(-0.3, 0.3) * a
            canvas, box = _affine(canvas, box, angle, shear, paper)
            if self.natural_width:  # a line: nothing clipped left or right, little above and below
                margin = [rng.uniform(0.0, 0.3 * a) * text_h for _ in range(2)]
                margin += [rng.uniform(-0.02, 0.08 * a) * text_h for _ in range(2)]
            else:  # margins around the text, relative to its height (sometimes clipping a little)
                margin = [rng.uniform(-0.03, 0.3 * a) * text_h for _ in range(2)]
                margin += [rng.uniform(-0.05, 0.25 * a) * text_h for _ in range(2)]
        else:
            margin = [0.1 * text_h] * 4
        crop = (
            round(box[0] - margin[0]),
            round(box[1] - margin[2]),
            round(box[2] + margin[1]),
            round(box[3] + margin[3]),
        )
        line = canvas.crop(crop)  # out-of-canvas parts come out black: keep them inside
        line = self._scan_look(line, rng, ink, paper, scale)
        keep_ratio = self.keep_ratio
        if a > 0:
            if not self.natural_width and rng.random() < self.natural_width_prob * min(a, 1.0):
                keep_ratio = True
            if rng.random() < self.resample_prob * min(a, 1.0):
                line = _resample(line, rng.randint(*self.resample_height), rng)
        if self.natural_width:
            line = _natural_resize(line, self.height, self.max_width, paper)
        else:
            line = _resize(line, self.height, self.width, keep_ratio, paper)
        if a > 0 and d.blur_prob > 0 and rng.random() < d.blur_prob * min(a, 1.0):
            line = line.filter(ImageFilter.GaussianBlur(rng.uniform(*d.blur_radius)))
        if self._chance(d.illumination_prob, rng):
            line = degrade.illuminate(line, rng, rng.uniform(*d.illumination))
        if self._chance(d.contrast_prob, rng):
            line = degrade.reduce_contrast(line, rng.uniform(*d.contrast))
        if self._chance(d.jpeg_prob, rng):
            line = degrade.jpeg(line, rng.randint(*d.jpeg_quality))
        return line

    def _scan_look(self, line: Any, rng: random.Random, ink: int, paper: int, scale: int) -> Any:
        """Binarization, dilation / erosion and dust, as the degradations say."""
        d = self.degradations
        if self._chance(d.binarize_prob, rng):
            line = degrade.binarize(line, ink, paper, rng.uniform(*d.binarize_threshold))
        if self._chance(d.morph_prob, rng):
            line = degrade.morph(line, 5 if scale >= 3 else 3, rng.random() < 0.5)
        if self._chance(d.speckle_prob, rng):
            density = rng.uniform(*d.speckle_density)
            line = degrade.speckle(line, rng, density, ink, paper, dot=scale)
        return line

    def noise_std(self, rng: random.Random) -> float:
        """Std of the Gaussian pixel noise for one sample, in gray levels."""
        if self.augment <= 0:
            return 0.0
        d = self.degradations
        if d.noise_prob < 1.0 and rng.random() >= d.noise_prob * min(self.augment, 1.0):
            return 0.0
        return rng.uniform(0.0, d.noise_std * self.augment)


class Layout(NamedTuple):
    """The random choices that place a text (see :meth:`TextLineRenderer.layout`).

    Attributes:
        size: font size in pixels; the text is drawn at ``size * scale``.
        scale: 1, or the high-resolution factor of ``hires_prob``.
        font: the Pillow font at the drawing size (``None`` for an estimate).
        paper, ink: gray levels.
        stroke: stroke width of the drawing (bolder text).
        rule: ``"underline"``, ``"strike"`` or ``None``.
        offsets: x offset of every character when drawn one by one (letter spacing), or
            ``None`` when the text is drawn as a whole.
        box: ``(left, top, right, bottom)`` of the text relative to where it is drawn.
    """

    size: int
    scale: int
    font: Any | None
    paper: int
    ink: int
    stroke: int
    rule: str | None
    offsets: list[float] | None
    box: tuple[float, float, float, float]


#: font size of the glyph tables of :func:`_glyph_metrics`
_TABLE_SIZE = 64


@functools.lru_cache(maxsize=512)
def _glyph_metrics(face: FontFile) -> dict[str, tuple[float, int, int]]:
    """``{char: (advance, top, bottom)}`` of ``face`` at :data:`_TABLE_SIZE` pixels, filled in
    as characters are asked for (see :func:`_estimated_box`)."""
    return {}


def _estimated_box(
    face: FontFile, text: str, size: int, spacing: float, font_box: bool
) -> tuple[float, float, float, float]:
    """About the box :meth:`TextLineRenderer.layout` measures for ``text`` at ``size`` with
    ``spacing`` pixels after each character, from the face's advance widths (no kerning)."""
    table = _glyph_metrics(face)
    font = None
    chars = set(text or " ") | ({"H", "g"} if font_box else set())
    for char in chars - table.keys():
        font = font or load_font(face, _TABLE_SIZE)
        left, top, right, bottom = font.getbbox(char)
        table[char] = (
            (font.getlength(char), top, bottom)
            if right > left
            else (font.getlength(char), _TABLE_SIZE, 0)
        )
    factor = size / _TABLE_SIZE
    inked = [table[c] for c in (text or " ")] + ([table["H"], table["g"]] if font_box else [])
    top = min(t for _, t, _ in inked)
    bottom = max(b for _, _, b in inked)
    if bottom <= top:  # spaces only
        top, bottom = 0, _TABLE_SIZE
    width = sum(table[c][0] for c in text) * factor + spacing * max(0, len(text) - 1)
    return (0.0, top * factor, max(1.0, width), bottom * factor)


def _spaced_layout(
    text: str, font: Any, stroke: int, spacing: float
) -> tuple[list[float], tuple[float, float, float, float]]:
    """Where each character of ``text`` goes when ``spacing`` pixels follow each one: the
    x offsets and the bounding box of the whole."""
    offsets: list[float] = []
    boxes = []
    x = 0.0
    for char in text or " ":
        offsets.append(x)
        x0, y0, x1, y1 = font.getbbox(char, stroke_width=stroke)
        if x1 > x0:
            boxes.append((x + x0, y0, x + x1, y1))
        x += font.getlength(char) + spacing
    if not boxes:
        boxes.append(font.getbbox(" ", stroke_width=stroke))
    box = (
        math.floor(min(b[0] for b in boxes)),
        min(b[1] for b in boxes),
        math.ceil(max(b[2] for b in boxes)),
        max(b[3] for b in boxes),
    )
    return offsets, box


def _draw_rule(
    draw: Any,
    kind: str,
    font: Any,
    origin: tuple[float, float],
    box: tuple[float, float, float, float],
    size: int,
    ink: int,
) -> tuple[float, float, float, float]:
    """Draw an underline or a strike-through across ``box``; returns the box with the rule."""
    ascent, descent = font.getmetrics()
    thickness = max(1, round(size / 16))
    if kind == "underline":
        y = origin[1] + ascent + max(1.0, 0.3 * descent)
    else:  # through the middle of the lower-case letters
        x_top, x_bottom = font.getbbox("x")[1], font.getbbox("x")[3]
        y = origin[1] + (x_top + x_bottom) / 2
    draw.rectangle((box[0], y - thickness / 2, box[2], y + thickness / 2), fill=ink)
    return (box[0], min(box[1], y - thickness), box[2], max(box[3], y + thickness))


def _affine(
    canvas: Any, box: tuple[float, float, float, float], angle: float, shear: float, fill: int
) -> tuple[Any, tuple[float, float, float, float]]:
    """Rotate by ``angle`` and shear horizontally by ``shear`` about the text centre."""
    from PIL import Image

    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    cos, sin = math.cos(angle), math.sin(angle)
    # forward map: p' = R @ S @ (p - c) + c with S = [[1, shear], [0, 1]]
    m = (cos, cos * shear - sin, sin, sin * shear + cos)
    det = m[0] * m[3] - m[1] * m[2]
    inv = (m[3] / det, -m[1] / det, -m[2] / det, m[0] / det)
    data = (
        inv[0],
        inv[1],
        cx - inv[0] * cx - inv[1] * cy,
        inv[2],
        inv[3],
        cy - inv[2] * cx - inv[3] * cy,
    )
    out = canvas.transform(
        canvas.size, Image.Transform.AFFINE, data, Image.Resampling.BILINEAR, fillcolor=fill
    )
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        dx, dy = x - cx, y - cy
        xs.append(m[0] * dx + m[1] * dy + cx)
        ys.append(m[2] * dx + m[3] * dy + cy)
    w, h = canvas.size
    new_box = (max(0.0, min(xs)), max(0.0, min(ys)), min(float(w), max(xs)), min(float(h), max(ys)))
    return out, new_box


def _resample(line: Any, height: int, rng: random.Random) -> Any:
    """``line`` scaled to ``height`` pixels (same aspect ratio) with a random filter."""
    from PIL import Image

    w, h = line.size
    new_w = max(1, round(w * height / max(h, 1)))
    resample = rng.choice(
        (Image.Resampling.BILINEAR, Image.Resampling.BICUBIC, Image.Resampling.LANCZOS)
    )
    return line.resize((new_w, height), resample)


def _resize(line: Any, height: int, width: int, keep_ratio: bool, fill: int) -> Any:
    from PIL import Image

    w, h = line.size
    if not keep_ratio:
        return line.resize((width, height), Image.Resampling.BILINEAR)
    new_w = max(1, min(width, round(w * height / max(h, 1))))
    out = Image.new("L", (width, height), fill)
    out.paste(line.resize((new_w, height), Image.Resampling.BILINEAR), (0, 0))
    return out


def _natural_resize(line: Any, height: int, max_width: int, fill: int) -> Any:
    """``line`` at ``height`` with its aspect ratio, padded on the right to a multiple of 4
    columns (at least 8) and squeezed to ``max_width`` if wider."""
    from PIL import Image

    w, h = line.size
    new_w = min(max_width, max(1, round(w * height / max(h, 1))))
    out_w = min(max_width, max(8, -(-new_w // 4) * 4))
    scaled = line.resize((new_w, height), Image.Resampling.BILINEAR)
    if out_w == new_w:
        return scaled
    out = Image.new("L", (out_w, height), fill)
    out.paste(scaled, (0, 0))
    return out


class SyntheticTextLines(Dataset):
    """``num_samples`` rendered text lines; sample ``i`` depends only on ``(seed, i)``.

    Items: ``{"x": (1, H, W) float in [-1, 1], "width": W, "text": label,
    "name": "synthetic:<seed>:<i>"}`` (``W`` is the renderer's width, or the text's own with
    ``natural_width``).

    Args:
        num_samples: the dataset's length.
        seed: the split's seed.
        renderer: draws the images.
        source: draws the texts (a :class:`TextSource` of words, or a
            :class:`~lstmzoo.data.ocr.linetext.LineTextSource` of lines: anything with a
            ``sample(rng) -> (text, label)`` method).
    """

    #: redraws of a sample whose label needs more CTC steps than its image gives
    MAX_REDRAWS = 20

    def __init__(
        self, num_samples: int, seed: int, renderer: TextLineRenderer, source: Any
    ) -> None:
        if num_samples < 1:
            raise ValueError(f"num_samples must be >= 1, got {num_samples}")
        self.num_samples = num_samples
        self.seed = seed
        self.renderer = renderer
        self.source = source

    def __len__(self) -> int:
        return self.num_samples

    def rng(self, index: int) -> random.Random:
        """The random generator of sample ``index`` (string seeds: the same in every process)."""
        return random.Random(f"lstmzoo-ocr:{self.seed}:{index}")

    def render(self, index: int) -> tuple[Any, str, float, int]:
        """``(PIL image, label, noise std, noise seed)`` of sample ``index``.

        A label that needs more CTC steps than its image gives (a long text drawn narrow) is
        redrawn: a new text and image from the same generator, up to :attr:`MAX_REDRAWS` times
        (then the last one is kept; its CTC loss is zero).
        """
        rng = self.rng(index)
        for _ in range(self.MAX_REDRAWS):
            text, label = self.source.sample(rng)
            image = self.renderer.render(text, rng)
            if ctc_min_steps(label) <= crnn_output_length(image.width):
                break
        return image, label, self.renderer.noise_std(rng), rng.getrandbits(62)

    def width_hint(self, index: int) -> int:
        """About the width of sample ``index`` in steps of 8 pixels (see
        :meth:`TextLineRenderer.estimate_width`; of its first draw, should it be redrawn): a
        cheap key for batches of similar width, nothing is rendered."""
        rng = self.rng(index)
        text, _ = self.source.sample(rng)
        return self.renderer.estimate_width(text, rng) // 8 * 8

    def __getitem__(self, index: int) -> dict[str, Any]:
        if not 0 <= index < self.num_samples:
            raise IndexError(f"index {index} out of range for {self.num_samples} samples")
        image, label, std, noise_seed = self.render(index)
        x = to_tensor(image)
        if std > 0:
            g = torch.Generator().manual_seed(noise_seed)
            x = (x + torch.randn(x.shape, generator=g) * (2.0 * std / 255.0)).clamp_(-1.0, 1.0)
        return {
            "x": x,
            "width": x.shape[-1],
            "text": label,
            "name": f"synthetic:{self.seed}:{index}",
        }


def save_sample(
    path: str | os.PathLike[str],
    text: str = "lstmzoo",
    font: FontFile | None = None,
    height: int = 32,
    width: int = 100,
    augment: float = 0.0,
    seed: int = 0,
    line: bool = False,
) -> Path:
    """Render ``text`` to a PNG file (an example input for docs and smoke tests); returns the path.

    ``font=None`` takes the first usable DejaVu Sans face of the packaged fonts (or any
    usable font when it is missing). With ``line`` the text is drawn as a text line: at its
    natural width (up to ``width`` pixels) with the font's line box, as the line recipe renders.
    """
    from lstmzoo.data.ocr.fonts import resolve_fonts
    from lstmzoo.errors import ConfigError

    if font is None:
        try:
            font = resolve_fonts(["DejaVu Sans"], chars=text)[0]
        except ConfigError:
            font = resolve_fonts(None, chars=text)[0]
    if line:
        renderer = TextLineRenderer(
            [font], height, augment=augment, natural_width=True, max_width=width, font_box=True
        )
    else:
        renderer = TextLineRenderer([font], height, width, augment=augment)
    image = renderer.render(text, random.Random(seed), font=font)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lstmzoo.data.ocr OUT [--text T ...] [--lines]``: write example images.

    ``OUT`` ending in ``.png`` gets one image of the first text; any other ``OUT`` is a folder
    that gets one PNG per text and a ``labels.txt`` (so it works as ``predict_path`` or as a
    tiny labelled set). ``--lines`` draws text lines at their natural width (up to ``--width``,
    then 1,024 by default) instead of 100-pixel word images.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lstmzoo.data.ocr", description=main.__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--text", nargs="+", default=["lstmzoo"])
    parser.add_argument("--font", default=None, help="font family (default: DejaVu Sans)")
    parser.add_argument("--augment", type=float, default=0.0)
    parser.add_argument("--width", type=int, default=None, help="100, or 1024 with --lines")
    parser.add_argument("--lines", action="store_true", help="text lines at natural width")
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)
    from lstmzoo.data.ocr.fonts import resolve_fonts

    width = opts.width if opts.width is not None else (1024 if opts.lines else 100)
    font = resolve_fonts([opts.font], chars="".join(opts.text))[0] if opts.font else None
    options = dict(width=width, augment=opts.augment, line=opts.lines)
    if opts.out.suffix.lower() == ".png":
        save_sample(opts.out, opts.text[0], font, seed=opts.seed, **options)
        print(opts.out)
        return 0
    lines = []
    for i, text in enumerate(opts.text):
        name = f"{i:03d}_{''.join(c for c in text if c.isalnum())[:20] or 'text'}.png"
        save_sample(opts.out / name, text, font, seed=opts.seed + i, **options)
        lines.append(f"{name}\t{text}")
    (opts.out / "labels.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(opts.out / "labels.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
