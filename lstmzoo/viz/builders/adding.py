"""The adding-problem figures: ``gradients`` (how far back the loss of an ``rnn`` and an ``lstm``
reaches) and ``gates`` (every gate of a briefly trained LSTM over one sequence)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor

from lstmzoo.viz.gates import plot_gate_heatmaps
from lstmzoo.viz.gradients import plot_gradient_norms

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["ADDING", "gates_figure", "gradients_figure"]

#: Settings shared by the figure builders and the notebooks (a short run of the adding problem).
ADDING = {"seq_len": 50, "hidden_size": 32, "lr": 0.02, "steps": 600, "batch_size": 64}


def _adding_data(seed: int) -> Any:
    from lstmzoo.data import AddingProblem

    data = AddingProblem(
        seq_len=ADDING["seq_len"],
        num_train=4096,
        num_val=256,
        num_test=256,
        batch_size=ADDING["batch_size"],
        seed=seed,
    )
    data.setup("fit")
    return data


def gradients_figure(seed: int = 0) -> Figure:
    """``rnn`` vs ``lstm`` input-gradient norms on the adding problem (T = 50), at
    initialisation and after a short training."""
    import lstmzoo
    from lstmzoo.explain import input_gradient_norms, train_steps

    data = _adding_data(seed)
    probe = next(iter(data.val_dataloader()))
    panels: dict[str, dict[str, Tensor]] = {"at initialisation": {}}
    trained = f"after {ADDING['steps']} training steps"
    panels[trained] = {}
    for cell in ("rnn", "lstm"):
        torch.manual_seed(seed)
        model = lstmzoo.create_model(
            cell, **data.model_kwargs(), hidden_size=ADDING["hidden_size"], lr=ADDING["lr"]
        )
        panels["at initialisation"][cell] = input_gradient_norms(model, probe)
        train_steps(model, data.train_dataloader(), ADDING["steps"])
        panels[trained][cell] = input_gradient_norms(model, probe)
    return plot_gradient_norms(
        panels, title=f"Adding problem, T = {ADDING['seq_len']}: how far back can the loss reach?"
    )


def gates_figure(seed: int = 0) -> Figure:
    """Every gate of an LSTM trained briefly on the adding problem, over one sequence."""
    import lstmzoo
    from lstmzoo.explain import lstm_gate_trace, train_steps

    data = _adding_data(seed)
    torch.manual_seed(seed)
    model = lstmzoo.create_model(
        "lstm", **data.model_kwargs(), hidden_size=ADDING["hidden_size"], lr=ADDING["lr"]
    )
    train_steps(model, data.train_dataloader(), ADDING["steps"])
    x = data.val_set[0]["x"].unsqueeze(0)  # (1, T, 2)
    gates = lstm_gate_trace(model.encoder.rnn, x)
    marks = [int(t) for t in x[0, :, 1].nonzero().flatten()]
    return plot_gate_heatmaps(
        gates,
        x,
        input_names=["value", "marker"],
        highlight_steps=marks,
        title="LSTM on the adding problem: gates and states of one sequence",
    )
