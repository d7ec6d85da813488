"""Reading the study's trials by (point, seed): finished, running, retried, duplicated."""

from __future__ import annotations

from pathlib import Path

import optuna
from optuna.trial import TrialState, create_trial

from lstmzoo.sweep.runner.bookkeeping import (
    ATTR,
    MAX_ATTEMPTS,
    Attempt,
    claimed_before,
    classify,
    earlier_attempts,
    point_key,
)

A = point_key({"cell": "rnn"}, 0)
B = point_key({"cell": "lstm"}, 0)


def _study(*trials: tuple[TrialState, str, dict]) -> list:
    """A study of trials in these states, for these keys, with these extra attributes."""
    study = optuna.create_study()
    for number, (state, key, extra) in enumerate(trials):
        attrs = {ATTR + "key": key, ATTR + "group": "0", ATTR + "point": {}}
        attrs[ATTR + "dir"] = f"runs/trial_{number}"
        attrs.update({ATTR + k: v for k, v in extra.items()})
        value = 1.0 if state == TrialState.COMPLETE else None
        study.add_trial(create_trial(state=state, value=value, user_attrs=attrs))
    return study.get_trials()


def test_point_key_is_canonical() -> None:
    assert point_key({"b": 1, "a": [1, 2]}) == point_key({"a": [1, 2], "b": 1})
    assert point_key({"a": 1}, 3) == '{"a": 1}#seed=3'


def test_classify_counts_deaths_until_the_key_gives_up() -> None:
    died = (TrialState.FAIL, A, {})
    trials = _study(
        (TrialState.FAIL, B, {"final": True}),  # failed on its own: B is done
        (TrialState.FAIL, A, {"interrupted": True}),  # stopped from outside: no attempt
        *[died] * (MAX_ATTEMPTS - 1),
    )
    state = classify(trials)
    assert state.done == {B: "FAIL"}
    assert state.attempts == {A: MAX_ATTEMPTS - 1} and state.is_open(A)
    state = classify([*trials, *_study(died)])
    assert state.done[A] == "FAIL" and not state.is_open(A)


def test_classify_ignores_duplicates_and_foreign_trials() -> None:
    trials = _study(
        (TrialState.RUNNING, A, {}),
        (TrialState.COMPLETE, B, {"duplicate": True}),
    )
    study = optuna.create_study()
    study.add_trial(create_trial(state=TrialState.COMPLETE, value=0.0))  # not the sweep's
    state = classify([*trials, *study.get_trials()])
    assert state.running == {A} and state.any_running
    assert state.done == {} and state.is_open(B) and not state.is_open(A)


def test_the_first_runner_to_take_a_key_wins() -> None:
    trials = _study(
        (TrialState.FAIL, A, {}),  # a dead run does not claim its key
        (TrialState.RUNNING, A, {}),
        (TrialState.RUNNING, A, {}),
    )
    assert not claimed_before(trials, 1, A)
    assert claimed_before(trials, 2, A)
    assert not claimed_before(trials, 2, B)


def test_earlier_attempts_are_the_runs_that_died_newest_first() -> None:
    trials = _study(
        (TrialState.FAIL, A, {"config": "c0"}),
        (TrialState.FAIL, A, {"final": True}),  # failed for good: nothing to continue
        (TrialState.FAIL, B, {}),
        (TrialState.FAIL, A, {"interrupted": True, "dir": "runs/trial_0", "config": "c0"}),
        (TrialState.FAIL, A, {"duplicate": True}),
        (TrialState.RUNNING, A, {}),
    )
    assert earlier_attempts(trials, 5, A) == [
        Attempt(3, Path("runs/trial_0"), "c0"),
        Attempt(0, Path("runs/trial_0"), "c0"),
    ]
    assert earlier_attempts(trials, 3, A) == [Attempt(0, Path("runs/trial_0"), "c0")]
    assert earlier_attempts(trials, 5, B) == [Attempt(2, Path("runs/trial_2"), None)]
