"""Training targets: soft labels from ratings and the rules' verdict mixed into the targets."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from lstmzoo.data.text import TextClassificationData
from lstmzoo.data.text.readers import Example
from lstmzoo.data.text.targets import rule_taught_targets, soft_targets, teaches
from lstmzoo.errors import ConfigError


def test_soft_labels_from_ratings(tmp_path: Path) -> None:
    lines = [f"{i}\t{r}\tsnippet {i}" for i, r in enumerate([2.0, -1.0, 0.25, -3.0] * 10)]
    path = tmp_path / "s.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    dm = TextClassificationData(snippets_file=str(path), soft_labels=2.0, batch_size=64)
    dm.setup("fit")
    batch = next(iter(dm.train_dataloader()))
    soft, y = batch["y_soft"], batch["y"]
    assert soft.shape == (len(y), 2)
    assert torch.allclose(soft.sum(-1), torch.ones(len(y)))
    assert bool((soft.argmax(-1) == y).all())  # the soft target agrees with the hard label
    ratings = {f"snippet {i}": r for i, r in enumerate([2.0, -1.0, 0.25, -3.0] * 10)}
    expected = torch.tensor([torch.sigmoid(torch.tensor(2.0 * ratings[t])) for t in batch["text"]])
    assert torch.allclose(soft[:, 1], expected, atol=1e-6)
    assert "y_soft" not in next(iter(dm.val_dataloader()))  # evaluation uses hard labels
    with pytest.raises(ValueError):
        TextClassificationData(soft_labels=0.0)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_soft_targets_only_for_rated_polarity() -> None:
    rated = [Example("a", "positive", "s", 1, 1.5), Example("b", "negative", "s", 2, -0.5)]
    soft = soft_targets(rated, ["negative", "positive"], 2.0)
    assert soft is not None
    assert soft[0] == pytest.approx([1 - _sigmoid(3.0), _sigmoid(3.0)])
    assert soft[1] == pytest.approx([1 - _sigmoid(-1.0), _sigmoid(-1.0)])
    assert soft_targets(rated, ["neg", "pos"], 2.0) is None
    assert (
        soft_targets([*rated, Example("c", "positive", "f", 3)], ["negative", "positive"], 2.0)
        is None
    )


NAMES = ("valence", "adjusted_valence", "running_score")


def _feats(adjusted: list[float], running: list[float]) -> torch.Tensor:
    return torch.tensor([[0.0, a, r] for a, r in zip(adjusted, running)])


def test_rules_move_the_targets_of_texts_they_can_score() -> None:
    feats = [
        _feats([0.5, 0.0], [0.2, 0.44]),  # unanimous, ends at +0.44
        _feats([0.5, -0.7], [0.3, -0.3]),  # both signs, ends at -0.3
        _feats([0.0, 0.0], [0.0, 0.0]),  # no lexicon word: keeps its label
    ]
    classes = ["negative", "positive"]
    out = rule_taught_targets([1, 1, 0], None, feats, NAMES, classes, 0.5, 5.0)
    positive = [p for _, p in out]
    assert positive[0] == pytest.approx(0.5 + 0.5 * _sigmoid(5.0 * 0.44), abs=1e-6)
    assert positive[1] == pytest.approx(0.5 + 0.5 * _sigmoid(-1.5), abs=1e-6)
    assert positive[2] == 0.0 and all(n + p == pytest.approx(1.0) for n, p in out)
    hard = rule_taught_targets([1, 1, 0], None, feats, NAMES, classes, 0.5, 5.0, 1.0)
    assert hard[0][1] == pytest.approx(_sigmoid(5.0 * 0.44), abs=1e-6)  # unanimous: full weight
    assert hard[1][1] == pytest.approx(positive[1], abs=1e-6)
    soft = [[0.3, 0.7], [0.4, 0.6], [0.9, 0.1]]
    mixed = rule_taught_targets([1, 1, 0], soft, feats, NAMES, classes, 0.5, 5.0)
    assert mixed[2][1] == pytest.approx(0.1) and mixed[1][1] == pytest.approx(
        0.3 + 0.5 * _sigmoid(-1.5), abs=1e-6
    )
    with pytest.raises(ConfigError, match="needs the classes 'negative' and 'positive'"):
        rule_taught_targets([1], None, feats[:1], NAMES, ["neg", "pos"], 0.5, 5.0)


def test_teaching_needs_some_weight() -> None:
    assert not teaches(0.0, None) and not teaches(0.0, 0.0)
    assert teaches(0.3, None) and teaches(0.0, 0.2)
