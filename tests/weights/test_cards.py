"""Cards show large hyperparameters by size and hash (lstmzoo.weights.cards)."""

from __future__ import annotations

import hashlib
import json

from lstmzoo.weights import list_cards
from lstmzoo.weights.cards import MAX_CARD_VALUE_BYTES, summarize_architecture


def test_long_lists_and_large_mappings_become_size_and_sha256() -> None:
    vocab = [f"w{i}" for i in range(100)]
    lexicon = {f"word{i}": i / 10 for i in range(1000)}
    small = {"pool": "last", "dropout": 0.5}
    card = summarize_architecture({"vocab": vocab, "lexicon": lexicon, "head": small, "_x": 1})
    blob = json.dumps(lexicon, ensure_ascii=False, sort_keys=True).encode("utf-8")
    assert len(blob) > MAX_CARD_VALUE_BYTES
    assert card["lexicon"] == {"size": 1000, "sha256": hashlib.sha256(blob).hexdigest()}
    assert card["vocab"]["size"] == 100
    assert card["head"] == small  # small mappings stay readable
    assert "_x" not in card


def test_every_shipped_card_is_a_page_to_read() -> None:
    for card in list_cards():
        assert card.path is not None
        assert card.path.stat().st_size < 20_000, card.path
