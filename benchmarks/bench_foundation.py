"""Overhead of the zoo's layers over bare PyTorch, measured side by side.

1. ``RecurrentEncoder`` forward + backward vs a bare ``nn.LSTM`` of the same shape and weights
   (both on equal-length batches and on padded variable-length batches through packing).
2. A zoo LightningModule trained by ``Trainer.fit`` (without a progress bar, with Lightning's
   Rich bar, and with the throttled Rich bar the CLI shows) vs a plain PyTorch loop over the
   same modules, optimizer and DataLoader, at the main job's shapes (training steps per second).

Usage: python benchmarks/bench_foundation.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time

import lightning.pytorch as pl
import torch
from lightning.pytorch.callbacks import RichProgressBar
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from torch.utils.data import DataLoader

from lstmzoo.callbacks import ThrottledRichProgressBar
from lstmzoo.data.base import TensorDictDataset, pad_collate
from lstmzoo.data.synthetic import adding_problem
from lstmzoo.models import SequenceModel
from lstmzoo.nn import RecurrentEncoder


def _time(fn, repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) / repeats


def interleaved(a, b, rounds: int, repeats: int) -> tuple[float, float]:
    """Median seconds per call of ``a`` and ``b``, measured alternately."""
    a(), b()  # warm up
    ta, tb = [], []
    for _ in range(rounds):
        ta.append(_time(a, repeats))
        tb.append(_time(b, repeats))
    return statistics.median(ta), statistics.median(tb)


def bench_encoder(rounds: int, repeats: int) -> None:
    torch.manual_seed(0)
    batch, steps, features, hidden = 64, 100, 32, 128
    enc = RecurrentEncoder(features, hidden, "lstm", num_layers=2, bidirectional=True)
    bare = nn.LSTM(features, hidden, num_layers=2, bidirectional=True, batch_first=True)
    bare.load_state_dict(enc.rnn.state_dict())
    x = torch.randn(batch, steps, features)
    lengths = torch.randint(steps // 2, steps + 1, (batch,))
    lengths[0] = steps

    def zoo_full():
        enc(x).outputs.sum().backward()

    def bare_full():
        bare(x)[0].sum().backward()

    def zoo_packed():
        enc(x, lengths).outputs.sum().backward()

    def bare_packed():
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = bare(packed)
        pad_packed_sequence(out, batch_first=True, total_length=steps)[0].sum().backward()

    print(
        f"RecurrentEncoder vs nn.LSTM, 2-layer BiLSTM, B={batch} T={steps} D={features} H={hidden}"
    )
    for label, a, b in (
        ("equal lengths", zoo_full, bare_full),
        ("packed lengths", zoo_packed, bare_packed),
    ):
        t_zoo, t_bare = interleaved(a, b, rounds, repeats)
        print(
            f"  {label:15s} zoo {t_zoo * 1e3:7.2f} ms  bare {t_bare * 1e3:7.2f} ms  "
            f"throughput ratio zoo/bare = {t_bare / t_zoo:.3f}  (target >= 0.9)"
        )


def bench_training(rounds: int, steps_per_round: int, seq_len: int) -> None:
    """``Trainer.fit`` vs a hand-written loop, both iterating the same ``DataLoader``.

    The shapes are the main job's (adding problem, B=64, H=64, gradient clipping at 1.0); the
    loop does what ``fit`` does per step (forward, MSE, zero_grad, backward, clip, step) and
    nothing more, so the ratio is what Lightning and the zoo's hooks cost per step.
    """
    torch.manual_seed(0)
    x, y = adding_problem(64 * steps_per_round, seq_len, seed=0)
    loader = DataLoader(TensorDictDataset(x, y), batch_size=64, collate_fn=pad_collate)
    model = SequenceModel(input_size=2, output_size=1, hidden_size=64)

    def plain_loop():
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        model.train()
        for batch in loader:
            y_hat = model(batch["x"], batch["lengths"])
            loss = nn.functional.mse_loss(y_hat, batch["y"])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()

    def fit(progress_bar: type | None):
        def run():
            trainer = pl.Trainer(
                max_epochs=1,
                accelerator="cpu",
                devices=1,
                logger=False,
                enable_checkpointing=False,
                callbacks=[progress_bar()] if progress_bar else None,
                enable_progress_bar=progress_bar is not None,
                enable_model_summary=False,
                limit_val_batches=0,
                num_sanity_val_steps=0,
                gradient_clip_val=1.0,
            )
            trainer.fit(model, train_dataloaders=loader)

        return run

    variants = {
        "plain loop": plain_loop,
        "Trainer.fit": fit(None),
        "Trainer.fit + Rich bar": fit(RichProgressBar),
        "Trainer.fit + lstmzoo bar": fit(ThrottledRichProgressBar),
    }
    times = interleaved_many(variants, rounds)
    n = len(loader)
    base = times["plain loop"]
    print(
        f"Training steps/s, SequenceModel(lstm, H=64), adding problem T={seq_len}, B=64, "
        f"clip 1.0, the same DataLoader, {n} steps/run"
    )
    for label, seconds in times.items():
        extra = (seconds - base) / n * 1e3
        print(
            f"  {label:27s} {n / seconds:7.1f} steps/s  ratio to the loop = {base / seconds:.3f}"
            + ("" if label == "plain loop" else f"  (+{extra:.2f} ms/step; target ratio >= 0.95)")
        )


def interleaved_many(variants: dict, rounds: int) -> dict[str, float]:
    """Median seconds per call of each variant, run in turn (A, B, C, A, B, C, ...)."""
    for fn in variants.values():
        fn()  # warm up
    samples: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(rounds):
        for label, fn in variants.items():
            start = time.perf_counter()
            fn()
            samples[label].append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few rounds, for a smoke run")
    opts = parser.parse_args()
    import logging

    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    if opts.quick:
        bench_encoder(rounds=2, repeats=2)
        bench_training(rounds=2, steps_per_round=5, seq_len=20)
    else:
        bench_encoder(rounds=7, repeats=5)
        bench_training(rounds=5, steps_per_round=100, seq_len=200)


if __name__ == "__main__":
    main()
