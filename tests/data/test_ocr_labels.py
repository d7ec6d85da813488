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
