"""What a real text line goes through between the page and the model: the renderer's
degradations, each with its probability.

:class:`Degradations` holds the settings; :class:`~lstmzoo.data.ocr.render.TextLineRenderer`
applies them in the order a line meets them:

1. drawing: ``spacing_prob`` (tight or loose letter spacing, the text drawn character by
   character), ``rule_prob`` (an underline or a strike-through) and ``hires_prob`` (the glyphs
   drawn at 3 to 5 times the size, as a 300-dpi scan sees them, and down-sampled to 32 pixels
   at the end);
2. the scan look, on the drawn line: ``binarize_prob`` (every pixel made ink or paper at a
   random threshold: glyphs touch and break), ``morph_prob`` (strokes thickened or thinned by a
   minimum or maximum filter: :class:`PIL.ImageFilter.MinFilter` / ``MaxFilter``) and
   ``speckle_prob`` (salt-and-pepper dust);
3. after the resize to 32 pixels: ``blur_prob`` (Gaussian blur), ``illumination_prob`` (an
   uneven background: a smooth random illumination field), ``contrast_prob`` (reduced
   contrast) and ``jpeg_prob`` (JPEG artefacts at a quality of 10 to 60);
4. the pixel noise of the dataset (``noise_prob``, standard deviation up to ``noise_std`` gray
   levels).

Every probability is scaled by the renderer's ``augment`` (up to 1), and nothing happens with
``augment=0``. The defaults are what the word recipe has always rendered: blur with
probability 0.35, noise on every image, nothing else. A probability of 0 draws no random number,
so a setting left at 0 changes no other sample.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, fields
from typing import Any

from lstmzoo.errors import ConfigError

__all__ = [
    "Degradations",
    "binarize",
    "illuminate",
    "jpeg",
    "morph",
    "reduce_contrast",
    "speckle",
]

Range = tuple[float, float]

#: the interval every range setting must stay in
_BOUNDS: dict[str, Range] = {
    "blur_radius": (0.0, 10.0),
    "jpeg_quality": (1, 95),
    "illumination": (0.0, 0.95),
    "contrast": (0.05, 1.0),
    "spacing": (-0.3, 2.0),
    "hires_scale": (1, 8),
    "binarize_threshold": (0.05, 0.95),
    "speckle_density": (0.0, 0.05),
}


@dataclass(frozen=True)
class Degradations:
    """Probabilities and ranges of the degradations (see the module docstring).

    Attributes:
        blur_prob, blur_radius: Gaussian blur and its radius range in pixels.
        noise_prob, noise_std: pixel noise and the largest standard deviation (gray levels,
            times ``augment``; drawn uniformly from 0 to it).
        jpeg_prob, jpeg_quality: JPEG compression and its quality range.
        illumination_prob, illumination: an illumination field and its depth (the darkest part
            of the field, as a fraction of full light taken away).
        contrast_prob, contrast: reduced contrast and the factor range (1 = unchanged).
        rule_prob: an underline or a strike-through.
        spacing_prob, spacing: letter spacing added after each character, as a fraction of the
            font size (negative: tighter).
        hires_prob, hires_scale: glyphs drawn at ``hires_scale`` times the font size (whole
            numbers) and down-sampled.
        binarize_prob, binarize_threshold: binarization and its threshold range, as a
            fraction of the way from the ink's gray level to the paper's.
        morph_prob: a 3 x 3 minimum or maximum filter (5 x 5 on a high-resolution drawing).
        speckle_prob, speckle_density: salt-and-pepper dust and its range of dots per pixel.
    """

    blur_prob: float = 0.35
    blur_radius: Range = (0.3, 1.1)
    noise_prob: float = 1.0
    noise_std: float = 10.0
    jpeg_prob: float = 0.0
    jpeg_quality: tuple[int, int] = (10, 60)
    illumination_prob: float = 0.0
    illumination: Range = (0.15, 0.6)
    contrast_prob: float = 0.0
    contrast: Range = (0.35, 0.85)
    rule_prob: float = 0.0
    spacing_prob: float = 0.0
    spacing: Range = (-0.06, 0.3)
    hires_prob: float = 0.0
    hires_scale: tuple[int, int] = (3, 5)
    binarize_prob: float = 0.0
    binarize_threshold: Range = (0.25, 0.75)
    morph_prob: float = 0.0
    speckle_prob: float = 0.0
    speckle_density: Range = (0.0005, 0.004)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_prob"):
                if not 0.0 <= float(value) <= 1.0:
                    raise ConfigError(f"{f.name} must lie in [0, 1], got {value}")
                continue
            if isinstance(value, (list, tuple)):
                if len(value) != 2 or value[0] > value[1]:
                    raise ConfigError(f"{f.name} must be [min, max] with min <= max, got {value}")
                object.__setattr__(self, f.name, (value[0], value[1]))
        if self.noise_std < 0:
            raise ConfigError(f"noise_std must be >= 0, got {self.noise_std}")
        for name, (low, high) in _BOUNDS.items():
            value = getattr(self, name)
            if not (low <= value[0] and value[1] <= high):
                raise ConfigError(f"{name} must be [min, max] within [{low}, {high}], got {value}")

    @property
    def is_default(self) -> bool:
        """Whether these are the word recipe's degradations (blur and noise only)."""
        return self == Degradations()

    def as_dict(self) -> dict[str, Any]:
        """Plain values, for hashing settings."""
        return {
            f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
            for f in fields(self)
        }


def binarize(img: Any, ink: int, paper: int, fraction: float) -> Any:
    """``img`` with every pixel set to ``ink`` or ``paper``: those closer to the ink than the
    threshold (``fraction`` of the way from ink to paper) become ink."""
    threshold = ink + fraction * (paper - ink)
    dark_ink = ink < paper
    lut = [ink if ((v < threshold) if dark_ink else (v > threshold)) else paper for v in range(256)]
    return img.point(lut)


def morph(img: Any, size: int, thicken_dark: bool) -> Any:
    """A minimum (dark strokes grow) or maximum (dark strokes shrink) filter of ``size``."""
    from PIL import ImageFilter

    return img.filter(ImageFilter.MinFilter(size) if thicken_dark else ImageFilter.MaxFilter(size))


def speckle(img: Any, rng: random.Random, density: float, ink: int, paper: int, dot: int) -> Any:
    """Salt-and-pepper dust: about ``density`` dots per pixel, of ink or paper, up to ``dot``
    pixels wide (at most 4,000 dots)."""
    from PIL import ImageDraw

    w, h = img.size
    count = min(4000, round(density * w * h))
    if count == 0:
        return img
    img = img.copy()
    draw = ImageDraw.Draw(img)
    for _ in range(count):
        x, y = rng.randrange(w), rng.randrange(h)
        size = rng.randint(1, max(1, dot))
        draw.rectangle(
            (x, y, x + size - 1, y + size - 1), fill=ink if rng.random() < 0.5 else paper
        )
    return img


def illuminate(img: Any, rng: random.Random, depth: float) -> Any:
    """``img`` under a smooth random illumination field that takes away up to ``depth`` of the
    light (a gradient or a few soft shadows across the line)."""
    from PIL import Image, ImageChops

    w, h = img.size
    cols, rows = rng.randint(2, 6), rng.randint(1, 2)
    cells = Image.new("L", (cols, rows))
    cells.putdata([round(255 * (1.0 - depth * rng.random())) for _ in range(cols * rows)])
    field = cells.resize((w, h), Image.Resampling.BICUBIC)
    return ImageChops.multiply(img, field)


def reduce_contrast(img: Any, factor: float) -> Any:
    """``img`` with its contrast around its mean gray level scaled by ``factor``."""
    from PIL import ImageEnhance

    return ImageEnhance.Contrast(img).enhance(factor)


def jpeg(img: Any, quality: int) -> Any:
    """``img`` after a round trip through JPEG at ``quality``."""
    from PIL import Image

    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=int(quality))
    buffer.seek(0)
    with Image.open(buffer) as out:
        return out.convert("L")
