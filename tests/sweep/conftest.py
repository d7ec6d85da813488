"""Fixtures of the sweep tests: a tiny sweep file, a throwaway PostgreSQL server, and helpers that
run the CLI or read a study back."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]

# a budget of a few optimiser steps on tiny data: the tests check the machinery, not learning
TINY_OVERRIDES = {
    "trainer.max_steps": 4,
    "trainer.max_time": None,
    "trainer.log_every_n_steps": 1,
    "trainer.limit_val_batches": 1,
    "data.init_args.num_train": 64,
    "data.init_args.num_val": 16,
    "data.init_args.num_test": 16,
    "data.init_args.seq_len": 10,
    "data.init_args.batch_size": 16,
    "model.init_args.hidden_size": 4,
}


def write_sweep(folder: Path, **entries: object) -> Path:
    """A sweep file on the adding problem with the tiny budget; ``entries`` replace defaults."""
    data: dict = {
        "base": [str(REPO / "configs/lstm_adding.yaml"), str(REPO / "configs/trainer/cpu.yaml")],
        "space": {"model.init_args.cell": ["rnn", "lstm"]},
        "seeds": 1,
        "metric": "val/mse",
        "mode": "min",
        "overrides": dict(TINY_OVERRIDES),
    }
    data.update(entries)
    path = folder / "sweep.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def one_line_error(capsys: pytest.CaptureFixture, argv: list[str]) -> str:
    """Run ``lstmzoo ARGV``, expecting a user error: exit 2 and one line ``error: ...``."""
    from lstmzoo.cli import main

    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error:")
    return err


def study_trials(root: Path, name: str = "sweep", storage: str | None = None) -> list:
    """The trials of the study ``name`` (default: the SQLite file of ``root/name``)."""
    import optuna

    from lstmzoo.sweep.storage import open_storage

    url = storage or f"sqlite:///{root / name / 'study.db'}"
    study = optuna.load_study(study_name=name, storage=open_storage(url))
    return study.get_trials(deepcopy=False)


def _postgres_bin() -> Path | None:
    candidates = [shutil.which("pg_ctl")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            folder = Path(candidate).parent
            if (folder / "initdb").is_file():
                return folder
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """Start a PostgreSQL server in a temporary folder; yields its URL, stops it afterwards.

    The server refuses to run as root (CI runs as root): there it runs as ``nobody``.
    """
    pytest.importorskip("psycopg", reason="psycopg (the sweep extra) is not installed")
    binaries = _postgres_bin()
    if binaries is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found; apt-get install postgresql")
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="lstmzoo-pg-"))
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("running as root without runuser: postgres refuses to run as root")
        as_user = [runuser, "-u", "nobody", "--"]
        os.chmod(base, 0o777)
        shutil.chown(base, "nobody")
    data = base / "data"
    port = _free_port()

    def run(*cmd: str) -> None:
        subprocess.run([*as_user, *cmd], check=True, capture_output=True, timeout=120)

    run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(
        str(binaries / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(base / "log"),
        "-w",
        "start",
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        time.sleep(0.2)
        shutil.rmtree(base, ignore_errors=True)


def bad_case_ids(cases: list[tuple[dict, str]]) -> list[str]:
    """Test ids for ``(sweep file entries, expected message)`` cases: the message's key."""
    return [message.split(":")[0] + str(i) for i, (_, message) in enumerate(cases)]


def assert_refused_before_any_trial(
    tmp_path: Path, capsys: pytest.CaptureFixture, entries: dict, message: str
) -> None:
    """``sweep run`` of a sweep file with ``entries`` stops with a one-line error holding
    ``message``, before any trial folder exists."""
    path = write_sweep(tmp_path, **entries)
    err = one_line_error(capsys, ["sweep", "run", str(path), "--root", str(tmp_path / "runs")])
    assert message in err
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").rglob("trial_*"))
