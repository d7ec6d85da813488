"""Alphabet codec and CTC decoders on hand-made log-probabilities."""

from __future__ import annotations

import math

import pytest
import torch

from lstmzoo.nn.ctc import (
    BLANK,
    DEFAULT_ALPHABET,
    PRINTABLE_ALPHABET,
    Alphabet,
    beam_search_decode,
    ctc_align,
    ctc_collapse,
    ctc_min_steps,
    encode_batch,
    greedy_decode,
)


def log_probs_of(path: str, alphabet: Alphabet, p: float = 0.9) -> torch.Tensor:
    """``(T, C)`` log-probabilities whose best path is ``path`` (``-`` = blank), prob ``p`` each."""
    c = alphabet.num_classes
    rows = torch.full((len(path), c), (1 - p) / (c - 1))
    for t, ch in enumerate(path):
        k = BLANK if ch == "-" else alphabet.chars.index(ch) + 1
        rows[t, k] = p
    return rows.log()


def test_alphabet_codec() -> None:
    ab = Alphabet(DEFAULT_ALPHABET)
    assert ab.num_classes == 37
    assert ab.encode("a0z") == [11, 1, 36]
    assert ab.decode([11, 0, 1, 36]) == "a0z"  # blanks are skipped
    assert ab.encode("Hello") == ab.encode("hello")  # case folding
    assert Alphabet("ab", case_fold=False).unknown_chars("Ab") == ["A"]
    with pytest.raises(ValueError, match="'!'"):
        ab.encode("hi!")
    with pytest.raises(ValueError, match="repeats"):
        Alphabet("abca")
    with pytest.raises(ValueError, match="non-empty"):
        Alphabet("")


def test_case_fold_leaves_letters_with_both_cases_alone() -> None:
    ab = Alphabet("aAb")
    assert ab.normalize("AaB") == "Aab"
    assert ab.filter("a-B!") == "ab"


def test_min_steps_count_adjacent_repeats() -> None:
    assert ctc_min_steps("hello") == 6
    assert ctc_min_steps("aaa") == 5
    assert ctc_min_steps("") == 0
    assert ctc_min_steps([1, 2, 1]) == 3


def test_collapse_and_encode_batch() -> None:
    assert ctc_collapse([1, 1, 0, 1, 2, 2, 0]) == [1, 1, 2]
    targets, lengths = encode_batch(["ab", "", "c"], Alphabet("abc"))
    assert targets.tolist() == [1, 2, 3]
    assert lengths.tolist() == [2, 0, 1]


def test_greedy_merges_repeats_and_needs_blanks_between_doubles() -> None:
    ab = Alphabet(DEFAULT_ALPHABET)
    lp = log_probs_of("hh-e-ll-lo--", ab)
    (d,) = greedy_decode(lp, alphabet=ab)
    assert d.text == "hello"
    assert d.indices == ab.encode("hello")
    (d2,) = greedy_decode(log_probs_of("hhellllo", ab), alphabet=ab)
    assert d2.text == "helo"  # no blank between the l's: they merge


def test_greedy_confidence_is_the_product_of_char_confidences() -> None:
    ab = Alphabet("ab")
    probs = torch.tensor(
        [[0.1, 0.7, 0.2], [0.1, 0.8, 0.1], [0.6, 0.2, 0.2], [0.3, 0.1, 0.6]]
    )  # a a - b
    (d,) = greedy_decode(probs.log(), alphabet=ab)
    assert d.text == "ab"
    assert d.char_confidences == pytest.approx([0.8, 0.6])  # best frame of each character
    assert d.confidence == pytest.approx(0.48)


def test_empty_text_confidence_is_the_weakest_blank() -> None:
    ab = Alphabet("ab")
    probs = torch.tensor([[0.9, 0.05, 0.05], [0.6, 0.3, 0.1]])
    for decode in (greedy_decode, beam_search_decode):
        (d,) = decode(probs.log(), alphabet=ab)
        assert d.text == ""
        assert d.char_confidences == []
        assert d.confidence == pytest.approx(0.6)


def test_beam_search_sums_paths_where_greedy_does_not() -> None:
    ab = Alphabet("ab")
    # greedy picks blank twice (P = 0.16) but "a" has P = 0.35^2 + 2 * 0.35 * 0.4 = 0.4025
    probs = torch.tensor([[0.4, 0.35, 0.25], [0.4, 0.35, 0.25]])
    (g,) = greedy_decode(probs.log(), alphabet=ab)
    (b,) = beam_search_decode(probs.log(), alphabet=ab, beam_width=5)
    assert g.text == ""
    assert b.text == "a"
    assert b.char_confidences == pytest.approx([0.35])


def test_beam_search_keeps_doubles_split_by_a_blank() -> None:
    ab = Alphabet(DEFAULT_ALPHABET)
    lp = log_probs_of("-ll-l-oo", ab, p=0.95)
    (b,) = beam_search_decode(lp, alphabet=ab, beam_width=4)
    assert b.text == "llo"
    assert len(b.char_confidences) == 3
    assert all(0.9 < c <= 1.0 for c in b.char_confidences)
    assert b.confidence == pytest.approx(math.prod(b.char_confidences))


def test_batched_decoding_respects_lengths() -> None:
    ab = Alphabet(DEFAULT_ALPHABET)
    one = log_probs_of("c-a-t-", ab)
    two = log_probs_of("d-o-g-", ab)
    batch = torch.stack([one, two])
    lengths = torch.tensor([6, 3])
    for decode in (greedy_decode, beam_search_decode):
        texts = [d.text for d in decode(batch, lengths, ab)]
        assert texts == ["cat", "do"]


def test_beam_width_one_matches_greedy_on_a_clear_path() -> None:
    ab = Alphabet(DEFAULT_ALPHABET)
    lp = log_probs_of("-s-t-a-c-k-", ab)
    assert beam_search_decode(lp, alphabet=ab, beam_width=1)[0].text == "stack"
    assert greedy_decode(lp, alphabet=ab)[0].text == "stack"


def test_decoders_check_their_arguments() -> None:
    with pytest.raises(ValueError, match="beam_width"):
        beam_search_decode(torch.zeros(3, 4), beam_width=0)
    with pytest.raises(ValueError, match="lengths"):
        greedy_decode(torch.zeros(2, 3, 4), lengths=[3, 4])
    with pytest.raises(ValueError, match="log-probabilities"):
        greedy_decode(torch.zeros(4))


def test_the_printable_alphabet_is_named_case_sensitive_and_extends_the_word_alphabet() -> None:
    import string

    ab = Alphabet("printable", case_fold=False)
    assert ab.chars == PRINTABLE_ALPHABET == string.printable[:95]
    assert len(ab) == 95 and ab.num_classes == 96
    assert set(ab.chars) == set(string.digits + string.ascii_letters + string.punctuation + " ")
    assert ab.chars.startswith(DEFAULT_ALPHABET)  # the word model's 36 classes come first
    assert ab.encode("Aa") != ab.encode("aa")  # case-sensitive
    assert Alphabet("default").chars == DEFAULT_ALPHABET
    assert Alphabet("xyz").chars == "xyz"  # anything else is the characters themselves
    with pytest.raises(ValueError, match=r"'\xe9' of 'caf\xe9' is not in the alphabet 'printable'"):
        ab.encode("café")


def test_labels_with_spaces_are_stripped_and_runs_collapsed() -> None:
    ab = Alphabet("printable", case_fold=False)
    assert ab.normalize("  This  is a   great deal. ") == "This is a great deal."
    assert ab.encode(" a  b ") == ab.encode("a b")
    assert ab.filter("a ~ é b") == "a ~ b"  # deleting a character leaves no double space
    # an alphabet without a space leaves spaces alone (they are simply unknown)
    assert Alphabet("ab").normalize(" a  b ") == " a  b "


def test_decoders_keep_inner_spaces_and_drop_the_others() -> None:
    ab = Alphabet("printable", case_fold=False)
    path = "  hh-i- -  -yo u  "  # spaces at both ends, and two spaces split by a blank
    for decode in (greedy_decode, beam_search_decode):
        (d,) = decode(log_probs_of(path, ab), alphabet=ab)
        assert d.text == "hi yo u"
        assert len(d.char_confidences) == len(d.text) == len(d.indices)
    (d,) = greedy_decode(log_probs_of("a-a-b--", ab), alphabet=ab)
    assert d.text == "aab"  # repeated characters split by a blank stay: only spaces are ruled


def test_alignment_gives_each_character_its_steps() -> None:
    ab = Alphabet("printable", case_fold=False)
    lp = log_probs_of("--hh-i- --yy-", ab)
    (g,) = greedy_decode(lp, alphabet=ab, align=True)
    assert g.text == "hi y"
    assert g.steps == [(2, 3), (5, 5), (7, 7), (10, 11)]
    (b,) = beam_search_decode(lp, alphabet=ab, align=True)
    assert b.text == "hi y" and b.steps == g.steps
    assert greedy_decode(lp, alphabet=ab)[0].steps is None  # only when asked
    # forced alignment of a given text, a double letter needs its blank
    assert ctc_align(log_probs_of("aa-a-", ab), ab.encode("aa")) == [(0, 1), (3, 3)]
    assert ctc_align(log_probs_of("ab", ab), ab.encode("ab")) == [(0, 0), (1, 1)]
    assert ctc_align(log_probs_of("---", ab), []) == []
    with pytest.raises(ValueError, match="cannot align"):
        ctc_align(log_probs_of("aa", ab), ab.encode("aa"))  # "aa" needs 3 steps
