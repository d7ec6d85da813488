"""Readers of labelled text: formats, string labels and bad-input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lstmzoo.data.text import detect_format, read_examples
from lstmzoo.errors import DataError


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_with_quotes_commas_and_string_labels(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "d.csv",
        'id,text,label\n1,"Great, really great",pos\n2,"He said ""meh""\nthen left",neg\n',
    )
    examples = read_examples(path)
    assert [(e.text, e.label, e.line) for e in examples] == [
        ("Great, really great", "pos", 2),
        ('He said "meh"\nthen left', "neg", 3),
    ]
    assert examples[0].source == str(path)


def test_csv_custom_columns(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.csv", "review,stars\nnice,5\nbad,1\n")
    examples = read_examples(path, text_column="review", label_column="stars")
    assert [(e.text, e.label) for e in examples] == [("nice", "5"), ("bad", "1")]


def test_tsv_keeps_quotes_as_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.tsv", 'text\tlabel\n"quoted" start\t1\nplain\t0\n')
    assert [(e.text, e.label) for e in read_examples(path)] == [
        ('"quoted" start', "1"),
        ("plain", "0"),
    ]
    assert detect_format(path) == "tsv"


def test_sst2_tsv(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "train.tsv", "sentence\tlabel\nit 's a charming journey \t1\nugh \" \t0\n"
    )
    assert detect_format(path) == "sst2"
    examples = read_examples(path)
    assert [(e.text, e.label) for e in examples] == [
        ("it 's a charming journey ", "1"),
        ('ugh " ', "0"),
    ]
    assert read_examples(path, fmt="sst2")[1].line == 3


def test_jsonl_with_non_string_labels(tmp_path: Path) -> None:
    lines = [
        {"text": "good", "label": 1},
        {"text": "bad", "label": 0.0},
        {"text": "ok", "label": True},
    ]
    path = _write(tmp_path / "d.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    assert [(e.text, e.label) for e in read_examples(path)] == [
        ("good", "1"),
        ("bad", "0"),
        ("ok", "true"),
    ]


def test_aclimdb_layout(tmp_path: Path) -> None:
    root = tmp_path / "aclImdb"
    for split in ("train", "test"):
        for label in ("pos", "neg"):
            (root / split / label).mkdir(parents=True)
            _write(root / split / label / f"0_{label}.txt", f"{split} {label}<br />second line")
    (root / "train" / "unsup").mkdir()
    _write(root / "train" / "unsup" / "0_0.txt", "ignored")
    assert detect_format(root) == "aclimdb"
    train = read_examples(root, split="train")
    assert [(e.text, e.label) for e in train] == [
        ("train neg second line", "neg"),
        ("train pos second line", "pos"),
    ]
    assert train[0].source.endswith("0_neg.txt")
    test = read_examples(root, split="test")
    assert {e.text for e in test} == {"test neg second line", "test pos second line"}
    with pytest.raises(DataError, match="not an aclImdb folder"):
        read_examples(root / "train" / "unsup", fmt="aclimdb")


def test_snippets_and_plain_lines(tmp_path: Path) -> None:
    snippets = _write(tmp_path / "s.txt", "1\t2.5\tfine film\r\n2\t-1.25\tdull\r\n")
    assert detect_format(snippets) == "snippets"
    examples = read_examples(snippets)
    assert [(e.text, e.score, e.label) for e in examples] == [
        ("fine film", 2.5, None),
        ("dull", -1.25, None),
    ]
    lines = _write(tmp_path / "p.txt", "first text\n\nthird\n")
    assert detect_format(lines) == "lines"
    got = read_examples(lines, require_label=False)
    assert [(e.text, e.line) for e in got] == [("first text", 1), ("", 2), ("third", 3)]
    with pytest.raises(DataError, match="carry no labels"):
        read_examples(lines)


# ----------------------------------------------------------------------------- errors
def test_missing_text_column_names_file_line_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.csv", "review,label\nx,pos\n")
    with pytest.raises(DataError) as err:
        read_examples(path)
    assert f"{path}: line 1, column 'text'" in str(err.value)
    assert "'review'" in str(err.value) and "text_column" in str(err.value)


def test_missing_label_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.csv", "text,stars\nx,5\n")
    with pytest.raises(DataError, match=r"line 1, column 'label'.*no label column"):
        read_examples(path)
    # prediction input may lack labels
    assert read_examples(path, require_label=False)[0].label is None


def test_short_row_and_empty_label(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.csv", "text,label\nfine,pos\nno label here\n")
    with pytest.raises(DataError, match=r"d.csv: line 3, column 'label': missing value"):
        read_examples(path)
    path = _write(tmp_path / "e.csv", "text,label\nfine,pos\nempty,\n")
    with pytest.raises(DataError, match=r"line 3, column 'label': empty label"):
        read_examples(path)


def test_jsonl_errors(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.jsonl", '{"text": "a", "label": "x"}\n{"text": "b" "label": 1}\n')
    with pytest.raises(DataError, match=r"d.jsonl: line 2, column 14: invalid JSON"):
        read_examples(path)
    path = _write(tmp_path / "k.jsonl", '{"text": "a", "label": "x"}\n{"body": "b", "label": 1}\n')
    with pytest.raises(DataError, match=r"line 2, column 'text': no key 'text'"):
        read_examples(path)
    path = _write(tmp_path / "l.jsonl", '{"text": "a"}\n')
    with pytest.raises(DataError, match=r"line 1, column 'label': no key 'label'"):
        read_examples(path)
    path = _write(tmp_path / "t.jsonl", '{"text": 5, "label": "x"}\n')
    with pytest.raises(DataError, match=r"line 1, column 'text': expected a string"):
        read_examples(path)
    path = _write(tmp_path / "a.jsonl", '["text", "label"]\n')
    with pytest.raises(DataError, match="expected a JSON object"):
        read_examples(path)


def test_undecodable_bytes_name_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(b"text,label\ngood,pos\nna\xefve \xff,neg\n")
    with pytest.raises(DataError) as err:
        read_examples(path)
    message = str(err.value)
    assert f"{path}: line 3, column 3" in message
    assert "not valid utf-8" in message and "encoding" in message
    # the right encoding reads it
    assert read_examples(path, encoding="latin-1")[1].text == "naïve ÿ"


def test_bad_snippet_rating(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.txt", "1\t2.0\tok\n2\tgood\tbad rating\n")
    with pytest.raises(DataError, match=r"line 2, column 2: rating 'good' is not a number"):
        read_examples(path, fmt="snippets")
    path = _write(tmp_path / "t.txt", "1\t2.0\tok\n2\t1.0\n")
    with pytest.raises(DataError, match=r"line 2, column 3: expected id<TAB>rating<TAB>text"):
        read_examples(path, fmt="snippets")


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_examples(tmp_path / "nope.csv")
    path = _write(tmp_path / "d.parquet", "x")
    with pytest.raises(DataError, match="cannot tell the format"):
        read_examples(path)
    with pytest.raises(DataError, match="unknown format"):
        read_examples(path, fmt="xml")
