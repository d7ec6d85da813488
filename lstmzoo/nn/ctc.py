"""CTC utilities: the alphabet codec, best-path / prefix beam search decoding and alignment.

Index 0 is the CTC *blank*; character ``alphabet[i]`` has class index ``i + 1``, so a model over
an alphabet of ``K`` characters emits ``K + 1`` classes per step.

An alphabet is a string of characters or the name of one of :data:`NAMED_ALPHABETS`:
``"default"`` (:data:`DEFAULT_ALPHABET`, digits and lower-case letters, for words) or
``"printable"`` (:data:`PRINTABLE_ALPHABET`, the 95 printable ASCII characters, for text lines).

Spaces: in an alphabet that has the space character, the space is a class like any other, and
texts follow one rule: no leading or trailing space and never two in a row. Labels are
normalized that way (:meth:`Alphabet.normalize`), and the decoders apply the same rule to what
they read (a space at either end, or right after another space, is left out); every other
character is kept exactly as decoded.

A CTC path is collapsed into a text by merging repeated classes and then removing blanks:
``"hh-e-ll-ll-oo"`` -> ``"hello"`` (``-`` is the blank). Two equal characters in a row therefore
need a blank between them, so a text needs at least ``len(text) + adjacent repeats`` steps
(:func:`ctc_min_steps`); a shorter output has no valid path and the CTC loss is infinite.

Both decoders return, per sample, the text and a confidence per character: the highest
probability the network gave that character at any step the decoding attributes to it. The
text's ``confidence`` is the product of its per-character confidences (the probability that no
character is wrong, if the steps were independent); for an empty text it is the lowest blank
probability over the steps.
"""

from __future__ import annotations

import itertools
import math
import re
import string
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import torch
from torch import Tensor

__all__ = [
    "BLANK",
    "DEFAULT_ALPHABET",
    "NAMED_ALPHABETS",
    "PRINTABLE_ALPHABET",
    "Alphabet",
    "Decoded",
    "beam_search_decode",
    "ctc_align",
    "ctc_collapse",
    "ctc_min_steps",
    "encode_batch",
    "greedy_decode",
    "resolve_alphabet",
]

#: Class index of the CTC blank.
BLANK = 0
#: Digits and lower-case Latin letters: the alphabet of the common scene-text benchmarks.
DEFAULT_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
#: The 95 printable ASCII characters in :data:`string.printable` order: digits, lower-case and
#: upper-case letters, punctuation, and the space last. Its first 36 classes are those of
#: :data:`DEFAULT_ALPHABET`.
PRINTABLE_ALPHABET = string.printable[:95]
#: Alphabets a configuration may name instead of listing their characters.
NAMED_ALPHABETS: dict[str, str] = {"default": DEFAULT_ALPHABET, "printable": PRINTABLE_ALPHABET}

_SPACE_RUNS = re.compile(" {2,}")


def resolve_alphabet(alphabet: str) -> str:
    """The characters of ``alphabet``: a name of :data:`NAMED_ALPHABETS`, or the characters
    themselves (returned unchanged)."""
    return NAMED_ALPHABETS.get(alphabet, alphabet) if isinstance(alphabet, str) else alphabet


class Alphabet:
    """Maps text to class indices and back (blank = 0, ``chars[i]`` = ``i + 1``).

    Args:
        chars: the characters, in class order (no duplicates, no empty string), or the name of
            one of :data:`NAMED_ALPHABETS` (``"printable"``); :attr:`chars` holds the characters.
        case_fold: when the alphabet has only one case of a letter, map labels to that case
            (``"Hello"`` -> ``"hello"`` for a lower-case alphabet). Letters whose both cases are
            in the alphabet are left alone.

    An alphabet with the space character normalizes texts by the space rule of the module
    docstring: ``"  two   words "`` -> ``"two words"``.
    """

    def __init__(self, chars: str = DEFAULT_ALPHABET, case_fold: bool = True) -> None:
        chars = resolve_alphabet(chars)
        if not isinstance(chars, str) or not chars:
            raise ValueError("the alphabet must be a non-empty string of characters")
        dupes = sorted({c for c in chars if chars.count(c) > 1})
        if dupes:
            raise ValueError(f"the alphabet repeats character(s) {''.join(dupes)!r}")
        self.chars = chars
        self.case_fold = case_fold
        self._index = {c: i + 1 for i, c in enumerate(chars)}
        fold: dict[str, str] = {}
        if case_fold:
            for c in chars:
                for other in {c.lower(), c.upper()} - {c}:
                    if len(other) == 1 and other not in self._index:
                        fold[other] = c
        self._fold = str.maketrans(fold)
        #: class index of the space, or ``None`` when the alphabet has none
        self.space: int | None = self._index.get(" ")

    @property
    def num_classes(self) -> int:
        """Classes a model emits per step: the characters plus the blank."""
        return len(self.chars) + 1

    def __len__(self) -> int:
        return len(self.chars)

    def __repr__(self) -> str:
        return f"Alphabet({self.chars!r}, case_fold={self.case_fold})"

    def describe(self) -> str:
        """The alphabet in a message: its characters, or for a long named one its name."""
        if len(self.chars) > 40:
            for name, chars in NAMED_ALPHABETS.items():
                if chars == self.chars:
                    return f"{name!r} ({len(chars)} characters)"
        return repr(self.chars)

    def __contains__(self, char: object) -> bool:
        return char in self._index

    def fold_case(self, text: str) -> str:
        """``text`` with case folding applied (a no-op when ``case_fold`` is off)."""
        return text.translate(self._fold) if self.case_fold else text

    def normalize(self, text: str) -> str:
        """``text`` with case folding applied (when ``case_fold`` is on) and, for an alphabet
        with a space, no leading or trailing space and no run of spaces."""
        text = self.fold_case(text)
        if self.space is not None:
            text = _SPACE_RUNS.sub(" ", text).strip(" ")
        return text

    def unknown_chars(self, text: str) -> list[str]:
        """Characters of the normalized ``text`` that the alphabet lacks, in order, unique."""
        return list(dict.fromkeys(c for c in self.normalize(text) if c not in self._index))

    def filter(self, text: str) -> str:
        """The normalized ``text`` without the characters the alphabet lacks."""
        return self.normalize("".join(c for c in self.fold_case(text) if c in self._index))

    def encode(self, text: str) -> list[int]:
        """Class indices of the normalized ``text``.

        Raises:
            ValueError: a character is not in the alphabet (the message names it).
        """
        text = self.normalize(text)
        try:
            return [self._index[c] for c in text]
        except KeyError as err:
            raise ValueError(
                f"character {err.args[0]!r} of {text!r} is not in the alphabet {self.describe()}"
            ) from None

    def decode(self, indices: Iterable[int]) -> str:
        """Text of class indices (already collapsed: no CTC merging here); blanks are skipped."""
        return "".join(self.chars[i - 1] for i in indices if i != BLANK)


def ctc_min_steps(labels: Sequence[int] | str) -> int:
    """Fewest output steps a CTC model needs to emit ``labels``: length + adjacent repeats."""
    repeats = sum(1 for a, b in itertools.pairwise(labels) if a == b)
    return len(labels) + repeats


class Decoded(NamedTuple):
    """One decoded sample.

    Attributes:
        text: the decoded text ("" without an alphabet).
        indices: its class indices (no blanks).
        confidence: product of ``char_confidences`` (see the module docstring).
        char_confidences: one probability per character of ``text``.
        steps: with ``align=True``, the ``(first, last)`` output step of every character in the
            best CTC path of ``text`` (:func:`ctc_align`), else ``None``.
    """

    text: str
    indices: list[int]
    confidence: float
    char_confidences: list[float]
    steps: list[tuple[int, int]] | None = None


def _as_batch(
    log_probs: Tensor, lengths: Tensor | Sequence[int] | None
) -> tuple[Tensor, list[int]]:
    if log_probs.dim() == 2:
        log_probs = log_probs.unsqueeze(0)
    if log_probs.dim() != 3:
        raise ValueError(
            f"expected log-probabilities (B, T, C) or (T, C), got {tuple(log_probs.shape)}"
        )
    batch, steps = log_probs.shape[:2]
    if lengths is None:
        return log_probs, [steps] * batch
    lens = [int(n) for n in (lengths.tolist() if isinstance(lengths, Tensor) else lengths)]
    if len(lens) != batch or any(not 0 <= n <= steps for n in lens):
        raise ValueError(
            f"lengths {lens} do not fit log-probabilities of shape {tuple(log_probs.shape)}"
        )
    return log_probs, lens


def _space_rule(indices: list[int], space: int) -> list[int]:
    """Positions of ``indices`` kept by the space rule (see the module docstring): no space at
    either end, none right after a space."""
    keep = [
        i
        for i, k in enumerate(indices)
        if k != space or (i > 0 and indices[i - 1] != space and i < len(indices) - 1)
    ]
    while keep and indices[keep[-1]] == space:  # "a  " -> the run at the end goes too
        keep.pop()
    return keep


def _finish(
    indices: list[int],
    confs: list[float],
    blank_probs: list[float],
    alphabet: Alphabet | None,
    spans: list[tuple[int, int]] | None = None,
    align_with: Tensor | None = None,
) -> Decoded:
    """One :class:`Decoded`; ``spans`` are the characters' steps if known, else they come from
    aligning ``align_with`` (``(T, C)``), when given."""
    if alphabet is not None and alphabet.space is not None and alphabet.space in indices:
        keep = _space_rule(indices, alphabet.space)
        indices, confs = [indices[i] for i in keep], [confs[i] for i in keep]
        spans = [spans[i] for i in keep] if spans is not None else None
    empty_confidence = min(blank_probs) if blank_probs else 1.0
    confidence = math.prod(confs) if indices else empty_confidence
    text = alphabet.decode(indices) if alphabet is not None else ""
    if spans is None and align_with is not None:
        spans = ctc_align(align_with, indices)
    return Decoded(text, indices, float(confidence), [float(c) for c in confs], spans)


def ctc_align(log_probs: Tensor, indices: Sequence[int]) -> list[tuple[int, int]]:
    """The steps of every character in the most likely CTC path that spells ``indices``.

    Viterbi (forced) alignment: among all paths of ``log_probs`` that collapse to ``indices``,
    the most probable one, and for each character of ``indices`` the first and last step that
    path spends on it.

    Args:
        log_probs: ``(T, C)`` log-probabilities (or logits; they are log-softmaxed here) of the
            valid steps of one sample.
        indices: the class indices of the text (no blanks).

    Returns:
        ``[(first, last), ...]``, one pair per character, ``0 <= first <= last < T``, in order.

    Raises:
        ValueError: no path of ``T`` steps spells ``indices`` (``T < ctc_min_steps(indices)``).
    """
    labels = [int(k) for k in indices]
    if not labels:
        return []
    steps = log_probs.shape[0]
    if log_probs.dim() != 2 or steps < ctc_min_steps(labels):
        raise ValueError(
            f"cannot align {len(labels)} characters (needing {ctc_min_steps(labels)} steps) with "
            f"log-probabilities of shape {tuple(log_probs.shape)}"
        )
    lp = log_probs.detach().float().log_softmax(-1)
    # the extended sequence: blank, l1, blank, l2, ..., blank (states of the alignment)
    ext = torch.tensor(
        [BLANK if s % 2 == 0 else labels[s // 2] for s in range(2 * len(labels) + 1)]
    )
    emit = lp[:, ext]  # (T, S)
    n_states = ext.numel()
    # a character state may also be entered from two states back (skipping the blank between
    # two different characters)
    skip = torch.zeros(n_states, dtype=torch.bool)
    skip[2:] = (ext[2:] != BLANK) & (ext[2:] != ext[:-2])
    neg_inf = torch.tensor(-math.inf)
    score = torch.full((n_states,), -math.inf)
    score[:2] = emit[0, :2]
    back = torch.zeros(steps, n_states, dtype=torch.long)  # states moved by at step t
    shifts = torch.tensor([1, 2, 0])
    for t in range(1, steps):
        from_prev = torch.cat([neg_inf.view(1), score[:-1]])
        from_skip = torch.where(skip, torch.cat([neg_inf.expand(2), score[:-2]]), neg_inf)
        # on a tie the later entry wins (max takes the first maximum): steps whose classes
        # are all unlikely, such as a space that the decoder left out, go to the blank before
        best, choice = torch.stack([from_prev, from_skip, score]).max(0)
        back[t] = shifts[choice]
        score = best + emit[t]
    state = n_states - 1 if score[-1] >= score[-2] else n_states - 2
    path = [0] * steps
    moves = back.tolist()
    for t in range(steps - 1, -1, -1):
        path[t] = state
        state -= moves[t][state]
    spans: list[list[int]] = [[-1, -1] for _ in labels]
    for t, s in enumerate(path):
        if s % 2:
            span = spans[s // 2]
            if span[0] < 0:
                span[0] = t
            span[1] = t
    return [(a, b) for a, b in spans]


def greedy_decode(
    log_probs: Tensor,
    lengths: Tensor | Sequence[int] | None = None,
    alphabet: Alphabet | None = None,
    align: bool = False,
) -> list[Decoded]:
    """Best-path decoding: the most likely class at every step, collapsed.

    Args:
        log_probs: ``(B, T, C)`` or ``(T, C)`` log-probabilities (or logits: only the argmax and,
            for confidences, the softmax are used; pass log-probabilities for calibrated values).
        lengths: ``(B,)`` valid steps per sample, or ``None`` for all ``T``.
        alphabet: turns indices into text; without it ``Decoded.text`` is empty.
        align: also give every character's steps (:attr:`Decoded.steps`, see :func:`ctc_align`).

    Returns:
        one :class:`Decoded` per sample.
    """
    log_probs, lens = _as_batch(log_probs, lengths)
    probs = log_probs.detach().float().softmax(-1)
    best_p, best = probs.max(-1)
    blank_p = probs[..., BLANK]
    best_l, best_pl, blank_l = best.tolist(), best_p.tolist(), blank_p.tolist()
    out = []
    for b, n in enumerate(lens):
        indices: list[int] = []
        confs: list[float] = []
        spans: list[list[int]] = []  # the best path's first and last step of every character
        prev = BLANK
        for t in range(n):
            k = best_l[b][t]
            if k != BLANK:
                if k != prev:
                    indices.append(k)
                    confs.append(best_pl[b][t])
                    spans.append([t, t])
                else:
                    confs[-1] = max(confs[-1], best_pl[b][t])
                    spans[-1][1] = t
            prev = k
        steps = [(a, z) for a, z in spans] if align else None
        out.append(_finish(indices, confs, blank_l[b][:n], alphabet, steps))
    return out


def _logsumexp(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    hi, lo = (a, b) if a > b else (b, a)
    return hi + math.log1p(math.exp(lo - hi))


def _add(
    beams: dict[tuple[int, ...], list[float]],
    confs: dict[tuple[int, ...], list[float]],
    prefix: tuple[int, ...],
    conf: list[float],
    which: int,
    log_p: float,
) -> None:
    """Add probability ``log_p`` to ``beams[prefix][which]`` (0: ends in blank, 1: in a char)."""
    if log_p == -math.inf:
        return
    if prefix not in beams:
        beams[prefix] = [-math.inf, -math.inf]
        confs[prefix] = list(conf)
    else:  # the same prefix reached another way: keep the best evidence per character
        confs[prefix] = [max(a, b) for a, b in zip(confs[prefix], conf)]
    beams[prefix][which] = _logsumexp(beams[prefix][which], log_p)


def _prefix_beam_search(
    lp: list[list[float]], beam_width: int, prune: float
) -> tuple[tuple[int, ...], list[float]]:
    """Prefix beam search over one sample's ``(T, C)`` log-probabilities (nested lists)."""
    log_prune = math.log(prune) if prune > 0 else -math.inf
    # prefix -> [log P(prefix, path ends in blank), log P(prefix, path ends in its last char)]
    beams: dict[tuple[int, ...], list[float]] = {(): [0.0, -math.inf]}
    confs: dict[tuple[int, ...], list[float]] = {(): []}
    for row in lp:
        best_k = max(range(len(row)), key=row.__getitem__)
        candidates = [
            k for k, v in enumerate(row) if k != BLANK and (v >= log_prune or k == best_k)
        ]
        nxt: dict[tuple[int, ...], list[float]] = {}
        nconf: dict[tuple[int, ...], list[float]] = {}
        for prefix, (p_b, p_nb) in beams.items():
            conf = confs[prefix]
            # a blank keeps the prefix
            _add(nxt, nconf, prefix, conf, 0, _logsumexp(p_b, p_nb) + row[BLANK])
            last = prefix[-1] if prefix else None
            for k in candidates:
                p = row[k]
                pk = math.exp(p)
                if k == last:
                    # the last char again without a blank in between: the same prefix
                    _add(nxt, nconf, prefix, [*conf[:-1], max(conf[-1], pk)], 1, p_nb + p)
                    # after a blank it is a new character
                    _add(nxt, nconf, (*prefix, k), [*conf, pk], 1, p_b + p)
                else:
                    _add(nxt, nconf, (*prefix, k), [*conf, pk], 1, _logsumexp(p_b, p_nb) + p)
        ranked = sorted(nxt.items(), key=lambda kv: _logsumexp(*kv[1]), reverse=True)
        beams = dict(ranked[:beam_width])
        confs = {prefix: nconf[prefix] for prefix in beams}
    best_prefix = max(beams, key=lambda p: _logsumexp(*beams[p]))
    return best_prefix, confs[best_prefix]


def beam_search_decode(
    log_probs: Tensor,
    lengths: Tensor | Sequence[int] | None = None,
    alphabet: Alphabet | None = None,
    beam_width: int = 10,
    prune: float = 1e-3,
    align: bool = False,
) -> list[Decoded]:
    """CTC prefix beam search: the text with the highest total probability over all its paths.

    Unlike best-path decoding it sums the probability of every path that collapses to the same
    text, so it can prefer a text whose probability mass is spread over many paths.

    Args:
        log_probs: ``(B, T, C)`` or ``(T, C)`` log-probabilities (``log_softmax`` output).
        lengths: ``(B,)`` valid steps per sample, or ``None`` for all ``T``.
        alphabet: turns indices into text; without it ``Decoded.text`` is empty.
        beam_width: prefixes kept after each step (1 is close to best-path decoding).
        prune: characters below this probability at a step are not tried as extensions
            (the most likely class of the step always is).
        align: also give every character's steps (:attr:`Decoded.steps`, see :func:`ctc_align`).
    """
    if beam_width < 1:
        raise ValueError(f"beam_width must be >= 1, got {beam_width}")
    log_probs, lens = _as_batch(log_probs, lengths)
    lp = log_probs.detach().float().log_softmax(-1)
    blank_p = lp[..., BLANK].exp().tolist()
    lp_l = lp.tolist()
    out = []
    for b, n in enumerate(lens):
        prefix, confs = _prefix_beam_search(lp_l[b][:n], beam_width, prune)
        lp_b = lp[b, :n] if align else None
        out.append(_finish(list(prefix), confs, blank_p[b][:n], alphabet, align_with=lp_b))
    return out


def ctc_collapse(path: Sequence[int]) -> list[int]:
    """Merge repeated classes, then drop blanks: ``[1, 1, 0, 1, 2, 2]`` -> ``[1, 1, 2]``."""
    out: list[int] = []
    prev = BLANK
    for k in path:
        if k != BLANK and k != prev:
            out.append(k)
        prev = k
    return out


def encode_batch(texts: Sequence[str], alphabet: Alphabet) -> tuple[Tensor, Tensor]:
    """Concatenated targets ``(sum L,)`` and target lengths ``(B,)`` for ``nn.CTCLoss``."""
    encoded = [alphabet.encode(t) for t in texts]
    flat = [i for e in encoded for i in e]
    return torch.tensor(flat, dtype=torch.long), torch.tensor(
        [len(e) for e in encoded], dtype=torch.long
    )
