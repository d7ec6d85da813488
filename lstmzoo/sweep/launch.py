"""How the runner starts a trial process: forked from a warm fork server, or a fresh interpreter.

A fresh ``python -m lstmzoo.sweep.trial`` spends seconds importing torch, Lightning and Optuna
before it parses its config, and on a small machine that is a large share of a short trial. So,
where the platform can fork, the runner keeps one fork server (:mod:`multiprocessing`'s
``forkserver``) that imports those modules once; every trial is a child forked from it. A trial
is still its own process, in its own session, with its own log file, environment, thread count
and exit status, so stopping, killing and re-running a trial work the same way either way.

The fork server never runs torch code itself (it only imports), so no OpenMP or CUDA state is
forked. Platforms without ``fork`` (Windows) start a fresh interpreter per trial, as does
``launcher="process"``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol

__all__ = [
    "Launcher",
    "TrialProcess",
    "default_launcher",
    "exit_signal",
    "make_launcher",
    "terminate",
]

LauncherName = Literal["fork", "process"]

#: What the fork server imports once, so that trials forked from it start warm (the last one
#: freezes what the others created out of the garbage collector's scans).
PRELOAD = (
    "torch",
    "lightning.pytorch",
    "optuna",
    "lstmzoo.cli.lightning",
    "lstmzoo.sweep.trial",
    "lstmzoo.sweep._forkserver_ready",
)


class TrialProcess(Protocol):
    """A running trial: enough of :class:`subprocess.Popen` for the runner."""

    pid: int

    def wait(self) -> int:
        """Block until it exits; its exit code, negative for a signal (``-9`` for SIGKILL)."""

    def poll(self) -> int | None:
        """Its exit code, or ``None`` while it runs."""

    def send_signal(self, sig: int) -> None:
        """Send ``sig`` unless it has exited."""


class Launcher(Protocol):
    name: str

    def start(self, args: Sequence[str], env: dict[str, str], log_file: Path) -> TrialProcess:
        """Run ``python -m lstmzoo.sweep.trial ARGS`` with ``env``, output to ``log_file``."""

    def warm_up(self) -> None:
        """Do the one-time start-up now (the runner calls it before the first trial)."""


class ProcessLauncher:
    """A fresh interpreter per trial (``subprocess``)."""

    name = "process"

    def warm_up(self) -> None:
        pass

    def start(self, args: Sequence[str], env: dict[str, str], log_file: Path) -> TrialProcess:
        with open(log_file, "w", encoding="utf-8") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "lstmzoo.sweep.trial", *args, "--parent", str(os.getpid())],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # Ctrl+C reaches the runner, which stops the trial
            )


def _forked_trial(args: list[str], env: dict[str, str], log_file: str) -> None:
    """The body of a forked trial (runs in the child, after the fork server's imports)."""
    os.setsid()  # like start_new_session: the terminal's Ctrl+C goes to the runner only
    os.environ.clear()
    os.environ.update(env)
    fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a log is read while the trial runs
            stream.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    from lstmzoo.sweep.trial import main

    # die with the fork server, which dies with the runner (kill -9 leaves no orphan trial)
    sys.exit(main([*args, "--parent", str(os.getppid())]))


class _Forked:
    def __init__(self, process: multiprocessing.process.BaseProcess) -> None:
        self._process = process
        self.pid = int(process.pid or 0)

    def wait(self) -> int:
        self._process.join()
        return int(self._process.exitcode or 0)

    def poll(self) -> int | None:
        return self._process.exitcode

    def send_signal(self, sig: int) -> None:
        if self._process.exitcode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)


class ForkLauncher:
    """Trials forked from one warm fork server per runner."""

    name = "fork"

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("forkserver")
        # modules that are not installed are skipped by the server (those trials import them)
        self._context.set_forkserver_preload(list(PRELOAD))

    def warm_up(self) -> None:
        from multiprocessing import forkserver

        forkserver.ensure_running()  # starts the server; its imports overlap the runner's work

    def start(self, args: Sequence[str], env: dict[str, str], log_file: Path) -> TrialProcess:
        process = self._context.Process(
            target=_forked_trial,
            args=(list(args), dict(env), str(log_file)),
            name=f"lstmzoo-trial:{log_file.parent.name}",
        )
        process.start()
        return _Forked(process)


def default_launcher() -> LauncherName:
    """``fork`` where the platform has a fork server, ``process`` elsewhere."""
    return "fork" if "forkserver" in multiprocessing.get_all_start_methods() else "process"


def make_launcher(name: str | None = None) -> Launcher:
    """The launcher called ``name`` (``fork`` | ``process``; default: :func:`default_launcher`)."""
    from lstmzoo.errors import ConfigError

    name = name or default_launcher()
    if name == "process":
        return ProcessLauncher()
    if name == "fork":
        if "forkserver" not in multiprocessing.get_all_start_methods():
            raise ConfigError(
                "--launcher fork needs a platform with fork (Linux, macOS); use --launcher process"
            )
        return ForkLauncher()
    raise ConfigError(f"--launcher must be 'fork' or 'process', got {name!r}")


def exit_signal(code: int) -> str | None:
    """The signal's name for a negative exit code (``-9`` -> ``SIGKILL``), else ``None``."""
    if code >= 0:
        return None
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def terminate(proc: TrialProcess, hard: bool = False) -> None:
    """Ask a running trial to stop (SIGTERM: it saves ``last.ckpt`` at the next step), or with
    ``hard`` kill it (SIGKILL); nothing for one that has exited."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
