"""Inference throughput: onnxruntime vs PyTorch eager, and bf16 autocast vs fp32 training on CPU.

For ``bilstm_sentiment`` and ``crnn_ocr`` at their shipped sizes (random weights: speed does not
depend on them), measured side by side: variants interleaved, medians, ratios printed.

    python benchmarks/bench_inference.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import torch
import yaml

import lstmzoo
from lstmzoo.export import export_model

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


def models() -> dict[str, tuple[torch.nn.Module, torch.Tensor]]:
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
    return {
        "bilstm_sentiment": (sentiment, torch.randint(2, len(vocab), (64, 24))),
        "crnn_ocr": (ocr, torch.rand(64, 1, 32, 100)),
    }


def bench_onnx(rounds: int, repeats: int) -> None:
    import onnxruntime

    print("inference, batch 64: onnxruntime vs PyTorch eager (no grad)")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (model, x) in models().items():
            model.eval()
            net = model.export_module().eval()
            path = export_model(model, "onnx", Path(tmp) / f"{name}.onnx")
            options = onnxruntime.SessionOptions()  # the same number of threads as torch
            options.intra_op_num_threads = torch.get_num_threads()
            options.inter_op_num_threads = 1
            session = onnxruntime.InferenceSession(str(path), options)
            feed = {session.get_inputs()[0].name: x.numpy()}

            def eager(net=net, x=x):
                with torch.no_grad():
                    net(x)

            def ort(session=session, feed=feed):
                session.run(None, feed)

            t = interleaved({"eager": eager, "onnxruntime": ort}, rounds, repeats)
            eager_rate, ort_rate = 64 / t["eager"], 64 / t["onnxruntime"]
            print(
                f"  {name:17s} eager {eager_rate:8.0f}/s  onnxruntime {ort_rate:8.0f}/s  "
                f"ratio ort/eager = {ort_rate / eager_rate:.2f}"
            )


def bench_bf16(rounds: int, repeats: int) -> None:
    print("training step, batch 64: bf16 autocast vs fp32 on this CPU")
    for name, (model, x) in models().items():
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    opts = parser.parse_args()
    rounds, repeats = (2, 2) if opts.quick else (5, 10)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads (torch and onnxruntime)")
    bench_onnx(rounds, repeats)
    bench_bf16(rounds, repeats)


if __name__ == "__main__":
    main()
