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
