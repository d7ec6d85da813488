"""Which training corpus a text resembles: a naive-Bayes posterior, read by the network as
per-token input features (``TextClassificationData(corpus_features=True)``).

Texts from different sources call for different readings: a tweet's sentiment follows its
lexicon words closely, a movie snippet's or an editorial's much less. A network trained on
several corpora at once has to learn which kind of text it is reading from the words alone; a
small classifier that says it outright, given as ``K`` more inputs on every token (``K`` = the
number of training corpora), lets the recurrent cell's gates weigh the lexicon features by the
kind of text.

The classifier is multinomial naive Bayes over a text's *cues*: the set of its tokens (as the
training tokenizer gives them) and the shapes of its whitespace-separated words (``"Aa"``,
``"a"``, ``"A"``, ``"0"``, punctuation kept), since case and punctuation habits tell sources
apart as much as words do. It is fitted on the training split only; the training texts' own
posteriors come from classifiers fitted on the other folds (cross-fitting), so the network
learns from posteriors as noisy as the ones it will be given at test time. The fitted tables
are plain values stored in the model's checkpoint, so predicting needs nothing else.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import torch
from torch import Tensor

from lstmzoo.errors import CheckpointError

__all__ = ["CorpusClassifier", "corpus_cues", "cross_fitted_posteriors"]

_LOWER = re.compile(r"[a-z]+")
_UPPER = re.compile(r"[A-Z]+")
_DIGITS = re.compile(r"[0-9]+")
_SHAPE_PREFIX = "\x00shape:"  # cannot collide with a token, which never holds a NUL


def word_shape(word: str) -> str:
    """``"Hello!"`` -> ``"Aa!"``, ``"LOL"`` -> ``"A"``, ``"2013"`` -> ``"0"``: case and digit
    runs collapsed, other characters kept (capped at 8 characters)."""
    shape = _DIGITS.sub("0", _UPPER.sub("A", _LOWER.sub("a", word)))
    return shape[:8]


def corpus_cues(text: str, tokens: Iterable[str]) -> set[str]:
    """The cues of one text: its distinct tokens and the shapes of its raw words."""
    cues = set(tokens)
    cues.update(_SHAPE_PREFIX + word_shape(w) for w in text.split())
    return cues


class CorpusClassifier:
    """Naive Bayes over cue sets: ``posteriors(cue_sets) -> (N, K)``.

    Args:
        names: the corpora, in feature order.
        log_prior: ``log P(corpus)``, one per name.
        cues: the cue strings with a likelihood row.
        log_likelihood: ``log P(cue | corpus)``, one row of ``K`` per cue.
    """

    def __init__(
        self,
        names: Sequence[str],
        log_prior: Sequence[float],
        cues: Sequence[str],
        log_likelihood: Sequence[Sequence[float]],
    ) -> None:
        k = len(names)
        if k < 2 or len(set(names)) != k:
            raise ValueError(f"a corpus classifier needs at least 2 distinct corpora, got {names}")
        if len(log_prior) != k:
            raise ValueError(f"log_prior needs {k} values, got {len(log_prior)}")
        if len(cues) != len(log_likelihood) or any(len(row) != k for row in log_likelihood):
            raise ValueError(f"log_likelihood needs one row of {k} values per cue")
        self.names = list(names)
        self.log_prior = torch.tensor([float(v) for v in log_prior], dtype=torch.float64)
        self.cues = list(cues)
        self._index = {cue: i for i, cue in enumerate(self.cues)}
        rows = [[float(v) for v in row] for row in log_likelihood]
        self.log_likelihood = torch.tensor(rows, dtype=torch.float64).reshape(len(self.cues), k)

    @classmethod
    def fit(
        cls,
        cue_sets: Sequence[set[str]],
        labels: Sequence[int],
        names: Sequence[str],
        alpha: float = 1.0,
        min_count: int = 2,
    ) -> CorpusClassifier:
        """Fit on texts' cue sets and their corpus indices; cues seen in fewer than
        ``min_count`` texts are left out (they add size and noise, not evidence)."""
        k = len(names)
        if len(cue_sets) != len(labels):
            raise ValueError(f"{len(cue_sets)} cue sets but {len(labels)} labels")
        docs = [0] * k
        per_corpus: list[Counter[str]] = [Counter() for _ in range(k)]
        total: Counter[str] = Counter()
        for cues, label in zip(cue_sets, labels):
            docs[label] += 1
            per_corpus[label].update(cues)
            total.update(cues)
        if any(n == 0 for n in docs):
            empty = [names[i] for i, n in enumerate(docs) if n == 0]
            raise ValueError(f"no training texts from corpus {', '.join(empty)}")
        kept = sorted(c for c, n in total.items() if n >= min_count)
        sizes = [sum(per_corpus[i][c] for c in kept) for i in range(k)]
        denominators = [math.log(sizes[i] + alpha * len(kept)) for i in range(k)]
        table = [
            [math.log(per_corpus[i][c] + alpha) - denominators[i] for i in range(k)] for c in kept
        ]
        n = sum(docs)
        return cls(names, [math.log(d / n) for d in docs], kept, table)

    def posteriors(self, cue_sets: Sequence[set[str]]) -> Tensor:
        """``P(corpus | text)`` for each text: ``(N, K)`` float32 rows that sum to 1."""
        index = self._index
        rows: list[int] = []
        owners: list[int] = []
        for i, cues in enumerate(cue_sets):
            for cue in cues:
                j = index.get(cue)
                if j is not None:
                    rows.append(j)
                    owners.append(i)
        scores = self.log_prior.repeat(len(cue_sets), 1)
        if rows:
            scores.index_add_(0, torch.tensor(owners), self.log_likelihood[torch.tensor(rows)])
        return torch.softmax(scores, dim=1).to(torch.float32)

    def to_plain(self) -> dict[str, Any]:
        """Plain values for a checkpoint (``weights_only``-safe)."""
        return {
            "names": list(self.names),
            "log_prior": [round(float(v), 6) for v in self.log_prior],
            "cues": list(self.cues),
            "log_likelihood": [[round(float(v), 6) for v in row] for row in self.log_likelihood],
        }

    @classmethod
    def from_plain(cls, state: Any) -> CorpusClassifier:
        """The inverse of :meth:`to_plain`; a malformed state is a :class:`CheckpointError`."""
        keys = ("names", "log_prior", "cues", "log_likelihood")
        if not isinstance(state, dict) or any(key not in state for key in keys):
            found = sorted(state) if isinstance(state, dict) else type(state).__name__
            raise CheckpointError(
                f"corpus_classifier must be a mapping with keys {', '.join(keys)} (as written by "
                f"a model trained with corpus_features), got {found}"
            )
        try:
            return cls(*(state[key] for key in keys))
        except (TypeError, ValueError) as err:
            raise CheckpointError(f"corpus_classifier is malformed: {err}") from err


def cross_fitted_posteriors(
    cue_sets: Sequence[set[str]],
    labels: Sequence[int],
    names: Sequence[str],
    folds: int = 5,
) -> Tensor:
    """Posteriors of the training texts, each from a classifier fitted without its fold
    (texts ``i`` with ``i % folds == f`` form fold ``f``): ``(N, K)``."""
    out = torch.empty(len(cue_sets), len(names))
    for f in range(folds):
        held = [i for i in range(len(cue_sets)) if i % folds == f]
        if not held:
            continue
        rest = [i for i in range(len(cue_sets)) if i % folds != f]
        model = CorpusClassifier.fit([cue_sets[i] for i in rest], [labels[i] for i in rest], names)
        out[held] = model.posteriors([cue_sets[i] for i in held])
    return out
