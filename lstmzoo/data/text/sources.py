"""Where the texts of :class:`~lstmzoo.data.text.TextClassificationData` come from.

Three sources: the user's files (read in the format the options name), the movie-review snippets
(the default) and the named rated corpora of the vaderSentiment source distribution. Rated
examples are labelled by the sign of their rating (:func:`label_snippets`). Fetching the
corpora themselves is :mod:`lstmzoo.data.text.snippets`, reading file formats is
:mod:`lstmzoo.data.text.readers`; this module decides what the options mean.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lstmzoo.data.text.readers import Example, detect_format, read_examples, read_snippets, where
from lstmzoo.data.text.snippets import fetch_corpus, fetch_vader_lexicon
from lstmzoo.data.text.splits import cut_each, cut_examples
from lstmzoo.errors import ConfigError, DataError

__all__ = [
    "TextSource",
    "check_corpora_file",
    "fetch_corpora",
    "label_snippets",
    "read_corpus",
    "read_movie_snippets",
    "vader_lexicon_path",
]

log = logging.getLogger(__name__)

#: corpora stored HTML-escaped (``&amp;``, ``&lt;3``): their texts are unescaped when read
ESCAPED_CORPORA = ("tweets",)


def label_snippets(examples: list[Example]) -> list[Example]:
    """Rated snippets get ``"positive"`` (rating > 0) or ``"negative"`` (in place; returned)."""
    for e in examples:
        if e.score is not None:
            e.label = "positive" if e.score > 0 else "negative"
    return examples


def read_movie_snippets(path: str | os.PathLike[str], encoding: str = "utf-8") -> list[Example]:
    """The labelled movie-review snippets of ``movieReviewSnippets_GroundTruth.txt``."""
    return label_snippets(read_examples(os.fspath(path), "snippets", encoding=encoding))


def read_corpus(name: str, path: str | os.PathLike[str], encoding: str = "utf-8") -> list[Example]:
    """The labelled examples of the rated corpus ``name``, each marked with its corpus (tweets
    HTML-unescaped: ``&amp;`` -> ``&``, ``&lt;3`` -> ``<3``)."""
    examples = label_snippets(read_snippets(path, encoding=encoding))
    for e in examples:
        e.corpus = name
        if name in ESCAPED_CORPORA:
            e.text = html.unescape(e.text)
    return examples


@dataclass(frozen=True)
class TextSource:
    """The texts that the options of :class:`~lstmzoo.data.text.TextClassificationData` name,
    read into fixed splits.

    Attributes:
        train_file, val_file, test_file: the user's files (``train_file=None``: the movie
            snippets, or the rated ``corpora``).
        format, text_column, label_column, encoding: how to read the files (see
            :mod:`lstmzoo.data.text.readers`).
        corpora: the rated corpora to read instead of files, or ``None``.
        val_fraction, test_fraction, split_seed: the cut of the splits no file gives.
    """

    train_file: str | None = None
    val_file: str | None = None
    test_file: str | None = None
    format: str = "auto"
    text_column: str = "text"
    label_column: str = "label"
    encoding: str = "utf-8"
    corpora: Sequence[str] | None = None
    val_fraction: float = 0.1
    test_fraction: float = 0.1
    split_seed: int = 0

    @property
    def train_format(self) -> str:
        """The format of the training data: ``"snippets"`` without a file, else ``format`` or
        (for ``"auto"``) the one detected from the file."""
        if self.train_file is None:
            return "snippets"
        if self.format != "auto":
            return self.format
        return detect_format(self.train_file, self.encoding)

    @property
    def uses_snippets(self) -> bool:
        """Whether the data is rated snippets (the corpora, the default, a snippets file)."""
        return (
            self.corpora is not None or self.train_file is None or self.train_format == "snippets"
        )

    def describe(self, snippets_path: Path | None = None) -> str:
        """A few words naming the training data, for error messages."""
        if self.corpora is not None:
            return f"corpora {', '.join(self.corpora)}"
        return self.train_file or f"movie snippets from {snippets_path or 'the cache'}"

    def read(self, path: str, split: str, require_label: bool = True) -> list[Example]:
        """The examples of one of the user's files (a folder is an ``aclImdb`` tree, whose
        ``split`` half is read), rated snippets labelled by :func:`label_snippets`."""
        fmt = self.format
        if fmt == "aclimdb" or (fmt == "auto" and Path(path).is_dir()):
            fmt = "aclimdb"
        examples = read_examples(
            path, fmt, self.text_column, self.label_column, require_label, split, self.encoding
        )
        return label_snippets(examples)

    def read_predict(self, path: str, skip_empty: bool = False) -> list[Example]:
        """The texts to label from ``path`` (labels optional).

        Raises:
            DataError: an empty text, naming the first one, unless ``skip_empty`` (then the
                empty texts are left out with a warning).
        """
        examples = self.read(path, "predict", require_label=False)
        empty = [e for e in examples if not e.text.strip()]
        if empty and not skip_empty:
            first = empty[0]
            raise DataError(
                f"{where(first.source, first.line)}: empty text in the prediction input "
                f"({len(empty)} in all); remove it or set data.init_args.skip_empty_predict: true"
            )
        if empty:
            log.warning("predict: skipped %d empty line(s) of %s", len(empty), path)
        return [e for e in examples if e.text.strip()]

    def splits(
        self,
        snippets_path: str | os.PathLike[str] | None = None,
        corpus_paths: Mapping[str, str | os.PathLike[str]] | None = None,
    ) -> dict[str, list[Example]]:
        """``{"train": [...], "val": [...], "test": [...]}`` (``test`` absent where there is
        none), as read and cut, before any example is dropped.

        Rated corpora are cut one by one (:func:`~lstmzoo.data.text.splits.cut_each`), the
        movie snippets or a training file as a whole; ``val_file`` / ``test_file`` replace the
        cut splits. The test split of an ``aclImdb`` folder is its ``test/`` half.

        Args:
            snippets_path: the fetched movie snippets (needed without ``train_file``).
            corpus_paths: the fetched file of every corpus (needed with ``corpora``).
        """
        fractions = [self.val_fraction, self.test_fraction]
        if self.corpora is not None:
            assert corpus_paths is not None
            examples = {
                name: read_corpus(name, corpus_paths[name], self.encoding) for name in self.corpora
            }
            return self._with_split_files(
                cut_each(examples, self.val_fraction, self.test_fraction, self.split_seed)
            )
        if self.uses_snippets:
            if self.train_file is None:
                assert snippets_path is not None
                rated = read_movie_snippets(snippets_path, self.encoding)
            else:
                rated = self.read(self.train_file, "train", require_label=False)
            train, val, test = cut_examples(rated, fractions, self.split_seed)
            return self._with_split_files({"train": train, "val": val, "test": test})
        assert self.train_file is not None
        splits: dict[str, list[Example]] = {}
        train = self.read(self.train_file, "train")
        if self.val_file is not None:
            splits["train"], splits["val"] = train, self.read(self.val_file, "val")
        else:
            splits["train"], splits["val"] = cut_examples(
                train, [self.val_fraction], self.split_seed
            )
        if self.test_file is not None:
            splits["test"] = self.read(self.test_file, "test")
        elif self.train_format == "aclimdb":
            splits["test"] = self.read(self.train_file, "test")
        return splits

    def _with_split_files(self, splits: dict[str, list[Example]]) -> dict[str, list[Example]]:
        for name, file in (("val", self.val_file), ("test", self.test_file)):
            if file is not None:
                splits[name] = self.read(file, name)
        return splits


def check_corpora_file(snippets_file: str | None, corpora: Sequence[str]) -> None:
    """Raise :class:`ConfigError` when ``snippets_file`` is one corpus file but several
    ``corpora`` are to be read from it (they need an archive or a folder)."""
    if (
        snippets_file is not None
        and len(corpora) > 1
        and not Path(snippets_file).expanduser().is_dir()
        and not snippets_file.endswith((".tar.gz", ".tgz", ".tar"))
    ):
        raise ConfigError(
            f"data.init_args.snippets_file {snippets_file!r} is one corpus file, but corpora "
            f"names {len(corpora)}: give the vaderSentiment sdist, "
            "hutto_ICWSM_2014.tar.gz or a folder of the extracted *_GroundTruth.txt files"
        )


def fetch_corpora(
    corpora: Sequence[str],
    snippets_file: str | None,
    cache_dir: str | None,
    download: bool,
    paths: dict[str, Path],
) -> dict[str, Path]:
    """Fetch the rated corpora that ``paths`` does not hold yet (see
    :func:`~lstmzoo.data.text.snippets.fetch_corpus`) into ``paths``, and return it.

    Raises:
        ConfigError: ``snippets_file`` is one corpus file but several corpora are named.
    """
    check_corpora_file(snippets_file, corpora)
    for name in corpora:
        if name not in paths:
            paths[name] = fetch_corpus(name, snippets_file, cache_dir, download=download)
    return paths


def vader_lexicon_path(
    snippets_file: str | None, cache_dir: str | None = None, download: bool = True
) -> Path:
    """VADER's lexicon, from ``snippets_file`` when that is the source distribution or a folder
    (a single corpus file or the inner archive holds no lexicon), else from the cache or pip."""
    local = snippets_file
    if local is not None and not (
        Path(local).is_dir() or Path(local).name.startswith("vaderSentiment")
    ):
        local = None
    return fetch_vader_lexicon(local, cache_dir, download=download)
