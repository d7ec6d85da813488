"""Context rules for lexicon valences: negation, intensifiers, contrast, capitals, exclamation.

A lexicon gives each word a valence out of context: ``"good"`` is +1.9 whether the text says
"good", "not good" or "VERY GOOD!!". :func:`valence_rule_features` adjusts the valences of one
text with the heuristics that rule-based analysers such as VADER are built on (Hutto & Gilbert,
*VADER: A Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text*, ICWSM
2014; the constants below are the empirically derived ones the paper reports):

* **capitals**: a word in ALL CAPS, in a text that also has words in lower case, gains 0.733 in
  the direction of its valence;
* **intensifiers**: each of the three tokens before a word that is a booster (``"very"``,
  ``"extremely"``, ...) adds 0.293 in the direction of the word's valence, a dampener
  (``"slightly"``, ``"kind of"``, ...) takes 0.293 away; scaled by 1, 0.95, 0.9 with distance,
  plus 0.733 when the intensifier itself is in ALL CAPS in a mixed-case text;
* **negation**: a negation (``"not"``, ``"never"``, any ``"...n't"``, ``"least"`` but not
  ``"at least"``) among the three tokens before a word multiplies its valence by -0.74;
* **contrast**: in a text with ``"but"``, the valences before the first ``"but"`` count half
  and those after it one and a half times;
* **exclamation**: each ``"!"`` (at most four) adds 0.292 to the size of the running sum.

It gives two features per token: the word's *adjusted valence* (0 for words outside the lexicon)
and the *running score*: the sum of the adjusted valences so far (with the exclamation emphasis),
squashed into (-1, 1) by ``s / sqrt(s**2 + 15)``. The running score at a text's last token is the
score of the whole text, so the forward state of an LSTM reads it where the text ends; the
network can learn when to trust it and when not (sarcasm, domain words the lexicon lacks).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "BOOSTERS",
    "DAMPENERS",
    "NEGATIONS",
    "NUM_RULE_FEATURES",
    "is_negation",
    "valence_rule_features",
]

#: the number of features :func:`valence_rule_features` gives per token
NUM_RULE_FEATURES = 2

CAPS_EMPHASIS = 0.733
INTENSIFIER_STEP = 0.293
INTENSIFIER_DISTANCE_SCALE = (1.0, 0.95, 0.9)  # one, two, three tokens before the word
NEGATION_SCALE = -0.74
BEFORE_BUT, AFTER_BUT = 0.5, 1.5
EXCLAMATION_STEP, MAX_EXCLAMATIONS = 0.292, 4
SQUASH_ALPHA = 15.0
WINDOW = 3

#: words that make the next sentiment word stronger (common English intensifiers)
BOOSTERS = frozenset(
    (
        "absolutely", "amazingly", "awfully", "completely", "deeply", "enormously", "entirely",
        "especially", "exceptionally", "extremely", "fully", "greatly", "highly", "hugely",
        "incredibly", "insanely", "intensely", "more", "most", "particularly", "perfectly",
        "quite", "really", "remarkably", "seriously", "so", "super", "terribly", "thoroughly",
        "too", "totally", "tremendously", "truly", "unbelievably", "utterly", "very", "way",
        "wildly",
    )
)  # fmt: skip
#: words that make the next sentiment word weaker (common English downtoners)
DAMPENERS = frozenset(
    (
        "almost", "barely", "fairly", "hardly", "kinda", "less", "marginally", "mildly",
        "moderately", "partly", "rather", "relatively", "scarcely", "slightly", "somewhat",
        "sorta",
    )
)  # fmt: skip
#: two-token downtoners, as (first, second); the second token carries the damping
_DAMPENER_PAIRS = {("kind", "of"), ("sort", "of"), ("a", "bit"), ("a", "little")}
#: words that negate what follows them (besides any word ending in n't)
NEGATIONS = frozenset(
    (
        "not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor",
        "cannot", "without", "nope", "nah", "rarely", "seldom",
        # contractions written without the apostrophe
        "aint", "arent", "cant", "couldnt", "didnt", "doesnt", "dont", "hadnt", "hasnt",
        "havent", "isnt", "mightnt", "mustnt", "neednt", "shouldnt", "wasnt", "werent", "wont",
        "wouldnt",
    )
)  # fmt: skip


def is_negation(token: str) -> bool:
    """Whether a (lower-cased) token negates what follows it."""
    return token in NEGATIONS or token.endswith(("n't", "n\u2019t"))


def _mixed_case(tokens: Sequence[str], caps: Sequence[bool]) -> bool:
    """A text with at least one ALL-CAPS word and one word that is not (words of 2+ letters)."""
    some_caps = some_not = False
    for token, c in zip(tokens, caps):
        if len(token) > 1 and token.isalpha():
            if c:
                some_caps = True
            else:
                some_not = True
            if some_caps and some_not:
                return True
    return False


def _intensity(tokens: Sequence[str], caps: Sequence[bool], j: int, mixed: bool) -> float:
    """The boost (> 0) or damping (< 0) that token ``j`` gives the sentiment word after it."""
    token = tokens[j]
    if token in BOOSTERS:
        step = INTENSIFIER_STEP
    elif token in DAMPENERS or (j > 0 and (tokens[j - 1], token) in _DAMPENER_PAIRS):
        step = -INTENSIFIER_STEP
    else:
        return 0.0
    if mixed and caps[j]:
        step += CAPS_EMPHASIS if step > 0 else -CAPS_EMPHASIS
    return step


def _negated(tokens: Sequence[str], i: int) -> bool:
    for j in range(max(0, i - WINDOW), i):
        token = tokens[j]
        if is_negation(token):
            return True
        if token == "least" and (j == 0 or tokens[j - 1] not in ("at", "very")):
            return True
    return False


def valence_rule_features(
    tokens: Sequence[str], valences: Sequence[float], caps: Sequence[bool]
) -> tuple[list[float], list[float]]:
    """``(adjusted, running)``: per token, the adjusted valence and the running score.

    Args:
        tokens: the text's tokens, lower-cased.
        valences: each token's lexicon valence (0 when not listed).
        caps: whether each token was written in ALL CAPS (see :meth:`Tokenizer.analyze`).
    """
    n = len(tokens)
    if not (len(valences) == len(caps) == n):
        raise ValueError(
            f"tokens, valences and caps must have one entry per token, got "
            f"{n}, {len(valences)} and {len(caps)}"
        )
    mixed = _mixed_case(tokens, caps)
    but = next((i for i, token in enumerate(tokens) if token == "but"), -1)
    adjusted = [0.0] * n
    running = [0.0] * n
    total = 0.0
    exclamations = 0
    for i in range(n):
        v = float(valences[i])
        token = tokens[i]
        if v != 0.0 and token not in BOOSTERS and token not in DAMPENERS:
            sign = 1.0 if v > 0 else -1.0
            if mixed and caps[i]:
                v += sign * CAPS_EMPHASIS
            for distance in range(1, WINDOW + 1):
                j = i - distance
                if j < 0:
                    break
                step = _intensity(tokens, caps, j, mixed)
                if step:
                    v += sign * step * INTENSIFIER_DISTANCE_SCALE[distance - 1]
            if _negated(tokens, i):
                v *= NEGATION_SCALE
            if but >= 0:
                v *= BEFORE_BUT if i < but else AFTER_BUT if i > but else 1.0
            adjusted[i] = v
        elif token == "!":
            exclamations += 1
        total += adjusted[i]
        s = total
        if s != 0.0:
            emphasis = EXCLAMATION_STEP * min(exclamations, MAX_EXCLAMATIONS)
            s += emphasis if s > 0 else -emphasis
        running[i] = s / math.sqrt(s * s + SQUASH_ALPHA)
    return adjusted, running
