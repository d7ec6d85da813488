"""``precision: auto`` is resolved once, for the accelerator the whole command line ends with,
and the log names the precision the run really uses."""

from __future__ import annotations

import pytest

from lstmzoo import precision
from lstmzoo.cli import main
from lstmzoo.cli.auto_precision import AutoPrecision

#: what the (mocked) hardware check answers per device, so that a choice made for the wrong
#: device shows on a machine without a GPU
CHOICES = {"cuda": ("16-mixed", "a GPU (mocked)"), "cpu": ("32-true", "a CPU (mocked)")}
QUIET = ["--trainer.fast_dev_run", "1", "--trainer.enable_model_summary", "false"]
GPU_AUTO = "{trainer: {accelerator: gpu, precision: auto}}"  # an inline config file


@pytest.fixture
def mocked_hardware(monkeypatch):
    monkeypatch.setattr(precision, "auto_precision", lambda device, flags=None: CHOICES[device])


def test_the_accelerator_is_the_last_one_the_command_line_sets(tmp_path, mocked_hardware):
    gpu = tmp_path / "gpu.yaml"
    gpu.write_text("trainer:\n  accelerator: gpu\n")
    cpu = tmp_path / "cpu.yaml"
    cpu.write_text("trainer:\n  accelerator: cpu\n  precision: auto\n")
    sectioned = tmp_path / "all.yaml"
    sectioned.write_text("fit:\n  trainer:\n    accelerator: cuda\n")
    cases = [
        (["fit", "-c", str(gpu), "-c", str(cpu)], "cpu"),
        (["fit", "-c", str(cpu), "-c", str(gpu)], "gpu"),
        (["fit", "-c", str(gpu), "--trainer.accelerator", "cpu"], "cpu"),
        (["fit", "--trainer.accelerator=cpu", f"--config={gpu}"], "gpu"),
        (["fit", "--trainer", "{accelerator: cpu}", "-c", GPU_AUTO], "gpu"),
        (["-c", str(sectioned), "fit"], "cuda"),
        (["-c", str(sectioned), "test"], None),  # the fit section is not the test's
        (["fit", "-c", "missing.yaml"], None),
    ]
    for argv, accelerator in cases:
        assert AutoPrecision.of_command_line(argv).accelerator == accelerator, argv


def test_one_choice_for_files_and_flags_and_only_requested_ones_are_reported(
    mocked_hardware, caplog
):
    auto = AutoPrecision("cpu")
    assert not auto.requested
    args = auto.rewrite_flags(["fit", "--trainer.precision", "auto", "--trainer.precision=auto"])
    assert args == ["fit", "--trainer.precision", "32-true", "--trainer.precision=32-true"]
    assert auto.requested and auto.reason == "a CPU (mocked)"
    with caplog.at_level("INFO", logger="lstmzoo.cli"):
        auto.report("32-true")
        auto.report("bf16-mixed")
        AutoPrecision("cpu").report("32-true")  # auto never asked for: nothing to say
    assert caplog.messages == [
        "precision auto -> 32-true: a CPU (mocked)",
        "precision auto was overridden: training with precision bf16-mixed",
    ]


def _fit(args, caplog, capsys):
    with pytest.raises(SystemExit):
        main([*args, "--print_config"])
    printed = capsys.readouterr().out
    caplog.clear()
    with caplog.at_level("INFO", logger="lstmzoo.cli"):
        assert main([*args, *QUIET]) == 0
    return printed, [m for m in caplog.messages if m.startswith("precision auto")]


def test_a_later_cpu_file_after_auto_logs_only_the_cpu_choice(
    in_tmp, mocked_hardware, caplog, capsys
):
    """``auto`` next to ``accelerator: gpu``, then ``-c trainer/cpu``: the run is on the CPU,
    so ``auto`` is the CPU's choice, and the log names that one alone."""
    args = ["fit", "-c", "lstm_adding", "-c", GPU_AUTO, "-c", "trainer/cpu"]
    printed, logged = _fit(args, caplog, capsys)
    assert "precision: 32-true" in printed and "accelerator: cpu" in printed
    assert logged == ["precision auto -> 32-true: a CPU (mocked)"]


def test_auto_on_the_command_line_follows_a_later_accelerator_file(
    in_tmp, mocked_hardware, caplog, capsys
):
    args = ["fit", "-c", "lstm_adding", "--trainer.accelerator", "gpu"]
    args += ["--trainer.precision", "auto", "-c", "trainer/cpu"]
    printed, logged = _fit(args, caplog, capsys)
    assert "precision: 32-true" in printed
    assert logged == ["precision auto -> 32-true: a CPU (mocked)"]


def test_an_explicit_precision_after_auto_is_the_only_one_logged(
    in_tmp, mocked_hardware, caplog, capsys
):
    args = ["fit", "-c", "lstm_adding", "-c", "trainer/auto", "--trainer.accelerator", "cpu"]
    printed, logged = _fit([*args, "--trainer.precision", "32"], caplog, capsys)
    assert "precision: '32'" in printed or "precision: 32" in printed
    assert len(logged) == 1 and logged[0].startswith(
        "precision auto was overridden: training with precision 32"
    )
