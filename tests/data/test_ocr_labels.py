"""Alphabet policies and the CTC length check of labels."""

from __future__ import annotations

import pytest

from lstmzoo.data.ocr import check_label, check_labels
from lstmzoo.errors import ConfigError, DataError
from lstmzoo.nn.ctc import Alphabet

AB = Alphabet("0123456789abcdefghijklmnopqrstuvwxyz")


def test_oov_error_names_sample_and_character() -> None:
    with pytest.raises(DataError, match=r"img7\.png.*'!'"):
        check_label("img7.png", "hi!", AB, 26)


def test_oov_skip_and_drop() -> None:
    assert check_label("a", "hi!", AB, 26, oov_policy="skip")[0] is None
    assert check_label("a", "Hi, you!", AB, 26, oov_policy="drop")[0] == "hiyou"
    kept, labels = check_labels(["a", "b", "c"], ["ok", "n-o", "Yes"], AB, 26, oov_policy="skip")
    assert kept == [0, 2] and labels == ["ok", "yes"]


def test_case_fold_off_makes_upper_case_out_of_vocabulary() -> None:
    strict = Alphabet(AB.chars, case_fold=False)
    with pytest.raises(DataError, match="'H'"):
        check_label("x", "Hello", strict, 26)


def test_too_long_label_is_rejected_with_its_name() -> None:
    assert check_label("fits", "a" * 13, AB, 26)[0] == "a" * 13  # 13 + 12 repeats = 25 steps
    with pytest.raises(DataError, match=r"long\.png.*needs 27 CTC steps"):
        check_label("long.png", "abcdefghijklmnopqrstuvwxyz0", AB, 26)
    with pytest.raises(DataError, match="needs 27"):
        check_label("rep.png", "a" * 14, AB, 26)  # 14 + 13 repeats
    assert check_label("x", "a" * 14, AB, 26, too_long_policy="skip")[0] is None


def test_everything_skipped_is_an_error_and_bad_policies_are_config_errors() -> None:
    with pytest.raises(DataError, match="every sample"):
        check_labels(["a"], ["!!"], AB, 26, oov_policy="skip")
    with pytest.raises(ConfigError, match="oov_policy"):
        check_label("a", "b", AB, 26, oov_policy="ignore")  # type: ignore[arg-type]


PRINTABLE = Alphabet("printable", case_fold=False)


def test_a_character_outside_the_printable_alphabet_names_the_text_the_file_and_the_char() -> None:
    name = "data/labels.txt, line 12 (img12.png)"
    with pytest.raises(DataError, match=r"line 12 \(img12\.png\).*'Caf\u00e9 au lait'.*'\u00e9'"):
        check_label(name, "Caf\u00e9 au lait", PRINTABLE, 100)
    with pytest.raises(DataError, match="'map' to replace them"):
        check_label(name, "\u201cquoted\u201d", PRINTABLE, 100)


def test_map_folds_to_ascii_and_counts_what_it_changed(caplog) -> None:
    raw = "\u201cCaf\u00e9\u201d \u2013 na\u00efve\u2026 it\u2019s 5\u00a0\u20ac \u4e2d"
    label, reason = check_label("x", raw, PRINTABLE, 100, oov_policy="map")
    assert reason is None
    assert label == '"Cafe" - naive... it\'s 5 EUR'  # the CJK character has no ASCII form
    with caplog.at_level("INFO", logger="lstmzoo.data.ocr.labels"):
        kept, labels = check_labels(
            ["a", "b", "c"], [raw, "plain", "\u00e9t\u00e9"], PRINTABLE, 100, oov_policy="map"
        )
    assert kept == [0, 1, 2] and labels[2] == "ete"
    assert "changed 2 of 3 labels" in caplog.text
    assert "mapped 11 character(s)" in caplog.text and "dropped 1" in caplog.text
    # a lower-case alphabet: an accented capital folds to its lower-case letter
    assert check_label("y", "\u00c9T\u00c9", AB, 26, oov_policy="map")[0] == "ete"


def test_drop_is_counted_and_leaves_no_double_space(caplog) -> None:
    with caplog.at_level("INFO", logger="lstmzoo.data.ocr.labels"):
        kept, labels = check_labels(["a"], ["a \u2192 b"], PRINTABLE, 100, oov_policy="drop")
    assert kept == [0] and labels == ["a b"]
    assert "dropped 1" in caplog.text


def test_labels_with_spaces_are_normalized_and_step_limits_may_differ_per_image() -> None:
    assert check_label("x", "  two   words ", PRINTABLE, 100)[0] == "two words"
    kept, labels = check_labels(
        ["short", "long"], ["abc", "abcdef"], PRINTABLE, [4, 4], too_long_policy="skip"
    )
    assert kept == [0] and labels == ["abc"]
    kept, _ = check_labels(["short", "long"], ["abc", "abcdef"], PRINTABLE, [4, 7])
    assert kept == [0, 1]
