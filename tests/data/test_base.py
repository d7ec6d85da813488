"""ZooDataModule: the shared base of the zoo's data modules."""

from __future__ import annotations

import torch

from lstmzoo.data.base import ZooDataModule


def test_transfer_batch_to_device_keeps_flat_batches_and_walks_nested_ones() -> None:
    data = ZooDataModule()
    cpu = torch.device("cpu")
    x, y = torch.randn(3, 5, 2), torch.randn(3, 1)
    batch = {"x": x, "y": y, "lengths": None, "text": ["a", "b", "c"]}
    moved = data.transfer_batch_to_device(batch, cpu, 0)
    assert moved.keys() == batch.keys() and moved["x"] is x and moved["lengths"] is None
    assert moved["text"] == ["a", "b", "c"]
    nested = {"x": x, "extra": {"inner": [y]}}  # not flat: Lightning's generic walk
    assert torch.equal(data.transfer_batch_to_device(nested, cpu, 0)["extra"]["inner"][0], y)
    pair = data.transfer_batch_to_device((x, y), cpu, 0)
    assert torch.equal(pair[0], x) and torch.equal(pair[1], y)
