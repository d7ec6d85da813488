"""Reading flags and config files from a command line before the parser does."""

from __future__ import annotations

from lstmzoo.cli.argv import config_sections, flag_values, read_config_arg


def test_flag_values_finds_both_spellings_in_order():
    argv = ["fit", "-c", "a.yaml", "--config=b.yaml", "--model", "lstm", "-c"]
    assert flag_values(argv, ("-c", "--config")) == [(2, "", "a.yaml"), (3, "--config=", "b.yaml")]
    argv[2] = "x"  # the index is the element to replace
    assert flag_values(argv, ("--model.help",)) == []


def test_config_sections_are_the_file_and_its_subcommand_parts():
    data = {"trainer": {}, "fit": {"model": "lstm"}, "seed_everything": 1}
    assert config_sections(data) == [data, {"model": "lstm"}]
    assert config_sections(["not", "a", "mapping"]) == []


def test_read_config_arg_reads_files_and_inline_yaml(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("trainer:\n  accelerator: cpu\n")
    assert read_config_arg(str(path)) == {"trainer": {"accelerator": "cpu"}}
    assert read_config_arg("{trainer: {devices: 2}}") == {"trainer": {"devices": 2}}
    assert read_config_arg("no_such_recipe") is None
    assert read_config_arg("{unclosed: [") is None
