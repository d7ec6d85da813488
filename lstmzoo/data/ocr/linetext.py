"""The texts of synthetic text lines: sentences people wrote, and strings people photograph.

:class:`LineTextSource` draws one line of text per sample from a mix of *kinds* (weights in
``mix``, see :data:`LINE_KINDS`):

* ``sentences``: lines of human-written sentences: the four rated corpora of the
  ``vaderSentiment`` 3.3.2 source distribution (movie-review snippets, Amazon reviews, New York
  Times editorial sentences and tweets, about 24,000 sentences, MIT license), which the package
  fetches through pip with a SHA-256 check (:mod:`lstmzoo.data.text.snippets`). Each sentence is
  folded to the alphabet (curly quotes, dashes, accents to ASCII, see
  :mod:`~lstmzoo.data.ocr.asciifold`), cut at word boundaries into lines of at most
  ``max_chars`` characters (:func:`cut_lines`), and assigned to the train, validation or test
  split by a hash of its text (:func:`sentence_split`), so a test sentence is never in
  training. A line is sometimes drawn whole and sometimes as a run of its words
  (``fragment_prob``), so short lines occur too;
* generated strings, built from the built-in word list (:mod:`~lstmzoo.data.ocr.wordlist`) and
  the sample's random generator: ``words`` (a run of words), ``numbers`` (``1,204``, ``3.14``,
  ``-12``), ``prices`` (``$4.99``, ``12.50 EUR``), ``dates`` (``2024-03-03``, ``03/03/2024``,
  ``3 March 2024``, ``Mar 3, 2024``), ``times`` (``10:45``, ``7:30 pm``), ``percentages``,
  ``codes`` (``AB-1234-X``, ``order #58213``), ``emails`` and ``urls`` (of generated word
  pieces, never real addresses), ``quoted`` (quoted and bracketed phrases), ``hyphenated``
  (hyphenated words), ``caps`` (ALL CAPS lines), ``title`` (Title Case lines) and ``random``
  (random characters of the alphabet, which make the model read rather than guess).

Generated strings sit in a few words of context some of the time, as they do on receipts,
labels and forms. All randomness comes from the generator passed to :meth:`LineTextSource.sample`
(the dataset seeds one per sample with ``(seed, index)``), so a split's lines are fixed.

Only the ``sentences`` kind needs the corpora; a source without them (``sentences=[]``) draws
the other kinds. A data module that asks for sentences but cannot get the source distribution
(offline, not in the cache) fails with :func:`load_sentences`'s error, which says how to fetch
it; it never falls back to other text.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
from collections.abc import Callable, Mapping, Sequence

from lstmzoo.data.ocr.asciifold import fold_text
from lstmzoo.errors import ConfigError, DataError
from lstmzoo.nn.ctc import Alphabet, ctc_min_steps

__all__ = [
    "DEFAULT_LINE_MIX",
    "LINE_KINDS",
    "SENTENCE_SPLITS",
    "LineTextSource",
    "check_line_mix",
    "cut_lines",
    "load_sentences",
    "sentence_split",
]

log = logging.getLogger(__name__)

#: The kinds of line a :class:`LineTextSource` draws (see the module docstring).
LINE_KINDS = (
    "sentences",
    "words",
    "numbers",
    "prices",
    "dates",
    "times",
    "percentages",
    "codes",
    "emails",
    "urls",
    "quoted",
    "hyphenated",
    "caps",
    "title",
    "random",
)
#: The default weights of the kinds: half sentences, half generated strings.
DEFAULT_LINE_MIX: dict[str, float] = {
    "sentences": 0.5,
    "words": 0.06,
    "numbers": 0.05,
    "prices": 0.05,
    "dates": 0.05,
    "times": 0.03,
    "percentages": 0.03,
    "codes": 0.05,
    "emails": 0.03,
    "urls": 0.03,
    "quoted": 0.03,
    "hyphenated": 0.02,
    "caps": 0.03,
    "title": 0.03,
    "random": 0.01,
}
#: Shares of the sentences in the train, validation and test splits (by :func:`sentence_split`).
SENTENCE_SPLITS = (("train", 0.9), ("val", 0.05), ("test", 0.05))

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DATE_WORDS = ("Date:", "Due", "Issued", "Expires", "Delivered", "Updated", "Born", "Valid until")
_TIME_WORDS = ("at", "Open", "Closes", "Departure", "Arrival", "Start", "until", "from")
_TOTAL_WORDS = ("Total", "Subtotal", "TOTAL", "Tax", "Price", "Amount due")
_CURRENCIES = ("EUR", "USD", "GBP", "CHF", "CAD", "JPY")
_CODE_WORDS = ("order", "Order", "Ref:", "ID", "No.", "Invoice", "Ticket", "SN:", "Case", "Room")
_TLDS = ("com", "org", "net", "io", "de", "fr", "co.uk", "edu", "info", "app")
_QUOTES = (('"', '"'), ("'", "'"), ("(", ")"), ("[", "]"), ("{", "}"), ("<", ">"), ("*", "*"))
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def check_line_mix(mix: Mapping[str, float]) -> dict[str, float]:
    """``mix`` as a dict of floats, after checking its kinds and weights.

    Raises:
        ConfigError: an unknown kind (the message lists them), a negative weight, or no weight
            above zero.
    """
    unknown = [k for k in mix if k not in LINE_KINDS]
    if unknown:
        raise ConfigError(
            f"unknown kind {unknown[0]!r} in line_mix; the kinds are {', '.join(LINE_KINDS)}"
        )
    weights = {k: float(v) for k, v in mix.items()}
    if any(v < 0 for v in weights.values()) or sum(weights.values()) <= 0:
        raise ConfigError(f"line_mix weights must be >= 0 with a positive sum, got {weights}")
    return weights


def sentence_split(sentence: str) -> str:
    """``"train"``, ``"val"`` or ``"test"``: where ``sentence`` belongs, from a hash of its text
    (the same on every machine and in every run; shares :data:`SENTENCE_SPLITS`)."""
    digest = hashlib.sha256(sentence.encode("utf-8")).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    total = 0.0
    for name, share in SENTENCE_SPLITS:
        total += share
        if point < total:
            return name
    return SENTENCE_SPLITS[-1][0]


def cut_lines(text: str, max_chars: int) -> list[str]:
    """``text`` cut at spaces into lines of at most ``max_chars`` characters (each filled with as
    many words as fit); a word longer than a line is cut into pieces."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be >= 1, got {max_chars}")
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > max_chars:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:max_chars])
            word = word[max_chars:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= max_chars:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


class _Drawable:
    """The characters a source may draw: those whose case-folded form the alphabet has."""

    def __init__(self, alphabet: Alphabet) -> None:
        self.alphabet = alphabet

    def __contains__(self, char: object) -> bool:
        return isinstance(char, str) and self.alphabet.fold_case(char) in self.alphabet


def load_sentences(
    alphabet: Alphabet,
    corpora: Sequence[str] | None = None,
    snippets_file: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
) -> dict[str, list[str]]:
    """The sentences of the rated corpora, folded to ``alphabet`` and split by
    :func:`sentence_split`: ``{"train": [...], "val": [...], "test": [...]}``.

    Args:
        alphabet: what the sentences are folded to (characters without an equivalent are
            dropped; the count is logged).
        corpora: names of :data:`lstmzoo.data.text.snippets.CORPORA` (default: all four).
        snippets_file: a local copy: the ``vaderSentiment-3.3.2.tar.gz`` source distribution,
            the ``hutto_ICWSM_2014.tar.gz`` inside it, or a folder of the extracted
            ``*_GroundTruth.txt`` files.
        cache_dir: download and extraction cache (default ``~/.cache/lstmzoo``).
        download: allow fetching the source distribution with pip.

    Raises:
        DataError: the corpora cannot be had (the message says how to fetch them by hand).
        ConfigError: an unknown corpus name.
    """
    from lstmzoo.data.text.snippets import CORPORA
    from lstmzoo.data.text.sources import fetch_corpora, read_corpus

    names = list(corpora) if corpora is not None else list(CORPORA)
    local = os.fspath(snippets_file) if snippets_file is not None else None
    try:
        paths = fetch_corpora(
            names, local, os.fspath(cache_dir) if cache_dir else None, download, {}
        )
    except DataError as err:
        raise DataError(
            "the 'sentences' kind of text lines needs the corpora of the vaderSentiment 3.3.2 "
            f"source distribution: {err}\n(or leave 'sentences' out of line_mix)"
        ) from None
    drawable = _Drawable(alphabet)
    splits: dict[str, list[str]] = {name: [] for name, _ in SENTENCE_SPLITS}
    seen: set[str] = set()
    mapped = dropped = 0
    for name in names:
        for example in read_corpus(name, paths[name]):
            folded = fold_text(example.text, drawable)
            mapped += sum(folded.mapped.values())
            dropped += sum(folded.dropped.values())
            text = " ".join(folded.text.split())
            if text and text not in seen:
                seen.add(text)
                splits[sentence_split(text)].append(text)
    log.info(
        "text lines: %s sentences from %s (train / val / test), %d characters folded to the "
        "alphabet, %d dropped",
        " / ".join(str(len(v)) for v in splits.values()),
        ", ".join(names),
        mapped,
        dropped,
    )
    return splits


def _thousands(n: int, sep: str = ",") -> str:
    return f"{n:,}".replace(",", sep)


class LineTextSource:
    """Draws the texts of synthetic text-line samples (see the module docstring).

    Args:
        alphabet: what labels may contain; drawn texts are folded to it.
        sentences: the split's sentences (see :func:`load_sentences`); may be empty when the
            ``sentences`` weight is 0.
        words: the word list of the generated kinds (see
            :func:`~lstmzoo.data.ocr.render.load_words`).
        max_chars: longest line, in characters.
        mix: weight of every kind (missing kinds weigh 0; default :data:`DEFAULT_LINE_MIX`).
        fragment_prob: probability that a sentence line is drawn as a run of its words instead
            of whole.
        max_steps: CTC steps the longest image gives, if known; texts that need more are
            redrawn.

    :meth:`sample` returns ``(text to draw, label)``; the label is the text normalized by the
    alphabet (case folding, the space rule of :mod:`lstmzoo.nn.ctc`).
    """

    def __init__(
        self,
        alphabet: Alphabet,
        sentences: Sequence[str],
        words: Sequence[str],
        max_chars: int = 64,
        mix: Mapping[str, float] | None = None,
        fragment_prob: float = 0.3,
        max_steps: int | None = None,
    ) -> None:
        if max_chars < 1:
            raise ValueError(f"max_chars must be >= 1, got {max_chars}")
        if not 0.0 <= fragment_prob <= 1.0:
            raise ValueError(f"fragment_prob must lie in [0, 1], got {fragment_prob}")
        weights = check_line_mix(DEFAULT_LINE_MIX if mix is None else mix)
        self.alphabet = alphabet
        self.max_chars = max_chars
        self.max_steps = max_steps
        self.fragment_prob = float(fragment_prob)
        self.words = [w for w in words if w]
        if not self.words:
            raise ValueError("the word list is empty")
        self.lines = [line for s in sentences for line in cut_lines(s, max_chars)]
        if weights.get("sentences", 0.0) > 0 and not self.lines:
            raise ValueError(
                "no sentences for the 'sentences' kind: load them (load_sentences) or set its "
                "weight to 0"
            )
        self.mix = {k: v for k, v in weights.items() if v > 0}
        self._kinds = list(self.mix)
        self._weights = [self.mix[k] for k in self._kinds]
        self._drawable = _Drawable(alphabet)
        self._chars = "".join(c for c in alphabet.chars if not c.isspace())

    # ------------------------------------------------------------------ drawing
    def kind(self, rng: random.Random) -> str:
        """The kind of the next line."""
        return rng.choices(self._kinds, weights=self._weights)[0]

    def sample(self, rng: random.Random) -> tuple[str, str]:
        """``(text to draw, label)`` of one line."""
        for _ in range(50):
            make: Callable[[random.Random], str] = getattr(self, f"_{self.kind(rng)}")
            raw = make(rng)
            text = " ".join(fold_text(raw, self._drawable).text.split())
            if len(text) > self.max_chars:
                text = cut_lines(text, self.max_chars)[0]
            label = self.alphabet.normalize(text)
            if not label:
                continue
            if self.max_steps is not None and ctc_min_steps(label) > self.max_steps:
                continue
            return text, label
        raise ValueError(f"could not draw a line that fits {self.max_steps} CTC steps")

    # ------------------------------------------------------------------ pieces
    def _word(self, rng: random.Random) -> str:
        return rng.choice(self.words)

    def _phrase(self, rng: random.Random, low: int = 1, high: int = 6) -> str:
        return " ".join(self._word(rng) for _ in range(rng.randint(low, high)))

    def _context(self, core: str, rng: random.Random) -> str:
        """``core`` alone or with a few words before and / or after it."""
        r = rng.random()
        if r < 0.4:
            return core
        before = self._phrase(rng, 1, 4).capitalize() if r < 0.8 else ""
        after = self._phrase(rng, 1, 4) if r >= 0.6 else ""
        return " ".join(p for p in (before, core, after) if p)

    def _number(self, rng: random.Random) -> str:
        r = rng.random()
        magnitude = rng.choice((10, 100, 1_000, 10_000, 100_000, 10_000_000))
        if r < 0.35:
            return _thousands(rng.randrange(1_000, max(1_001, magnitude * 10)))
        if r < 0.6:
            places = rng.choice((1, 2, 2, 3))
            return f"{rng.uniform(0, magnitude):.{places}f}"
        if r < 0.75:
            return f"{rng.choice('-+')}{rng.randrange(1, magnitude)}"
        if r < 0.85:
            return (
                f"{rng.randrange(1_000, 1_000_000):,}".replace(",", ".")
                + f",{rng.randrange(100):02d}"
            )
        return str(rng.randrange(magnitude))

    def _amount(self, rng: random.Random) -> str:
        value = rng.choice((rng.uniform(0.1, 20), rng.uniform(1, 200), rng.uniform(100, 20_000)))
        cents = f"{value:,.2f}" if value >= 1_000 and rng.random() < 0.7 else f"{value:.2f}"
        return cents if rng.random() < 0.85 else str(int(value))

    # ------------------------------------------------------------------ kinds
    def _sentences(self, rng: random.Random) -> str:
        line = rng.choice(self.lines)
        if rng.random() < self.fragment_prob:
            words = line.split()
            start = rng.randrange(len(words))
            stop = rng.randint(start + 1, len(words))
            return " ".join(words[start:stop])
        return line

    def _words(self, rng: random.Random) -> str:
        phrase = self._phrase(rng, 1, 10)
        return phrase.capitalize() if rng.random() < 0.4 else phrase

    def _numbers(self, rng: random.Random) -> str:
        if rng.random() < 0.3:
            return " ".join(self._number(rng) for _ in range(rng.randint(2, 5)))
        return self._context(self._number(rng), rng)

    def _prices(self, rng: random.Random) -> str:
        amount = self._amount(rng)
        currency = rng.choice(_CURRENCIES)
        price = rng.choice(
            (f"${amount}", f"{amount} {currency}", f"{currency} {amount}", f"{amount}$")
        )
        r = rng.random()
        if r < 0.4:  # a price-list line
            item = self._phrase(rng, 1, 4).capitalize()
            leader = rng.choice(
                (" ", " ", " ... ", " - ", ": ", " " + "." * rng.randint(3, 12) + " ")
            )
            return f"{item}{leader}{price}"
        if r < 0.55:
            return f"{rng.randint(1, 12)} x {self._word(rng)} {price}"
        if r < 0.7:
            return f"{rng.choice(_TOTAL_WORDS)} {price}"
        return self._context(price, rng)

    def _dates(self, rng: random.Random) -> str:
        year, month, day = rng.randint(1950, 2035), rng.randint(1, 12), rng.randint(1, 28)
        name = _MONTHS[month - 1]
        date = rng.choice(
            (
                f"{year}-{month:02d}-{day:02d}",
                f"{month:02d}/{day:02d}/{year}",
                f"{day:02d}/{month:02d}/{year}",
                f"{day}.{month}.{year}",
                f"{day} {name} {year}",
                f"{name[:3]} {day}, {year}",
                f"{name} {day}, {year}",
                f"{day} {name[:3]} {year}",
                f"{month}/{day}/{year % 100:02d}",
            )
        )
        if rng.random() < 0.4:
            return f"{rng.choice(_DATE_WORDS)} {date}"
        return self._context(date, rng)

    def _times(self, rng: random.Random) -> str:
        hour, minute = rng.randint(0, 23), rng.randint(0, 59)
        half = hour % 12 or 12
        time = rng.choice(
            (
                f"{hour}:{minute:02d}",
                f"{hour:02d}:{minute:02d}",
                f"{half}:{minute:02d} {rng.choice(('am', 'pm', 'AM', 'PM', 'a.m.', 'p.m.'))}",
                f"{half} {rng.choice(('am', 'pm', 'AM', 'PM'))}",
                f"{hour:02d}:{minute:02d}:{rng.randint(0, 59):02d}",
                f"{hour}:{minute:02d} - {(hour + rng.randint(1, 3)) % 24}:{minute:02d}",
            )
        )
        if rng.random() < 0.4:
            return f"{rng.choice(_TIME_WORDS)} {time}"
        return self._context(time, rng)

    def _percentages(self, rng: random.Random) -> str:
        value = rng.choice(
            (str(rng.randint(0, 100)), f"{rng.uniform(0, 100):.1f}", f"{rng.uniform(0, 10):.2f}")
        )
        sign = rng.choice(("", "", "", "+", "-"))
        percent = f"{sign}{value}{rng.choice(('%', '%', ' %'))}"
        return self._context(percent, rng)

    def _codes(self, rng: random.Random) -> str:
        letters = "".join(rng.choices(_LETTERS, k=rng.randint(1, 3)))
        digits = str(rng.randint(10, 99_999))
        code = rng.choice(
            (
                f"{letters}-{digits}-{rng.choice(_LETTERS)}",
                f"{letters}{digits}",
                f"{letters}-{digits}",
                f"#{digits}",
                f"{digits}/{rng.randint(1, 99)}",
                "".join(rng.choices(_LETTERS + "0123456789", k=rng.randint(6, 12))),
                f"{letters}_{digits}_{rng.randint(1, 9)}",
            )
        )
        if rng.random() < 0.5:
            word = rng.choice(_CODE_WORDS)
            hash_sign = "#" if word in ("order", "Order") and not code.startswith("#") else ""
            return f"{word} {hash_sign}{code}"
        return self._context(code, rng)

    def _emails(self, rng: random.Random) -> str:
        user = rng.choice(
            (
                self._word(rng),
                f"{self._word(rng)}.{self._word(rng)}",
                f"{self._word(rng)}_{self._word(rng)}",
                f"{self._word(rng)}{rng.randint(1, 999)}",
            )
        )
        email = f"{user}@{self._word(rng)}.{rng.choice(_TLDS)}"
        return rng.choice((email, f"<{email}>", f"Contact: {email}", self._context(email, rng)))

    def _urls(self, rng: random.Random) -> str:
        host = rng.choice((self._word(rng), f"{self._word(rng)}-{self._word(rng)}"))
        domain = f"{rng.choice(('', 'www.', 'www.', 'docs.', 'shop.'))}{host}.{rng.choice(_TLDS)}"
        path = "/".join(self._word(rng) for _ in range(rng.randint(0, 3)))
        url = domain + (f"/{path}" if path else "")
        if rng.random() < 0.25:
            url += f"?{self._word(rng)}={rng.randint(1, 9999)}"
        if rng.random() < 0.6:
            url = rng.choice(("https://", "http://")) + url
        return rng.choice((url, url, f"See {url}", self._context(url, rng)))

    def _quoted(self, rng: random.Random) -> str:
        opening, closing = rng.choice(_QUOTES)
        inner = self._phrase(rng, 1, 6)
        quoted = f"{opening}{inner}{closing}"
        if rng.random() < 0.5:
            quoted += rng.choice(("", ".", ",", "!", "?", ";", ":"))
        return self._context(quoted, rng)

    def _hyphenated(self, rng: random.Random) -> str:
        compound = "-".join(self._word(rng) for _ in range(rng.randint(2, 4)))
        return self._context(compound, rng)

    def _caps(self, rng: random.Random) -> str:
        base = (
            self._sentences(rng) if self.lines and rng.random() < 0.6 else self._phrase(rng, 1, 8)
        )
        return base.upper()

    def _title(self, rng: random.Random) -> str:
        base = (
            self._sentences(rng) if self.lines and rng.random() < 0.6 else self._phrase(rng, 1, 8)
        )
        return " ".join(w[:1].upper() + w[1:] for w in base.split())

    def _random(self, rng: random.Random) -> str:
        length = rng.randint(1, self.max_chars)
        chars = rng.choices(self._chars, k=length)
        if " " in self.alphabet:
            for i in range(1, length - 1):
                if rng.random() < 0.15:
                    chars[i] = " "
        return "".join(chars)
