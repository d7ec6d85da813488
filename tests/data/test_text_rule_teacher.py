"""``rule_teacher``: training targets moved towards the lexicon rules' verdict."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers_text import write_csv, write_lexicon, write_rated_corpora

from lstmzoo.data.text import TextClassificationData
from lstmzoo.errors import ConfigError

ALL = ["movies", "amazon", "nyt", "tweets"]


def _data(tmp_path: Path, **kwargs: object) -> TextClassificationData:
    folder = write_rated_corpora(tmp_path / "hutto", n=60)
    options = dict(
        corpora=ALL, snippets_file=str(folder), tokenizer="social", batch_size=8, seed=0,
        lexicon=str(write_lexicon(tmp_path / "lex.txt")), valence_rules=True,
    )  # fmt: skip
    return TextClassificationData(**{**options, **kwargs})  # type: ignore[arg-type]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _scores(dm: TextClassificationData) -> list[float]:
    """The running score at the last token of every training text, computed afresh."""
    featurizer = dm.featurizer()
    column = featurizer.feature_names.index("running_score")
    encoded, _ = featurizer.encode_many(dm.train_set.texts)
    return [float(e.feats[-1, column]) for e in encoded]  # type: ignore[index]


@pytest.mark.parametrize("soft_labels", [1.5, None])
def test_targets_mix_the_label_and_the_rules_verdict(
    tmp_path: Path, soft_labels: float | None
) -> None:
    dm = _data(tmp_path, soft_labels=soft_labels, rule_teacher=0.4, rule_teacher_scale=5.0)
    dm.setup("fit")
    train = dm.train_set
    assert train.soft_targets is not None
    ratings = {e.text: e.score for e in dm.load_splits()["train"]}
    scores = _scores(dm)
    assert any(s == 0.0 for s in scores) and sum(s != 0.0 for s in scores) > len(scores) / 2
    for text, label, score, (neg, pos) in zip(
        train.texts, train.labels, scores, train.soft_targets
    ):
        own = float(label) if soft_labels is None else _sigmoid(soft_labels * ratings[text])
        expected = own if score == 0.0 else 0.6 * own + 0.4 * _sigmoid(5.0 * score)
        assert pos == pytest.approx(expected, abs=1e-9)
        assert neg + pos == pytest.approx(1.0)
    # evaluation keeps the plain labels
    assert dm.val_set.soft_targets is None
    assert "y_soft" not in next(iter(dm.val_dataloader()))


@pytest.mark.parametrize("mixed_weight", [0.2, 0.0])
def test_unanimous_texts_get_their_own_weight(tmp_path: Path, mixed_weight: float) -> None:
    texts = {
        "a good great film": (1, True),
        "not bad at all": (1, True),  # the negation turns "bad" positive: still one sign
        "good cast but awful plot": (0, False),
        "great fun, bad ending": (1, False),
        "awful :(": (0, True),
        "no lexicon word here": (1, None),
    }
    rows = [(t, "positive" if y else "negative") for t, (y, _) in texts.items()] * 4
    dm = TextClassificationData(
        train_file=str(write_csv(tmp_path / "mixed.csv", rows)),
        val_file=str(write_csv(tmp_path / "val.csv", rows[:6])),
        lexicon=str(write_lexicon(tmp_path / "lex.txt")),
        tokenizer="social", valence_rules=True, rule_teacher=mixed_weight,
        rule_teacher_unanimous=0.5,
    )  # fmt: skip
    dm.setup("fit")
    train = dm.train_set
    assert train.soft_targets is not None
    for text, score, (_, pos) in zip(train.texts, _scores(dm), train.soft_targets):
        label, unanimous = texts[text]
        assert (score == 0.0) == (unanimous is None)
        w = 0.0 if unanimous is None else 0.5 if unanimous else mixed_weight
        expected = (1 - w) * label + w * _sigmoid(5.0 * score)
        assert pos == pytest.approx(expected, abs=1e-9)


def test_no_teacher_leaves_the_targets_alone(tmp_path: Path) -> None:
    plain = _data(tmp_path, soft_labels=1.5)
    plain.setup("fit")
    taught = _data(tmp_path, soft_labels=1.5, rule_teacher=0.3)
    taught.setup("fit")
    assert plain.train_set.texts == taught.train_set.texts
    assert plain.train_set.soft_targets != taught.train_set.soft_targets
    zero = _data(tmp_path, soft_labels=1.5, rule_teacher=0.0)
    zero.setup("fit")
    assert zero.train_set.soft_targets == plain.train_set.soft_targets


def test_rule_teacher_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="running score of valence_rules"):
        _data(tmp_path, valence_rules=False, rule_teacher=0.3)
    with pytest.raises(ConfigError, match=r"must lie in \[0, 1\), got 1.0"):
        _data(tmp_path, rule_teacher=1.0)
    with pytest.raises(ConfigError, match=r"rule_teacher_unanimous .* got 1.5"):
        _data(tmp_path, rule_teacher=0.3, rule_teacher_unanimous=1.5)
    with pytest.raises(ConfigError, match="running score of valence_rules"):
        _data(tmp_path, valence_rules=False, rule_teacher_unanimous=0.3)
    with pytest.raises(ConfigError, match="rule_teacher_scale must be > 0"):
        _data(tmp_path, rule_teacher=0.3, rule_teacher_scale=0.0)
    rows = [(f"good text {i}", "yes" if i % 2 else "no") for i in range(20)]
    dm = TextClassificationData(
        train_file=str(write_csv(tmp_path / "yes_no.csv", rows)),
        lexicon=str(write_lexicon(tmp_path / "lex2.txt")),
        valence_rules=True,
        rule_teacher=0.3,
    )
    with pytest.raises(ConfigError, match="needs the classes 'negative' and 'positive'"):
        dm.setup("fit")
