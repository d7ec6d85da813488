"""Restricted constructor types: out-of-range values are one line and exit 2, never a traceback."""

from __future__ import annotations

import inspect
import typing

import pytest
import torch

import lstmzoo.data as zoo_data
from lstmzoo.argtypes import PositiveInt, Probability, plain
from lstmzoo.cli import main
from lstmzoo.models import BiLSTMSentiment, SequenceModel
from lstmzoo.registry import get_model_spec, list_models

DATA_MODULES = [
    zoo_data.AddingProblem,
    zoo_data.DelayedCopy,
    zoo_data.Waveform,
    zoo_data.CSVSeries,
    zoo_data.TextClassificationData,
    zoo_data.OCRDataModule,
]
#: required arguments without a default, so the parser reaches the one under test
REQUIRED = {"CSVSeries": ["--data.init_args.path", "x.csv", "--data.init_args.target", "y"]}


def _restrictions(annotation: typing.Any) -> list[tuple[str, float]] | None:
    for candidate in (annotation, *typing.get_args(annotation)):
        found = getattr(candidate, "_restrictions", None)
        if found:
            return [(op, value) for op, value in found]
    return None


def _invalid(annotation: typing.Any) -> str | None:
    """A command-line value outside ``annotation``'s domain, or ``None`` if every string fits."""
    restrictions = _restrictions(annotation)
    if restrictions:
        op, bound = restrictions[0]  # op is an ``operator`` function: gt, ge, lt, le
        step = 1 if float(bound).is_integer() else 0.5
        outside = {"gt": bound, "ge": bound - step, "lt": bound, "le": bound + step}
        return str(outside[op.__name__])
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "not_a_choice"
    if annotation is bool or bool in args:
        return "maybe"
    if annotation in (int, float) or int in args or float in args:
        return "not_a_number"
    return None


def _cases() -> list[tuple[str, list[str], str]]:
    cases = []
    classes = {}
    for name in list_models():
        spec = get_model_spec(name)
        if spec.cls.__module__.startswith("lstmzoo.") and spec.cls not in classes.values():
            classes[name] = spec.cls
    groups = [("model", name, cls) for name, cls in classes.items()]
    groups += [("data", cls.__name__, cls) for cls in DATA_MODULES]
    for group, name, cls in groups:
        hints = typing.get_type_hints(cls.__init__)
        for param in inspect.signature(cls.__init__).parameters:
            value = _invalid(hints.get(param))
            if param == "self" or value is None:
                continue
            if group == "model":
                base = ["--model", name, "--data", "AddingProblem"]
            else:
                base = ["--model", "lstm", "--data", name, *REQUIRED.get(name, [])]
            key = f"{group}.init_args.{param}"
            cases.append((f"{cls.__name__}.{param}", [*base, f"--{key}", value], key))
    return cases


CASES = _cases()


def test_the_walk_covers_every_family():
    ids = {case[0] for case in CASES}
    for expected in (
        "SequenceModel.hidden_size",
        "SequenceModel.dropout",
        "BiLSTMSentiment.lr_decay",
        "CRNNOCR.image_width",
        "AddingProblem.batch_size",
        "TextClassificationData.val_fraction",
        "OCRDataModule.random_fraction",
        "CSVSeries.window",
    ):
        assert expected in ids
    assert len(CASES) > 60


def test_every_constructor_argument_rejects_values_outside_its_domain(in_tmp, capsys):
    failures = []
    for case_id, args, key in CASES:
        code = main(["fit", *args, "--trainer.max_steps", "1"])
        err = capsys.readouterr().err
        lines = err.strip().splitlines()
        if code != 2 or len(lines) != 1 or "Traceback" in err or key not in err:
            failures.append(f"{case_id}: exit {code}, stderr {err!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--data", "DelayedCopy", *("--data.init_args.min_len", "9"),
             *("--data.init_args.max_len", "3")],
            "data.init_args.min_len: need 1 <= min_len <= max_len, got 9 and 3",
        ),
        (
            ["--data", "AddingProblem", "--model.init_args.head", "many_to_many",
             "--trainer.max_epochs", "1"],
            "ManyToMany",
        ),
    ],
)  # fmt: skip
def test_constructor_errors_are_one_line_naming_the_key(in_tmp, capsys, args, message):
    assert main(["fit", "--model", "lstm", *args, "--seed_everything", "0"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_help_shows_the_constraint(capsys):
    with pytest.raises(SystemExit):
        main(["fit", "--model.help", "lstm"])
    out = " ".join(capsys.readouterr().out.split())
    assert "hidden_size" in out and "PositiveInt" in out and "Probability" in out


def test_plain_python_use_is_unchanged():
    model = SequenceModel(hidden_size=64)
    assert type(model.hparams["hidden_size"]) is int
    assert model.encoder.hidden_size == 64


def test_parsed_values_are_stored_as_builtins():
    model = SequenceModel(input_size=PositiveInt(3), hidden_size=PositiveInt(8), dropout=0.0)
    assert type(model.hparams["hidden_size"]) is int and type(model.hparams["input_size"]) is int
    text = BiLSTMSentiment(
        embedding_dim=PositiveInt(4), hidden_size=4, word_dropout=Probability(0.1)
    )
    assert type(text.hparams["word_dropout"]) is float
    assert plain({"a": [PositiveInt(2)], "b": (Probability(0.5),), "c": True}) == {
        "a": [2],
        "b": (0.5,),
        "c": True,
    }


def test_checkpoint_of_a_cli_run_loads_weights_only(in_tmp):
    from .helpers_sequence import TINY_LSTM_FIT

    assert main([*TINY_LSTM_FIT, "--trainer.default_root_dir", "run"]) == 0
    ckpt = torch.load(next(in_tmp.glob("run/**/last.ckpt")), weights_only=True)
    assert type(ckpt["hyper_parameters"]["hidden_size"]) is int
