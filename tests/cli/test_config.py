"""Registry and recipe names on the command line and in config files, composed configs."""

import pytest

from lstmzoo.cli import expand_model_name, main

from ..conftest import CONFIGS


def test_composed_configs_and_print_config(in_tmp, capsys):
    with pytest.raises(SystemExit) as info:
        main(
            [
                "fit",
                "-c",
                str(CONFIGS / "lstm_adding.yaml"),
                "-c",
                str(CONFIGS / "trainer" / "cpu.yaml"),
                "--model.init_args.hidden_size",
                "7",
                "--print_config",
            ]
        )
    assert info.value.code == 0
    printed = capsys.readouterr().out
    assert "class_path: lstmzoo.models.sequence.SequenceModel" in printed
    assert "hidden_size: 7" in printed
    assert "accelerator: cpu" in printed


def test_registry_name_expansion_keeps_user_init_args():
    spec = expand_model_name({"class_path": "lstm_2layer", "init_args": {"hidden_size": 3}})
    assert spec["class_path"] == "lstmzoo.models.sequence.SequenceModel"
    assert spec["init_args"] == {"cell": "lstm", "num_layers": 2, "hidden_size": 3}
    assert expand_model_name("lstmzoo.models.SequenceModel") == "lstmzoo.models.SequenceModel"


@pytest.mark.parametrize(
    ("flag", "name", "shown"),
    [("--model.help", "lstm", "--model.hidden_size"), ("--data.help", "AddingProblem", "seq_len")],
)
def test_help_of_a_registry_or_class_name(capsys, flag, name, shown):
    with pytest.raises(SystemExit) as exit_:
        main(["fit", flag, name])
    assert exit_.value.code == 0
    assert shown in capsys.readouterr().out
