"""The fonts of the OCR renderer: a pinned set installed with the package, or the machine's own.

By default (``source="packaged"``) the renderer draws with exactly the font families of
:data:`PACKAGED_FONTS`, pinned font distributions that ``pip install 'lstmzoo[ocr]'`` installs
from PyPI; they are found through the installed distributions' file lists
(:mod:`importlib.metadata`), never through system folders, so two machines with the same
packages render the same images. The machine's own fonts are an opt-in: ``source="system"``
(the usual system folders such as ``/usr/share/fonts`` and ``~/.fonts``, plus the fonts that ship
inside matplotlib), ``source="all"`` (both), a family named exactly (no wildcard) that the
packaged set does not have, or a font file or folder passed in ``font_dirs``.

A font is *usable* for an alphabet when it draws every character of it with a glyph of its own
(not the empty box of a missing glyph); a face that cannot is left out with a logged reason.
Symbol, math and script families are left out unless asked for by name.

Family names are those the font files declare (``"DejaVu Sans"``, ``"Liberation Serif"``);
patterns are shell-style and case-insensitive (``"dejavu*"``, ``"*serif*"``). A pattern that
ends in ``.ttf`` / ``.otf`` / ``.ttc`` or contains a path separator selects a font file.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib.metadata
import importlib.util
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lstmzoo.errors import ConfigError

__all__ = [
    "DEFAULT_EXCLUDE",
    "PACKAGED_FONTS",
    "FontFile",
    "FontPackage",
    "FontSource",
    "discover_fonts",
    "font_families",
    "load_font",
    "missing_glyphs",
    "packaged_fonts",
    "packaged_install_command",
    "resolve_fonts",
    "system_font_dirs",
]

log = logging.getLogger(__name__)

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
#: Families left out unless a pattern names them: symbols, math, dingbats, scripts, fallbacks.
DEFAULT_EXCLUDE = (
    "*math*",
    "*symbol*",
    "stixsize*",
    "stixnonunicode",
    "cmex10",
    "cmsy10",
    "cmmi10",
    "last resort*",
    "d050000l",
    "z003",
    "*dingbat*",
    "*emoji*",
)
#: Family name given to Pillow's built-in font, the last resort when no font file is found.
PILLOW_DEFAULT = "Pillow default"

#: Where the renderer's fonts come from: the pinned packages, the machine's folders, or both.
FontSource = Literal["packaged", "system", "all"]


@dataclass(frozen=True)
class FontPackage:
    """A pinned font distribution from PyPI and the families the renderer takes from it.

    Attributes:
        distribution: the name on PyPI.
        version: the pinned version (``pyproject.toml``'s ``ocr`` extra pins the same).
        families: family names the font files declare; other faces in the package are ignored.
        kind: ``"serif"``, ``"sans"``, ``"slab"`` or ``"monospace"``.
        license: the license of the font files, as stated in the package's license file.
    """

    distribution: str
    version: str
    families: tuple[str, ...]
    kind: str
    license: str

    @property
    def requirement(self) -> str:
        return f"{self.distribution}=={self.version}"


_GUST = "GUST Font License"
_VERA = "Bitstream Vera / Arev license (DejaVu changes public domain)"
_OFL = "SIL Open Font License 1.1"
#: The default font set of the renderer: 17 families, regular / bold / italic each (and more
#: weights where the package has them). Keep in step with the ``ocr`` extra of pyproject.toml.
PACKAGED_FONTS: tuple[FontPackage, ...] = (
    FontPackage("rinoh-typeface-texgyretermes", "0.1.1", ("TeX Gyre Termes",), "serif", _GUST),
    FontPackage("rinoh-typeface-texgyrepagella", "0.1.1", ("TeX Gyre Pagella",), "serif", _GUST),
    FontPackage("rinoh-typeface-texgyrebonum", "0.1.1", ("TeX Gyre Bonum",), "serif", _GUST),
    FontPackage("rinoh-typeface-texgyreschola", "0.1.1", ("TeX Gyre Schola",), "serif", _GUST),
    FontPackage("rinoh-typeface-dejavuserif", "0.1.3", ("DejaVu Serif",), "serif", _VERA),
    FontPackage("font-source-serif-pro", "0.0.1", ("Source Serif Pro",), "serif", _OFL),
    FontPackage("font-caladea", "0.0.2", ("Caladea",), "serif", "Apache License 2.0"),
    FontPackage(
        "rinoh-typeface-texgyreheros",
        "0.1.1",
        ("TeX Gyre Heros", "TeX Gyre Heros Cn"),
        "sans",
        _GUST,
    ),
    FontPackage("rinoh-typeface-texgyreadventor", "0.1.1", ("TeX Gyre Adventor",), "sans", _GUST),
    FontPackage("rinoh-typeface-dejavusans", "0.1.0", ("DejaVu Sans",), "sans", _VERA),
    FontPackage("rinoh-typeface-carlito", "0.1.0", ("Carlito",), "sans", _OFL),
    FontPackage(
        "rinoh-typeface-liberationsansnarrow",
        "0.1.0",
        ("Liberation Sans Narrow",),
        "sans",
        "GPL-2.0 with font exception (Liberation 1.x license)",
    ),
    FontPackage("font-source-sans-pro", "0.0.1", ("Source Sans Pro",), "sans", _OFL),
    FontPackage("font-lato", "0.1.0", ("Lato",), "sans", _OFL),
    FontPackage("rinoh-typeface-texgyrecursor", "0.1.1", ("TeX Gyre Cursor",), "slab", _GUST),
    FontPackage(
        "rinoh-typeface-dejavusansmono", "0.1.0", ("DejaVu Sans Mono",), "monospace", _VERA
    ),
)
#: Styles of packaged faces left out: strokes too thin to survive resizing to 32 pixels.
PACKAGED_EXCLUDE_STYLES = ("hairline*",)


@dataclass(frozen=True, order=True)
class FontFile:
    """One font face: its family and style names and the file (``""`` for Pillow's own font)."""

    family: str
    style: str
    path: str

    def __str__(self) -> str:
        return f"{self.family} {self.style} ({self.path or 'built in'})"


def system_font_dirs() -> list[Path]:
    """Existing font folders of this machine, plus matplotlib's bundled fonts when installed."""
    home = Path.home()
    candidates = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".fonts",
        home / ".local" / "share" / "fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        home / "Library" / "Fonts",
    ]
    if sys.platform == "win32":
        candidates.append(Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts")
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            candidates.append(Path(loc) / "mpl-data" / "fonts" / "ttf")
    return [d for d in candidates if d.is_dir()]


def load_font(font: FontFile, size: int):  # -> PIL.ImageFont.FreeTypeFont | ImageFont
    """A Pillow font object for ``font`` at ``size`` pixels (cached per process)."""
    return _load_font(font.path, int(size))


@functools.lru_cache(maxsize=2048)
def _load_font(path: str, size: int):
    from PIL import ImageFont

    if not path:
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size)


def _read_names(path: Path) -> tuple[str, str] | None:
    from PIL import ImageFont

    try:
        family, style = ImageFont.truetype(str(path), 16).getname()
    except (OSError, ValueError):
        return None
    return (family or path.stem), (style or "Regular")


@functools.lru_cache(maxsize=32)
def _discover(dirs: tuple[str, ...]) -> tuple[FontFile, ...]:
    seen: dict[tuple[str, str], FontFile] = {}
    for folder in dirs:
        root = Path(folder)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if path.suffix.lower() not in FONT_SUFFIXES:
                continue
            names = _read_names(path)
            if names is None:
                log.debug("skipping unreadable font file %s", path)
                continue
            seen.setdefault(names, FontFile(names[0], names[1], str(path)))
    return tuple(sorted(seen.values()))


def discover_fonts(
    font_dirs: Iterable[str | os.PathLike[str]] = (), system: bool = True
) -> list[FontFile]:
    """Every readable font face in ``font_dirs`` (folders or files) and, with ``system``, in
    :func:`system_font_dirs`. Duplicates (same family and style) keep the first file found."""
    dirs = [str(Path(d).expanduser()) for d in font_dirs]
    if system:
        dirs += [str(d) for d in system_font_dirs()]
    return list(_discover(tuple(dirs)))


def packaged_install_command(packages: Iterable[FontPackage] = PACKAGED_FONTS) -> str:
    """The pip command that installs ``packages`` at their pinned versions."""
    return "pip install " + " ".join(p.requirement for p in packages)


def _package_faces(package: FontPackage) -> tuple[list[FontFile], str | None]:
    """The faces of one installed font distribution, or ``([], why not)``."""
    try:
        dist = importlib.metadata.distribution(package.distribution)
    except importlib.metadata.PackageNotFoundError:
        return [], "not installed"
    files = dist.files
    if files is None:
        return [], "installed without a file list (RECORD); reinstall it with pip"
    if dist.version != package.version:
        log.warning(
            "font package %s is version %s, the renderer is pinned to %s: rendered images may "
            "differ from other machines (%s)",
            package.distribution,
            dist.version,
            package.version,
            packaged_install_command([package]),
        )
    wanted = {f.lower() for f in package.families}
    faces = []
    for file in files:
        if not str(file).lower().endswith(FONT_SUFFIXES):
            continue
        path = Path(str(file.locate()))
        names = _read_names(path)
        if names is None:
            log.warning("font package %s: cannot read %s", package.distribution, path)
            continue
        family, style = names
        if family.lower() not in wanted:
            continue
        if any(fnmatch.fnmatchcase(style.lower(), p) for p in PACKAGED_EXCLUDE_STYLES):
            continue
        faces.append(FontFile(family, style, str(path)))
    found = {f.family.lower() for f in faces}
    if wanted - found:
        return faces, f"has no face of {', '.join(sorted(wanted - found))}"
    return faces, None


@functools.lru_cache(maxsize=1)
def _packaged() -> tuple[tuple[FontFile, ...], tuple[tuple[FontPackage, str], ...]]:
    seen: dict[tuple[str, str], FontFile] = {}
    problems = []
    for package in PACKAGED_FONTS:
        faces, problem = _package_faces(package)
        for face in sorted(faces):  # .otf and .ttf copies of a face: keep one
            seen.setdefault((face.family, face.style), face)
        if problem is not None:
            problems.append((package, problem))
    return tuple(sorted(seen.values())), tuple(problems)


def packaged_fonts(strict: bool = False) -> list[FontFile]:
    """The faces of the pinned font set (:data:`PACKAGED_FONTS`) that are installed.

    Found through the installed distributions' file lists, not through any font folder. A
    missing or incomplete package is logged as a warning naming the pip command that installs
    it; with ``strict`` (or when none is installed at all) it is a :class:`ConfigError`.
    """
    faces, problems = _packaged()
    if problems:
        detail = "; ".join(f"{p.distribution} {why}" for p, why in problems)
        fix = packaged_install_command(p for p, _ in problems)
        if strict or not faces:
            raise ConfigError(
                f"the OCR renderer's font packages are missing ({detail}): install them with "
                f"`pip install 'lstmzoo[ocr]'` or `{fix}`, or render with the machine's fonts "
                "(font_source: system)"
            )
        log.warning(
            "%d of %d font packages missing (%s); rendering without their families. Fix: %s",
            len(problems),
            len(PACKAGED_FONTS),
            detail,
            fix,
        )
    return list(faces)


def font_families(fonts: Iterable[FontFile]) -> list[str]:
    """Sorted unique family names."""
    return sorted({f.family for f in fonts})


def _is_path_pattern(pattern: str) -> bool:
    return pattern.lower().endswith(FONT_SUFFIXES) or "/" in pattern or os.sep in pattern


def _matches(font: FontFile, pattern: str) -> bool:
    if _is_path_pattern(pattern):
        return Path(font.path).name == Path(pattern).name if font.path else False
    return fnmatch.fnmatchcase(font.family.lower(), pattern.lower())


def _matches_any(font: FontFile, patterns: Iterable[str]) -> bool:
    return any(_matches(font, p) for p in patterns)


def missing_glyphs(font: FontFile, chars: str) -> str:
    """The characters of ``chars`` (spaces aside) that ``font`` cannot draw with a glyph of its
    own: no glyph, an empty one, or the box of a missing glyph. ``""`` when it draws them all."""
    return _missing_glyphs(font.path, chars)


@functools.lru_cache(maxsize=4096)
def _missing_glyphs(path: str, chars: str) -> str:
    from PIL import Image, ImageDraw

    font = _load_font(path, 24)

    def bitmap(text: str) -> bytes | None:
        box = font.getbbox(text)
        width, height = box[2] - box[0], box[3] - box[1]
        if width <= 0 or height <= 0:
            return None
        img = Image.new("L", (width, height), 0)
        ImageDraw.Draw(img).text((-box[0], -box[1]), text, font=font, fill=255)
        if img.getbbox() is None:
            return None
        return img.tobytes() + bytes(str(img.size), "ascii")

    notdef = {bitmap("\U000f0000"), bitmap("\ufffe")}  # private use / non-characters
    missing = []
    for char in dict.fromkeys(chars):
        if char.isspace():
            continue
        glyph = bitmap(char)
        if glyph is None or glyph in notdef:
            missing.append(char)
    return "".join(missing)


def _is_exact_name(pattern: str) -> bool:
    return not _is_path_pattern(pattern) and not any(c in pattern for c in "*?[")


def _candidates(
    source: FontSource, include: Sequence[str] | None, font_dirs: Sequence[str | os.PathLike[str]]
) -> list[FontFile]:
    """The fonts a selection is made from (see the module docstring)."""
    if source not in ("packaged", "system", "all"):
        raise ConfigError(f"font source must be 'packaged', 'system' or 'all', got {source!r}")
    fonts: list[FontFile] = []
    if source in ("packaged", "all"):
        fonts += packaged_fonts()
    if font_dirs:
        fonts += discover_fonts(font_dirs, system=False)
    if source in ("system", "all"):
        fonts += discover_fonts(system=True)
    elif include is not None:
        # a family named exactly (or a font file) that the packaged set lacks: the machine's
        unmatched = [
            p
            for p in include
            if (_is_exact_name(p) or _is_path_pattern(p)) and not any(_matches(f, p) for f in fonts)
        ]
        if unmatched:
            extra = [f for f in discover_fonts(system=True) if _matches_any(f, unmatched)]
            if extra:
                log.info(
                    "%s: not in the packaged font set, taken from this machine's fonts",
                    ", ".join(font_families(extra)),
                )
            fonts += extra
    unique: dict[tuple[str, str], FontFile] = {}
    for font in fonts:
        unique.setdefault((font.family, font.style), font)
    return list(unique.values())


def resolve_fonts(
    include: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    chars: str = "",
    font_dirs: Sequence[str | os.PathLike[str]] = (),
    what: str = "fonts",
    source: FontSource = "packaged",
) -> list[FontFile]:
    """The usable fonts whose family matches ``include`` (``None``: all) and no ``exclude`` pattern.

    ``source`` says where fonts come from: ``"packaged"`` (the pinned set, the default),
    ``"system"`` (this machine's font folders) or ``"all"``; font files and folders in
    ``font_dirs`` are always added, and with ``"packaged"`` a family named exactly in
    ``include`` that the pinned set lacks is looked for on the machine. Families in
    :data:`DEFAULT_EXCLUDE` are only used when an ``include`` pattern names them explicitly (no
    wildcard needed to match). Fonts that cannot draw every character of ``chars`` are left out
    with a logged warning naming the characters. With ``"system"`` and no font file at all,
    Pillow's built-in font is used (with a warning).

    Raises:
        ConfigError: no usable font matches (the message lists the families available), or the
            packaged fonts are not installed (the message gives the pip command).
    """
    fonts = _candidates(source, include, font_dirs)
    if not fonts and include is None and source == "system":
        log.warning(
            "no font files found (looked in %s); rendering with Pillow's built-in font only. "
            "Use the packaged fonts (pip install 'lstmzoo[ocr]', font_source: packaged) or pass "
            "font_dirs for variety.",
            ", ".join(str(d) for d in system_font_dirs()) or "the system font folders",
        )
        return [FontFile(PILLOW_DEFAULT, "Regular", "")]
    chosen = []
    for font in sorted(fonts):
        if include is not None and not _matches_any(font, include):
            continue
        if _matches_any(font, exclude):
            continue
        named = include is not None and any(
            font.family.lower() == p.lower() or _is_path_pattern(p) for p in include
        )
        if not named and _matches_any(font, DEFAULT_EXCLUDE):
            continue
        if chars:
            missing = _missing_glyphs(font.path, chars)
            if missing:
                _log_left_out(font, missing, what)
                continue
        chosen.append(font)
    if not chosen:
        usable = [f for f in fonts if not _matches_any(f, DEFAULT_EXCLUDE)]
        raise ConfigError(
            f"no usable font for the {what} "
            f"(include={list(include) if include is not None else 'all'}, "
            f"exclude={list(exclude)}, font source {source!r}); font families available: "
            f"{', '.join(font_families(usable)) or 'none'}. Name another family, install fonts "
            "or pass font_dirs (font_source: system uses this machine's fonts)."
        )
    return chosen


def _log_left_out(font: FontFile, missing: str, what: str) -> None:
    """Warn that a font is left out of a selection, and why."""
    shown = "".join(missing[:20]) + ("..." if len(missing) > 20 else "")
    log.warning(
        "font %s left out of the %s: it has no glyph of its own for %d character(s): %r",
        font,
        what,
        len(missing),
        shown,
    )
