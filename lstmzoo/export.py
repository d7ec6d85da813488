"""``lstmzoo export``: write a trained zoo model as ONNX or TorchScript.

Each zoo model describes its own export through three small methods of
:class:`~lstmzoo.models.base.ZooModule`: :meth:`export_module` (a tensor-in, tensor-out module),
:meth:`example_inputs` and :meth:`export_axes` (which input and output axes are dynamic).
Batch and sequence length (or image width) stay dynamic wherever the model allows it.
"""

from __future__ import annotations

import argparse
import logging
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import torch

from lstmzoo.errors import ConfigError
from lstmzoo.factory import load_model
from lstmzoo.inference import onnx_bytes

__all__ = ["export_command", "export_model"]

log = logging.getLogger(__name__)

Format = Literal["onnx", "torchscript"]


def export_model(model: Any, fmt: Format, output: str | Path, opset: int = 17) -> Path:
    """Export ``model`` (a zoo LightningModule) to ``output`` in format ``fmt``.

    ONNX files have inputs and outputs named as in ``model.export_axes()`` with dynamic axes;
    TorchScript files are traced (``torch.jit.trace``) and load with ``torch.jit.load``.
    """
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    model = model.eval().cpu()
    module = model.export_module().eval()
    inputs = model.example_inputs()
    axes = model.export_axes()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer chatter about Python control flow
        if fmt == "onnx":
            output.write_bytes(onnx_bytes(module, inputs, axes, opset=opset))
        elif fmt == "torchscript":
            traced = torch.jit.trace(module, inputs, check_trace=False)
            traced.save(str(output))
        else:
            raise ConfigError(f"unknown export format {fmt!r}; choose 'onnx' or 'torchscript'")
    log.info("exported %s to %s", type(model).__name__, output)
    return output


def export_command(argv: Sequence[str]) -> int:
    """``lstmzoo export --ckpt_path X --format onnx|torchscript [--output path]``."""
    parser = argparse.ArgumentParser(
        prog="lstmzoo export", description="Export a trained zoo model to ONNX or TorchScript."
    )
    parser.add_argument("--ckpt_path", required=True, help="checkpoint written by lstmzoo fit")
    parser.add_argument("--format", choices=("onnx", "torchscript"), default="onnx")
    parser.add_argument("--output", help="output file (default: next to the checkpoint)")
    parser.add_argument("--opset", type=int, default=17, help="ONNX opset version")
    opts = parser.parse_args(list(argv))
    model = load_model(opts.ckpt_path)
    suffix = ".onnx" if opts.format == "onnx" else ".pt"
    output = opts.output or str(Path(opts.ckpt_path).with_suffix(suffix))
    path = export_model(model, opts.format, output, opset=opts.opset)
    from rich.console import Console

    Console().print(f"wrote [bold]{path}[/] ({opts.format})")
    return 0
