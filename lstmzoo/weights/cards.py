"""Model cards of weights: reading, finding and writing the YAML files beside the weights.

A card names the registry model and the tag of one weights file, the file's SHA-256 and the
architecture (constructor arguments) the weights belong to, with sections about the data,
training and evaluation. The shipped cards are package data in this folder; the folders of
``$LSTMZOO_WEIGHTS_PATH`` add the user's own. Only standard library, YAML and the package's
leaves are imported here: the registry reads the cards to list the models that have weights.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from lstmzoo.errors import CheckpointError, ConfigError
from lstmzoo.utils import sha256_file
from lstmzoo.version import __version__

__all__ = [
    "CARD_FORMAT",
    "WEIGHTS_PATH_ENV",
    "WeightsCard",
    "available_tags",
    "card_folders",
    "get_card",
    "list_cards",
    "make_card",
    "summarize_architecture",
]

#: Version of the card layout this code reads and writes.
CARD_FORMAT = 1
#: Card keys that must be present.
_REQUIRED = ("format", "model", "tag", "file", "sha256", "class_path", "architecture")


@dataclass(frozen=True)
class WeightsCard:
    """The model card of one shipped weight (read from its YAML file).

    Attributes:
        model: registry name (``"lstm"``).
        tag: name of this weight among the model's weights (``"adding_t200"``).
        default: whether ``pretrained=True`` picks this one.
        file: the safetensors file, relative to the card.
        sha256: hex SHA-256 of that file.
        class_path: the LightningModule class the weights belong to.
        architecture: the constructor arguments that shape the weights (large vocabularies
            appear as their size and SHA-256; the full values live in the file's metadata).
        headline: ``{"metric": name, "value": number, "split": ...}``, shown by ``lstmzoo list``.
        data: card section about the data; training, evaluation: commands and machine.
        samples: fixed inputs and the predictions these weights give on them.
        path: where the card was read from.
        raw: every field of the card as read.
    """

    model: str
    tag: str
    file: str
    sha256: str
    class_path: str
    architecture: dict[str, Any]
    default: bool = False
    headline: dict[str, Any] = field(default_factory=dict)
    samples: list[dict[str, Any]] = field(default_factory=list)
    path: Path | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def weights_path(self) -> Path:
        """The safetensors file next to the card."""
        base = self.path.parent if self.path is not None else Path(".")
        return base / self.file

    @property
    def reference(self) -> str:
        """``"model:tag"``, the name ``--ckpt_path pretrained:<reference>`` takes."""
        return f"{self.model}:{self.tag}"

    def headline_text(self) -> str:
        """``"test/mse 0.00031 (adding problem T=200)"`` or ``""``."""
        if not self.headline:
            return ""
        value = self.headline.get("value")
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        text = f"{self.headline.get('metric', '?')} {shown}"
        if self.headline.get("split"):
            text += f" ({self.headline['split']})"
        return text

    def render(self) -> str:
        """The card as YAML text (what ``lstmzoo weights NAME`` prints)."""
        return yaml.safe_dump(self.raw, sort_keys=False, allow_unicode=True, width=100)


def _card_dir() -> Path:
    return Path(str(resources.files("lstmzoo.weights")))


def _parse_card(path: Path) -> WeightsCard:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise CheckpointError(f"model card {path} cannot be read: {err}") from err
    if not isinstance(raw, dict):
        raise CheckpointError(f"model card {path} is not a YAML mapping")
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise CheckpointError(f"model card {path} lacks {', '.join(missing)}")
    if raw["format"] != CARD_FORMAT:
        raise CheckpointError(
            f"model card {path} has format {raw['format']!r}, this lstmzoo reads format "
            f"{CARD_FORMAT}; install the lstmzoo version named in the card "
            f"({raw.get('lstmzoo', {}).get('version', 'unknown')})"
        )
    return WeightsCard(
        model=str(raw["model"]),
        tag=str(raw["tag"]),
        file=str(raw["file"]),
        sha256=str(raw["sha256"]).lower(),
        class_path=str(raw["class_path"]),
        architecture=dict(raw["architecture"] or {}),
        default=bool(raw.get("default", False)),
        headline=dict(raw.get("headline") or {}),
        samples=list(raw.get("samples") or []),
        path=path,
        raw=raw,
    )


@functools.lru_cache(maxsize=8)
def _cards_in(folder: str) -> tuple[WeightsCard, ...]:
    return tuple(_parse_card(p) for p in sorted(Path(folder).glob("*.yaml")))


#: Environment variable naming extra folders of cards and weights (``os.pathsep``-separated),
#: for weights of your own that ``pretrained=`` and ``--ckpt_path pretrained:`` should find.
WEIGHTS_PATH_ENV = "LSTMZOO_WEIGHTS_PATH"


def card_folders() -> list[Path]:
    """The package's folder, then the folders of ``$LSTMZOO_WEIGHTS_PATH``."""
    extra = [Path(p).expanduser() for p in os.environ.get(WEIGHTS_PATH_ENV, "").split(os.pathsep)]
    return [_card_dir(), *(p for p in extra if str(p) not in ("", "."))]


def list_cards(model: str | None = None, folder: str | Path | None = None) -> list[WeightsCard]:
    """Every card (of ``model`` when given), sorted by model and tag: those in ``folder``, or by
    default the shipped ones and those in ``$LSTMZOO_WEIGHTS_PATH``.

    Raises:
        CheckpointError: a folder that does not exist, or two cards claiming the same tag.
    """
    folders = [Path(folder)] if folder is not None else card_folders()
    cards: list[WeightsCard] = []
    for path in folders:
        if not path.is_dir():
            raise CheckpointError(
                f"weights folder {path} (from ${WEIGHTS_PATH_ENV}) does not exist"
            )
        cards.extend(_cards_in(str(path)))
    seen: dict[str, Path | None] = {}
    for card in cards:
        if card.reference in seen:
            raise CheckpointError(
                f"two model cards claim {card.reference}: {seen[card.reference]} and {card.path}"
            )
        seen[card.reference] = card.path
    cards.sort(key=lambda c: (c.model, c.tag))
    return [c for c in cards if model is None or c.model == model]


def available_tags(model: str, folder: str | Path | None = None) -> list[str]:
    """The tags of ``model``'s shipped weights (empty when it has none)."""
    return [c.tag for c in list_cards(model, folder)]


def get_card(
    model: str, tag: str | bool | None = True, folder: str | Path | None = None
) -> WeightsCard:
    """The card of ``model``'s weights ``tag`` (``True`` / ``None``: the default one; a default
    in a folder of ``$LSTMZOO_WEIGHTS_PATH`` wins over the package's).

    Raises:
        ConfigError: the model has no shipped weights, or no weights of that tag (the message
            lists those that exist).
    """
    cards = list_cards(model, folder)
    if not cards:
        with_weights = sorted({c.model for c in list_cards(None, folder)})
        raise ConfigError(
            f"model {model!r} has no pretrained weights; models with weights: "
            f"{', '.join(with_weights) or 'none'} (see `lstmzoo list`)"
        )
    if tag is True or tag is None:
        defaults = [c for c in cards if c.default] or cards[:1]
        # a default of the user's own ($LSTMZOO_WEIGHTS_PATH) wins over the shipped one
        shipped = _card_dir().resolve()
        defaults.sort(key=lambda c: c.path is not None and c.path.parent.resolve() == shipped)
        return defaults[0]
    for card in cards:
        if card.tag == tag:
            return card
    tags = [c.tag for c in cards]
    close = difflib.get_close_matches(str(tag), tags, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ConfigError(
        f"model {model!r} has no pretrained weights tagged {tag!r}.{hint} Tags: {', '.join(tags)}"
    )


def summarize_architecture(hparams: Mapping[str, Any], limit: int = 64) -> dict[str, Any]:
    """The hyperparameters as a card shows them: long lists and large mappings (a lexicon, a
    fitted classifier) become their size and SHA-256; the full values live in the weights file's
    metadata, so a card stays a page to read."""
    out: dict[str, Any] = {}
    for key, value in hparams.items():
        if key.startswith("_"):
            continue
        if isinstance(value, (list, tuple)) and len(value) > limit:
            blob = json.dumps(list(value), ensure_ascii=False).encode("utf-8")
            out[key] = {"size": len(value), "sha256": hashlib.sha256(blob).hexdigest()}
        elif isinstance(value, Mapping) and len(blob := _json_bytes(value)) > MAX_CARD_VALUE_BYTES:
            out[key] = {"size": len(value), "sha256": hashlib.sha256(blob).hexdigest()}
        else:
            out[key] = value
    return out


#: a mapping whose JSON is longer than this appears on a card as its size and SHA-256
MAX_CARD_VALUE_BYTES = 4096


def _json_bytes(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")


def make_card(
    model: str,
    tag: str,
    weights_file: str | Path,
    class_path: str,
    hyper_parameters: Mapping[str, Any],
    *,
    default: bool = False,
    **sections: Any,
) -> dict[str, Any]:
    """The fields of a card for ``weights_file`` (written by :func:`write_weights`).

    ``sections`` are added as they are (``headline``, ``data``, ``training``, ``evaluation``,
    ``metrics``, ``samples``, ``lstmzoo``, ...). Write the result with ``yaml.safe_dump`` next
    to the weights file.
    """
    path = Path(weights_file)
    card: dict[str, Any] = {
        "format": CARD_FORMAT,
        "model": model,
        "tag": tag,
        "default": default,
        "file": path.name,
        "sha256": sha256_file(path),
        "size_bytes": path.stat().st_size,
        "class_path": class_path,
        "architecture": summarize_architecture(hyper_parameters),
        "lstmzoo": {"version": __version__},
    }
    for key, value in sections.items():
        if key == "lstmzoo":
            card["lstmzoo"] = {**card["lstmzoo"], **dict(value)}
        else:
            card[key] = value
    return card
