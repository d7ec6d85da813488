"""GPU training throughput of the zoo's recurrent stacks: fp32 vs bf16-mixed vs 16-mixed.

Runs the cuDNN LSTM path of ``SequenceModel`` (2-layer BiLSTM) with Lightning's precision
plugins' recipe (autocast, plus a GradScaler for float16), interleaving the three precisions and
reporting median samples/s and the ratios to fp32. Needs a CUDA device; exits with a message
otherwise. ``--record`` appends the result table to benchmarks/RESULTS.md with the card's name.

    python benchmarks/bench_gpu.py [--quick] [--record]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

from lstmzoo.models import SequenceModel

PRECISIONS = ("fp32", "bf16-mixed", "16-mixed")


def make_step(model, precision: str, batch: int, steps: int, features: int):
    device = torch.device("cuda")
    x = torch.randn(batch, steps, features, device=device)
    y = torch.randn(batch, 1, device=device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    dtype = {"bf16-mixed": torch.bfloat16, "16-mixed": torch.float16}.get(precision)
    scaler = torch.amp.GradScaler("cuda", enabled=precision == "16-mixed")

    def step() -> None:
        with torch.autocast("cuda", dtype=dtype or torch.float32, enabled=dtype is not None):
            loss = torch.nn.functional.mse_loss(model(x).float(), y)
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()

    return step


def timed(step, repeats: int) -> float:
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        step()
    torch.cuda.synchronize()
    return (time.perf_counter() - start) / repeats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/RESULTS.md")
    opts = parser.parse_args()
    if not torch.cuda.is_available():
        print("no CUDA device: this benchmark needs a GPU")
        return 0
    batch, steps, features, hidden = 128, 100, 64, 256
    rounds, repeats = (3, 5) if opts.quick else (7, 20)
    torch.manual_seed(0)
    model = SequenceModel(input_size=features, hidden_size=hidden, num_layers=2, bidirectional=True)
    model = model.cuda().train()
    fns = {p: make_step(model, p, batch, steps, features) for p in PRECISIONS}
    for fn in fns.values():
        fn()  # warm-up: cuDNN plans, autocast caches
    times: dict[str, list[float]] = {p: [] for p in PRECISIONS}
    for _ in range(rounds):
        for p, fn in fns.items():
            times[p].append(timed(fn, repeats))
    name = torch.cuda.get_device_name()
    lines = [
        f"### {name}, torch {torch.__version__}, cuDNN {torch.backends.cudnn.version()}",
        "",
        f"2-layer BiLSTM, B={batch} T={steps} D={features} H={hidden}, training step, "
        f"median of {rounds} interleaved rounds x {repeats} steps",
        "",
        "| precision | samples/s | vs fp32 |",
        "|---|---|---|",
    ]
    base = statistics.median(times["fp32"])
    for p in PRECISIONS:
        t = statistics.median(times[p])
        lines.append(f"| {p} | {batch / t:,.0f} | {base / t:.2f}x |")
    text = "\n".join(lines)
    print(text)
    if opts.record:
        path = Path(__file__).with_name("RESULTS.md")
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
