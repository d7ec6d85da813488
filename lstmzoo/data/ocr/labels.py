"""Checking labels against the alphabet and the CTC length limit before any training step.

A label character the alphabet lacks is handled by ``oov_policy``:

* ``"error"`` (default): stop with a :class:`~lstmzoo.errors.DataError` naming the sample and
  the character;
* ``"skip"``: leave the sample out (a warning counts them and names the first few);
* ``"drop"``: delete the unknown characters from the label and keep the sample (for data whose
  punctuation, say, is to be ignored).

A label the model cannot emit because it needs more CTC steps than the image width gives
(``len(label) + adjacent repeats > steps``) would make the CTC loss infinite; it is rejected the
same way (``too_long_policy``: ``"error"`` or ``"skip"``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal

from lstmzoo.errors import ConfigError, DataError
from lstmzoo.nn.ctc import Alphabet, ctc_min_steps

__all__ = ["OOVPolicy", "TooLongPolicy", "check_label", "check_labels"]

log = logging.getLogger(__name__)

OOVPolicy = Literal["error", "skip", "drop"]
TooLongPolicy = Literal["error", "skip"]


def _check_policies(oov_policy: str, too_long_policy: str) -> None:
    if oov_policy not in ("error", "skip", "drop"):
        raise ConfigError(f"oov_policy must be 'error', 'skip' or 'drop', got {oov_policy!r}")
    if too_long_policy not in ("error", "skip"):
        raise ConfigError(f"too_long_policy must be 'error' or 'skip', got {too_long_policy!r}")


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
        DataError: under the ``"error"`` policies, naming ``name`` and the problem.
    """
    _check_policies(oov_policy, too_long_policy)
    unknown = alphabet.unknown_chars(label)
    if unknown:
        if oov_policy == "error":
            chars = ", ".join(repr(c) for c in unknown)
            raise DataError(
                f"{name}: label {label!r} has character(s) {chars} that the alphabet "
                f"{alphabet.chars!r} lacks (add them to the alphabet, or set oov_policy to 'skip' "
                "to leave such samples out or 'drop' to delete those characters)"
            )
        if oov_policy == "skip":
            return None, f"characters {''.join(unknown)!r} not in the alphabet"
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
        return None, f"label needs {need} > {max_steps} CTC steps"
    return label, None


def check_labels(
    names: Sequence[str],
    labels: Sequence[str],
    alphabet: Alphabet,
    max_steps: int,
    oov_policy: OOVPolicy = "error",
    too_long_policy: TooLongPolicy = "error",
    what: str = "dataset",
) -> tuple[list[int], list[str]]:
    """Check every label; returns the indices kept and their normalized labels.

    Raises:
        DataError: the first offending sample under an ``"error"`` policy, or no sample left.
    """
    kept: list[int] = []
    normalized: list[str] = []
    skipped: list[tuple[str, str]] = []
    for i, (name, label) in enumerate(zip(names, labels)):
        new, reason = check_label(name, label, alphabet, max_steps, oov_policy, too_long_policy)
        if new is None:
            skipped.append((name, reason or ""))
        else:
            kept.append(i)
            normalized.append(new)
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
