"""Finding the fonts of the machine and choosing them by family name.

Fonts are looked for in the usual system folders (``/usr/share/fonts``, ``~/.fonts``, ...), in
folders the user names, and in the fonts that ship inside matplotlib when it is installed
(DejaVu, STIX, Computer Modern). A font is *usable* for an alphabet when it draws every
character of it with a glyph of its own (not the empty box of a missing glyph). Symbol, math and
script families are left out unless asked for by name.

Family names are those the font files declare (``"DejaVu Sans"``, ``"Liberation Serif"``);
patterns are shell-style and case-insensitive (``"dejavu*"``, ``"*serif*"``). A pattern that
ends in ``.ttf`` / ``.otf`` / ``.ttc`` or contains a path separator selects a font file.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib.util
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lstmzoo.errors import ConfigError

__all__ = [
    "DEFAULT_EXCLUDE",
    "FontFile",
    "discover_fonts",
    "font_families",
    "load_font",
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


@functools.lru_cache(maxsize=4096)
def _draws_all(path: str, chars: str) -> bool:
    """Whether the font draws every char of ``chars`` with its own, non-empty glyph."""
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

    missing = {bitmap("\U000f0000"), bitmap("\ufffe")}  # private use / non-characters
    for char in chars:
        if char.isspace():
            continue
        glyph = bitmap(char)
        if glyph is None or glyph in missing:
            return False
    return True


def resolve_fonts(
    include: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    chars: str = "",
    font_dirs: Iterable[str | os.PathLike[str]] = (),
    what: str = "fonts",
) -> list[FontFile]:
    """The usable fonts whose family matches ``include`` (``None``: all) and no ``exclude`` pattern.

    Families in :data:`DEFAULT_EXCLUDE` are only used when an ``include`` pattern names them
    explicitly (no wildcard needed to match). Fonts that cannot draw every character of
    ``chars`` are dropped. When no font file exists at all and ``include`` is ``None``, Pillow's
    built-in font is used (with a warning).

    Raises:
        ConfigError: no usable font matches; the message lists the families available.
    """
    fonts = discover_fonts(font_dirs)
    if not fonts and include is None:
        log.warning(
            "no font files found (looked in %s); rendering with Pillow's built-in font only. "
            "Install fonts (e.g. the fonts-dejavu-core package) or pass font_dirs for variety.",
            ", ".join(str(d) for d in system_font_dirs()) or "the system font folders",
        )
        return [FontFile(PILLOW_DEFAULT, "Regular", "")]
    chosen = []
    for font in fonts:
        if include is not None and not _matches_any(font, include):
            continue
        if _matches_any(font, exclude):
            continue
        named = include is not None and any(
            font.family.lower() == p.lower() or _is_path_pattern(p) for p in include
        )
        if not named and _matches_any(font, DEFAULT_EXCLUDE):
            continue
        if chars and not _draws_all(font.path, chars):
            continue
        chosen.append(font)
    if not chosen:
        usable = [f for f in fonts if not _matches_any(f, DEFAULT_EXCLUDE)]
        raise ConfigError(
            f"no usable font for the {what} "
            f"(include={list(include) if include is not None else 'all'}, "
            f"exclude={list(exclude)}); font families on this machine: "
            f"{', '.join(font_families(usable)) or 'none'}. Install fonts or pass font_dirs."
        )
    return chosen
