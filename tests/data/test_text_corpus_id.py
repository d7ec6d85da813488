"""The naive-Bayes corpus classifier behind ``corpus_features`` and the text-score feature."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers_text import write_lexicon, write_rated_corpora

from lstmzoo.data.text import TextClassificationData
from lstmzoo.data.text.corpus_id import (
    CorpusClassifier,
    corpus_cues,
    cross_fitted_posteriors,
    word_shape,
)
from lstmzoo.errors import CheckpointError, ConfigError

ALL = ["movies", "amazon", "nyt", "tweets"]


def _toy() -> tuple[list[set[str]], list[int]]:
    tweets = [f"@anon lol {w} http://url" for w in ("great day", "bad day", "so tired", "yay")]
    movies = [f"the film is {w} ." for w in ("great", "dull", "a mess", "moving")]
    texts = tweets * 3 + movies * 3
    cues = [corpus_cues(t, t.lower().split()) for t in texts]
    return cues, [0] * 12 + [1] * 12


def test_word_shapes_and_cues() -> None:
    assert [word_shape(w) for w in ("Hello!", "LOL", "2013", "x")] == ["Aa!", "A", "0", "a"]
    cues = corpus_cues("Great FILM", ["great", "film"])
    assert {"great", "film"} <= cues and len(cues) == 4  # two tokens, two shapes


def test_classifier_tells_the_corpora_apart_and_round_trips() -> None:
    cues, labels = _toy()
    model = CorpusClassifier.fit(cues, labels, ["tweets", "movies"])
    post = model.posteriors([corpus_cues(t, t.split()) for t in ("@anon lol meh", "the film")])
    assert post.shape == (2, 2) and post.dtype == torch.float32
    assert torch.allclose(post.sum(1), torch.ones(2))
    assert post[0, 0] > 0.9 and post[1, 1] > 0.9
    # a text with no known cue gets the prior (here 1/2 each)
    assert torch.allclose(model.posteriors([{"zzz"}]), torch.tensor([[0.5, 0.5]]))
    again = CorpusClassifier.from_plain(model.to_plain())
    assert again.names == model.names and again.cues == model.cues
    assert torch.allclose(again.posteriors([cues[0]]), model.posteriors([cues[0]]), atol=1e-6)


def test_classifier_errors() -> None:
    cues, labels = _toy()
    with pytest.raises(ValueError, match="no training texts from corpus nyt"):
        CorpusClassifier.fit(cues, labels, ["tweets", "movies", "nyt"])
    with pytest.raises(ValueError, match="at least 2 distinct corpora"):
        CorpusClassifier(["tweets"], [0.0], [], [])
    with pytest.raises(CheckpointError, match="must be a mapping with keys names"):
        CorpusClassifier.from_plain({"names": ["a", "b"]})
    state = CorpusClassifier.fit(cues, labels, ["tweets", "movies"]).to_plain()
    state["log_likelihood"][0] = [0.0]
    with pytest.raises(CheckpointError, match="malformed: log_likelihood needs one row of 2"):
        CorpusClassifier.from_plain(state)


def test_cross_fitted_posteriors_never_see_their_own_text() -> None:
    cues, labels = _toy()
    names = ["tweets", "movies"]
    out = cross_fitted_posteriors(cues, labels, names, folds=3)
    assert out.shape == (24, 2)
    held = [i for i in range(24) if i % 3 == 1]
    rest = [i for i in range(24) if i % 3 != 1]
    fold = CorpusClassifier.fit([cues[i] for i in rest], [labels[i] for i in rest], names)
    assert torch.allclose(out[held], fold.posteriors([cues[i] for i in held]))
    full = CorpusClassifier.fit(cues, labels, names).posteriors(cues)
    assert not torch.allclose(out, full)


def _data(tmp_path: Path, **kwargs) -> TextClassificationData:
    folder = write_rated_corpora(tmp_path / "hutto", n=60)
    options = dict(
        corpora=ALL, snippets_file=str(folder), tokenizer="social", batch_size=8, seed=0,
        lexicon=str(write_lexicon(tmp_path / "lex.txt")), valence_rules=True,
    )  # fmt: skip
    return TextClassificationData(**{**options, **kwargs})


def test_text_score_and_corpus_posteriors_are_the_same_on_every_token(tmp_path: Path) -> None:
    dm = _data(tmp_path, text_score=True, corpus_features=True)
    dm.setup("fit")
    assert dm.featurizer().num_features == 1 + 2 + 1 + 4
    assert dm.featurizer().feature_names[4:] == tuple(f"corpus:{c}" for c in ALL)
    for feats in dm.val_set.feats:
        running, score, posterior = feats[:, 2], feats[:, 3], feats[:, 4:]
        assert torch.equal(score, running[-1].expand_as(score))
        assert torch.allclose(posterior, posterior[0].expand_as(posterior))
        assert posterior[0].sum() == pytest.approx(1.0, abs=1e-5)
    # validation texts read the classifier fitted on the whole training split ...
    classifier = dm.corpus_classifier()
    text = dm.val_set.texts[0]
    expected = classifier.posteriors([corpus_cues(text, dm.tokenizer.analyze(text)[0])])[0]
    assert torch.allclose(dm.val_set.feats[0][0, 4:], expected)
    # ... training texts the cross-fitted ones
    train = dm.train_set
    own = classifier.posteriors([corpus_cues(t, dm.tokenizer.analyze(t)[0]) for t in train.texts])
    given = torch.stack([f[0, 4:] for f in train.feats])
    assert not torch.allclose(given, own)
    kwargs = dm.model_kwargs()
    assert kwargs["text_score"] is True and kwargs["corpus_classifier"]["names"] == ALL


def test_feature_option_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="text_score is the final running score"):
        _data(tmp_path, valence_rules=False, text_score=True)
    dm = _data(tmp_path, corpora=["tweets"], corpus_features=True)
    with pytest.raises(ConfigError, match=r"needs at least two data\.init_args\.corpora"):
        dm.setup("fit")
