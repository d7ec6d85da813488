"""The ``topologies`` figure: one LSTM encoder with four heads (1 -> N two ways, N -> N,
N -> 1), each trained briefly on its synthetic task."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from lstmzoo.viz.topologies import plot_topologies

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["TOPOLOGIES", "topologies_figure"]

#: Settings of the ``topologies`` figure, as in notebook 03: one small LSTM per structure, each
#: trained for a few hundred steps.
TOPOLOGIES: dict[str, Any] = {
    "hidden_size": 32,
    "lr": 0.01,
    "wave_steps": 300,
    "copy_steps": 200,
    "adding_steps": 300,
}


def topologies_figure(seed: int = 0) -> Figure:
    """The four input/output structures, one encoder + head each, trained briefly: 1 -> N (a
    waveform from one vector, input at the first step / at every step), N -> N (delayed copy)
    and N -> 1 (adding problem)."""
    from functools import partial

    import lstmzoo
    from lstmzoo.data import AddingProblem, DelayedCopy, Waveform
    from lstmzoo.explain import train_steps
    from lstmzoo.nn.heads import OneToMany

    size, lr = TOPOLOGIES["hidden_size"], TOPOLOGIES["lr"]

    def val_batch(data: Any) -> dict[str, Any]:
        return data.collate([data.val_set[k] for k in range(len(data.val_set))])

    def trained(data: Any, steps: int, **kwargs: Any) -> Any:
        torch.manual_seed(seed)
        model = lstmzoo.create_model(
            "lstm", **data.model_kwargs(), hidden_size=size, lr=lr, **kwargs
        )
        train_steps(model, data.train_dataloader(), steps)
        return model

    common = {"num_train": 2048, "num_val": 256, "num_test": 256, "batch_size": 64, "seed": seed}
    wave = Waveform(steps=32, **common)
    wave.setup("fit")
    wave_val = val_batch(wave)
    one_to_many = {}
    for mode, name in (("first_step", "input at step 0 only"), ("every_step", "input every step")):
        model = trained(
            wave, TOPOLOGIES["wave_steps"], head=partial(OneToMany, mode=mode, steps=wave.steps)
        )
        with torch.no_grad():
            one_to_many[name] = (model(wave_val["x"]), wave_val["y"])
    copy = DelayedCopy(num_symbols=4, delay=3, min_len=10, max_len=20, **common)
    copy.setup("fit")
    copy_val = val_batch(copy)
    model = trained(copy, TOPOLOGIES["copy_steps"], head="many_to_many")
    n = int(copy_val["lengths"][0])
    with torch.no_grad():
        tags = model(copy_val["x"][:1, :n]).argmax(-1)[0]
    many_to_many = (copy_val["x"][0, :n].argmax(-1), copy_val["y"][0, :n], tags)
    adding = AddingProblem(seq_len=20, **common)
    adding.setup("fit")
    adding_val = val_batch(adding)
    model = trained(adding, TOPOLOGIES["adding_steps"])
    with torch.no_grad():
        many_to_one = (adding_val["y"], model(adding_val["x"]))
    return plot_topologies(
        one_to_many,
        many_to_many,
        many_to_one,
        symbols="abcd_",
        title="One LSTM encoder, four heads: 1 → N (two ways), N → N, N → 1",
    )
