"""Does the synthetic renderer keep up with CRNN training?

Measures, in alternating rounds so that both see the same machine load:

* render: images/s the training data loader delivers (synthetic renderer, the config's
  ``num_workers``), measured in steady state (batches prefetched during other rounds are drained
  first and not counted);
* train: images/s of training steps (forward, CTC loss, backward, clipping, Adam) of the
  config's model on batches already in memory;
* fed: images/s of training steps fed by the real data loader (renderer and training competing
  for the same cores).

and prints per-round numbers, the medians, and the ratio render / train (above 1: the renderer
can keep up) and fed / train (how much of the training speed survives rendering alongside).

    python benchmarks/bench_ocr_pipeline.py                 # configs/crnn_ocr.yaml, 7 rounds
    python benchmarks/bench_ocr_pipeline.py --quick         # a few seconds, to check it runs
    python benchmarks/bench_ocr_pipeline.py --num-workers 2 --threads 2
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import torch
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lstmzoo.data.ocr import OCRDataModule  # noqa: E402
from lstmzoo.registry import get_model_spec  # noqa: E402


def load_config(path: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    model = cfg.get("model", {})
    model_args = dict(model.get("init_args", {})) if isinstance(model, dict) else {}
    name = model.get("class_path", "crnn_ocr") if isinstance(model, dict) else str(model)
    data_args = dict(cfg.get("data", {}).get("init_args", {}))
    trainer = dict(cfg.get("trainer", {}))
    return {"name": name, **model_args}, data_args, trainer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", type=Path, default=REPO / "configs" / "crnn_ocr.yaml")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--batches", type=int, default=15, help="batches per measurement")
    parser.add_argument("--num-workers", type=int, default=None, help="default: the config's")
    parser.add_argument("--threads", type=int, default=None, help="torch threads")
    parser.add_argument("--quick", action="store_true", help="2 rounds of 2 batches")
    opts = parser.parse_args(argv)
    if opts.quick:
        opts.rounds, opts.batches = 2, 2
    if opts.threads:
        torch.set_num_threads(opts.threads)

    model_args, data_args, trainer_args = load_config(opts.config)
    if opts.num_workers is not None:
        data_args["num_workers"] = opts.num_workers
    data_args.pop("prerender_dir", None)
    dm = OCRDataModule(**data_args)
    dm.setup("fit")
    spec = get_model_spec(model_args.pop("name"))
    model = spec.build(**{**model_args, **dm.model_kwargs()})
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=float(model_args.get("lr", 1e-3)))
    clip = float(trainer_args.get("gradient_clip_val") or 0.0)
    batch_size = dm.batch_size
    loader = dm.train_dataloader()
    stream = iter(loader)
    prefetched = max(1, dm.num_workers) * 2 if dm.num_workers > 0 else 0

    def step(batch: dict[str, Any]) -> None:
        out = model(batch["x"], batch["widths"])
        loss = model.ctc_loss(out, batch["text"])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if clip:
            torch.nn.utils.clip_grad_norm_(params, clip)
        optimizer.step()

    def render_round() -> float:
        for _ in range(prefetched):  # made while the other rounds ran: not counted
            next(stream)
        start = time.perf_counter()
        for _ in range(opts.batches):
            next(stream)
        return opts.batches * batch_size / (time.perf_counter() - start)

    cached = [next(stream) for _ in range(min(opts.batches, 4))]

    def train_round() -> float:
        start = time.perf_counter()
        for batch in itertools.islice(itertools.cycle(cached), opts.batches):
            step(batch)
        return opts.batches * batch_size / (time.perf_counter() - start)

    def fed_round() -> float:
        start = time.perf_counter()
        for _ in range(opts.batches):
            step(next(stream))
        return opts.batches * batch_size / (time.perf_counter() - start)

    n_params = sum(p.numel() for p in params)
    print(
        f"config {opts.config.name}: {spec.name} {n_params / 1e6:.2f}M parameters, batch "
        f"{batch_size}, {dm.num_workers} loader worker(s), {torch.get_num_threads()} torch "
        f"thread(s); {opts.rounds} rounds of {opts.batches} batches"
    )
    step(cached[0])  # warm-up
    results: dict[str, list[float]] = {"render": [], "train": [], "fed": []}
    for r in range(opts.rounds):
        for name, fn in (("render", render_round), ("train", train_round), ("fed", fed_round)):
            results[name].append(fn())
        print(
            f"round {r + 1}: render {results['render'][-1]:7.1f} img/s   train "
            f"{results['train'][-1]:7.1f} img/s   fed {results['fed'][-1]:7.1f} img/s",
            flush=True,
        )
    med = {k: statistics.median(v) for k, v in results.items()}
    print(
        f"median: render {med['render']:.1f} img/s, train {med['train']:.1f} img/s, "
        f"fed {med['fed']:.1f} img/s"
    )
    print(f"ratio render/train = {med['render'] / med['train']:.2f} (>= 1: the renderer keeps up)")
    print(f"ratio fed/train    = {med['fed'] / med['train']:.2f} (training speed kept)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
