"""The study's storage: opened by several processes at once, its URL's password never shown."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lstmzoo.errors import ConfigError
from lstmzoo.sweep.storage import make_storage, open_storage, redact

from .conftest import one_line_error, write_sweep


def _open_at_once(url: str, barrier) -> str:
    barrier.wait()
    try:
        open_storage(url)
    except ConfigError as err:
        return str(err)
    return "ok"


@pytest.mark.skipif(sys.platform == "win32", reason="fork start method")
def test_processes_that_create_a_new_storage_at_once_all_open_it(tmp_path: Path) -> None:
    """Several runners (or a runner and a reader) starting on a storage that does not exist yet
    race to create its tables; the losers retry instead of failing with "already exists"."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    for k in range(3):
        url = f"sqlite:///{tmp_path / f'study{k}.db'}"
        with ctx.Manager() as manager:
            barrier = manager.Barrier(4)
            with ctx.Pool(4) as pool:
                results = pool.starmap(_open_at_once, [(url, barrier)] * 4)
        assert results == ["ok"] * 4


def test_unreachable_storage(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("psycopg")
    path = write_sweep(tmp_path)
    url = "postgresql://someone:secret@127.0.0.1:1/study"
    err = one_line_error(capsys, ["sweep", "run", str(path), "--storage", url, "--check"])
    assert "cannot open the storage postgresql://someone:***@127.0.0.1:1/study" in err
    assert "secret" not in err


def test_redact_hides_only_the_password() -> None:
    assert redact("postgresql://user:pw@host:5432/db") == "postgresql://user:***@host:5432/db"
    assert redact("postgresql://user@host/db") == "postgresql://user@host/db"
    assert redact("sqlite:///runs/sweeps/s/study.db") == "sqlite:///runs/sweeps/s/study.db"


def test_a_bad_url_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^cannot open the storage nosuchdb://"):
        make_storage("nosuchdb://x", heartbeat=False)


def test_heartbeats_are_configured_on_the_storage(tmp_path: Path) -> None:
    storage = make_storage(f"sqlite:///{tmp_path / 'h.db'}", interval=2)
    assert storage.get_heartbeat_interval() == 2
    assert open_storage(f"sqlite:///{tmp_path / 'h.db'}").get_heartbeat_interval() is None
