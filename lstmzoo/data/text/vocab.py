"""The token vocabulary: ``<pad>`` = 0, ``<unk>`` = 1, then tokens by frequency."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

__all__ = ["PAD", "PAD_ID", "UNK", "UNK_ID", "Vocabulary"]

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1


class Vocabulary:
    """A token <-> id mapping stored as a plain ``list[str]`` (index = id).

    Build it from the training texts only with :meth:`build`; store :attr:`tokens` anywhere
    (model hyperparameters, JSON) and rebuild it with ``Vocabulary(tokens)``.

    Args:
        tokens: the token of every id; ``tokens[0]`` must be ``"<pad>"`` and ``tokens[1]``
            ``"<unk>"``.
    """

    def __init__(self, tokens: Sequence[str]) -> None:
        tokens = list(tokens)
        if tokens[:2] != [PAD, UNK]:
            raise ValueError(
                f"a vocabulary starts with {PAD!r}, {UNK!r} (ids 0 and 1), got {tokens[:2]!r}"
            )
        index = {}
        for i, tok in enumerate(tokens):
            if tok in index:
                raise ValueError(
                    f"token {tok!r} appears twice in the vocabulary (ids {index[tok]}, {i})"
                )
            index[tok] = i
        self.tokens = tokens
        self._index = index

    @classmethod
    def build(
        cls,
        token_lists: Iterable[Sequence[str]],
        min_freq: int = 1,
        max_size: int | None = None,
    ) -> Vocabulary:
        """Count tokens and keep those seen at least ``min_freq`` times.

        Args:
            token_lists: the tokenized training texts.
            min_freq: the fewest occurrences a token needs to get its own id.
            max_size: the most ids in all, ``<pad>`` and ``<unk>`` included (the most frequent
                tokens win; ties are broken alphabetically so the result is deterministic).
        """
        if min_freq < 1:
            raise ValueError(f"min_freq must be >= 1, got {min_freq}")
        if max_size is not None and max_size < 2:
            raise ValueError(f"max_size must be >= 2 (room for {PAD} and {UNK}), got {max_size}")
        counts: Counter[str] = Counter()
        for tokens in token_lists:
            counts.update(tokens)
        counts.pop(PAD, None)
        counts.pop(UNK, None)
        kept = sorted(
            (t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t)
        )
        if max_size is not None:
            kept = kept[: max_size - 2]
        return cls([PAD, UNK, *kept])

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: object) -> bool:
        return token in self._index

    def __getitem__(self, token: str) -> int:
        return self._index.get(token, UNK_ID)

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """Token ids, ``<unk>`` (1) for unknown tokens."""
        index = self._index
        return [index.get(t, UNK_ID) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Tokens of ``ids`` (padding included as ``"<pad>"``)."""
        return [self.tokens[i] for i in ids]

    def __repr__(self) -> str:
        return f"Vocabulary(size={len(self)})"
