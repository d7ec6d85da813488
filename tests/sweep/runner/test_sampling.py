"""The search space as Optuna suggestions; the sampler that gives planned trials their values."""

from __future__ import annotations

import optuna

from lstmzoo.sweep.runner.sampling import decode, encode, planned_sampler, suggest
from lstmzoo.sweep.spec import Categorical, Range


def test_values_that_are_not_scalars_travel_as_json() -> None:
    dim = Categorical((None, 3, "lstm", [8, 8], {"a": 1}))
    for value in dim.values:
        assert decode(dim, encode(value)) == value
    assert encode([8, 8]) == "[8, 8]"
    assert decode(Range(0.0, 1.0), 0.5) == 0.5


def test_fixed_trials_get_their_values_and_the_others_ask_the_base_sampler() -> None:
    sampler = planned_sampler(optuna.samplers.RandomSampler(seed=0))
    study = optuna.create_study(sampler=sampler)
    space = {
        "cell": Categorical(("rnn", "lstm", [1, 2])),
        "lr": Range(1e-4, 1e-1, log=True),
        "width": Range(4, 64, step=4),
    }
    planned = study.ask()
    point = {"cell": [1, 2], "lr": 0.003, "width": 12}
    sampler.fix(planned.number, {k: encode(v) for k, v in point.items()})
    values = {k: decode(dim, suggest(planned, k, dim)) for k, dim in space.items()}
    assert values == point
    study.tell(planned, 0.0)
    assert planned.number not in sampler.fixed  # forgotten once told

    free = study.ask()
    values = {k: decode(dim, suggest(free, k, dim)) for k, dim in space.items()}
    assert values["cell"] in space["cell"].values
    assert 1e-4 <= values["lr"] <= 1e-1
    assert isinstance(values["width"], int) and values["width"] % 4 == 0
