"""Readers of labelled text files: CSV, TSV, JSON lines, plain text, ``aclImdb`` folders, GLUE
SST-2 and the movie-review snippets with human ratings.

Every reader returns :class:`Example` records that remember where they came from (file, line), so
later checks (unknown labels, empty texts) can name the place. Bad input raises
:class:`~lstmzoo.errors.DataError` naming the file, the line and the column.

Formats (``fmt``):

==========  ===========================================================================
``csv``     comma-separated with a header row and standard ``"`` quoting
``tsv``     tab-separated with a header row, no quoting (a ``"`` is an ordinary character)
``sst2``    GLUE SST-2: a TSV with header ``sentence<TAB>label``
``jsonl``   one JSON object per line
``lines``   one text per line, no labels (prediction input)
``aclimdb`` the Large Movie Review folder: ``<root>/<split>/{pos,neg}/*.txt``
``snippets`` ``id<TAB>rating<TAB>text`` lines (``movieReviewSnippets_GroundTruth.txt``)
==========  ===========================================================================

``auto`` picks by the file name: a folder is ``aclimdb``, ``.csv``, ``.tsv`` (``sst2`` when its
header is ``sentence<TAB>label``), ``.jsonl`` / ``.ndjson`` / ``.json``, and ``.txt`` is
``snippets`` when the first line looks like ``id<TAB>rating<TAB>text`` and ``lines`` otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from lstmzoo.errors import DataError

__all__ = [
    "Example",
    "Format",
    "decode_file",
    "detect_format",
    "read_aclimdb",
    "read_examples",
    "read_jsonl",
    "read_lines",
    "read_snippets",
    "read_table",
]

Format = Literal["auto", "csv", "tsv", "sst2", "jsonl", "lines", "aclimdb", "snippets"]
FORMATS = ("auto", "csv", "tsv", "sst2", "jsonl", "lines", "aclimdb", "snippets")

_SNIPPET_LINE = re.compile(r"^[^\t]*\t-?\d+(\.\d*)?\t")


@dataclass
class Example:
    """One text with its label and origin.

    Attributes:
        text: the raw text.
        label: the label as a string (``None`` for unlabelled prediction input).
        source: the file it was read from.
        line: 1-based line of the record in ``source`` (its first line for multi-line CSV rows).
        score: a numeric rating when the source has one (movie snippets), else ``None``.
        corpus: the name of the rated corpus it belongs to (``"movies"``, ``"tweets"``, ...)
            when read as one of ``TextClassificationData(corpora=...)``, else ``None``.
    """

    text: str
    label: str | None
    source: str
    line: int
    score: float | None = None
    corpus: str | None = None


def where(source: str | os.PathLike[str], line: int | None = None, column: Any = None) -> str:
    """``"file: line 3, column 'label'"`` -- the prefix of every data error."""
    out = os.fspath(source)
    if line is not None:
        out += f": line {line}"
    if column is not None:
        out += f", column {column!r}" if isinstance(column, str) else f", column {column}"
    return out


def decode_file(path: str | os.PathLike[str], encoding: str = "utf-8") -> str:
    """The text of ``path``; undecodable bytes raise :class:`DataError` with line and column.

    A UTF-8 byte-order mark is dropped. The column is the 1-based byte offset in the line.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, expected a file") from None
    except OSError as err:
        raise DataError(f"{path}: cannot read ({err.strerror or err})") from err
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        bad = raw[err.start : err.end].hex(" ")
        raise DataError(
            f"{where(path, line, column)}: bytes {bad} are not valid {encoding} ({err.reason}); "
            "convert the file to UTF-8 or set data.init_args.encoding"
        ) from None
    except LookupError as err:
        raise DataError(f"unknown text encoding {encoding!r}: {err}") from None
    return text.removeprefix("\ufeff")


def label_string(value: Any) -> str | None:
    """A label value from a file as a string (``None`` / empty -> ``None``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    text = str(value).strip()
    return text or None


def _raise_field_limit() -> None:
    limit = 1 << 27  # reviews may be long; the csv default is 128 KiB per field
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)


def read_table(
    path: str | os.PathLike[str],
    delimiter: str = ",",
    text_column: str = "text",
    label_column: str | None = "label",
    require_label: bool = True,
    quoting: bool = True,
    encoding: str = "utf-8",
) -> list[Example]:
    """Read a CSV / TSV file with a header row.

    Args:
        delimiter: ``","`` or ``"\\t"``.
        text_column, label_column: header names of the text and the label.
        require_label: the label column must exist (training / evaluation data); otherwise a
            missing label column gives examples with ``label=None``.
        quoting: honour ``"`` quoting (CSV); off for TSV, where quotes are ordinary characters.
    """
    _raise_field_limit()
    source = os.fspath(path)
    text = decode_file(path, encoding)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE,
        strict=quoting,
    )
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(f"{where(source, 1)}: the file is empty, expected a header row") from None
    except csv.Error as err:
        raise DataError(f"{where(source, reader.line_num)}: malformed header: {err}") from None
    header = [h.strip() for h in header]
    columns = ", ".join(repr(h) for h in header)
    if text_column not in header:
        raise DataError(
            f"{where(source, 1, text_column)}: no text column {text_column!r} in the header "
            f"(columns: {columns}); set data.init_args.text_column"
        )
    text_i = header.index(text_column)
    label_i: int | None = None
    if label_column is not None and label_column in header:
        label_i = header.index(label_column)
    elif require_label:
        raise DataError(
            f"{where(source, 1, label_column)}: no label column {label_column!r} in the header "
            f"(columns: {columns}); set data.init_args.label_column"
        )
    examples = []
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise DataError(f"{where(source, start)}: malformed row: {err}") from None
        line, start = start, reader.line_num + 1
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if len(row) <= text_i:
            raise DataError(
                f"{where(source, line, text_column)}: missing value ({len(row)} fields, "
                f"the header has {len(header)})"
            )
        label = None
        if label_i is not None:
            if len(row) <= label_i:
                raise DataError(
                    f"{where(source, line, label_column)}: missing value ({len(row)} fields, "
                    f"the header has {len(header)})"
                )
            label = label_string(row[label_i])
            if label is None and require_label:
                raise DataError(f"{where(source, line, label_column)}: empty label")
        examples.append(Example(row[text_i], label, source, line))
    return examples


def read_jsonl(
    path: str | os.PathLike[str],
    text_column: str = "text",
    label_column: str | None = "label",
    require_label: bool = True,
    encoding: str = "utf-8",
) -> list[Example]:
    """Read JSON lines: one object per line with the text and label keys (blank lines skipped)."""
    source = os.fspath(path)
    examples = []
    for number, line in enumerate(decode_file(path, encoding).splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataError(
                f"{where(source, number, err.colno)}: invalid JSON: {err.msg}"
            ) from None
        if not isinstance(record, dict):
            raise DataError(
                f"{where(source, number, 1)}: expected a JSON object, got {type(record).__name__}"
            )
        if text_column not in record:
            raise DataError(
                f"{where(source, number, text_column)}: no key {text_column!r} "
                f"(keys: {', '.join(map(repr, record))}); set data.init_args.text_column"
            )
        text = record[text_column]
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise DataError(
                f"{where(source, number, text_column)}: expected a string, "
                f"got {type(text).__name__}"
            )
        label = None
        if label_column is not None and label_column in record:
            label = label_string(record[label_column])
        if label is None and require_label:
            what = "empty label" if label_column in record else f"no key {label_column!r}"
            raise DataError(f"{where(source, number, label_column)}: {what}")
        examples.append(Example(text, label, source, number))
    return examples


def read_lines(path: str | os.PathLike[str], encoding: str = "utf-8") -> list[Example]:
    """One text per line, unlabelled (blank lines are kept as empty texts: callers decide)."""
    source = os.fspath(path)
    text = decode_file(path, encoding)
    lines = text.splitlines()
    return [Example(line, None, source, i) for i, line in enumerate(lines, 1)]


def read_snippets(path: str | os.PathLike[str], encoding: str = "utf-8") -> list[Example]:
    """``id<TAB>rating<TAB>text`` lines; ``score`` is the rating and ``label`` is ``None``."""
    source = os.fspath(path)
    examples = []
    for number, line in enumerate(decode_file(path, encoding).splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t", 2)
        if len(parts) < 3:
            raise DataError(
                f"{where(source, number, len(parts) + 1)}: expected id<TAB>rating<TAB>text, "
                f"found {len(parts)} field(s)"
            )
        try:
            score = float(parts[1])
        except ValueError:
            raise DataError(
                f"{where(source, number, 2)}: rating {parts[1]!r} is not a number"
            ) from None
        examples.append(Example(parts[2], None, source, number, score))
    return examples


def read_aclimdb(
    root: str | os.PathLike[str], split: str = "train", encoding: str = "utf-8"
) -> list[Example]:
    """The ``aclImdb`` layout: ``<root>/<split>/{neg,pos}/*.txt``, one review per file.

    ``root`` may also be a split folder itself (holding ``neg/`` and ``pos/``). Labels are the
    folder names (``"neg"``, ``"pos"``); ``<br />`` line breaks become spaces; ``unsup/`` is
    ignored.
    """
    root = Path(root)
    base = root / split if (root / split).is_dir() else root
    folders = [base / "neg", base / "pos"]
    missing = [f for f in folders if not f.is_dir()]
    if missing:
        raise DataError(
            f"{root}: not an aclImdb folder: {', '.join(map(str, missing))} missing "
            f"(expected <root>/{split}/neg and <root>/{split}/pos with one .txt review per file)"
        )
    examples = []
    for folder in folders:
        for file in sorted(folder.glob("*.txt")):
            text = decode_file(file, encoding).replace("<br />", " ").replace("<br/>", " ")
            examples.append(Example(text, folder.name, os.fspath(file), 1))
    return examples


def detect_format(path: str | os.PathLike[str], encoding: str = "utf-8") -> str:
    """The reader format of ``path`` from its name (and first line for ``.tsv`` / ``.txt``)."""
    path = Path(path)
    if path.is_dir():
        return "aclimdb"
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".tsv", ".txt", ""):
        try:
            with open(path, encoding=encoding, errors="replace") as handle:
                first = handle.readline().lstrip("\ufeff").rstrip("\r\n")
        except OSError:
            first = ""
        if suffix == ".tsv":
            return "sst2" if first.split("\t")[:2] == ["sentence", "label"] else "tsv"
        return "snippets" if _SNIPPET_LINE.match(first) else "lines"
    raise DataError(
        f"{path}: cannot tell the format from the suffix {suffix!r}; set data.init_args.format "
        f"to one of {', '.join(FORMATS[1:])}"
    )


def read_examples(
    path: str | os.PathLike[str],
    fmt: str = "auto",
    text_column: str = "text",
    label_column: str | None = "label",
    require_label: bool = True,
    split: str = "train",
    encoding: str = "utf-8",
) -> list[Example]:
    """Read ``path`` in format ``fmt`` (see the module docstring); ``split`` is for ``aclimdb``.

    ``snippets`` files come back with ``label=None`` and the rating in ``score``.
    """
    if fmt not in FORMATS:
        raise DataError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not Path(path).exists():
        raise DataError(f"{path}: no such file or folder")
    if fmt == "auto":
        fmt = detect_format(path, encoding)
    if fmt == "aclimdb":
        return read_aclimdb(path, split, encoding)
    if fmt == "csv":
        return read_table(path, ",", text_column, label_column, require_label, True, encoding)
    if fmt == "tsv":
        return read_table(path, "\t", text_column, label_column, require_label, False, encoding)
    if fmt == "sst2":
        return read_table(path, "\t", "sentence", "label", require_label, False, encoding)
    if fmt == "jsonl":
        return read_jsonl(path, text_column, label_column, require_label, encoding)
    if fmt == "snippets":
        return read_snippets(path, encoding)
    if require_label:
        raise DataError(
            f"{path}: plain text lines carry no labels; use CSV / TSV / JSONL for labelled data"
        )
    return read_lines(path, encoding)


def count_nonempty(examples: Iterable[Example]) -> int:
    """How many examples have a non-blank text."""
    return sum(1 for e in examples if e.text.strip())
