"""The renderer's fonts: the pinned packaged set by default, the machine's fonts as an opt-in."""

from __future__ import annotations

import importlib.metadata
import logging
import random
import re
import shutil

import pytest

from lstmzoo.data.ocr import fonts as fontmod
from lstmzoo.data.ocr.fonts import (
    PACKAGED_FONTS,
    font_families,
    missing_glyphs,
    packaged_fonts,
    resolve_fonts,
)
from lstmzoo.data.ocr.render import TextLineRenderer
from lstmzoo.errors import ConfigError
from lstmzoo.nn.ctc import DEFAULT_ALPHABET
from tests.helpers_ocr import REPO

pytest.importorskip("PIL")

PINNED_FAMILIES = sorted(f for p in PACKAGED_FONTS for f in p.families)


@pytest.fixture
def no_system_fonts(monkeypatch, tmp_path):
    """Hide every system font folder (and the home folder's) from the font lookup."""
    calls = []

    def hidden() -> list:
        calls.append(1)
        return []

    monkeypatch.setattr(fontmod, "system_font_dirs", hidden)
    monkeypatch.setenv("HOME", str(tmp_path))
    fontmod._discover.cache_clear()
    yield calls
    fontmod._discover.cache_clear()


@pytest.fixture
def fresh_package_lookup():
    fontmod._packaged.cache_clear()
    yield
    fontmod._packaged.cache_clear()


def test_the_pinned_table_matches_the_ocr_extra() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    extra = re.search(r"^ocr = \[(.*?)^\]", text, re.S | re.M)
    assert extra is not None, "pyproject.toml has no ocr extra"
    pins = dict(re.findall(r'"([A-Za-z0-9_.-]+)==([^"]+)"', extra.group(1)))
    assert pins == {p.distribution: p.version for p in PACKAGED_FONTS}
    kinds = {p.kind for p in PACKAGED_FONTS}
    assert kinds == {"serif", "sans", "slab", "monospace"}
    assert len(PINNED_FAMILIES) >= 10 and len(set(PINNED_FAMILIES)) == len(PINNED_FAMILIES)
    assert all(p.license for p in PACKAGED_FONTS)


def test_default_fonts_are_the_pinned_families_without_system_folders(no_system_fonts) -> None:
    fonts = resolve_fonts(chars=DEFAULT_ALPHABET)
    assert font_families(fonts) == PINNED_FAMILIES
    assert not no_system_fonts  # the system folders were never consulted
    shipped = {
        str(file.locate())
        for p in PACKAGED_FONTS
        for file in importlib.metadata.distribution(p.distribution).files or ()
    }
    assert {f.path for f in fonts} <= shipped  # every face is a file of a pinned package


@pytest.mark.parametrize("family", PINNED_FAMILIES)
def test_each_pinned_family_draws_the_default_alphabet(no_system_fonts, family: str) -> None:
    faces = resolve_fonts([family])
    styles = {f.style.lower() for f in faces}
    assert any(s in styles for s in ("regular", "book", "roman")), styles
    assert "bold" in styles
    assert any("italic" in s or "oblique" in s for s in styles), styles
    for face in faces:
        assert missing_glyphs(face, DEFAULT_ALPHABET) == "", face
        renderer = TextLineRenderer([face], width=400, keep_ratio=True, augment=0.0)
        for char in DEFAULT_ALPHABET:  # every character leaves ink on white paper
            img = renderer.render(char, random.Random(0), font=face)
            assert img.getextrema()[0] < 128, (face, char)


def test_a_missing_font_package_is_a_warning_with_the_pip_command(
    monkeypatch, caplog, fresh_package_lookup
) -> None:
    real = importlib.metadata.distribution

    def without_carlito(name: str):
        if name == "rinoh-typeface-carlito":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(importlib.metadata, "distribution", without_carlito)
    with caplog.at_level(logging.WARNING, logger=fontmod.__name__):
        families = font_families(packaged_fonts())
    assert "Carlito" not in families and "DejaVu Sans" in families
    assert "pip install rinoh-typeface-carlito==0.1.0" in caplog.text
    fontmod._packaged.cache_clear()
    with pytest.raises(ConfigError, match=re.escape("rinoh-typeface-carlito==0.1.0")):
        packaged_fonts(strict=True)


def test_no_font_package_at_all_is_an_error_naming_the_fix(
    monkeypatch, fresh_package_lookup
) -> None:
    def nothing(name: str):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", nothing)
    with pytest.raises(ConfigError, match=r"pip install 'lstmzoo\[ocr\]'.*font_source: system"):
        resolve_fonts()


def test_a_font_that_cannot_draw_the_alphabet_is_left_out_with_a_reason(caplog) -> None:
    with (
        caplog.at_level(logging.WARNING, logger=fontmod.__name__),
        pytest.raises(ConfigError, match="no usable font"),
    ):
        resolve_fonts(["Carlito"], chars="ab\u4e00", what="test split")
    assert "left out of the test split" in caplog.text
    assert "\u4e00" in caplog.text and "Carlito" in caplog.text


def test_system_fonts_are_an_opt_in(no_system_fonts, monkeypatch, tmp_path) -> None:
    carlito = resolve_fonts(["Carlito"])[0]
    folder = tmp_path / "machine-fonts"
    folder.mkdir()
    shutil.copy(carlito.path, folder / "machine.ttf")
    monkeypatch.setattr(fontmod, "system_font_dirs", lambda: [folder])
    fontmod._discover.cache_clear()
    system = resolve_fonts(source="system")
    assert [(f.family, f.path) for f in system] == [("Carlito", str(folder / "machine.ttf"))]
    assert set(font_families(resolve_fonts(source="all"))) == set(PINNED_FAMILIES)
    with pytest.raises(ConfigError, match="font source must be"):
        resolve_fonts(source="everywhere")  # type: ignore[arg-type]


def test_a_family_named_exactly_is_looked_for_on_the_machine(no_system_fonts, monkeypatch) -> None:
    mpl = pytest.importorskip("matplotlib")
    from pathlib import Path

    folder = Path(mpl.get_data_path()) / "fonts" / "ttf"
    monkeypatch.setattr(fontmod, "system_font_dirs", lambda: [folder])
    fontmod._discover.cache_clear()
    assert font_families(resolve_fonts(["STIXGeneral"], chars="abc")) == ["STIXGeneral"]
    with pytest.raises(ConfigError):  # a wildcard stays inside the packaged set
        resolve_fonts(["STIXGen*"], chars="abc")
    # font files passed in font_dirs are always used
    picked = resolve_fonts(["cmr10"], font_dirs=[folder / "cmr10.ttf"], chars="abc")
    assert font_families(picked) == ["cmr10"]
