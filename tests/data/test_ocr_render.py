"""Synthetic text lines: determinism per (seed, index), fonts and their split, the text mix."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from lstmzoo.data.ocr import OCRDataModule, TextLineRenderer, TextSource, resolve_fonts, save_sample
from lstmzoo.data.ocr.fonts import font_families
from lstmzoo.errors import ConfigError
from lstmzoo.nn.ctc import Alphabet, ctc_min_steps

pytest.importorskip("PIL")

REPO_ROOT = Path(__file__).resolve().parents[2]


def small_module(**kwargs) -> OCRDataModule:
    defaults = dict(num_train=8, num_val=8, num_test=8, batch_size=4)
    defaults.update(kwargs)
    return OCRDataModule(**defaults)


def test_a_sample_depends_only_on_seed_and_index() -> None:
    a = small_module(seed=3).synthetic("val")
    b = small_module(seed=3).synthetic("val")
    for i in (0, 5, 7):
        x1, x2 = a[i], b[i]
        assert x1["text"] == x2["text"]
        assert torch.equal(x1["x"], x2["x"])
    assert not torch.equal(a[0]["x"], a[1]["x"])
    other_seed = small_module(seed=4).synthetic("val")
    assert [other_seed[i]["text"] for i in range(8)] != [a[i]["text"] for i in range(8)]
    # reading in another order gives the same samples
    assert torch.equal(a[5]["x"], b[5]["x"])


def test_samples_are_the_same_in_another_process() -> None:
    ds = small_module(seed=1).synthetic("val")
    here = [ds[i]["text"] for i in range(4)] + [round(float(ds[2]["x"].sum()), 3)]
    code = (
        "from lstmzoo.data.ocr import OCRDataModule\n"
        "ds = OCRDataModule(num_val=8, seed=1).synthetic('val')\n"
        "print(repr([ds[i]['text'] for i in range(4)] + [round(float(ds[2]['x'].sum()), 3)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == repr(here)


def test_splits_differ_and_items_have_the_training_shape() -> None:
    dm = small_module()
    val, test = dm.synthetic("val"), dm.synthetic("test")
    assert [val[i]["text"] for i in range(8)] != [test[i]["text"] for i in range(8)]
    item = val[0]
    assert item["x"].shape == (1, 32, 100)
    assert item["x"].min() >= -1 and item["x"].max() <= 1
    assert item["name"].startswith("synthetic:")


def test_font_split_keeps_the_holdout_family_out_of_training() -> None:
    families = font_families(resolve_fonts(chars="abc"))
    if len(families) < 2:
        pytest.skip("needs two font families")
    held = families[0]
    dm = small_module(holdout_fonts=[held], test_fonts=[held])
    train_fams = set(font_families(dm.fonts_for("train")))
    assert held not in train_fams
    assert set(font_families(dm.fonts_for("val"))) == train_fams  # validation: training fonts
    assert font_families(dm.fonts_for("test")) == [held]
    # every test image is drawn with the held-out family, and the texts match a seen-font test
    seen = small_module(holdout_fonts=[held]).synthetic("test")
    unseen = dm.synthetic("test")
    assert [seen[i]["text"] for i in range(8)] == [unseen[i]["text"] for i in range(8)]


def test_font_patterns_are_case_insensitive_wildcards_and_errors_list_families() -> None:
    family = font_families(resolve_fonts(chars="a"))[0]
    picked = resolve_fonts([family.upper()[:3] + "*"], chars="a")
    assert all(f.family.upper().startswith(family.upper()[:3]) for f in picked)
    with pytest.raises(ConfigError, match="font families available"):
        resolve_fonts(["no such family"], chars="a")


def test_fonts_missing_glyphs_are_not_used() -> None:
    fonts = resolve_fonts(chars="0123456789abcdefghijklmnopqrstuvwxyz")
    names = {f.family.lower() for f in fonts}
    assert not any(n.endswith("display") for n in names)  # DejaVu *Display lacks letters
    assert "cmex10" not in names and "cmsy10" not in names


def test_text_source_stays_in_the_alphabet_and_ctc_length() -> None:
    ab = Alphabet("abc123")
    source = TextSource(
        ab,
        ["abc", "cab", "Bac", "toolong"],
        max_chars=4,
        max_steps=5,
        random_fraction=0.5,
        number_fraction=0.2,
        case_mix=(1, 1, 1),
    )
    rng = random.Random(0)
    for _ in range(300):
        text, label = source.sample(rng)
        assert not ab.unknown_chars(label)
        assert label == ab.normalize(text)
        assert ctc_min_steps(label) <= 5
        assert len(label) <= 4


def test_renderer_clean_mode_and_sizes() -> None:
    fonts = resolve_fonts(chars="hello")
    r = TextLineRenderer(fonts[:1], width=100, augment=0.0)
    img = r.render("hello", random.Random(0))
    assert img.size == (100, 32) and img.mode == "L"
    r2 = TextLineRenderer(fonts[:1], width=160, keep_ratio=True)
    assert r2.render("hi", random.Random(1)).size == (160, 32)
    with pytest.raises(ValueError):
        TextLineRenderer([], width=100)


def test_save_sample_writes_a_small_png(tmp_path) -> None:
    from PIL import Image

    path = save_sample(tmp_path / "example.png", "lstmzoo")
    with Image.open(path) as img:
        assert img.size == (100, 32)
        assert img.getextrema()[0] < 80  # dark text on white
    assert path.stat().st_size < 20_000


def test_example_writer_makes_a_predictable_folder(tmp_path) -> None:
    from lstmzoo.data.ocr.files import read_label_file
    from lstmzoo.data.ocr.render import main

    assert main([str(tmp_path / "one.png"), "--text", "solo"]) == 0
    assert (tmp_path / "one.png").stat().st_size > 0
    assert main([str(tmp_path / "set"), "--text", "hello", "42", "--augment", "0.5"]) == 0
    entries = read_label_file(tmp_path / "set" / "labels.txt")
    assert [label for _, label, _ in entries] == ["hello", "42"]
    assert all(path.is_file() for path, _, _ in entries)


def test_the_default_word_source_is_built_in_and_the_machine_list_an_opt_in(
    monkeypatch, tmp_path
) -> None:
    from lstmzoo.data.ocr import render
    from lstmzoo.data.ocr.wordlist import WORDS
    from lstmzoo.errors import DataError

    machine = tmp_path / "words"
    machine.write_text("zebra\nquokka\nzebra\nNaïve\n", encoding="utf-8")
    monkeypatch.setattr(render, "SYSTEM_WORDS", machine)
    ab = Alphabet("abcdefghijklmnopqrstuvwxyz")
    built_in = render.load_words(None, ab, 12)
    assert "zebra" not in built_in and set(built_in) <= set(WORDS) and len(built_in) > 1000
    assert render.load_words("system", ab, 12) == ["zebra", "quokka"]
    assert small_module().words() == small_module(words_file=None).words()
    assert small_module(words_file="system").words() == ["zebra", "quokka"]
    monkeypatch.setattr(render, "SYSTEM_WORDS", tmp_path / "absent")
    with pytest.raises(DataError, match="words_file 'system'"):
        render.load_words("system", ab, 12)
    with pytest.raises(DataError, match="cannot read the word list"):
        render.load_words(tmp_path / "nope.txt", ab, 12)


def _ground(img) -> float:
    """Mean gray level of the image's border (the paper)."""
    px = img.load()
    w, h = img.size
    edge = [px[x, 0] for x in range(w)] + [px[x, h - 1] for x in range(w)]
    return sum(edge) / len(edge)


def _edge_energy(img) -> float:
    """Sum of absolute differences between horizontal neighbours."""
    x = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8).float()
    x = x.view(img.height, img.width)
    return float((x[:, 1:] - x[:, :-1]).abs().sum())


def test_renderer_polarity_aspect_and_resolution_knobs() -> None:
    fonts = resolve_fonts(["DejaVu Sans"], chars="hi")
    dark = TextLineRenderer(fonts, invert_prob=1.0, resample_prob=0.0, natural_width_prob=0.0)
    light = TextLineRenderer(fonts, invert_prob=0.0, resample_prob=0.0, natural_width_prob=0.0)
    for seed in range(5):
        assert _ground(dark.render("hi", random.Random(seed))) < 110
        assert _ground(light.render("hi", random.Random(seed))) > 145
    # natural width: a short word keeps its aspect ratio and leaves the right part blank
    natural = TextLineRenderer(fonts, width=200, invert_prob=0.0, natural_width_prob=1.0)
    img = natural.render("hi", random.Random(0))
    assert img.size == (200, 32)
    right = img.crop((120, 0, 200, 32))
    assert right.getextrema()[1] - right.getextrema()[0] <= 2
    stretched = TextLineRenderer(fonts, width=200, invert_prob=0.0, natural_width_prob=0.0)
    right = stretched.render("hi", random.Random(0)).crop((120, 0, 200, 32))
    assert right.getextrema()[1] - right.getextrema()[0] > 60
    # resampling through a low source height loses detail, at the same output size
    plain = dict(invert_prob=0.0, natural_width_prob=0.0)
    sharp = TextLineRenderer(fonts, resample_prob=0.0, **plain)
    low = TextLineRenderer(fonts, resample_prob=1.0, resample_height=(8, 8), **plain)
    energy = {"sharp": 0.0, "low": 0.0}
    for seed in range(4):
        a, b = sharp.render("hi", random.Random(seed)), low.render("hi", random.Random(seed))
        assert a.size == b.size == (100, 32)
        energy["sharp"] += _edge_energy(a)
        energy["low"] += _edge_energy(b)
    assert energy["low"] < 0.9 * energy["sharp"], energy
    bad_settings = {
        "invert_prob": dict(invert_prob=1.5),
        r"resample_height must be \[min, max\].*got \[80, 20\]": dict(resample_height=(80, 20)),
        r"natural_width_prob must lie in \[0, 1\], got -1": dict(natural_width_prob=-1),
    }
    for message, bad in bad_settings.items():
        with pytest.raises(ConfigError, match=message):
            TextLineRenderer(fonts, **bad)
        with pytest.raises(ConfigError, match=message):
            small_module(**bad)


# Hashes of the first four samples of each split of configs/crnn_ocr.yaml (label, pixels before
# noise, noise std and seed), as rendered before the renderer learned to draw text lines; they
# depend on the pinned fonts and on Pillow's FreeType, so they are checked with those versions.
WORD_RECIPE_HASHES = {
    "train": "372814b65da91374a0cee9723b868c5970eb3bd85490f876658f3ea2b167ceac",
    "val": "bc91542a1111d4eedb5d934490c159f2e28ad6a36b1fa79aaa221facf9ce5610",
    "test": "39975c3d6bb1ebcfeebbdaaaa0490603a0a914523f7a34364a2e64045f7f2974",
}
HASHED_WITH = ("13.0.0", "2.14.3")  # Pillow, FreeType


def test_the_word_recipe_renders_exactly_what_it_rendered_before() -> None:
    import hashlib

    import PIL
    import yaml
    from PIL import features

    from tests.helpers_ocr import REPO

    if (PIL.__version__, features.version("freetype2")) != HASHED_WITH:
        pytest.skip(f"the hashes were taken with Pillow / FreeType {HASHED_WITH}")
    config = yaml.safe_load((REPO / "configs" / "crnn_ocr.yaml").read_text())
    dm = OCRDataModule(**config["data"]["init_args"])
    for split, expected in WORD_RECIPE_HASHES.items():
        ds = dm.synthetic(split, num_samples=4)
        digest = hashlib.sha256()
        for i in range(4):
            image, label, std, noise_seed = ds.render(i)
            digest.update(label.encode())
            digest.update(image.tobytes())
            digest.update(repr((round(std, 9), noise_seed)).encode())
        assert digest.hexdigest() == expected, split


def line_renderer(**kwargs) -> TextLineRenderer:
    fonts = resolve_fonts(["DejaVu Sans"], chars="abcdefghijklmnopqrstuvwxyzHT.,!0123456789")
    return TextLineRenderer(fonts, natural_width=True, **kwargs)


def test_lines_keep_their_natural_width_in_steps_of_four_up_to_the_cap() -> None:
    clean = line_renderer(augment=0.0)
    widths = []
    for text in ("a", "This is", "This is a great deal.", "This is a great deal. " * 3):
        img = clean.render(text.strip(), random.Random(0))
        assert img.height == 32 and img.width % 4 == 0 and img.width >= 8
        widths.append(img.width)
    assert widths == sorted(widths) and widths[2] > 4 * widths[0]
    assert 130 < widths[2] < 400  # 21 characters at a glyph scale fit for 32 pixels
    capped = line_renderer(augment=0.0, max_width=120)
    assert capped.render("This is a great deal.", random.Random(0)).width == 120
    augmented = line_renderer()
    for seed in range(6):
        img = augmented.render("The food was cold!", random.Random(seed))
        assert img.height == 32 and img.width % 4 == 0 and img.mode == "L"


def test_the_font_box_gives_every_line_of_a_font_the_same_glyph_scale() -> None:
    tight, box = line_renderer(augment=0.0), line_renderer(augment=0.0, font_box=True)
    rng = random.Random
    # "ace" has no ascender: cut to its ink it is blown up to the full height
    assert tight.render("ace", rng(0)).width > 1.3 * box.render("ace", rng(0)).width
    ratio = box.render("ace ace", rng(0)).width / box.render("Th, ace", rng(0)).width
    assert 0.8 < ratio < 1.2


def test_each_degradation_changes_the_image_and_none_draws_when_off() -> None:
    from lstmzoo.data.ocr.degrade import Degradations

    base = dict(invert_prob=0.0, resample_prob=0.0)
    off = line_renderer(**base, degradations=Degradations(blur_prob=0.0))
    reference = off.render("Total 4.99", random.Random(3)).tobytes()
    explicit_zero = Degradations(blur_prob=0.0, jpeg_prob=0.0, spacing_prob=0.0, hires_prob=0.0)
    same = line_renderer(**base, degradations=explicit_zero).render("Total 4.99", random.Random(3))
    assert same.tobytes() == reference  # probability 0 takes no random number
    for name in (
        "jpeg_prob",
        "illumination_prob",
        "contrast_prob",
        "rule_prob",
        "spacing_prob",
        "hires_prob",
        "binarize_prob",
        "morph_prob",
        "speckle_prob",
    ):
        renderer = line_renderer(**base, degradations=Degradations(blur_prob=0.0, **{name: 1.0}))
        images = [renderer.render("Total 4.99", random.Random(3)) for _ in range(2)]
        assert images[0].tobytes() == images[1].tobytes(), name  # fixed by the generator
        assert images[0].height == 32 and images[0].tobytes() != reference, name
    wide = line_renderer(
        augment=0.0, degradations=Degradations(spacing_prob=1.0, spacing=(0.4, 0.4))
    )
    # augment 0 switches every degradation off
    assert (
        wide.render("spacing", random.Random(0)).tobytes()
        == line_renderer(augment=0.0).render("spacing", random.Random(0)).tobytes()
    )
    loose = line_renderer(**base, degradations=Degradations(spacing_prob=1, spacing=(0.4, 0.4)))
    plain = line_renderer(**base)
    assert (
        loose.render("spacing", random.Random(0)).width
        > 1.5 * plain.render("spacing", random.Random(0)).width
    )


def test_the_width_estimate_is_close_to_the_rendered_width() -> None:
    renderer = line_renderer(font_box=True)
    for seed, text in enumerate(
        ["Hi", "Total $4.99", "The food was cold, and we waited 40 minutes!"]
    ):
        estimate = renderer.estimate_width(text, random.Random(seed))
        width = renderer.render(text, random.Random(seed)).width
        assert 0.6 * estimate <= width <= 1.6 * estimate + 16, (text, estimate, width)


class _LongThenShort:
    """A text source whose texts are mostly too long for a narrow image."""

    def sample(self, rng: random.Random) -> tuple[str, str]:
        text = "mmmmmmmmmmmmmmmmmmmm" if rng.random() < 0.7 else "mm"
        return text, text


def test_a_label_too_long_for_its_image_is_redrawn() -> None:
    from lstmzoo.data.ocr.render import SyntheticTextLines
    from lstmzoo.nn.crnn import crnn_output_length

    renderer = line_renderer(max_width=64)  # at most 17 CTC steps: 20 m's (39 steps) never fit
    ds = SyntheticTextLines(12, 0, renderer, _LongThenShort())
    for i in range(12):
        item = ds[i]
        assert item["text"] == "mm"
        assert ctc_min_steps(item["text"]) <= crnn_output_length(item["x"].shape[-1])


EXAMPLE_LINES = REPO_ROOT / "examples" / "ocr_lines"
EXAMPLE_TEXTS = [
    "The food was cold, and we waited 40 minutes!",
    "Coffee beans 500 g ..... $12.99",
    "https://www.example.org/docs/reading-lines",
    "Due date: 3 March 2024",
]


def test_the_example_lines_are_labelled_printable_lines() -> None:
    from PIL import Image

    from lstmzoo.data.ocr.files import read_label_file

    entries = read_label_file(EXAMPLE_LINES / "labels.txt")
    assert [label for _, label, _ in entries] == EXAMPLE_TEXTS
    printable = Alphabet("printable", case_fold=False)
    for path, label, _ in entries:
        assert not printable.unknown_chars(label)
        with Image.open(path) as img:
            assert img.height == 32 and img.width % 4 == 0 and img.width >= 8 * len(label)


def test_the_example_lines_are_what_their_documented_command_renders(tmp_path) -> None:
    import PIL
    from PIL import Image, features

    from lstmzoo.data.ocr.render import main

    if (PIL.__version__, features.version("freetype2")) != HASHED_WITH:
        pytest.skip(f"the examples were rendered with Pillow / FreeType {HASHED_WITH}")
    assert main([str(tmp_path), "--lines", "--text", *EXAMPLE_TEXTS]) == 0
    shipped = sorted(p.name for p in EXAMPLE_LINES.glob("*.png"))
    assert sorted(p.name for p in tmp_path.glob("*.png")) == shipped
    for name in shipped:
        with Image.open(EXAMPLE_LINES / name) as a, Image.open(tmp_path / name) as b:
            assert a.size == b.size and a.tobytes() == b.tobytes(), name
    assert (tmp_path / "labels.txt").read_text() == (EXAMPLE_LINES / "labels.txt").read_text()
