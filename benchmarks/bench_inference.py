"""Inference throughput of every zoo model's export graph: onnxruntime and int8 vs PyTorch
eager; bf16 autocast vs fp32 training on CPU (``bilstm_sentiment``, ``crnn_ocr``); and the
``crnn_ocr`` training step with its backbone in channels-last layout (the recipe's
``channels_last``) vs the default layout, in both precisions.

Every model at its shipped size (random weights: speed does not depend on them), measured side
by side: variants interleaved, medians, ratios printed. ``benchmarks/bench_fastpath.py``
measures the same options end to end (image decoding, tokenization, batching) with accuracy.
The ``elman`` part runs the ``rnn`` model's graph both ways it can be exported: with the ONNX
``RNN`` operator (what ``torch.onnx`` writes for ``nn.RNN``) and as the explicit loop of
:mod:`lstmzoo.nn.loop` (what the engines use), each against eager.

    python benchmarks/bench_inference.py [--quick] [--only onnx|elman|bf16|layout] [--models ...]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import warnings
from pathlib import Path

import torch
import yaml

import lstmzoo
from lstmzoo.inference import InferenceOptions, engine_for

REPO = Path(__file__).resolve().parents[1]


def interleaved(fns: dict, rounds: int, repeats: int) -> dict[str, float]:
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(repeats):
                fn()
            times[name].append((time.perf_counter() - start) / repeats)
    return {k: statistics.median(v) for k, v in times.items()}


def shipped_sizes(config: str, keys: tuple[str, ...]) -> dict[str, object]:
    """The model sizes a shipped config sets (so the benchmark follows the configs)."""
    cfg = yaml.safe_load((REPO / "configs" / config).read_text(encoding="utf-8"))
    init = cfg["model"].get("init_args", {})
    return {k: init[k] for k in keys if k in init}


def models() -> dict[str, tuple[torch.nn.Module, tuple[torch.Tensor, ...]]]:
    """Every zoo model at its shipped size, with one batch of 64 inputs for its export graph."""
    vocab = ["<pad>", "<unk>", *[f"w{i}" for i in range(16_000)]]
    sentiment = lstmzoo.create_model(
        "bilstm_sentiment",
        vocab=vocab,
        classes=["negative", "positive"],
        **shipped_sizes("bilstm_sentiment.yaml", ("embedding_dim", "hidden_size")),
    )
    ocr = lstmzoo.create_model(
        "crnn_ocr",
        **shipped_sizes("crnn_ocr.yaml", ("width_mult", "hidden_size", "batch_norm")),
    )
    out: dict[str, tuple[torch.nn.Module, tuple[torch.Tensor, ...]]] = {
        "bilstm_sentiment": (sentiment, (torch.randint(2, len(vocab), (64, 24)),)),
        "crnn_ocr": (ocr, (torch.rand(64, 1, 32, 100),)),
    }
    sequence = {  # registry name -> (config, sequence length, input features)
        "rnn": ("rnn_adding.yaml", 200, 2),
        "lstm": ("lstm_adding.yaml", 200, 2),
        "gru": ("gru_adding.yaml", 200, 2),
        "lstm_2layer": ("lstm_2layer_copy.yaml", 40, 9),
    }
    for name, (config, steps, features) in sequence.items():
        sizes = shipped_sizes(config, ("hidden_size", "head"))
        model = lstmzoo.create_model(name, input_size=features, **sizes)
        out[name] = (model, (torch.randn(64, steps, features),))
    return out


def bench_onnx(rounds: int, repeats: int, only: list[str] | None = None) -> None:
    """Every zoo model's export graph, batch 64: each runtime and quantization vs float32
    eager, through the same engines that read() / predict_text() / lstmzoo predict use."""
    print(
        "inference, batch 64, export graph: each option vs torch float32 eager (ratio > 1: faster)"
    )
    for name, (model, inputs) in models().items():
        if only and name not in only:
            continue
        model.eval()
        engines = {
            f"{r}/{q}": engine_for(model, InferenceOptions(r, q))  # type: ignore[arg-type]
            for r, q in (("torch", "none"), ("onnx", "none"), ("torch", "int8"), ("onnx", "int8"))
        }
        fns = {k: (lambda e=e, x=inputs: e(*x)) for k, e in engines.items()}
        t = interleaved(fns, rounds, repeats)
        base = t["torch/none"]
        cells = "  ".join(f"{k} {64 / v:7.0f}/s x{base / v:4.2f}" for k, v in t.items())
        print(f"  {name:17s} {cells}")


def _session(data: bytes):
    """An onnxruntime session with the settings of :class:`lstmzoo.inference.InferenceEngine`."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = max(1, torch.get_num_threads())
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(data, so, providers=["CPUExecutionProvider"])


def bench_elman(rounds: int, repeats: int) -> None:
    """The ``rnn`` model's export graph, batch 64: eager vs onnxruntime with the ONNX ``RNN``
    operator vs onnxruntime with the explicit loop (the engines' export), same weights."""
    from lstmzoo.inference import onnx_bytes

    print("rnn export graph, batch 64: ONNX RNN operator vs explicit loop, each vs torch eager")
    sizes = shipped_sizes("rnn_adding.yaml", ("hidden_size", "head"))
    model = lstmzoo.create_model("rnn", input_size=2, **sizes).eval()
    x = torch.randn(64, 200, 2)  # as in models(): the adding problem's T = 200
    module = model.export_module().eval()
    axes = model.export_axes()
    buffer = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(  # what onnx_bytes writes, without swapping nn.RNN for the loop
            module,
            model.example_inputs(),
            buffer,
            input_names=list(axes["inputs"]),
            output_names=list(axes["outputs"]),
            dynamic_axes={**axes["inputs"], **axes["outputs"]},
            opset_version=17,
            dynamo=False,
        )
    sessions = {
        "onnx RNN op": _session(buffer.getvalue()),
        "onnx loop": _session(onnx_bytes(module, model.example_inputs(), axes)),
    }
    name = next(iter(axes["inputs"]))
    feeds = {name: x.numpy()}
    with torch.inference_mode():
        want = module(x)
    for label, session in sessions.items():
        got = torch.from_numpy(session.run(None, feeds)[0])
        gap = (got - want).abs().max().item()
        print(f"  {label}: max abs difference to eager {gap:.1e}")

    def eager() -> None:
        with torch.inference_mode():
            module(x)

    fns = {"eager": eager, **{k: (lambda s=s: s.run(None, feeds)) for k, s in sessions.items()}}
    t = interleaved(fns, rounds, repeats)
    cells = "  ".join(f"{k} {64 / v:7.0f}/s x{t['eager'] / v:4.2f}" for k, v in t.items())
    print(f"  rnn               {cells}")


def bench_bf16(rounds: int, repeats: int) -> None:
    print("training step, batch 64: bf16 autocast vs fp32 on this CPU")
    for name, (model, (x,)) in models().items():
        if name not in ("bilstm_sentiment", "crnn_ocr"):
            continue
        # convolutions without native bf16 support (no AVX512-BF16 / AMX) are emulated and
        # slow: fewer repeats for the CNN keep the run short
        reps = max(1, repeats // 10) if name == "crnn_ocr" else repeats
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)
        net = model.export_module()

        def step(bf16: bool, net=net, x=x, opt=opt):
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                out = net(x)
            loss = out.float().pow(2).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        t = interleaved(
            {"fp32": lambda s=step: s(False), "bf16": lambda s=step: s(True)}, rounds, reps
        )
        print(
            f"  {name:17s} fp32 {64 / t['fp32']:8.0f}/s  bf16 {64 / t['bf16']:8.0f}/s  "
            f"speed-up bf16/fp32 = {t['fp32'] / t['bf16']:.2f}"
        )


def bench_layout(rounds: int, repeats: int) -> None:
    """``crnn_ocr`` training steps at the recipe's batch of 32: channels-last vs default layout."""
    print("crnn_ocr training step, batch 32: channels-last backbone vs default layout")
    sizes = shipped_sizes("crnn_ocr.yaml", ("width_mult", "hidden_size", "batch_norm"))
    images = torch.rand(32, 1, 32, 100)
    texts = ["lstmzoo", "hello", "world", "2024"] * 8
    steps = {}
    for layout in ("default", "channels_last"):
        torch.manual_seed(0)
        model = lstmzoo.create_model(
            "crnn_ocr", channels_last=layout == "channels_last", **sizes
        ).train()
        model.on_train_start()  # what fit does: re-lays the backbone when channels_last is set
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)

        def step(bf16: bool, model=model, opt=opt):
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                out = model(images)
            loss = model.ctc_loss(out, texts)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        for precision in ("fp32", "bf16"):
            steps[f"{precision} {layout}"] = lambda s=step, b=precision == "bf16": s(b)
    t = interleaved(steps, rounds, max(1, repeats // 5))
    for precision in ("fp32", "bf16"):
        base, nhwc = t[f"{precision} default"], t[f"{precision} channels_last"]
        print(
            f"  {precision}: default {32 / base:6.0f} images/s  channels_last "
            f"{32 / nhwc:6.0f} images/s  speed-up = {base / nhwc:.2f}"
        )
    both = t["fp32 default"] / t["bf16 channels_last"]
    print(f"  bf16 channels_last vs fp32 default: speed-up = {both:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--only", choices=("onnx", "elman", "bf16", "layout"), help="run one part (default: all)"
    )
    parser.add_argument("--models", nargs="+", help="zoo models of the onnx part (default: all)")
    opts = parser.parse_args()
    rounds, repeats = (2, 2) if opts.quick else (5, 10)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads (torch and onnxruntime)")
    if opts.only in (None, "onnx"):
        bench_onnx(rounds, repeats, opts.models)
    if opts.only in (None, "elman"):
        bench_elman(rounds, repeats)
    if opts.only in (None, "bf16"):
        bench_bf16(rounds, repeats)
    if opts.only in (None, "layout"):
        bench_layout(rounds, repeats)


if __name__ == "__main__":
    main()
