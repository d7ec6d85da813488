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
    trainer.fit(SequenceModel(input_size=2, hidden_size=4), DataLoader(TensorDataset(x, y), 8))


def test_fit_warns_once_at_start(tmp_path, monkeypatch):
    monkeypatch.setattr(precision, "cpu_flags", lambda: frozenset(AVX2))
    with pytest.warns(UserWarning, match="bf16-mixed on a CPU without native bfloat16") as seen:
        _fit(tmp_path, "bf16-mixed")
    assert sum("native bfloat16" in str(w.message) for w in seen) == 1


def test_fit_is_quiet_with_native_bf16(tmp_path, monkeypatch, recwarn):
    monkeypatch.setattr(precision, "cpu_flags", lambda: frozenset(SAPPHIRE_RAPIDS))
    _fit(tmp_path, "bf16-mixed")
    assert not [w for w in recwarn if "native bfloat16" in str(w.message)]
