"""A text model's preprocessing, rebuilt from its constructor arguments.

A text classifier stores its tokenization, lexicon, token features and corpus classifier as
plain hyperparameters, so its checkpoint rebuilds the same preprocessing anywhere:
:func:`build_featurizer` turns those values into a
:class:`~lstmzoo.data.text.features.TextFeaturizer` (checking a lexicon named at load time
against the one trained with), and :func:`plain_pipeline_hparams` gives back the values to
store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lstmzoo.data.text.corpus_id import CorpusClassifier
from lstmzoo.data.text.features import TextFeaturizer
from lstmzoo.data.text.lexicon import Lexicon, read_lexicon
from lstmzoo.data.text.snippets import fetch_vader_lexicon
from lstmzoo.data.text.tokenizer import Tokenizer
from lstmzoo.data.text.vocab import Vocabulary
from lstmzoo.errors import CheckpointError, ConfigError

__all__ = ["build_featurizer", "plain_pipeline_hparams", "resolve_lexicon"]


def resolve_lexicon(lexicon: dict | str | None, expected_sha256: str | None) -> Lexicon | None:
    """The model's lexicon from a dict (stored in the checkpoint) or a file (``"vader"`` or a
    path), checked against ``expected_sha256`` when given.

    Raises:
        CheckpointError: the lexicon does not match ``expected_sha256``, or a checksum is given
            without a lexicon.
        ConfigError: ``lexicon`` is neither a dict, nor ``"vader"``, nor a path.
        DataError: the lexicon file is missing or malformed.
    """
    if lexicon is None:
        if expected_sha256 is not None:
            raise CheckpointError(
                f"the model was trained with a lexicon (sha256 {expected_sha256[:12]}...) but "
                "none is given: load the checkpoint without overriding `lexicon`"
            )
        return None
    if isinstance(lexicon, str):
        path = fetch_vader_lexicon() if lexicon == "vader" else lexicon
        lex = read_lexicon(path)
        given = f"the lexicon {lexicon!r}"
    elif isinstance(lexicon, Mapping):
        lex = Lexicon(lexicon)
        given = "the lexicon given"
    else:
        raise ConfigError(
            f"lexicon must be a {{token: valence}} dict, 'vader' or a file path, got "
            f"{type(lexicon).__name__}"
        )
    if expected_sha256 is not None and lex.sha256 != expected_sha256:
        raise CheckpointError(
            f"{given} ({len(lex)} tokens, sha256 {lex.sha256[:12]}...) does not match the one "
            f"the model was trained with (sha256 {expected_sha256[:12]}...): predictions would "
            "silently change. Load the checkpoint without a `lexicon` override to use the "
            "lexicon stored in it"
        )
    return lex


def build_featurizer(
    tokenizer: Tokenizer,
    vocabulary: Vocabulary,
    max_length: int | None,
    lexicon: dict | str | None,
    lexicon_sha256: str | None,
    token_flags: bool,
    char_ngram_buckets: int,
    char_ngram_orders: Sequence[int],
    max_char_ngrams: int,
    valence_rules: bool,
    text_score: bool,
    corpus_classifier: dict | None,
) -> TextFeaturizer:
    """The :class:`~lstmzoo.data.text.features.TextFeaturizer` of a text model's arguments
    (see :class:`~lstmzoo.models.sentiment.BiLSTMSentiment` for each of them); its
    ``lexicon`` is the resolved :class:`~lstmzoo.data.text.lexicon.Lexicon` (see
    :func:`resolve_lexicon`).

    Raises:
        CheckpointError: the lexicon does not match ``lexicon_sha256``, or the corpus classifier
            is malformed.
        ConfigError, DataError: as for :func:`resolve_lexicon` and the featurizer's options.
    """
    lex = resolve_lexicon(lexicon, lexicon_sha256)
    corpus_model = (
        CorpusClassifier.from_plain(corpus_classifier) if corpus_classifier is not None else None
    )
    return TextFeaturizer(
        tokenizer,
        vocabulary,
        max_length,
        lex,
        token_flags,
        char_ngram_buckets,
        char_ngram_orders,
        max_char_ngrams,
        valence_rules,
        text_score,
        corpus_model,
    )


def plain_pipeline_hparams(featurizer: TextFeaturizer) -> dict[str, Any]:
    """The hyperparameters that store ``featurizer``'s lexicon and n-gram orders as plain
    values: ``{"lexicon": {token: valence} | None, "lexicon_sha256": str | None,
    "char_ngram_orders": list[int]}`` (the lexicon itself, never the path it was read from, so
    predicting from the checkpoint needs no file)."""
    lex = featurizer.lexicon
    return {
        "lexicon": dict(lex.values) if lex is not None else None,
        "lexicon_sha256": lex.sha256 if lex is not None else None,
        "char_ngram_orders": [int(n) for n in featurizer.char_ngram_orders],
    }
