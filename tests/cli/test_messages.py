"""The user's errors: exit code 2 and one line naming the config key, no traceback."""

import pytest

from lstmzoo.cli import main

from ..helpers_sequence import TINY_LSTM_FIT

TINY = TINY_LSTM_FIT[3:]  # everything after "fit --model lstm"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["fit", "--model", "lsmt", "--data", "AddingProblem"],
            "unknown model 'lsmt'. Did you mean: lstm",
        ),
        (
            [
                "fit",
                "--model",
                "lstm",
                "--data",
                "AddingProblem",
                "--model.init_args.hiden_size",
                "3",
            ],
            "'hiden_size' is not accepted",
        ),
        (
            [
                "fit",
                "--model",
                "lstm",
                "--data",
                "AddingProblem",
                "--model.init_args.hidden_size",
                "big",
            ],
            "model.init_args.hidden_size (SequenceModel): Not of type PositiveInt: invalid literal",
        ),
        (
            ["fit", "--model", "lstm", "--data", "AddingProblem", "--trainer.max_epocs", "3"],
            "unrecognized arguments: --trainer.max_epocs",
        ),
        (
            [
                "predict",
                "--model",
                "lstm",
                "--data",
                "AddingProblem",
                "--predictions.runtime",
                "tensorrt",
            ],
            "predictions.runtime",
        ),
    ],
)
def test_user_errors_exit_2_with_one_message(in_tmp, capsys, args, message):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split())
    assert "Traceback" not in err


def test_topology_mismatch_fails_before_training(in_tmp, capsys):
    code = main(["fit", "--model", "lstm", "--model.init_args.head", "many_to_many", *TINY])
    assert code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "ManyToMany" in err and "AddingProblem" in err


def test_clean_parser_message_names_the_nested_key_and_drops_union_noise():
    from lstmzoo.cli.messages import clean_parser_message

    raw = (
        "Parser key \"model\": Problem with given class_path 'lstmzoo.models.SequenceModel': "
        'Parser key "hidden_size":\n'
        "  Does not validate against any of the Union subtypes\n"
        "  Subtypes: [PositiveInt, NoneType]\n"
        "  Errors:\n"
        "    - Not of type PositiveInt: invalid literal\n"
        "    - Expected a <class 'NoneType'>\n"
        "  Given value type: <class 'str'>\n"
        "  Given value: big\n"
    )
    assert clean_parser_message(raw) == (
        "model.init_args.hidden_size (SequenceModel): Not of type PositiveInt: invalid literal"
    )
    assert clean_parser_message("a\na\nb") == "a b"  # repeated lines once, one line


def test_the_old_private_name_of_the_cleaner_still_imports():
    from lstmzoo.cli import _clean_parser_message
    from lstmzoo.cli.messages import clean_parser_message

    assert _clean_parser_message is clean_parser_message


def test_the_message_and_output_helpers_import_without_torch_or_lightning():
    import subprocess
    import sys

    code = (
        "import sys, lstmzoo.cli, lstmzoo.cli.messages, lstmzoo.cli.argv, lstmzoo.cli.output\n"
        "print(sorted(m for m in ('torch', 'lightning', 'jsonargparse') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
