"""The launchers' choices and errors (the runner tests run real trials through both)."""

from __future__ import annotations

import multiprocessing

import pytest

from lstmzoo.errors import ConfigError
from lstmzoo.sweep.launch import default_launcher, exit_signal, make_launcher


def test_the_default_forks_where_the_platform_can() -> None:
    can_fork = "forkserver" in multiprocessing.get_all_start_methods()
    assert default_launcher() == ("fork" if can_fork else "process")
    assert make_launcher().name == default_launcher()
    assert make_launcher("process").name == "process"


def test_an_unknown_launcher_names_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="'fork' or 'process', got 'thread'"):
        make_launcher("thread")


def test_fork_on_a_platform_without_it_says_what_to_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert default_launcher() == "process"
    with pytest.raises(ConfigError, match="use --launcher process"):
        make_launcher("fork")


def test_exit_codes_name_their_signal() -> None:
    assert exit_signal(-9) == "SIGKILL"
    assert exit_signal(-15) == "SIGTERM"
    assert exit_signal(0) is None and exit_signal(1) is None


@pytest.mark.parametrize(
    ("argv", "starts"),
    [
        (["run", "s.yaml"], True),
        (["run", "s.yaml", "--workers", "2", "--launcher", "fork"], True),
        (["run", "s.yaml", "--launcher=fork"], True),
        (["run", "s.yaml", "--launcher", "process"], False),
        (["run", "s.yaml", "--launcher=process"], False),
        (["run", "s.yaml", "--check"], False),
        (["run", "--help"], False),
        (["show", "s"], False),
        ([], False),
    ],
)
def test_the_program_starts_the_fork_server_first_only_for_a_run_that_forks(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], starts: bool
) -> None:
    from lstmzoo.sweep import launch
    from lstmzoo.sweep.cli import start_fork_server_early

    started: list[str] = []

    class Recorder:
        def warm_up(self) -> None:
            started.append("warm_up")

    monkeypatch.setattr(launch, "default_launcher", lambda: "fork")
    monkeypatch.setattr(launch, "make_launcher", lambda name=None: Recorder())
    start_fork_server_early(argv)
    assert started == (["warm_up"] if starts else [])


def test_the_entry_point_imports_neither_torch_nor_lightning_before_its_work() -> None:
    import subprocess
    import sys

    code = (
        "import sys, lstmzoo, lstmzoo.entry, lstmzoo.sweep.cli, lstmzoo.sweep.launch\n"
        "print(sorted(m for m in ('torch', 'lightning') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
