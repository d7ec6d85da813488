"""Write the OCR robustness set: words at their natural width in the held-out font families.

Every image shows one word of the built-in word list, drawn clean (no rotation, noise or blur) in
a face of the families held out of training (``holdout_fonts`` of ``configs/crnn_ocr.yaml`` by
default), at its natural aspect ratio, with exactly one of these variations:

============  =====================================================================
``plain``     dark ink on light paper, grayscale, 28 to 48 pixels high (the reference)
``inverted``  light ink on a dark ground
``rgb``       coloured ink on coloured paper, saved as an RGB file
``palette``   coloured, saved as a palette (mode ``P``) PNG of 16 colours
``small``     20 to 24 pixels high
``large``     64 to 80 pixels high
============  =====================================================================

The output is a folder that ``lstmzoo test --data.init_args.test_path`` and
``benchmarks/ocr_robustness.py`` read: ``<variation>/<n>.png`` images and one ``labels.txt``
(``<variation>/<n>.png<TAB>word``). Everything is a function of ``--seed``.

    python tools/make_ocr_robustness_set.py robustness/                 # 100 words per variation
    python tools/make_ocr_robustness_set.py robustness/ --per-variation 20 --families "Carlito"
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "configs" / "crnn_ocr.yaml"
VARIATIONS = ("plain", "inverted", "rgb", "palette", "small", "large")
#: Text heights in pixels (ink plus margins) of each variation.
HEIGHTS = {"small": (20, 24), "large": (64, 80)}
DEFAULT_HEIGHT = (28, 48)


def config_holdout(config: Path = CONFIG) -> list[str]:
    """The ``holdout_fonts`` of an OCR config."""
    import yaml

    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    families = ((data.get("data") or {}).get("init_args") or {}).get("holdout_fonts")
    if not families:
        raise SystemExit(f"{config} holds out no font family (data.init_args.holdout_fonts)")
    return list(families)


def _colors(rng: random.Random) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """A dark-ish ink and a light-ish paper colour that differ enough in brightness."""
    while True:
        ink = tuple(rng.randint(0, 160) for _ in range(3))
        paper = tuple(rng.randint(120, 255) for _ in range(3))

        def luma(c: tuple[int, ...]) -> float:
            return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]

        if luma(paper) - luma(ink) >= 90:
            return ink, paper  # type: ignore[return-value]


def draw_word(word: str, font_path: str, variation: str, rng: random.Random) -> Any:
    """One image of ``word`` with ``variation`` (a PIL image in the mode it is saved in)."""
    from PIL import Image, ImageDraw

    from lstmzoo.data.ocr.fonts import FontFile, load_font

    font = load_font(FontFile("", "", font_path), 64)
    left, top, right, bottom = font.getbbox(word)
    text_w, text_h = right - left, bottom - top
    margin_x = round(text_h * rng.uniform(0.1, 0.3))
    margin_y = round(text_h * rng.uniform(0.1, 0.25))
    size = (text_w + 2 * margin_x, text_h + 2 * margin_y)
    if variation in ("rgb", "palette"):
        ink, paper = _colors(rng)
        img = Image.new("RGB", size, paper)
    else:
        shade_paper, shade_ink = rng.randint(200, 255), rng.randint(0, 60)
        if variation == "inverted":
            shade_paper, shade_ink = 255 - shade_paper, 255 - shade_ink
        ink, paper = (shade_ink,) * 3, (shade_paper,) * 3
        img = Image.new("L", size, shade_paper)
    fill: Any = ink if img.mode == "RGB" else ink[0]
    ImageDraw.Draw(img).text((margin_x - left, margin_y - top), word, font=font, fill=fill)
    height = rng.randint(*HEIGHTS.get(variation, DEFAULT_HEIGHT))
    width = max(1, round(img.width * height / img.height))
    img = img.resize((width, height), Image.Resampling.LANCZOS)
    if variation == "palette":
        img = img.quantize(colors=16)
    return img


def make_set(
    out: Path,
    families: Sequence[str],
    per_variation: int = 100,
    seed: int = 0,
    variations: Sequence[str] = VARIATIONS,
    alphabet: str | None = None,
    max_chars: int = 12,
) -> Path:
    """Write the set into ``out``; returns the path of its ``labels.txt``."""
    from lstmzoo.data.ocr.fonts import resolve_fonts
    from lstmzoo.data.ocr.render import load_words
    from lstmzoo.nn.ctc import DEFAULT_ALPHABET, Alphabet

    unknown = sorted(set(variations) - set(VARIATIONS))
    if unknown:
        raise SystemExit(f"unknown variation(s) {unknown}; choose from {list(VARIATIONS)}")
    ab = Alphabet(alphabet or DEFAULT_ALPHABET)
    words = [w for w in load_words(None, ab, max_chars) if len(w) >= 2]
    fonts = resolve_fonts(list(families), chars=ab.chars, what="robustness set")
    rng = random.Random(f"lstmzoo-ocr-robustness:{seed}")
    lines = []
    for variation in variations:
        folder = out / variation
        folder.mkdir(parents=True, exist_ok=True)
        for n in range(per_variation):
            word, face = rng.choice(words), rng.choice(fonts)
            rel = f"{variation}/{n:05d}.png"
            draw_word(word, face.path, variation, rng).save(out / rel)
            lines.append(f"{rel}\t{word}")
    labels = out / "labels.txt"
    labels.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return labels


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument(
        "--families",
        nargs="+",
        default=None,
        help="font families (default: holdout_fonts of configs/crnn_ocr.yaml)",
    )
    parser.add_argument("--per-variation", type=int, default=100)
    parser.add_argument("--variations", nargs="+", default=list(VARIATIONS), choices=VARIATIONS)
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args(argv)
    if opts.per_variation < 1:
        parser.error("--per-variation must be >= 1")
    families = opts.families or config_holdout()
    labels = make_set(opts.out, families, opts.per_variation, opts.seed, opts.variations)
    print(f"{labels} ({opts.per_variation} words x {len(opts.variations)} variations)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
