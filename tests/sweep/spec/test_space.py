"""The search space's types: lists and ranges, their grid values and their one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from lstmzoo.errors import ConfigError
from lstmzoo.sweep.spec import Categorical, Range, load_spec
from lstmzoo.sweep.spec.space import parse_dimension

from ..conftest import assert_refused_before_any_trial, bad_case_ids, write_sweep


def test_a_grid_enumerates_a_range_with_step(tmp_path: Path) -> None:
    path = write_sweep(
        tmp_path, space={"model.init_args.hidden_size": {"low": 4, "high": 8, "step": 2}}
    )
    assert [p["model.init_args.hidden_size"] for p in load_spec(path).grid_points()] == [4, 6, 8]


def test_lists_and_ranges_parse_into_their_types() -> None:
    path = Path("s.yaml")
    assert parse_dimension(path, "k", ["a", [1, 2]]) == Categorical(("a", [1, 2]))
    assert parse_dimension(path, "k", {"low": 1, "high": 9, "step": 4}) == Range(1, 9, False, 4)
    int_range = parse_dimension(path, "k", {"low": 1, "high": 9, "step": 4})
    assert int_range.is_int and int_range.grid_values() == (1, 5, 9)
    floats = parse_dimension(path, "k", {"low": 0.0, "high": 0.5, "step": 0.25})
    assert not floats.is_int and floats.grid_values() == (0.0, 0.25, 0.5)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["a", "a"], "the value 'a' is listed twice"),
        ({"low": 1, "hihg": 2}, "unknown range key 'hihg'; did you mean 'high'?"),
        ({"low": 1}, "a range needs both 'low' and 'high'"),
        ({"low": "1", "high": 2}, "'low' must be a number"),
        ({"low": 1, "high": 8, "step": 0.5}, "an int range needs an int 'step'"),
        ({"low": 0.1, "high": 1.0, "step": 0.1, "log": True}, "'step' and 'log: true'"),
        ("lstm", "expected a list of values or a range"),
    ],
)
def test_bad_dimensions_name_the_file_and_key(value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=r"^s\.yaml: space: k: ") as err:
        parse_dimension(Path("s.yaml"), "k", value)
    assert message in str(err.value)


BAD = [
    (
        {"space": {"model.init_args.cell": []}},
        "space: model.init_args.cell: the list of values is empty",
    ),
    (
        {
            "space": {"model.init_args.lr": {"low": 0.1, "high": 0.01}},
            "sampler": "tpe",
            "trials": 2,
        },
        "space: model.init_args.lr: inverted range: low 0.1 > high 0.01",
    ),
    (
        {"space": {"model.init_args.lr": {"low": 0.1, "high": 0.1}}, "sampler": "tpe", "trials": 2},
        "space: model.init_args.lr: empty range",
    ),
    (
        {
            "space": {"model.init_args.lr": {"low": 0.0, "high": 0.1, "log": True}},
            "sampler": "tpe",
            "trials": 2,
        },
        "a log range needs low > 0",
    ),
]


@pytest.mark.parametrize(("entries", "message"), BAD, ids=bad_case_ids(BAD))
def test_bad_spaces_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture, entries: dict, message: str
) -> None:
    assert_refused_before_any_trial(tmp_path, capsys, entries, message)
