"""Training targets beyond hard labels: soft labels from ratings, and the lexicon rules'
verdict mixed into the targets (``rule_teacher``).

Both give ``(N, 2)`` probabilities over the classes ``["negative", "positive"]``; validation and
test keep the hard labels, so only the training split goes through here.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import torch
from torch import Tensor

from lstmzoo.data.text.readers import Example
from lstmzoo.errors import ConfigError

__all__ = ["POLARITY_CLASSES", "rule_taught_targets", "soft_targets", "teaches"]

log = logging.getLogger(__name__)

#: the class list that rated snippets and the lexicon rules score
POLARITY_CLASSES = ["negative", "positive"]


def soft_targets(
    examples: Sequence[Example], classes: Sequence[str], scale: float
) -> list[list[float]] | None:
    """``[1 - p, p]`` with ``p(positive) = sigmoid(scale * rating)`` for every example.

    ``None`` (hard labels, with a log line) unless the classes are ``negative`` / ``positive``
    and every example is rated.
    """
    if list(classes) != POLARITY_CLASSES or any(e.score is None for e in examples):
        log.info("soft_labels applies to rated snippets only: training on hard labels")
        return None
    out = []
    for e in examples:
        p = 1.0 / (1.0 + math.exp(-scale * float(e.score or 0.0)))
        out.append([1.0 - p, p])
    return out


def teaches(rule_teacher: float, rule_teacher_unanimous: float | None) -> bool:
    """Whether ``rule_teacher`` / ``rule_teacher_unanimous`` move any training target."""
    return max(rule_teacher, rule_teacher_unanimous or 0.0) > 0.0


def rule_taught_targets(
    labels: Sequence[int],
    soft: list[list[float]] | None,
    feats: Sequence[Tensor],
    feature_names: Sequence[str],
    classes: Sequence[str],
    rule_teacher: float,
    rule_teacher_scale: float,
    rule_teacher_unanimous: float | None = None,
) -> list[list[float]]:
    """The training targets moved towards the rules' verdict.

    A text whose running score at its last token is ``s != 0`` gets ``p(positive) = (1 - w) *
    own + w * sigmoid(rule_teacher_scale * s)``, where ``own`` is its soft target (or hard
    label) and ``w`` is ``rule_teacher_unanimous`` for texts whose adjusted valences all have
    one sign (when given), else ``rule_teacher``. Texts with ``s == 0`` keep their own target.

    Args:
        labels: class ids of the texts.
        soft: their soft targets ``[1 - p, p]``, or ``None`` for hard labels.
        feats: ``(T_i, F)`` token features of every text, with the columns ``running_score`` and
            ``adjusted_valence`` among ``feature_names``.
        feature_names: the names of the ``F`` feature columns.
        classes: the class list; must be ``["negative", "positive"]``.
        rule_teacher, rule_teacher_scale, rule_teacher_unanimous: see
            :class:`~lstmzoo.data.text.TextClassificationData`.

    Returns:
        ``[1 - p, p]`` per text.

    Raises:
        ConfigError: other classes than ``negative`` / ``positive``.
    """
    if list(classes) != POLARITY_CLASSES:
        raise ConfigError(
            "rule_teacher needs the classes 'negative' and 'positive' (the rules score "
            f"polarity), the training data has {list(classes)}: drop "
            "data.init_args.rule_teacher"
        )
    column = list(feature_names).index("running_score")
    scores = torch.stack([f[-1, column] for f in feats]).double()
    teacher = torch.sigmoid(rule_teacher_scale * scores)
    if soft is not None:
        own = torch.tensor([p for _, p in soft], dtype=torch.float64)
    else:
        own = torch.tensor(labels, dtype=torch.float64)
    weight = torch.full_like(scores, rule_teacher)
    if rule_teacher_unanimous is not None:
        column = list(feature_names).index("adjusted_valence")
        unanimous = torch.tensor(
            [bool((f[:, column] >= 0).all() or (f[:, column] <= 0).all()) for f in feats]
        )
        weight[unanimous] = rule_teacher_unanimous
    weight = weight * (scores != 0).double()
    positive = (1.0 - weight) * own + weight * teacher
    return torch.stack([1.0 - positive, positive], dim=1).tolist()
