"""Synthetic text lines rendered with Pillow: the default OCR data, no download needed.

Each sample is drawn from its own random generator seeded with ``(seed, index)``, so sample
``i`` of a split is the same image in every run, process and worker: validation and test sets
are fixed, and a training set of any size costs no disk space.

What varies per sample: the text (a word from a word list, a random string of the alphabet or a
number; lower case, capitalized or upper case), the font (face and size), ink and paper gray
levels (light text on a dark ground with probability ``invert_prob``), stroke weight, position
and margins, a slight rotation and shear, the aspect ratio (stretched to the full width, or kept
and padded with probability ``natural_width_prob``), the source resolution (resampled through a
height of 20 to 80 pixels with probability ``resample_prob``), blur and pixel noise. Colour and
palette images need no rendering of their own: every image is read as grayscale
(:func:`~lstmzoo.data.ocr.images.to_grayscale`) and gray levels vary.
"""

from __future__ import annotations

import logging
import math
import os
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import Dataset

from lstmzoo.data.ocr.fonts import FontFile, load_font
from lstmzoo.data.ocr.images import to_tensor
from lstmzoo.errors import ConfigError, DataError
from lstmzoo.nn.ctc import Alphabet, ctc_min_steps

__all__ = [
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
    """Renders a text as a grayscale line image of ``height x width`` pixels.

    Args:
        fonts: the font faces to draw with (see :func:`~lstmzoo.data.ocr.fonts.resolve_fonts`).
        height, width: output size; with ``keep_ratio`` the text keeps its aspect ratio (up to
            ``width``) and the rest is filled with the background.
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
    ) -> None:
        if not fonts:
            raise ConfigError("the renderer needs at least one font")
        if len(font_size) != 2 or not 6 <= font_size[0] <= font_size[1]:
            raise ConfigError(
                f"font_size must be [min, max] with 6 <= min <= max, got {list(font_size)}"
            )
        if augment < 0:
            raise ConfigError(f"augment must be >= 0, got {augment}")
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

    def render(self, text: str, rng: random.Random, font: FontFile | None = None) -> Any:
        """A PIL ``"L"`` image of ``text``; all randomness comes from ``rng``."""
        from PIL import Image, ImageDraw, ImageFilter

        a = self.augment
        face = font if font is not None else rng.choice(self.fonts)
        size = rng.randint(*self.font_size)
        pil_font = load_font(face, size)
        # gray levels: mostly dark ink on light paper, sometimes the reverse
        if a > 0:
            paper = rng.randint(150, 255)
            ink = rng.randint(0, max(0, paper - 100))
            if rng.random() < self.invert_prob * min(a, 1.0):
                paper, ink = 255 - paper, 255 - ink
        else:
            paper, ink = 255, 0
        stroke = 1 if a > 0 and size >= 30 and rng.random() < 0.15 * min(a, 1.0) else 0
        left, top, right, bottom = pil_font.getbbox(text or " ", stroke_width=stroke)
        text_w, text_h = max(1, right - left), max(1, bottom - top)
        pad = size
        canvas = Image.new("L", (text_w + 2 * pad, text_h + 2 * pad), paper)
        ImageDraw.Draw(canvas).text(
            (pad - left, pad - top),
            text,
            font=pil_font,
            fill=ink,
            stroke_width=stroke,
            stroke_fill=ink,
        )
        box = (pad, pad, pad + text_w, pad + text_h)
        if a > 0:
            angle = math.radians(rng.uniform(-2.5, 2.5) * a)
            shear = rng.uniform(-0.3, 0.3) * a
            canvas, box = _affine(canvas, box, angle, shear, paper)
            # margins around the text, relative to its height (sometimes clipping a little)
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
        keep_ratio = self.keep_ratio
        if a > 0:
            if rng.random() < self.natural_width_prob * min(a, 1.0):
                keep_ratio = True
            if rng.random() < self.resample_prob * min(a, 1.0):
                line = _resample(line, rng.randint(*self.resample_height), rng)
        line = _resize(line, self.height, self.width, keep_ratio, paper)
        if a > 0 and rng.random() < 0.35 * min(a, 1.0):
            line = line.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.1)))
        return line

    def noise_std(self, rng: random.Random) -> float:
        """Std of the Gaussian pixel noise for one sample, in gray levels."""
        return rng.uniform(0.0, 10.0 * self.augment) if self.augment > 0 else 0.0


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


class SyntheticTextLines(Dataset):
    """``num_samples`` rendered text lines; sample ``i`` depends only on ``(seed, i)``.

    Items: ``{"x": (1, H, W) float in [-1, 1], "width": W, "text": label,
    "name": "synthetic:<seed>:<i>"}``.

    Args:
        num_samples: the dataset's length.
        seed: the split's seed.
        renderer: draws the images.
        source: draws the texts.
    """

    def __init__(
        self, num_samples: int, seed: int, renderer: TextLineRenderer, source: TextSource
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
        """``(PIL image, label, noise std, noise seed)`` of sample ``index``."""
        rng = self.rng(index)
        text, label = self.source.sample(rng)
        image = self.renderer.render(text, rng)
        return image, label, self.renderer.noise_std(rng), rng.getrandbits(62)

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
) -> Path:
    """Render ``text`` to a PNG file (an example input for docs and smoke tests); returns the path.

    ``font=None`` takes the first usable DejaVu Sans face of the packaged fonts (or any
    usable font when it is missing).
    """
    from lstmzoo.data.ocr.fonts import resolve_fonts
    from lstmzoo.errors import ConfigError

    if font is None:
        try:
            font = resolve_fonts(["DejaVu Sans"], chars=text)[0]
        except ConfigError:
            font = resolve_fonts(None, chars=text)[0]
    renderer = TextLineRenderer([font], height, width, augment=augment)
    image = renderer.render(text, random.Random(seed), font=font)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lstmzoo.data.ocr OUT [--text T ...]``: write example images.

    ``OUT`` ending in ``.png`` gets one image of the first text; any other ``OUT`` is a folder
    that gets one PNG per text and a ``labels.txt`` (so it works as ``predict_path`` or as a
    tiny labelled set).
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lstmzoo.data.ocr", description=main.__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--text", nargs="+", default=["lstmzoo"])
    parser.add_argument("--font", default=None, help="font family (default: DejaVu Sans)")
    parser.add_argument("--augment", type=float, default=0.0)
    parser.add_argument("--width", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)
    from lstmzoo.data.ocr.fonts import resolve_fonts

    font = resolve_fonts([opts.font], chars="".join(opts.text))[0] if opts.font else None
    if opts.out.suffix.lower() == ".png":
        save_sample(
            opts.out, opts.text[0], font, width=opts.width, augment=opts.augment, seed=opts.seed
        )
        print(opts.out)
        return 0
    lines = []
    for i, text in enumerate(opts.text):
        name = f"{i:03d}_{''.join(c for c in text if c.isalnum())[:20] or 'text'}.png"
        save_sample(
            opts.out / name, text, font, width=opts.width, augment=opts.augment, seed=opts.seed + i
        )
        lines.append(f"{name}\t{text}")
    (opts.out / "labels.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(opts.out / "labels.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
