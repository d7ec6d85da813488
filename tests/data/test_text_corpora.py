"""TextClassificationData(corpora=...): the four rated corpora, their splits, features, errors."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers_text import RATED_CORPORA, write_lexicon, write_rated_corpora

from lstmzoo.data.text import TextClassificationData
from lstmzoo.data.text.lexicon import read_lexicon
from lstmzoo.data.text.readers import read_snippets
from lstmzoo.data.text.snippets import CORPORA, default_cache_dir
from lstmzoo.errors import CheckpointError, ConfigError

ALL = ["movies", "amazon", "nyt", "tweets"]
#: SHA-256 of the comma-joined line numbers (= ids) of the movie split, split_seed 0: the split
#: of configs/bilstm_sentiment.yaml, which the README's numbers were measured on
MOVIE_SPLIT_SHA256 = {
    "train": "0aff0eaeaab6af1be9fa67716677ec97f29180db7fde9a6d4116046598fcb1ac",
    "val": "0ba94e1c84ac46da277284933ceb961386df0ebe10b74ba371ddbffb80fdf8ee",
    "test": "e9f67760b9bae85c301cf51cdad30a31aae822147d380474810dd825c4f2f8d0",
}


def _lines_sha(examples: list) -> str:
    return hashlib.sha256(",".join(str(e.line) for e in examples).encode()).hexdigest()


def test_each_reader_reads_its_exact_format(tmp_path: Path) -> None:
    folder = write_rated_corpora(tmp_path / "hutto")
    for corpus, (name, _) in RATED_CORPORA.items():
        assert CORPORA[corpus] == name
        examples = read_snippets(folder / name)
        assert len(examples) == 40 and [e.line for e in examples] == list(range(1, 41))
        assert not any(e.text.endswith("\r") for e in examples)  # CRLF handled
        assert examples[12].score == 0.0 and examples[0].score is not None
    dm = TextClassificationData(corpora=ALL, snippets_file=str(folder), cache_dir=str(tmp_path))
    splits = dm.load_splits()
    every = [e for split in splits.values() for e in split]
    assert {e.corpus for e in every} == set(ALL) and len(every) == 160
    movies = [e for e in every if e.corpus == "movies"]
    assert any("Jirí Hubac's Münch" in e.text for e in movies)  # UTF-8
    tweets = [e for e in every if e.corpus == "tweets"]
    assert any(e.text.endswith(" & <3") for e in tweets)  # HTML entities unescaped
    assert not any("&amp;" in e.text for e in every if e.corpus == "tweets")
    for e in every:  # labels from the mean rating
        assert e.label == ("positive" if e.score > 0 else "negative")


def test_splits_are_per_corpus_fixed_and_seeded(tmp_path: Path) -> None:
    folder = write_rated_corpora(tmp_path / "hutto")

    def split_ids(corpora: list[str], seed: int = 0) -> dict[str, list[tuple[str, int]]]:
        dm = TextClassificationData(corpora=corpora, snippets_file=str(folder), split_seed=seed)
        return {k: [(e.corpus, e.line) for e in v] for k, v in dm.load_splits().items()}

    both = split_ids(ALL)
    assert both == split_ids(ALL)  # deterministic
    assert [len(both[k]) for k in ("train", "val", "test")] == [128, 16, 16]  # 32/4/4 each
    alone = split_ids(["tweets"])
    for k in both:  # a corpus's split does not depend on the others read with it
        assert [x for x in both[k] if x[0] == "tweets"] == alone[k]
    assert split_ids(ALL, seed=1) != both
    # corpora: [movies] is the default movie data, split for split
    default = TextClassificationData(snippets_file=str(folder / CORPORA["movies"]))
    assert {k: [e.line for e in v] for k, v in default.load_splits().items()} == {
        k: [line for _, line in v] for k, v in split_ids(["movies"]).items()
    }


def test_movie_split_is_unchanged(tmp_path: Path) -> None:
    """The default recipe's split (sizes and members) depends on the file's length and the
    seed only; a file as long as the real one must give the recorded split."""
    lines = [f"{i}\t{(-1) ** i * 1.5}\ttext {i}" for i in range(1, 10606)]
    path = tmp_path / CORPORA["movies"]
    path.write_bytes("\r\n".join(lines).encode())
    for dm in (
        TextClassificationData(snippets_file=str(path)),
        TextClassificationData(corpora=["movies"], snippets_file=str(path)),
    ):
        splits = dm.load_splits()
        assert [len(splits[k]) for k in ("train", "val", "test")] == [8485, 1060, 1060]
        assert {k: _lines_sha(v) for k, v in splits.items()} == MOVIE_SPLIT_SHA256


@pytest.mark.skipif(
    not (default_cache_dir() / "vader" / CORPORA["movies"]).is_file(),
    reason="the real movie snippets are not in the cache (no download in tests)",
)
def test_real_movie_split_is_unchanged() -> None:
    splits = TextClassificationData(download=False).load_splits()
    assert [len(splits[k]) for k in ("train", "val", "test")] == [8485, 1060, 1060]
    assert {k: _lines_sha(v) for k, v in splits.items()} == MOVIE_SPLIT_SHA256


def test_batches_carry_features_and_corpus(tmp_path: Path) -> None:
    folder = write_rated_corpora(tmp_path / "hutto")
    dm = TextClassificationData(
        corpora=ALL, snippets_file=str(folder), tokenizer="social",
        lexicon=str(write_lexicon(tmp_path / "lex.txt")), token_flags=True,
        char_ngram_buckets=50, max_char_ngrams=6, batch_size=8, seed=0,
    )  # fmt: skip
    dm.setup("fit")
    batch = next(iter(dm.train_dataloader()))
    b, t = batch["x"].shape
    assert batch["feats"].shape == (b, t, 3) and batch["ngrams"].shape == (b, t, 6)
    assert batch["corpus"].shape == (b,) and batch["corpus_names"] == ALL
    pad = batch["x"] == 0
    assert not batch["feats"][pad].any() and not batch["ngrams"][pad].any()
    assert (batch["feats"][..., 0] != 0).any()  # some lexicon words
    kwargs = dm.model_kwargs()
    assert kwargs["lexicon"]["great"] == 3.1 and len(kwargs["lexicon_sha256"]) == 64
    assert kwargs["char_ngram_buckets"] == 50 and kwargs["token_flags"] is True


def test_corpus_balance_gives_every_corpus_its_share(tmp_path: Path) -> None:
    folder = write_rated_corpora(tmp_path / "hutto")

    def shares(balance: float) -> list[float]:
        dm = TextClassificationData(
            corpora=ALL, snippets_file=str(folder), batch_size=8, seed=0, corpus_balance=balance
        )
        dm.setup("fit")
        corpus = [int(c) for b in dm.train_dataloader() for c in b["corpus"]]
        assert len(corpus) == len(dm.train_set)
        return [corpus.count(k) / len(corpus) for k in range(len(ALL))]

    sizes = TextClassificationData(corpora=ALL, snippets_file=str(folder))
    sizes.setup("fit")
    natural = [sizes.train_set.corpus.count(k) / len(sizes.train_set) for k in range(len(ALL))]
    assert shares(1.0) == pytest.approx(natural)
    assert shares(0.0) == pytest.approx([0.25] * 4, abs=0.02)
    with pytest.raises(ValueError, match="corpus_balance"):
        TextClassificationData(corpora=ALL, corpus_balance=1.5)


def test_unknown_corpus_is_one_line_listing_the_valid_ones() -> None:
    with pytest.raises(ConfigError) as err:
        TextClassificationData(corpora=["movies", "imdb"])
    message = str(err.value)
    assert "\n" not in message and "'imdb'" in message
    assert "movies, amazon, nyt, tweets" in message
    with pytest.raises(ConfigError, match="at most once"):
        TextClassificationData(corpora=["nyt", "nyt"])
    with pytest.raises(ConfigError, match="not both"):
        TextClassificationData(corpora=["nyt"], train_file="x.csv")


def test_one_corpus_file_serves_one_corpus_only(tmp_path: Path) -> None:
    folder = write_rated_corpora(tmp_path / "hutto")
    nyt = str(folder / CORPORA["nyt"])
    with pytest.raises(ConfigError, match="one corpus file"):
        TextClassificationData(corpora=["nyt", "tweets"], snippets_file=nyt).prepare_data()
    alone = TextClassificationData(corpora=["nyt"], snippets_file=nyt).load_splits()
    assert {e.corpus for split in alone.values() for e in split} == {"nyt"}


def test_adopting_a_checkpoint_checks_the_lexicon(tmp_path: Path) -> None:
    lex_path = write_lexicon(tmp_path / "lex.txt")
    stored = read_lexicon(lex_path)
    kwargs = {"lexicon": dict(stored.values), "lexicon_sha256": stored.sha256}
    same = TextClassificationData(corpora=["tweets"], lexicon=str(lex_path))
    same.adopt_model_kwargs(kwargs)  # same lexicon: fine
    plain = TextClassificationData(corpora=["tweets"])
    plain.adopt_model_kwargs(kwargs)  # none configured: the checkpoint's is used
    assert plain.get_lexicon() is not None and plain.get_lexicon().sha256 == stored.sha256
    other = write_lexicon(tmp_path / "other.txt", ["great\t1.0\t0.5\t[1, 1]"])
    with pytest.raises(CheckpointError, match="not the one the checkpoint was trained with"):
        TextClassificationData(corpora=["tweets"], lexicon=str(other)).adopt_model_kwargs(kwargs)
    with pytest.raises(CheckpointError, match="trained without lexicon"):
        TextClassificationData(lexicon=str(lex_path)).adopt_model_kwargs({"lexicon": None})


def test_soft_targets_for_every_corpus(tmp_path: Path) -> None:
    folder = write_rated_corpora(tmp_path / "hutto")
    dm = TextClassificationData(corpora=ALL, snippets_file=str(folder), soft_labels=1.5)
    dm.setup("fit")
    soft = torch.tensor(dm.train_set.soft_targets)
    assert soft.shape == (128, 2) and torch.allclose(soft.sum(1), torch.ones(128))
