"""The default sentiment data: 10,605 movie-review snippets with human ratings.

The snippets (rotten-tomatoes sentences rated from -4 to +4 by human raters, averaged) ship in
the source distribution of ``vaderSentiment`` 3.3.2 on PyPI (MIT license), inside
``additional_resources/hutto_ICWSM_2014.tar.gz`` as ``movieReviewSnippets_GroundTruth.txt``
(lines ``id<TAB>rating<TAB>text``). :func:`fetch_movie_snippets` gets that file:

1. a local copy given by the user (the ``.txt`` itself, the inner ``hutto_ICWSM_2014.tar.gz`` or
   the ``vaderSentiment-3.3.2.tar.gz`` source distribution) -- fully offline;
2. else the extracted file in the cache folder, from an earlier run;
3. else the source distribution in the cache folder, or downloaded there with
   ``python -m pip download --no-binary :all: --no-deps vaderSentiment==3.3.2``; its SHA-256 is
   checked before the file is extracted.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import subprocess
import sys
import tarfile
from pathlib import Path

from lstmzoo.errors import DataError

__all__ = [
    "SDIST_NAME",
    "SDIST_SHA256",
    "SNIPPETS_NAME",
    "default_cache_dir",
    "fetch_movie_snippets",
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


def default_cache_dir() -> Path:
    """``$LSTMZOO_CACHE``, else ``$XDG_CACHE_HOME/lstmzoo``, else ``~/.cache/lstmzoo``."""
    if os.environ.get("LSTMZOO_CACHE"):
        return Path(os.environ["LSTMZOO_CACHE"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "lstmzoo"


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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


def extract_snippets(archive_path: str | os.PathLike[str]) -> bytes:
    """The bytes of the snippets file from the source distribution or from the inner archive."""
    archive_path = Path(archive_path)
    try:
        with tarfile.open(archive_path, "r:*") as outer:
            names = set(outer.getnames())
            if SNIPPETS_MEMBER in names:
                return _member_bytes(outer, SNIPPETS_MEMBER, archive_path)
            inner_bytes = _member_bytes(outer, INNER_ARCHIVE, archive_path)
        with tarfile.open(fileobj=io.BytesIO(inner_bytes), mode="r:*") as inner:
            return _member_bytes(inner, SNIPPETS_MEMBER, archive_path)
    except (tarfile.TarError, EOFError, OSError) as err:
        raise DataError(f"{archive_path}: not a readable tar archive ({err})") from err


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


def fetch_movie_snippets(
    local_file: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
) -> Path:
    """Path of ``movieReviewSnippets_GroundTruth.txt``, obtaining it if needed (see module doc).

    Args:
        local_file: a local copy: the ``.txt``, ``hutto_ICWSM_2014.tar.gz`` or the sdist tarball.
            Archives are extracted into ``cache_dir``; a given ``.txt`` is used in place.
        cache_dir: where downloads and extracted files live (default :func:`default_cache_dir`).
        download: allow running pip when nothing local is found.

    Raises:
        DataError: the local file is missing or not what it should be, the SHA-256 of the source
            distribution does not match, or the download failed (the message says how to
            provide the file by hand).
    """
    cache = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    extracted = cache / "vader" / SNIPPETS_NAME
    if local_file is not None:
        local = Path(local_file).expanduser()
        if not local.is_file():
            raise DataError(f"{local}: no such file (data.init_args.snippets_file)")
        if not local.name.endswith((".tar.gz", ".tgz", ".tar")):
            if local.name == SNIPPETS_NAME and sha256_file(local) != SNIPPETS_SHA256:
                log.warning(
                    "%s differs from the published %s: splits and scores will not be comparable",
                    local,
                    SNIPPETS_NAME,
                )
            return local
        if local.name == SDIST_NAME:
            _check_sha256(local, SDIST_SHA256, remove=False)
        _write_atomic(extracted, extract_snippets(local))
        log.info("extracted %s from %s into %s", SNIPPETS_NAME, local, extracted.parent)
        return extracted
    if extracted.is_file():
        return extracted
    sdist = cache / SDIST_NAME
    if not sdist.is_file():
        if not download:
            raise DataError(f"{SNIPPETS_NAME} is not in {cache}.\n{_how_to_provide(cache)}")
        sdist = _pip_download(cache)
    _check_sha256(sdist, SDIST_SHA256, remove=True)
    data = extract_snippets(sdist)
    _write_atomic(extracted, data)
    log.info("extracted %s (%d bytes) into %s", SNIPPETS_NAME, len(data), extracted.parent)
    return extracted
