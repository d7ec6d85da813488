"""Checking labels against the alphabet and the CTC length limit before any training step.

A label character the alphabet lacks is handled by ``oov_policy``:

* ``"error"`` (default): stop with a :class:`~lstmzoo.errors.DataError` naming the sample and
  the character;
* ``"skip"``: leave the sample out (a warning counts them and names the first few);
* ``"drop"``: delete the unknown characters from the label and keep the sample (for data whose
  punctuation, say, is to be ignored);
* ``"map"``: replace each unknown character by its nearest equivalent in the alphabet (curly
  quotes and dashes to ASCII ones, ``é`` -> ``e``, see :mod:`lstmzoo.data.ocr.asciifold`) and
  delete those that have none.

Under ``"drop"`` and ``"map"`` the characters changed are counted, and the count is logged with
the most frequent ones. Labels are normalized by the alphabet (case folding; for an alphabet with
a space: no space at either end, runs of spaces made one, see :mod:`lstmzoo.nn.ctc`).

A label the model cannot emit because it needs more CTC steps than the image width gives
(``len(label) + adjacent repeats > steps``) would make the CTC loss infinite; it is rejected the
same way (``too_long_policy``: ``"error"`` or ``"skip"``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Literal, NamedTuple

from lstmzoo.data.ocr.asciifold import fold_text
from lstmzoo.errors import ConfigError, DataError
from lstmzoo.nn.ctc import Alphabet, ctc_min_steps

__all__ = ["OOVPolicy", "TooLongPolicy", "check_label", "check_labels"]

log = logging.getLogger(__name__)

OOVPolicy = Literal["error", "skip", "drop", "map"]
TooLongPolicy = Literal["error", "skip"]
OOV_POLICIES = ("error", "skip", "drop", "map")


def _check_policies(oov_policy: str, too_long_policy: str) -> None:
    if oov_policy not in OOV_POLICIES:
        raise ConfigError(
            f"oov_policy must be 'error', 'skip', 'drop' or 'map', got {oov_policy!r}"
        )
    if too_long_policy not in ("error", "skip"):
        raise ConfigError(f"too_long_policy must be 'error' or 'skip', got {too_long_policy!r}")


class _Checked(NamedTuple):
    label: str | None
    reason: str | None
    mapped: Counter[str]
    dropped: Counter[str]


def _check(
    name: str,
    label: str,
    alphabet: Alphabet,
    max_steps: int,
    oov_policy: str,
    too_long_policy: str,
) -> _Checked:
    mapped: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    unknown = alphabet.unknown_chars(label)
    if unknown:
        if oov_policy == "error":
            chars = ", ".join(repr(c) for c in unknown)
            raise DataError(
                f"{name}: label {label!r} has character(s) {chars} that the alphabet "
                f"{alphabet.describe()} lacks (add them to the alphabet, or set oov_policy to "
                "'skip' to leave such samples out, 'drop' to delete those characters or 'map' "
                "to replace them by their nearest equivalents)"
            )
        if oov_policy == "skip":
            return _Checked(
                None, f"characters {''.join(unknown)!r} not in the alphabet", mapped, dropped
            )
        if oov_policy == "map":
            folded = fold_text(alphabet.fold_case(label), alphabet, alphabet.fold_case)
            label, mapped, dropped = alphabet.normalize(folded.text), folded.mapped, folded.dropped
        else:
            dropped = Counter(c for c in alphabet.fold_case(label) if c not in alphabet)
            label = alphabet.filter(label)
    else:
        label = alphabet.normalize(label)
    need = ctc_min_steps(label)
    if need > max_steps:
        if too_long_policy == "error":
            raise DataError(
                f"{name}: label {label!r} needs {need} CTC steps (its length plus adjacent "
                "repeated "
                f"characters) but the model emits {max_steps} for this image width; use wider "
                "images (image_width), shorten the label, or set too_long_policy to 'skip'"
            )
        return _Checked(None, f"label needs {need} > {max_steps} CTC steps", mapped, dropped)
    return _Checked(label, None, mapped, dropped)


def check_label(
    name: str,
    label: str,
    alphabet: Alphabet,
    max_steps: int,
    oov_policy: OOVPolicy = "error",
    too_long_policy: TooLongPolicy = "error",
) -> tuple[str | None, str | None]:
    """``(normalized label or None if the sample is to be skipped, reason for skipping)``.

    Raises:
        DataError: under the ``"error"`` policies, naming ``name``, the label and the problem.
    """
    _check_policies(oov_policy, too_long_policy)
    checked = _check(name, label, alphabet, max_steps, oov_policy, too_long_policy)
    return checked.label, checked.reason


def _shown(counts: Counter[str], limit: int = 8) -> str:
    top = ", ".join(f"{c!r} x{n}" for c, n in counts.most_common(limit))
    return top + (", ..." if len(counts) > limit else "")


def check_labels(
    names: Sequence[str],
    labels: Sequence[str],
    alphabet: Alphabet,
    max_steps: int | Sequence[int],
    oov_policy: OOVPolicy = "error",
    too_long_policy: TooLongPolicy = "error",
    what: str = "dataset",
) -> tuple[list[int], list[str]]:
    """Check every label; returns the indices kept and their normalized labels.

    ``max_steps`` is the CTC step count of every image (one number, or one per label when the
    images have their own widths). Characters mapped or dropped are counted in one log line.

    Raises:
        DataError: the first offending sample under an ``"error"`` policy, or no sample left.
    """
    _check_policies(oov_policy, too_long_policy)
    steps = [max_steps] * len(labels) if isinstance(max_steps, int) else list(max_steps)
    if len(steps) != len(labels):
        raise ValueError(f"{len(steps)} step limits for {len(labels)} labels")
    kept: list[int] = []
    normalized: list[str] = []
    skipped: list[tuple[str, str]] = []
    mapped: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    changed = 0
    for i, (name, label, limit) in enumerate(zip(names, labels, steps)):
        checked = _check(name, label, alphabet, limit, oov_policy, too_long_policy)
        mapped += checked.mapped
        dropped += checked.dropped
        changed += bool(checked.mapped or checked.dropped)
        if checked.label is None:
            skipped.append((name, checked.reason or ""))
        else:
            kept.append(i)
            normalized.append(checked.label)
    if mapped or dropped:
        log.info(
            "%s: changed %d of %d labels (oov_policy %r): mapped %d character(s)%s, dropped %d%s",
            what,
            changed,
            len(labels),
            oov_policy,
            sum(mapped.values()),
            f" ({_shown(mapped)})" if mapped else "",
            sum(dropped.values()),
            f" ({_shown(dropped)})" if dropped else "",
        )
    if skipped:
        first = "; ".join(f"{n} ({r})" for n, r in skipped[:5])
        log.warning(
            "%s: skipped %d of %d samples: %s%s",
            what,
            len(skipped),
            len(labels),
            first,
            " ..." if len(skipped) > 5 else "",
        )
    if labels and not kept:
        raise DataError(f"{what}: every sample was skipped (see the warning above)")
    return kept, normalized
