"""Valence rules: each heuristic moves the adjusted valence the way it should, and the running
score at the last token is the whole text's score."""

from __future__ import annotations

import math

import pytest
import torch

from lstmzoo.data.text import Tokenizer, Vocabulary
from lstmzoo.data.text.features import TextFeaturizer
from lstmzoo.data.text.lexicon import Lexicon
from lstmzoo.data.text.rules import valence_rule_features
from lstmzoo.errors import ConfigError

LEX = Lexicon({"good": 1.9, "bad": -2.5, "great": 3.1, "boring": -1.3, ":)": 2.0})
TOKENIZE = Tokenizer("social")


def _rules(text: str) -> tuple[list[float], list[float]]:
    tokens, caps, _ = TOKENIZE.analyze(text)
    return valence_rule_features(tokens, [LEX.get(t) for t in tokens], caps)


def _valence_of(text: str, word: str) -> float:
    tokens = TOKENIZE(text)
    return _rules(text)[0][tokens.index(word)]


def test_plain_valence_passes_through_and_other_tokens_are_zero() -> None:
    adjusted, running = _rules("a good film")
    assert adjusted == [0.0, 1.9, 0.0]
    s = 1.9
    assert running == pytest.approx([0.0, s / math.sqrt(s * s + 15), s / math.sqrt(s * s + 15)])


@pytest.mark.parametrize(
    "text",
    ["not good", "isn't good", "don\u2019t find it good", "never very good", "least good"],
)
def test_negation_within_three_tokens_flips_and_damps(text: str) -> None:
    assert _valence_of(text, "good") < 0 < _valence_of("good", "good")


def test_negation_further_than_three_tokens_and_at_least_do_not_flip() -> None:
    assert _valence_of("not that it was good", "good") == 1.9
    assert _valence_of("at least good", "good") == 1.9


def test_intensifiers_boost_or_damp_by_distance() -> None:
    plain = _valence_of("good", "good")
    very = _valence_of("very good", "good")
    very_far = _valence_of("very , , good", "good")
    assert very == pytest.approx(plain + 0.293)
    assert very_far == pytest.approx(plain + 0.293 * 0.9)
    assert _valence_of("slightly good", "good") == pytest.approx(plain - 0.293)
    assert _valence_of("kind of good", "good") == pytest.approx(plain - 0.293)
    assert _valence_of("very bad", "bad") == pytest.approx(-2.5 - 0.293)  # away from zero


def test_capitals_count_only_in_mixed_case_texts() -> None:
    assert _valence_of("it is GOOD", "good") == pytest.approx(1.9 + 0.733)
    assert _valence_of("IT IS GOOD", "good") == pytest.approx(1.9)


def test_but_halves_what_comes_before_and_raises_what_follows() -> None:
    adjusted, running = _rules("good but boring")
    assert adjusted == pytest.approx([0.95, 0.0, -1.3 * 1.5])
    assert running[-1] < 0  # the text is negative, as the rule intends


def test_exclamations_widen_the_running_score_up_to_four() -> None:
    base = _rules("good")[1][-1]
    two = _rules("good ! !")[1][-1]
    many = _rules("good ! ! ! ! ! !")[1][-1]
    four = _rules("good ! ! ! !")[1][-1]
    assert base < two < four == many
    assert _rules("the film !")[1][-1] == 0.0  # no sentiment: nothing to emphasise


def test_lengths_must_agree() -> None:
    with pytest.raises(ValueError, match="one entry per token"):
        valence_rule_features(["good"], [1.9, 0.0], [False])


def test_featurizer_appends_two_columns_and_needs_a_lexicon() -> None:
    vocab = Vocabulary(["<pad>", "<unk>", "good"])
    feat = TextFeaturizer(TOKENIZE, vocab, lexicon=LEX, token_flags=True, valence_rules=True)
    assert feat.num_features == 5
    many, _ = feat.encode_many(["not good", "", "very good :)"])
    assert [tuple(e.feats.shape) for e in many] == [(2, 5), (1, 5), (3, 5)]  # type: ignore[union-attr]
    assert many[0].feats[1, 3] == pytest.approx(1.9 * -0.74)  # type: ignore[index]
    assert torch.equal(many[1].feats, torch.zeros(1, 5))  # type: ignore[arg-type]
    assert many[2].feats[-1, 4] > many[0].feats[-1, 4]  # type: ignore[index]
    with pytest.raises(ConfigError, match="valence_rules adjusts lexicon valences"):
        TextFeaturizer(TOKENIZE, vocab, valence_rules=True)


def test_data_module_refuses_valence_rules_without_a_lexicon() -> None:
    from lstmzoo.data.text import TextClassificationData

    with pytest.raises(ConfigError, match=r"set data\.init_args\.lexicon as well"):
        TextClassificationData(corpora=["tweets"], valence_rules=True)
