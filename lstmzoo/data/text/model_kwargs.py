"""The text preprocessing that a data module hands its model and takes back from a checkpoint.

The model stores what it was trained on (vocabulary, classes, tokenizer, lexicon, feature
options) as plain constructor arguments; these helpers write the tokenizer and the lexicon into
those arguments, read them back, and tell a lexicon configured on the data side that is not the
checkpoint's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lstmzoo.data.text.lexicon import Lexicon
from lstmzoo.data.text.tokenizer import Tokenizer
from lstmzoo.errors import CheckpointError

__all__ = [
    "check_checkpoint_lexicon",
    "lexicon_kwargs",
    "stored_lexicon",
    "tokenizer_from_kwargs",
    "tokenizer_kwargs",
]


def tokenizer_kwargs(tokenizer: Tokenizer) -> dict[str, Any]:
    """``{"tokenizer", "lowercase", "token_pattern", "markup"}`` of ``tokenizer``."""
    return {
        "tokenizer": tokenizer.kind,
        "lowercase": tokenizer.lowercase,
        "token_pattern": tokenizer.config()["pattern"],
        "markup": tokenizer.markup,
    }


def tokenizer_from_kwargs(kwargs: Mapping[str, Any]) -> Tokenizer:
    """The inverse of :func:`tokenizer_kwargs` (``kwargs["tokenizer"]`` must be present)."""
    return Tokenizer(
        kwargs["tokenizer"],
        bool(kwargs.get("lowercase", True)),
        kwargs.get("token_pattern"),
        kwargs.get("markup", "keep"),  # checkpoints from before the option kept markup
    )


def lexicon_kwargs(lexicon: Lexicon | None) -> dict[str, Any]:
    """``{"lexicon": {token: valence}, "lexicon_sha256": ...}`` (both ``None`` without one)."""
    return {
        "lexicon": dict(lexicon.values) if lexicon is not None else None,
        "lexicon_sha256": lexicon.sha256 if lexicon is not None else None,
    }


def stored_lexicon(kwargs: Mapping[str, Any]) -> tuple[Lexicon | None, str | None]:
    """The lexicon a model's arguments hold, and the SHA-256 it was trained with.

    The SHA-256 is that of the stored lexicon when there is one, else ``lexicon_sha256`` as
    given (``None`` when trained without a lexicon).
    """
    stored = kwargs.get("lexicon")
    if isinstance(stored, dict):
        lexicon = Lexicon(stored)
        return lexicon, lexicon.sha256
    return None, kwargs.get("lexicon_sha256")


def check_checkpoint_lexicon(source: str, mine: Lexicon, stored_sha256: str | None) -> None:
    """Raise :class:`CheckpointError` unless ``mine`` (read from ``source``, the data module's
    ``lexicon`` option) is the lexicon the checkpoint was trained with."""
    if stored_sha256 is None:
        raise CheckpointError(
            f"the checkpoint was trained without lexicon features, but "
            f"data.init_args.lexicon is {source!r}; remove that option"
        )
    if mine.sha256 != stored_sha256:
        raise CheckpointError(
            f"the lexicon {source!r} ({len(mine)} tokens, sha256 "
            f"{mine.sha256[:12]}...) is not the one the checkpoint was trained with "
            f"(sha256 {stored_sha256[:12]}...); drop data.init_args.lexicon to use the "
            "checkpoint's own copy"
        )
