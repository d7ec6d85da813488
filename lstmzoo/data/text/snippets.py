"""The human-rated sentiment corpora and the VADER lexicon of the ``vaderSentiment`` 3.3.2 sdist.

The source distribution of ``vaderSentiment`` 3.3.2 on PyPI (MIT license) carries, inside
``additional_resources/hutto_ICWSM_2014.tar.gz``, four corpora of short texts, each rated from
-4 to +4 by about 20 people (the file holds the mean rating): lines ``id<TAB>rating<TAB>text``,
CRLF line ends, UTF-8 (only the movie file has non-ASCII characters).

=========  ========================================  ======  ============================
name       file                                      texts   ids
=========  ========================================  ======  ============================
movies     ``movieReviewSnippets_GroundTruth.txt``   10,605  ``1`` .. ``10605``
amazon     ``amazonReviewSnippets_GroundTruth.txt``  3,708   ``<review>_<sentence>``
nyt        ``nytEditorialSnippets_GroundTruth.txt``  5,190   ``<editorial>_<sentence>``
tweets     ``tweets_GroundTruth.txt``                4,200   ``1`` .. ``4200`` (HTML-escaped)
=========  ========================================  ======  ============================

It also carries VADER's lexicon, ``vaderSentiment/vader_lexicon.txt`` (see
:mod:`lstmzoo.data.text.lexicon`). :func:`fetch_corpus` and :func:`fetch_vader_lexicon` get a file:

1. a local copy given by the user (the ``.txt`` itself, a folder holding it, the inner
   ``hutto_ICWSM_2014.tar.gz`` or the ``vaderSentiment-3.3.2.tar.gz`` source distribution) --
   fully offline;
2. else the extracted file in the cache folder, from an earlier run;
3. else the source distribution in the cache folder, or downloaded there with
   ``python -m pip download --no-binary :all: --no-deps vaderSentiment==3.3.2``; its SHA-256 is
   checked before the file is extracted.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import tarfile
from pathlib import Path

from lstmzoo.errors import ConfigError, DataError
from lstmzoo.utils import sha256_file

__all__ = [
    "CORPORA",
    "LEXICON_NAME",
    "SDIST_NAME",
    "SDIST_SHA256",
    "SNIPPETS_NAME",
    "check_corpus_names",
    "default_cache_dir",
    "fetch_corpus",
    "fetch_movie_snippets",
    "fetch_vader_lexicon",
    "sha256_file",
]

log = logging.getLogger(__name__)

PACKAGE = "vaderSentiment"
VERSION = "3.3.2"
SDIST_NAME = f"{PACKAGE}-{VERSION}.tar.gz"
#: SHA-256 of vaderSentiment-3.3.2.tar.gz as published on PyPI
SDIST_SHA256 = "5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9"
INNER_ARCHIVE = f"{PACKAGE}-{VERSION}/additional_resources/hutto_ICWSM_2014.tar.gz"
SNIPPETS_MEMBER = "hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt"
SNIPPETS_NAME = "movieReviewSnippets_GroundTruth.txt"
#: SHA-256 of the extracted movieReviewSnippets_GroundTruth.txt
SNIPPETS_SHA256 = "c8293b0d942e90e223ea2c0955d969040d1a1be514a978b9af0698940bd13350"

#: short corpus name -> file name inside ``hutto_ICWSM_2014.tar.gz``
CORPORA: dict[str, str] = {
    "movies": SNIPPETS_NAME,
    "amazon": "amazonReviewSnippets_GroundTruth.txt",
    "nyt": "nytEditorialSnippets_GroundTruth.txt",
    "tweets": "tweets_GroundTruth.txt",
}
#: SHA-256 of each extracted corpus file (a local copy that differs is used, with a warning)
CORPUS_SHA256: dict[str, str] = {
    "movies": SNIPPETS_SHA256,
    "amazon": "11a9807a0974a2506a2d3b4851eaf69b3d6d20688ce4923adda2312a4f6dd6c2",
    "nyt": "7d8fbcce7dde5d716da53e78f4ef4be6b706e9ef1e1d51887e6d0ad4b69cc27e",
    "tweets": "dfbe7102e2f92579ed8b19df9a3822491880697c67adf712fb66e520cc05102f",
}
LEXICON_NAME = "vader_lexicon.txt"
LEXICON_MEMBER = f"{PACKAGE}-{VERSION}/vaderSentiment/{LEXICON_NAME}"
#: SHA-256 of vaderSentiment/vader_lexicon.txt in the 3.3.2 sdist (7,520 lines)
LEXICON_SHA256 = "1ec9c6e9ee19aade328f8beb393a6afa71a5bb3acf7d3cc22d4ef568df374bf5"


def check_corpus_names(names: list[str]) -> list[str]:
    """``names`` as a list, after checking each is one of :data:`CORPORA`.

    Raises:
        ConfigError: an unknown or repeated name (one line listing the valid names).
    """
    names = list(names)
    unknown = [n for n in names if n not in CORPORA]
    if unknown:
        raise ConfigError(
            f"unknown corpus {unknown[0]!r} in data.init_args.corpora; "
            f"valid names: {', '.join(CORPORA)}"
        )
    if not names or len(set(names)) != len(names):
        raise ConfigError(
            f"data.init_args.corpora must name each corpus at most once and at least one, got "
            f"{names}; valid names: {', '.join(CORPORA)}"
        )
    return names


def default_cache_dir() -> Path:
    """``$LSTMZOO_CACHE``, else ``$XDG_CACHE_HOME/lstmzoo``, else ``~/.cache/lstmzoo``."""
    if os.environ.get("LSTMZOO_CACHE"):
        return Path(os.environ["LSTMZOO_CACHE"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "lstmzoo"


def _how_to_provide(cache_dir: Path) -> str:
    return (
        "To work offline, on any machine with network access run\n"
        f"    python -m pip download --no-binary :all: --no-deps {PACKAGE}=={VERSION} -d DIR\n"
        f"and either copy DIR/{SDIST_NAME} (sha256 {SDIST_SHA256}) into {cache_dir}, or set "
        "data.init_args.snippets_file to that tarball, to the hutto_ICWSM_2014.tar.gz inside it, "
        f"or to the extracted {SNIPPETS_NAME}."
    )


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _member_bytes(archive: tarfile.TarFile, name: str, source: Path) -> bytes:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise DataError(f"{source}: the archive holds no {name}") from None
    handle = archive.extractfile(member)
    if handle is None:
        raise DataError(f"{source}: {name} is not a regular file in the archive")
    return handle.read()


def extract_member(archive_path: str | os.PathLike[str], file_name: str) -> bytes:
    """The bytes of ``file_name`` (a corpus of the inner archive, or :data:`LEXICON_NAME`) from
    the source distribution, or (corpora only) from ``hutto_ICWSM_2014.tar.gz`` itself."""
    archive_path = Path(archive_path)
    inner_member = f"hutto_ICWSM_2014/{file_name}"
    try:
        with tarfile.open(archive_path, "r:*") as outer:
            names = set(outer.getnames())
            if file_name == LEXICON_NAME and LEXICON_MEMBER in names:
                return _member_bytes(outer, LEXICON_MEMBER, archive_path)
            if inner_member in names:
                return _member_bytes(outer, inner_member, archive_path)
            if file_name == LEXICON_NAME:
                raise DataError(
                    f"{archive_path}: the archive holds no {LEXICON_MEMBER} (the lexicon is in "
                    f"the {SDIST_NAME} source distribution)"
                )
            inner_bytes = _member_bytes(outer, INNER_ARCHIVE, archive_path)
        with tarfile.open(fileobj=io.BytesIO(inner_bytes), mode="r:*") as inner:
            return _member_bytes(inner, inner_member, archive_path)
    except (tarfile.TarError, EOFError, OSError) as err:
        raise DataError(f"{archive_path}: not a readable tar archive ({err})") from err


def extract_snippets(archive_path: str | os.PathLike[str]) -> bytes:
    """The bytes of the movie snippets from the source distribution or from the inner archive."""
    return extract_member(archive_path, SNIPPETS_NAME)


def _check_sha256(path: Path, expected: str, remove: bool) -> None:
    actual = sha256_file(path)
    if actual != expected:
        if remove:
            path.unlink(missing_ok=True)
        raise DataError(
            f"{path}: SHA-256 mismatch: expected {expected}, got {actual}. The file is corrupt or "
            f"not {SDIST_NAME}"
            + (" (it was deleted; the next run downloads it again)" if remove else "")
        )


def _pip_download(cache_dir: Path) -> Path:
    cache_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
        f"{PACKAGE}=={VERSION}", "-d", os.fspath(cache_dir),
    ]  # fmt: skip
    log.info("downloading %s with: %s", SDIST_NAME, " ".join(cmd))
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as err:
        raise DataError(f"could not run pip ({err}).\n{_how_to_provide(cache_dir)}") from err
    target = cache_dir / SDIST_NAME
    if result.returncode != 0 or not target.is_file():
        said = (result.stderr or result.stdout or "").strip().splitlines()[-3:]
        raise DataError(
            f"could not download {SDIST_NAME} with pip (exit code {result.returncode}"
            + (f": {' | '.join(said)}" if said else "")
            + f").\n{_how_to_provide(cache_dir)}"
        )
    return target


def _fetch(
    file_name: str,
    expected_sha256: str,
    local_file: str | os.PathLike[str] | None,
    cache_dir: str | os.PathLike[str] | None,
    download: bool,
) -> Path:
    cache = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    extracted = cache / "vader" / file_name
    if local_file is not None:
        local = Path(local_file).expanduser()
        if local.is_dir():
            local = local / file_name
            if not local.is_file():
                raise DataError(f"{local}: no such file (the folder given lacks {file_name})")
        if not local.is_file():
            raise DataError(f"{local}: no such file")
        if not local.name.endswith((".tar.gz", ".tgz", ".tar")):
            if local.name == file_name and sha256_file(local) != expected_sha256:
                log.warning(
                    "%s differs from the published %s: splits and scores will not be comparable",
                    local,
                    file_name,
                )
            return local
        if local.name == SDIST_NAME:
            _check_sha256(local, SDIST_SHA256, remove=False)
        _write_atomic(extracted, extract_member(local, file_name))
        log.info("extracted %s from %s into %s", file_name, local, extracted.parent)
        return extracted
    if extracted.is_file():
        return extracted
    sdist = cache / SDIST_NAME
    if not sdist.is_file():
        if not download:
            raise DataError(f"{file_name} is not in {cache}.\n{_how_to_provide(cache)}")
        sdist = _pip_download(cache)
    _check_sha256(sdist, SDIST_SHA256, remove=True)
    data = extract_member(sdist, file_name)
    _write_atomic(extracted, data)
    log.info("extracted %s (%d bytes) into %s", file_name, len(data), extracted.parent)
    return extracted


def fetch_corpus(
    name: str,
    local_file: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
) -> Path:
    """Path of the rated corpus ``name`` (a key of :data:`CORPORA`), obtaining it if needed.

    Args:
        name: ``"movies"``, ``"amazon"``, ``"nyt"`` or ``"tweets"``.
        local_file: a local copy: the corpus ``.txt``, a folder holding the extracted
            ``*_GroundTruth.txt`` files, ``hutto_ICWSM_2014.tar.gz`` or the sdist tarball.
            Archives are extracted into ``cache_dir``; a given ``.txt`` is used in place.
        cache_dir: where downloads and extracted files live (default :func:`default_cache_dir`).
        download: allow running pip when nothing local is found.

    Raises:
        ConfigError: an unknown corpus name.
        DataError: the local file is missing or not what it should be, the SHA-256 of the source
            distribution does not match, or the download failed (the message says how to
            provide the file by hand).
    """
    check_corpus_names([name])
    return _fetch(CORPORA[name], CORPUS_SHA256[name], local_file, cache_dir, download)


def fetch_movie_snippets(
    local_file: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
) -> Path:
    """Path of ``movieReviewSnippets_GroundTruth.txt``: ``fetch_corpus("movies", ...)``."""
    return fetch_corpus("movies", local_file, cache_dir, download)


def fetch_vader_lexicon(
    local_file: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
) -> Path:
    """Path of VADER's ``vader_lexicon.txt`` (from the sdist, as :func:`fetch_corpus` does).

    ``local_file`` may be the lexicon itself, a folder holding ``vader_lexicon.txt`` or the
    ``vaderSentiment-3.3.2.tar.gz`` source distribution.
    """
    return _fetch(LEXICON_NAME, LEXICON_SHA256, local_file, cache_dir, download)
