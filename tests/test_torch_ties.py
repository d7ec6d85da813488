"""lstmzoo.torch_ties: the private torch attributes the package reads still behave as used."""

from __future__ import annotations

import torch

from lstmzoo.torch_ties import inplace_version


def test_inplace_version_counts_in_place_changes_only() -> None:
    weight = torch.nn.Parameter(torch.zeros(3))
    start = inplace_version(weight)
    assert isinstance(start, int)
    _ = weight * 2  # out of place: no change
    assert inplace_version(weight) == start
    with torch.no_grad():
        weight.add_(1.0)
    assert inplace_version(weight) == start + 1
    module = torch.nn.Linear(2, 2)
    before = [inplace_version(p) for p in module.parameters()]
    module.load_state_dict({k: torch.ones_like(v) for k, v in module.state_dict().items()})
    assert all(inplace_version(p) > b for p, b in zip(module.parameters(), before))
