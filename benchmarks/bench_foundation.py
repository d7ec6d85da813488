"""Overhead of the zoo's layers over bare PyTorch, measured side by side.

1. ``RecurrentEncoder`` forward + backward vs a bare ``nn.LSTM`` of the same shape and weights
   (both on equal-length batches and on padded variable-length batches through packing).
2. A zoo LightningModule trained by ``Trainer.fit`` vs a plain PyTorch loop over the same
   modules, optimizer and batches (training steps per second).

Usage: python benchmarks/bench_foundation.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time

import lightning.pytorch as pl
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from torch.utils.data import DataLoader

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


def bench_training(rounds: int, steps_per_round: int) -> None:
    torch.manual_seed(0)
    x, y = adding_problem(64 * steps_per_round, 100, seed=0)
    loader = DataLoader(TensorDictDataset(x, y), batch_size=64, collate_fn=pad_collate)
    batches = list(loader)
    model = SequenceModel(input_size=2, output_size=1, hidden_size=64)

    def plain_loop():
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        model.train()
        for batch in batches:
            y_hat = model(batch["x"], batch["lengths"])
            loss = nn.functional.mse_loss(y_hat, batch["y"])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    def lightning_fit():
        trainer = pl.Trainer(
            max_epochs=1,
            accelerator="cpu",
            devices=1,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            limit_val_batches=0,
            num_sanity_val_steps=0,
        )
        trainer.fit(model, train_dataloaders=loader)

    t_pl, t_plain = interleaved(lightning_fit, plain_loop, rounds, 1)
    n = len(batches)
    print(f"Training steps/s, SequenceModel(lstm, H=64) on the adding problem T=100, {n} steps/run")
    print(
        f"  Trainer.fit {n / t_pl:7.1f} steps/s  plain loop {n / t_plain:7.1f} steps/s  "
        f"ratio = {t_plain / t_pl:.3f}  (target >= 0.95)"
    )


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
        bench_training(rounds=2, steps_per_round=5)
    else:
        bench_encoder(rounds=7, repeats=5)
        bench_training(rounds=5, steps_per_round=100)


if __name__ == "__main__":
    main()
