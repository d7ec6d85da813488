"""Length bucketing + packed sequences vs plain random batches padded to the longest text.

Two BiLSTM sentiment classifiers with the same initial weights train side by side, their epochs
interleaved (A, B, A, B, ...) so that both see the same machine load:

* A: ``BucketBatchSampler`` (texts of similar length share a batch) and packed sequences;
* B: random batches padded to the longest text, the LSTM run over the padding (no packing).

It prints the median training-epoch time of each, the ratio A / B (target <= 0.6) and the test
accuracy of each at its best validation epoch (target: within 1 point of each other)::

    python benchmarks/bench_bucketing.py                       # movie snippets (downloaded once)
    python benchmarks/bench_bucketing.py --data reviews.csv    # your CSV / TSV / JSONL / aclImdb
    python benchmarks/bench_bucketing.py --quick               # a few seconds on generated data
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lstmzoo.data.text import TextClassificationData
from lstmzoo.models.sentiment import BiLSTMSentiment


def generated_csv(path: Path, n: int, seed: int) -> Path:
    """``n`` labelled texts of 3..60 tokens: sentiment words in filler (for --quick)."""
    rng = random.Random(seed)
    good, bad = ["great", "superb", "moving", "fresh"], ["dull", "awful", "stale", "tedious"]
    filler = ["the", "film", "a", "plot", "and", "cast", "story", "is", "quite", "of"]
    lines = ["text,label"]
    for i in range(n):
        label = i % 2
        words = rng.choices(filler, k=rng.randint(3, 60))
        words[rng.randrange(len(words))] = rng.choice(good if label else bad)
        lines.append(f"{' '.join(words)},{'pos' if label else 'neg'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def evaluate(model: BiLSTMSentiment, loader: torch.utils.data.DataLoader) -> float:
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for batch in loader:
            pred = model(batch["x"], batch["lengths"]).argmax(-1)
            correct += int((pred == batch["y"]).sum())
            total += len(pred)
    model.train()
    return correct / max(total, 1)


def train_epoch(
    model: BiLSTMSentiment, loader: torch.utils.data.DataLoader, opt: torch.optim.Optimizer
) -> float:
    start = time.perf_counter()
    for batch in loader:
        loss = torch.nn.functional.cross_entropy(model(batch["x"], batch["lengths"]), batch["y"])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="training file or aclImdb folder (default: movie snippets)")
    parser.add_argument("--val-data", help="validation file (default: cut from --data)")
    parser.add_argument("--test-data", help="test file (default: aclImdb test/ or none)")
    parser.add_argument("--snippets-file", help="local copy of the movie snippets (offline)")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--embedding-dim", type=int, default=128)
    parser.add_argument("--hidden-size", type=int, default=128)
    parser.add_argument("--pool-batches", type=int, default=None, help="default: one pool")
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch default)")
    parser.add_argument("--quick", action="store_true", help="2 epochs, small model (smoke test)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    if args.threads:
        torch.set_num_threads(args.threads)
    tmp = tempfile.TemporaryDirectory()
    if args.quick:
        args.epochs = min(args.epochs, 2)
        args.embedding_dim = min(args.embedding_dim, 32)
        args.hidden_size = min(args.hidden_size, 32)
        if args.data is None and args.snippets_file is None:
            args.data = str(generated_csv(Path(tmp.name) / "quick.csv", 600, args.seed))

    def datamodule(bucketing: bool) -> TextClassificationData:
        return TextClassificationData(
            train_file=args.data,
            val_file=args.val_data,
            test_file=args.test_data,
            snippets_file=args.snippets_file,
            test_fraction=0.1 if args.data is None or args.test_data else 0.0,
            bucketing=bucketing,
            pool_batches=args.pool_batches,
            batch_size=args.batch_size,
            seed=args.seed,
        )

    dms = {"A": datamodule(True), "B": datamodule(False)}
    for dm in dms.values():
        dm.setup("fit")
    kwargs = dms["A"].model_kwargs()
    has_test = bool(dms["A"].load_splits().get("test"))
    if has_test:
        for dm in dms.values():
            dm.setup("test")
    models, opts, loaders = {}, {}, {}
    for name, pack in (("A", True), ("B", False)):
        torch.manual_seed(args.seed)  # the same initial weights for both
        models[name] = BiLSTMSentiment(
            **kwargs,
            embedding_dim=args.embedding_dim,
            hidden_size=args.hidden_size,
            embedding_dropout=0.3,
            pack=pack,
            lr=args.lr,
        )
        opts[name] = models[name].configure_optimizers()  # the training optimizer (fused Adam)
        loaders[name] = dms[name].train_dataloader()
    train = dms["A"].train_set
    print(
        f"data: {len(train)} training texts, vocabulary {len(kwargs['vocab'])}, "
        f"{args.epochs} epochs, batch {args.batch_size}, torch threads {torch.get_num_threads()}"
    )
    times: dict[str, list[float]] = {"A": [], "B": []}
    best: dict[str, tuple[float, float, int]] = {"A": (-1.0, 0.0, 0), "B": (-1.0, 0.0, 0)}
    last_val: dict[str, float] = {}
    for epoch in range(args.epochs):
        for name in ("A", "B") if epoch % 2 == 0 else ("B", "A"):
            loaders[name].batch_sampler.set_epoch(epoch)
            times[name].append(train_epoch(models[name], loaders[name], opts[name]))
            val = last_val[name] = evaluate(models[name], dms[name].val_dataloader())
            if val > best[name][0]:
                test = evaluate(models[name], dms[name].test_dataloader()) if has_test else val
                best[name] = (val, test, epoch)
        print(
            f"epoch {epoch}: A {times['A'][-1]:.2f}s (val acc {last_val['A']:.3f})  "
            f"B {times['B'][-1]:.2f}s (val acc {last_val['B']:.3f})",
            flush=True,
        )
    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = med["A"] / med["B"]
    what = "test" if has_test else "val"
    acc = {k: 100 * best[k][1] for k in best}
    print(f"A bucketing + packing: median epoch {med['A']:.2f}s, {what} acc {acc['A']:.1f}%")
    print(f"B random + padding:    median epoch {med['B']:.2f}s, {what} acc {acc['B']:.1f}%")
    print(
        f"epoch time ratio A/B = {ratio:.3f} "
        f"(target <= 0.6: {'met' if ratio <= 0.6 else 'NOT met'}); "
        f"accuracy difference {acc['A'] - acc['B']:+.1f} points "
        f"(target within 1: {'met' if abs(acc['A'] - acc['B']) <= 1 else 'NOT met'})"
    )
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
