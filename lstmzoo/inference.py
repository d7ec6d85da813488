"""Inference fast paths for ``read()``, ``predict_text()`` and ``lstmzoo predict``.

Every zoo model describes a tensor-in, tensor-out graph of itself for export
(:meth:`~lstmzoo.models.base.ZooModule.export_module`, ``example_inputs`` and ``export_axes``).
An :class:`InferenceEngine` runs that graph with one of two runtimes:

* ``runtime="torch"``: PyTorch eager under :func:`torch.inference_mode`, on the model's own
  parameters (``quantize="none"``) or on an int8 copy made with torch's dynamic quantization;
* ``runtime="onnx"``: the graph exported to ONNX in memory and run by onnxruntime with as many
  threads as torch uses, in float32 or with onnxruntime's dynamic int8 quantization.

``quantize="int8"`` stores the weights of every LSTM and Linear as int8 and quantizes their
inputs on the fly (dynamic quantization: no calibration data); convolutions stay float32.

The exported graphs take whole sequences without lengths, so the callers hand them batches in
which every sample has the same length (texts of one token count, images of one CTC step
count): nothing is padded or packed, and each answer equals the model's own answer for that
sample alone.

Engines are built once per model and option pair and kept while the model lives; a change to
the model's weights or buffers (training, ``load_state_dict``, ``.to()``) builds a new one.
"""

from __future__ import annotations

import copy
import io
import logging
import warnings
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import torch
from torch import Tensor, nn

from lstmzoo.errors import ConfigError
from lstmzoo.nn.loop import loop_elman_layers
from lstmzoo.torch_ties import inplace_version

__all__ = [
    "QUANTIZATIONS",
    "RUNTIMES",
    "InferenceEngine",
    "InferenceOptions",
    "engine_for",
    "equal_length_batches",
    "onnx_bytes",
]

Runtime = Literal["torch", "onnx"]
Quantize = Literal["none", "int8"]

RUNTIMES: tuple[str, ...] = ("torch", "onnx")
#: the ONNX operators that ``quantize="int8"`` quantizes (LSTM and Linear layers)
INT8_ONNX_OPS = ["LSTM", "MatMul", "Gemm"]
QUANTIZATIONS: tuple[str, ...] = ("none", "int8")


@dataclass(frozen=True)
class InferenceOptions:
    """How a zoo model runs at inference time.

    Args:
        runtime: ``"torch"`` (eager) or ``"onnx"`` (onnxruntime, needs ``lstmzoo[export]``).
        quantize: ``"none"`` (float32) or ``"int8"`` (dynamic int8 LSTM and Linear weights).
    """

    runtime: Runtime = "torch"
    quantize: Quantize = "none"

    def __post_init__(self) -> None:
        if self.runtime not in RUNTIMES:
            raise ConfigError(
                f"unknown inference runtime {self.runtime!r}: choose one of {', '.join(RUNTIMES)}"
            )
        if self.quantize not in QUANTIZATIONS:
            raise ConfigError(
                f"unknown quantization {self.quantize!r}: choose one of {', '.join(QUANTIZATIONS)}"
            )

    @property
    def is_default(self) -> bool:
        """True for float32 eager, the model's own forward."""
        return self.runtime == "torch" and self.quantize == "none"


def onnx_bytes(module: nn.Module, inputs: tuple[Tensor, ...], axes: dict, opset: int = 17) -> bytes:
    """``module`` exported to ONNX (legacy tracing exporter) with the dynamic ``axes`` of
    :meth:`~lstmzoo.models.base.ZooModule.export_axes`, as bytes. Elman RNN layers are exported
    as an explicit loop over time (:func:`~lstmzoo.nn.loop.loop_elman_layers`), which
    onnxruntime runs faster than its ``RNN`` operator."""
    try:
        import onnx  # noqa: F401
    except ImportError as err:
        raise ConfigError(
            "the ONNX runtime and export need the onnx package: pip install 'lstmzoo[export]'"
        ) from err
    module = loop_elman_layers(module)
    buffer = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer chatter about Python control flow
        torch.onnx.export(
            module,
            inputs,
            buffer,
            input_names=list(axes["inputs"]),
            output_names=list(axes["outputs"]),
            dynamic_axes={**axes["inputs"], **axes["outputs"]},
            opset_version=opset,
            dynamo=False,
        )
    return buffer.getvalue()


def _quantize_torch(module: nn.Module) -> nn.Module:
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        # torch marks its eager quantization API deprecated in favour of torchao (not a
        # dependency); the API works in every torch the project supports
        warnings.simplefilter("ignore")
        return quantize_dynamic(module, {nn.LSTM, nn.GRU, nn.Linear}, dtype=torch.qint8)


class _DropMessages(logging.Filter):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self.text not in record.getMessage()


def _quantize_onnx(model: bytes) -> bytes:
    import tempfile
    from pathlib import Path

    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(prefix="lstmzoo-int8-") as tmp:
        src, dst = Path(tmp, "model.onnx"), Path(tmp, "model.int8.onnx")
        src.write_bytes(model)
        advice = _DropMessages("pre-processing before quantization")
        root = logging.getLogger()
        root.addFilter(advice)  # onnxruntime logs this advice (meant for static quantization)
        try:
            quantize_dynamic(  # LSTM and Linear as in torch: int8 convolutions are slower here
                src, dst, weight_type=QuantType.QInt8, op_types_to_quantize=INT8_ONNX_OPS
            )
        finally:
            root.removeFilter(advice)
        return dst.read_bytes()


class InferenceEngine:
    """Runs ``model.export_module()`` with the chosen runtime and quantization.

    Call it with the export graph's inputs (tensors); it returns the first output as a float
    tensor. ``runtime="torch", quantize="none"`` runs on the model's device; the other options
    run on the CPU and return CPU tensors.
    """

    def __init__(self, model: nn.Module, options: InferenceOptions | None = None) -> None:
        self.options = options or InferenceOptions()
        self._module: nn.Module | None = None
        self._session: Any = None
        export_module = getattr(model, "export_module", None)
        if export_module is None:
            raise ConfigError(f"{type(model).__name__} has no export graph to run a fast path on")
        if self.options.runtime == "torch":
            module = export_module()
            if self.options.quantize == "int8":
                module = _quantize_torch(copy.deepcopy(module).cpu().eval())
            self._module = module
            return
        try:
            import onnxruntime as ort
        except ImportError as err:
            raise ConfigError(
                "runtime 'onnx' needs onnxruntime: pip install 'lstmzoo[export]'"
            ) from err
        module = copy.deepcopy(export_module()).cpu().eval()
        inputs = tuple(t.cpu() for t in model.example_inputs())  # type: ignore[operator]
        self._input_names = list(model.export_axes()["inputs"])  # type: ignore[operator]
        data = onnx_bytes(module, inputs, model.export_axes())  # type: ignore[operator]
        if self.options.quantize == "int8":
            data = _quantize_onnx(data)
        so = ort.SessionOptions()
        so.intra_op_num_threads = max(1, torch.get_num_threads())
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.log_severity_level = 3  # errors only: no per-node placement chatter
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(data, so, providers=["CPUExecutionProvider"])

    def __call__(self, *inputs: Tensor) -> Tensor:
        if self._module is not None:
            with torch.inference_mode():
                if self.options.quantize == "int8":
                    inputs = tuple(t.cpu() for t in inputs)
                return self._module(*inputs).float()
        names = self._input_names
        feeds = {name: t.detach().cpu().numpy() for name, t in zip(names, inputs, strict=True)}
        return torch.from_numpy(self._session.run(None, feeds)[0]).float()


_ENGINES: weakref.WeakKeyDictionary[nn.Module, dict[InferenceOptions, tuple[Any, Any]]] = (
    weakref.WeakKeyDictionary()
)


def equal_length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of at most ``batch_size`` samples of one length each
    (shortest lengths first, input order within a length), so that nothing is padded."""
    groups: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        groups.setdefault(int(n), []).append(i)
    return [
        group[start : start + batch_size]
        for _, group in sorted(groups.items())
        for start in range(0, len(group), batch_size)
    ]


def _weights_state(model: nn.Module) -> tuple:
    """Changes whenever a parameter or buffer is replaced or modified in place."""
    return tuple(
        (t.data_ptr(), inplace_version(t), t.device.type)
        for t in (*model.parameters(), *model.buffers())
    )


def engine_for(model: nn.Module, options: InferenceOptions) -> InferenceEngine:
    """The engine of ``model`` for ``options``, built on first use and rebuilt after the model's
    weights change."""
    engines = _ENGINES.setdefault(model, {})
    state = _weights_state(model)
    cached = engines.get(options)
    if cached is not None and cached[0] == state:
        return cached[1]
    engine = InferenceEngine(model, options)
    engines[options] = (state, engine)
    return engine
