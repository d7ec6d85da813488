"""What the hardware does natively: the checks behind the mixed-precision warnings and behind
``precision: auto`` (``configs/trainer/auto.yaml`` or ``--trainer.precision auto``).

On a CPU, ``bf16-mixed`` is only fast with native bfloat16 instructions (AVX512-BF16 or AMX-BF16);
without them oneDNN emulates bfloat16 convolutions and matrix products, and recurrent layers fall
back to float32 (the README's bench_precision row: ``crnn_ocr`` about 15x slower than
float32 on an AVX2 CPU). ``16-mixed`` on a CPU is emulated the same way without AVX512-FP16 /
AMX-FP16. Every function takes the CPU flags as an argument, so callers and tests can pass their
own; ``None`` reads this machine's.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import torch

__all__ = [
    "BF16_FLAGS",
    "FP16_FLAGS",
    "auto_precision",
    "cpu_capability",
    "cpu_flags",
    "cpu_has_native_bf16",
    "cpu_has_native_fp16",
    "precision_warning",
    "suggested_precision",
]

#: /proc/cpuinfo flags of native bfloat16 arithmetic
BF16_FLAGS = ("avx512_bf16", "amx_bf16")
#: /proc/cpuinfo flags of native float16 arithmetic
FP16_FLAGS = ("avx512_fp16", "amx_fp16")


@functools.lru_cache(maxsize=1)
def _read_cpu_flags(path: str = "/proc/cpuinfo") -> frozenset[str]:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):  # x86 / arm
            return frozenset(value.split())
    return frozenset()


def cpu_flags() -> frozenset[str]:
    """This CPU's feature flags from ``/proc/cpuinfo`` (empty where that file does not exist)."""
    return _read_cpu_flags()


def cpu_capability() -> str:
    """The vector instruction set torch dispatches to on this CPU (``"AVX2"``, ``"AVX512"``,
    ``"DEFAULT"``, ...), from ``torch.backends.cpu.get_cpu_capability()``."""
    try:
        return str(torch.backends.cpu.get_cpu_capability())
    except (AttributeError, RuntimeError):  # older torch builds
        return "unknown"


def _has_any(flags: Iterable[str] | None, wanted: tuple[str, ...]) -> bool:
    have = cpu_flags() if flags is None else frozenset(flags)
    return any(flag in have for flag in wanted)


def cpu_has_native_bf16(flags: Iterable[str] | None = None) -> bool:
    """Whether the CPU computes bfloat16 natively (AVX512-BF16 or AMX-BF16)."""
    return _has_any(flags, BF16_FLAGS)


def cpu_has_native_fp16(flags: Iterable[str] | None = None) -> bool:
    """Whether the CPU computes float16 natively (AVX512-FP16 or AMX-FP16)."""
    return _has_any(flags, FP16_FLAGS)


def precision_warning(
    precision: str,
    device_type: str,
    flags: Iterable[str] | None = None,
    capability: str | None = None,
) -> str | None:
    """Why ``precision`` will be slow on ``device_type`` (``"cpu"``, ``"cuda"``, ...) and what to
    use instead; ``None`` when there is nothing to say (a GPU, float32, or a CPU with the
    native instructions)."""
    precision = str(precision)
    if device_type != "cpu" or precision not in ("bf16-mixed", "bf16", "16-mixed", "16"):
        return None
    have = sorted(cpu_flags() if flags is None else frozenset(flags))
    capability = capability or cpu_capability()
    if precision.startswith("bf16"):
        if cpu_has_native_bf16(have):
            return None
        missing, kind = "/".join(BF16_FLAGS), "bfloat16"
    else:
        if cpu_has_native_fp16(have):
            return None
        missing, kind = "/".join(FP16_FLAGS), "float16"
    advice = "use --trainer.precision 32-true on this CPU"
    if not precision.startswith("bf16") and cpu_has_native_bf16(have):
        advice += " (or bf16-mixed, which it runs natively)"
    return (
        f"precision {precision} on a CPU without native {kind} (torch capability {capability}; "
        f"none of {missing} in the CPU flags): {kind} convolutions and matrix products are "
        f"emulated and recurrent layers fall back to float32, so training is slower than "
        f"float32, not faster (crnn_ocr trained about 15x slower in bf16 on an AVX2 CPU); {advice}"
    )


def auto_precision(device_type: str, flags: Iterable[str] | None = None) -> tuple[str, str]:
    """``precision: auto`` resolved for ``device_type``: ``(precision, why)``.

    ``bf16-mixed`` where the hardware runs bfloat16 natively (a CUDA GPU that supports it, a CPU
    with AVX512-BF16 or AMX-BF16), ``16-mixed`` on other CUDA GPUs, ``32-true`` elsewhere; ``why``
    names what was found, for the log.
    """
    if device_type == "cuda" and torch.cuda.is_available():
        name = torch.cuda.get_device_name()
        if torch.cuda.is_bf16_supported():
            return "bf16-mixed", f"the CUDA GPU {name} supports bfloat16"
        return "16-mixed", f"the CUDA GPU {name} has no bfloat16 support"
    if device_type == "cuda":
        device_type = "cpu"  # no GPU after all: what the CPU does
    if device_type != "cpu":
        return "32-true", f"no mixed precision chosen for accelerator {device_type!r}"
    have = cpu_flags() if flags is None else frozenset(flags)
    native = sorted(flag for flag in BF16_FLAGS if flag in have)
    if native:
        return "bf16-mixed", f"the CPU computes bfloat16 natively ({', '.join(native)})"
    return "32-true", (
        f"the CPU has no native bfloat16 (torch capability {cpu_capability()}; none of "
        f"{'/'.join(BF16_FLAGS)} in its flags), where bf16-mixed would be emulated and slower"
    )


def suggested_precision(device_type: str, flags: Iterable[str] | None = None) -> str:
    """The fastest safe Lightning precision for ``device_type`` on this machine.

    ``"bf16-mixed"`` on a CUDA GPU that supports bfloat16 or a CPU with native bfloat16,
    ``"16-mixed"`` on other CUDA GPUs, ``"32-true"`` everywhere else.
    """
    return auto_precision(device_type, flags)[0]
