"""Capability checks behind the mixed-precision warning, with the CPU's flags given."""

from __future__ import annotations

import lightning.pytorch as pl
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import lstmzoo.precision as precision
from lstmzoo.callbacks import PrecisionCheck
from lstmzoo.models import SequenceModel

AVX2 = {"sse4_2", "avx", "avx2", "fma"}
SAPPHIRE_RAPIDS = AVX2 | {"avx512f", "avx512_bf16", "amx_bf16", "amx_tile", "avx512_fp16"}


def test_native_bf16_and_fp16_from_flags():
    assert not precision.cpu_has_native_bf16(AVX2)
    assert precision.cpu_has_native_bf16({"amx_bf16"})
    assert precision.cpu_has_native_bf16({"avx512_bf16"})
    assert not precision.cpu_has_native_fp16({"avx512_bf16"})
    assert precision.cpu_has_native_fp16(SAPPHIRE_RAPIDS)


@pytest.mark.parametrize("value", ["bf16-mixed", "bf16"])
def test_bf16_on_a_cpu_without_it_warns_with_reason_and_advice(value):
    message = precision.precision_warning(value, "cpu", AVX2, capability="AVX2")
    assert message is not None
    assert "without native bfloat16" in message and "capability AVX2" in message
    assert "avx512_bf16/amx_bf16" in message and "32-true" in message
    assert precision.precision_warning(value, "cpu", SAPPHIRE_RAPIDS) is None


def test_fp16_on_cpu_warns_and_points_at_bf16_where_native():
    plain = precision.precision_warning("16-mixed", "cpu", AVX2, capability="AVX2")
    assert plain and "float16" in plain and "32-true" in plain and "bf16-mixed" not in plain
    amx = precision.precision_warning("16-mixed", "cpu", {"amx_bf16"}, capability="AVX512")
    assert amx and "or bf16-mixed" in amx


@pytest.mark.parametrize(
    ("value", "device"), [("32-true", "cpu"), ("bf16-mixed", "cuda"), ("16-mixed", "cuda")]
)
def test_nothing_to_say(value, device):
    assert precision.precision_warning(value, device, AVX2) is None


def test_suggested_precision_on_cpu():
    assert precision.suggested_precision("cpu", AVX2) == "32-true"
    assert precision.suggested_precision("cpu", SAPPHIRE_RAPIDS) == "bf16-mixed"


def test_this_machine_is_read_without_error():
    assert isinstance(precision.cpu_flags(), frozenset)
    assert isinstance(precision.cpu_capability(), str)


def _fit(tmp_path, value: str) -> None:
    x, y = torch.randn(8, 4, 2), torch.randn(8, 1)
    trainer = pl.Trainer(
        max_steps=1,
        limit_val_batches=0,
        precision=value,
        accelerator="cpu",
        callbacks=[PrecisionCheck()],
        default_root_dir=str(tmp_path),
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    loader = DataLoader(TensorDataset(x, y), 8)
    trainer.fit(SequenceModel(input_size=2, hidden_size=4), loader, loader)


def test_fit_warns_once_at_start(tmp_path, monkeypatch):
    monkeypatch.setattr(precision, "cpu_flags", lambda: frozenset(AVX2))
    with pytest.warns(UserWarning, match="bf16-mixed on a CPU without native bfloat16") as seen:
        _fit(tmp_path, "bf16-mixed")
    assert sum("native bfloat16" in str(w.message) for w in seen) == 1


def test_fit_is_quiet_with_native_bf16(tmp_path, monkeypatch, recwarn):
    monkeypatch.setattr(precision, "cpu_flags", lambda: frozenset(SAPPHIRE_RAPIDS))
    _fit(tmp_path, "bf16-mixed")
    assert not [w for w in recwarn if "native bfloat16" in str(w.message)]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"avx2", "avx512f", "avx512_bf16"}, "bf16-mixed"),
        ({"avx2", "amx_bf16", "amx_tile"}, "bf16-mixed"),
        ({"avx2", "avx512f"}, "32-true"),
        (set(), "32-true"),
    ],
)
def test_auto_precision_on_cpus(flags, expected):
    chosen, why = precision.auto_precision("cpu", flags)
    assert chosen == expected
    assert ("natively" in why) == (expected == "bf16-mixed")


def test_auto_precision_without_a_gpu_falls_back_to_the_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert precision.auto_precision("cuda", {"avx512_bf16"})[0] == "bf16-mixed"
    assert precision.auto_precision("cuda", {"avx2"})[0] == "32-true"
    assert precision.auto_precision("mps", {"avx2"})[0] == "32-true"


def test_auto_precision_on_gpus(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda *a: "Test GPU")
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert precision.auto_precision("cuda") == (
        "bf16-mixed",
        "the CUDA GPU Test GPU supports bfloat16",
    )
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert precision.auto_precision("cuda")[0] == "16-mixed"


@pytest.mark.parametrize("native", [True, False])
def test_precision_auto_in_a_config_file_and_on_the_command_line(
    native, monkeypatch, capsys, caplog, tmp_path
):
    """The CLI resolves ``auto`` from the (mocked) CPU flags and logs the choice and reason."""
    from lstmzoo.cli import main

    flags = frozenset({"avx2", "avx512_bf16"} if native else {"avx2"})
    monkeypatch.setattr(precision, "cpu_flags", lambda: flags)
    expected = "bf16-mixed" if native else "32-true"
    base = ["fit", "-c", "lstm_adding", "--trainer.accelerator", "cpu"]
    for i, extra in enumerate((["-c", "trainer/auto"], ["--trainer.precision", "auto"])):
        (tmp_path / str(i)).mkdir()
        monkeypatch.chdir(tmp_path / str(i))  # one run folder each
        with pytest.raises(SystemExit):
            main([*base, *extra, "--print_config"])
        assert f"precision: {expected}" in capsys.readouterr().out
        caplog.clear()
        with caplog.at_level("INFO", logger="lstmzoo.cli"):
            run = [
                *base,
                *extra,
                "--trainer.fast_dev_run",
                "true",
                "--trainer.enable_model_summary",
                "false",
            ]
            assert main(run) == 0
        assert f"precision auto -> {expected}" in caplog.text


def test_precision_auto_overridden_later_is_reported_as_overridden(monkeypatch, caplog, tmp_path):
    """A file's ``auto`` followed by an explicit ``--trainer.precision`` trains (and says it
    trains) with the explicit value, not with what ``auto`` would have chosen."""
    from lstmzoo.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(precision, "cpu_flags", lambda: frozenset({"avx2", "avx512_bf16"}))
    args = ["fit", "-c", "lstm_adding", "-c", "trainer/auto", "--trainer.accelerator", "cpu"]
    with caplog.at_level("INFO", logger="lstmzoo.cli"):
        assert main([*args, "--trainer.precision", "32-true", "--trainer.fast_dev_run", "1"]) == 0
    assert "precision auto -> bf16-mixed" not in caplog.text
    assert "precision auto was overridden: training with precision 32-true" in caplog.text
