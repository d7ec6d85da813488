"""Where a sweep's study lives: an Optuna RDB storage (SQLite, PostgreSQL, MySQL) with heartbeats.

The runner, each trial process (for pruning) and ``lstmzoo sweep show`` open the storage here.
Optuna is imported inside the functions, so importing :mod:`lstmzoo.sweep` stays cheap.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

from lstmzoo.errors import ConfigError

__all__ = ["make_storage", "open_storage", "quiet_optuna", "redact"]


def redact(url: str) -> str:
    """``postgresql://user:secret@host/db`` -> ``postgresql://user:***@host/db``."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        if ":" in creds:
            creds = creds.split(":", 1)[0] + ":***"
        return f"{scheme}://{creds}@{host}"
    return url


def make_storage(
    url: str, *, heartbeat: bool = True, interval: int = 10, grace: int | None = None
) -> Any:
    """An Optuna ``RDBStorage`` for ``url`` (SQLite, PostgreSQL, MySQL).

    With ``heartbeat``, trials are expected to beat every ``interval`` seconds and a trial
    silent for ``grace`` seconds (default ``3 * interval``) counts as dead.

    Raises:
        ConfigError: the storage cannot be opened (bad URL, server down, driver missing).
    """
    import optuna

    quiet_optuna()
    engine_kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        # several trial processes write to the same file: wait for the lock rather than fail
        engine_kwargs["connect_args"] = {"timeout": 120}
    else:
        engine_kwargs["pool_pre_ping"] = True
    kwargs: dict[str, Any] = {}
    if heartbeat:
        kwargs = {"heartbeat_interval": interval, "grace_period": grace or 3 * interval}
    for attempt in range(5):
        try:
            return optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs, **kwargs)
        except Exception as err:  # sqlalchemy's errors, a missing driver, a bad URL
            # two processes creating the tables of a new storage at once: the later one retries
            if _creation_race(err) and attempt < 4:
                time.sleep(0.5 * (attempt + 1))
                continue
            raise _storage_error(url, err) from None
    raise AssertionError("unreachable")


def open_storage(url: str) -> Any:
    """A storage for reading (no heartbeat)."""
    return make_storage(url, heartbeat=False)


def quiet_optuna() -> None:
    """Optuna calls heartbeats experimental and expects them under ``Study.optimize``; the runner
    uses them with ask / tell on purpose (it beats for each trial itself), so these warnings
    say nothing to a user."""
    import optuna

    warnings.filterwarnings(
        "ignore",
        category=optuna.exceptions.ExperimentalWarning,
        message=r".*(heartbeat|fail_stale_trials).*",
    )
    warnings.filterwarnings(
        "ignore", message="Heartbeat of storage is supposed to be used with Study.optimize"
    )


def _creation_race(err: Exception) -> bool:
    """True for the errors of a process that lost the race to create a new storage's tables:
    a duplicate row in ``version_info`` (IntegrityError) or a ``CREATE TABLE`` of a table that
    another process created since this one looked (SQLite's OperationalError, PostgreSQL's
    DuplicateTable, both saying "already exists")."""
    return type(err).__name__ == "IntegrityError" or "already exists" in str(err)


def _storage_error(url: str, err: Exception) -> ConfigError:
    text = str(err).strip().splitlines()
    detail = text[0] if text else type(err).__name__
    return ConfigError(f"cannot open the storage {redact(url)}: {type(err).__name__}: {detail}")
