"""Use lstmzoo models in a plain Lightning project: no lstmzoo CLI, no configs.

1. import a zoo model by class and by registry name,
2. train it with a hand-written LightningDataModule on your own data,
3. load a zoo checkpoint back, with the class or with ``lstmzoo.checkpoint.load_model``.

    python examples/plain_lightning.py --output-dir /tmp/zoo-example
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import lightning.pytorch as pl
import torch
from torch.utils.data import DataLoader, TensorDataset

import lstmzoo
from lstmzoo.checkpoint import load_model
from lstmzoo.models import SequenceModel


class NoisySineDataModule(pl.LightningDataModule):
    """Predict the next value of a noisy sine wave from the previous ``window`` values."""

    def __init__(self, window: int = 20, samples: int = 512, batch_size: int = 32) -> None:
        super().__init__()
        self.window, self.samples, self.batch_size = window, samples, batch_size

    def setup(self, stage: str | None = None) -> None:
        g = torch.Generator().manual_seed(0)
        t = torch.arange(self.samples + self.window + 1, dtype=torch.float32)
        series = torch.sin(2 * math.pi * t / 25) + 0.05 * torch.randn(t.shape, generator=g)
        x = torch.stack([series[i : i + self.window] for i in range(self.samples)]).unsqueeze(-1)
        y = series[self.window : self.window + self.samples].unsqueeze(-1)
        split = int(0.8 * self.samples)
        self.train = TensorDataset(x[:split], y[:split])
        self.val = TensorDataset(x[split:], y[split:])

    # The default collate gives (x, y) batches, which zoo models take as they are (as well as
    # (x, y, lengths) for padded sequences and dicts {"x", "y", "lengths"}).
    def train_dataloader(self) -> DataLoader:
        return DataLoader(self.train, self.batch_size, shuffle=True)

    def val_dataloader(self) -> DataLoader:
        return DataLoader(self.val, self.batch_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output-dir", default="zoo-example")
    parser.add_argument("--epochs", type=int, default=3)
    opts = parser.parse_args()
    pl.seed_everything(0)

    by_class = SequenceModel(input_size=1, output_size=1, cell="lstm", hidden_size=32, lr=1e-2)
    by_name = lstmzoo.create_model("gru", input_size=1, hidden_size=32, lr=1e-2)

    for name, model in (("lstm", by_class), ("gru", by_name)):
        trainer = pl.Trainer(
            max_epochs=opts.epochs,
            default_root_dir=str(Path(opts.output_dir) / name),
            enable_progress_bar=False,
            logger=False,
        )
        trainer.fit(model, datamodule=NoisySineDataModule())
        path = Path(opts.output_dir) / f"{name}.ckpt"
        trainer.save_checkpoint(path)

        # a zoo checkpoint loads with the class, or without knowing it
        again = type(model).load_from_checkpoint(path)
        generic = load_model(path)
        x = torch.randn(4, 20, 1)
        with torch.no_grad():
            assert torch.allclose(again(x), generic(x))
        print(f"{name}: val/mse = {float(trainer.callback_metrics['val/mse']):.4f} -> {path}")


if __name__ == "__main__":
    main()
