"""The degradations of rendered lines: each does what it says, and off by default."""

from __future__ import annotations

import random

import pytest

from lstmzoo.data.ocr import degrade
from lstmzoo.data.ocr.degrade import Degradations
from lstmzoo.errors import ConfigError

pytest.importorskip("PIL")


def a_line(text: str = "Hello, world 42", ink: int = 20, paper: int = 230):
    """A clean gray text line drawn with Pillow's own font, 4x enlarged (thick strokes)."""
    from PIL import Image, ImageDraw, ImageFont

    small = Image.new("L", (120, 16), paper)
    ImageDraw.Draw(small).text((4, 2), text, font=ImageFont.load_default(), fill=ink)
    return small.resize((480, 64), Image.Resampling.BILINEAR)


def dark_pixels(img, level: int = 128) -> int:
    return sum(1 for v in img.tobytes() if v < level)


def test_binarize_leaves_exactly_ink_and_paper() -> None:
    img = degrade.binarize(a_line(), ink=20, paper=230, fraction=0.5)
    assert set(img.tobytes()) == {20, 230}
    light = degrade.binarize(a_line(ink=230, paper=20), ink=230, paper=20, fraction=0.5)
    assert set(light.tobytes()) == {20, 230}  # light text on a dark ground too
    thin = degrade.binarize(a_line(), 20, 230, 0.2)
    thick = degrade.binarize(a_line(), 20, 230, 0.8)
    assert dark_pixels(thin) < dark_pixels(thick)  # the threshold thins or thickens strokes


def test_morphology_thickens_or_thins_dark_strokes() -> None:
    line = a_line()
    assert dark_pixels(degrade.morph(line, 3, thicken_dark=True)) > dark_pixels(line)
    assert dark_pixels(degrade.morph(line, 3, thicken_dark=False)) < dark_pixels(line)


def test_speckle_adds_dust_the_same_for_the_same_seed() -> None:
    from PIL import Image

    blank = Image.new("L", (200, 32), 200)
    a = degrade.speckle(blank, random.Random(1), 0.01, ink=0, paper=255, dot=2)
    b = degrade.speckle(blank, random.Random(1), 0.01, ink=0, paper=255, dot=2)
    assert a.tobytes() == b.tobytes() and a.tobytes() != blank.tobytes()
    assert {0, 255} <= set(a.tobytes())  # salt and pepper
    assert blank.getextrema() == (200, 200)  # the input is not touched


def test_illumination_contrast_and_jpeg() -> None:
    from PIL import Image, ImageStat

    paper = Image.new("L", (300, 32), 220)
    lit = degrade.illuminate(paper, random.Random(0), depth=0.5)
    low, high = lit.getextrema()
    assert high <= 220 and high - low > 20  # uneven, never brighter
    line = a_line()
    flat = degrade.reduce_contrast(line, 0.4)
    assert ImageStat.Stat(flat).stddev[0] < 0.5 * ImageStat.Stat(line).stddev[0]
    compressed = degrade.jpeg(line, 10)
    assert compressed.size == line.size and compressed.mode == "L"
    assert compressed.tobytes() != line.tobytes()


def test_the_default_degradations_are_blur_and_noise_only() -> None:
    d = Degradations()
    assert d.is_default and d.blur_prob == 0.35 and d.noise_prob == 1.0
    others = [k for k, v in d.as_dict().items() if k.endswith("_prob") and v > 0]
    assert others == ["blur_prob", "noise_prob"]
    assert not Degradations(jpeg_prob=0.1).is_default
    assert Degradations(jpeg_quality=[20, 30]).jpeg_quality == (20, 30)  # YAML lists


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (dict(jpeg_prob=1.5), r"jpeg_prob must lie in \[0, 1\]"),
        (dict(jpeg_quality=(60, 10)), "min <= max"),
        (dict(jpeg_quality=(0, 60)), r"jpeg_quality must be \[min, max\] within \[1, 95\]"),
        (dict(spacing=(-0.9, 0.1)), "spacing"),
        (dict(noise_std=-1.0), "noise_std"),
    ],
)
def test_bad_settings_are_config_errors(bad, message) -> None:
    with pytest.raises(ConfigError, match=message):
        Degradations(**bad)
