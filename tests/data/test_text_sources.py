"""Sources: the user's files, the movie snippets and the rated corpora, read into splits."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers_text import make_texts, write_csv, write_rated_corpora, write_tiny_dataset

from lstmzoo.data.text import TextClassificationData, sources
from lstmzoo.data.text.readers import Example
from lstmzoo.data.text.sources import (
    TextSource,
    fetch_corpora,
    label_snippets,
    read_corpus,
    read_movie_snippets,
    vader_lexicon_path,
)
from lstmzoo.errors import ConfigError, DataError


def _dm(files: dict[str, Path], **kwargs: Any) -> TextClassificationData:
    return TextClassificationData(
        train_file=str(files["train"]),
        val_file=str(files["val"]),
        test_file=str(files["test"]),
        **kwargs,
    )


def test_aclimdb_test_split_is_its_test_folder(tmp_path: Path) -> None:
    root = tmp_path / "aclImdb"
    for split in ("train", "test"):
        for label, word in (("pos", "great"), ("neg", "awful")):
            (root / split / label).mkdir(parents=True)
            for i in range(5):
                (root / split / label / f"{i}_x.txt").write_text(f"{split} {word} {i}", "utf-8")
    dm = TextClassificationData(train_file=str(root), val_fraction=0.2)
    dm.setup("fit")
    dm.setup("test")
    assert dm.classes == ["neg", "pos"]
    assert len(dm.train_set) + len(dm.val_set) == 10 and len(dm.test_set) == 10
    assert all(t.startswith("test") for t in dm.test_set.texts)


def test_predict_input_empty_line_is_an_error_unless_skipped(tmp_path: Path) -> None:
    files = write_tiny_dataset(tmp_path)
    bad = tmp_path / "predict.txt"
    bad.write_text("a great film\n\nboring\n", "utf-8")
    dm = _dm(files, predict_file=str(bad))
    with pytest.raises(DataError) as err:
        dm.setup("predict")
    assert f"{bad}: line 2" in str(err.value) and "skip_empty_predict" in str(err.value)
    dm = _dm(files, predict_file=str(bad), skip_empty_predict=True)
    dm.setup("predict")
    assert dm.predict_set.texts == ["a great film", "boring"]
    assert dm.predict_set.lines == [1, 3]
    batch = next(iter(dm.predict_dataloader()))
    assert batch["text"] == ["a great film", "boring"] and "y" not in batch


def test_predict_from_csv_and_jsonl(tmp_path: Path) -> None:
    files = write_tiny_dataset(tmp_path)
    csv_in = tmp_path / "in.csv"
    csv_in.write_text("id,text\n1,nice one\n2,so dull\n", "utf-8")
    jsonl_in = tmp_path / "in.jsonl"
    jsonl_in.write_text('{"text": "nice one"}\n{"text": "so dull"}\n', "utf-8")
    for path in (csv_in, jsonl_in):
        dm = _dm(files, predict_file=str(path))
        dm.setup("predict")
        assert dm.predict_set.texts == ["nice one", "so dull"]


def test_ratings_label_by_their_sign() -> None:
    examples = [
        Example("up", None, "s.txt", 1, score=0.5),
        Example("flat", None, "s.txt", 2, score=0.0),
        Example("down", None, "s.txt", 3, score=-2.0),
        Example("mine", "pos", "f.csv", 2),
    ]
    assert label_snippets(examples) is examples
    assert [e.label for e in examples] == ["positive", "negative", "negative", "pos"]


def test_a_corpus_marks_its_texts_and_tweets_are_unescaped(tmp_path: Path) -> None:
    folder = write_rated_corpora(tmp_path / "rated", n=8)
    tweets = read_corpus("tweets", folder / "tweets_GroundTruth.txt")
    assert {e.corpus for e in tweets} == {"tweets"}
    assert tweets[3].text.endswith(" & <3")  # stored as "&amp; &lt;3"
    assert all(e.label in ("positive", "negative") for e in tweets)
    nyt = read_corpus("nyt", folder / "nytEditorialSnippets_GroundTruth.txt")
    assert {e.corpus for e in nyt} == {"nyt"} and len(nyt) == 8
    movies = read_movie_snippets(folder / "movieReviewSnippets_GroundTruth.txt")
    assert movies[4].text.endswith("Jirí Hubac's Münch") and movies[0].corpus is None


def test_the_source_reads_what_the_data_module_splits(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", make_texts(40))
    source = TextSource(train_file=str(train), val_fraction=0.25, split_seed=2)
    assert source.train_format == "csv" and not source.uses_snippets
    splits = source.splits()
    assert sorted(splits) == ["train", "val"] and len(splits["val"]) == 10
    dm = TextClassificationData(train_file=str(train), val_fraction=0.25, split_seed=2)
    for name, examples in dm.load_splits().items():
        assert [e.text for e in examples] == [e.text for e in splits[name]]
    folder = write_rated_corpora(tmp_path / "rated", n=20)
    paths = {
        "movies": folder / "movieReviewSnippets_GroundTruth.txt",
        "tweets": folder / "tweets_GroundTruth.txt",
    }
    rated = TextSource(corpora=["tweets", "movies"], val_fraction=0.1, test_fraction=0.1)
    assert rated.uses_snippets and rated.describe() == "corpora tweets, movies"
    by_corpus = rated.splits(corpus_paths=paths)
    assert [len(by_corpus[s]) for s in ("train", "val", "test")] == [32, 4, 4]
    assert [e.corpus for e in by_corpus["test"]] == ["tweets"] * 2 + ["movies"] * 2
    assert TextSource().describe(Path("/x/s.txt")) == "movie snippets from /x/s.txt"


def test_corpora_are_fetched_once_and_need_an_archive_for_several(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[str] = []

    def fake_fetch(name: str, local: Any, cache_dir: Any, download: bool) -> Path:
        fetched.append(name)
        return tmp_path / f"{name}.txt"

    monkeypatch.setattr(sources, "fetch_corpus", fake_fetch)
    paths = {"movies": tmp_path / "known.txt"}
    assert fetch_corpora(["movies", "nyt"], None, None, True, paths) is paths
    assert fetched == ["nyt"] and paths["nyt"] == tmp_path / "nyt.txt"
    with pytest.raises(ConfigError, match="is one corpus file, but corpora names 2"):
        fetch_corpora(["movies", "nyt"], str(tmp_path / "movies.txt"), None, True, {})
    fetch_corpora(["movies"], str(tmp_path / "movies.txt"), None, True, {})  # one is fine


def test_the_vader_lexicon_is_looked_for_only_where_it_can_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[Any] = []
    monkeypatch.setattr(
        sources, "fetch_vader_lexicon", lambda local, cache, download: asked.append(local) or "x"
    )
    sdist = str(tmp_path / "vaderSentiment-3.3.2.tar.gz")
    for local in (sdist, str(tmp_path), str(tmp_path / "tweets_GroundTruth.txt"), None):
        vader_lexicon_path(local, None, True)
    assert asked == [sdist, str(tmp_path), None, None]  # a single corpus file has no lexicon
