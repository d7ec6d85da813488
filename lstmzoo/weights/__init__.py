"""Pretrained weights that ship inside the package: safetensors files and their model cards.

Every shipped weight is two files in this folder:

* ``<model>-<tag>.safetensors``: the model's ``state_dict`` (float32, or float16 / bfloat16 where
  the card shows the metric unchanged), with the constructor arguments the weights were trained
  with stored as JSON in the file's metadata (``hyper_parameters``);
* ``<model>-<tag>.yaml``: the model card. It names the registry model and the tag, the file's
  SHA-256, the architecture, the data and the exact training command, the machine, wall time,
  steps and seed, the lstmzoo version and commit, the test metrics with the command that
  measured them, and a few fixed inputs with the predictions the weights give on them.

Nothing is downloaded: the files are package data, so a wheel install works offline.

Loading checks, in this order, and fails with one :class:`~lstmzoo.errors.CheckpointError` or
:class:`~lstmzoo.errors.ConfigError` saying what differs:

1. the tag exists (an unknown tag lists the tags that do);
2. the file's SHA-256 equals the card's (a corrupted file is named as such, never half-loaded);
3. the card's architecture equals the file's stored hyperparameters;
4. the model class of this lstmzoo version accepts those hyperparameters;
5. the ``state_dict`` matches the model built from them, name by name and shape by shape.

::

    import lstmzoo
    lstmzoo.list_models(pretrained=True)                 # names with shipped weights
    model = lstmzoo.create_model("lstm", pretrained=True)  # the default tag
    model = lstmzoo.create_model("lstm", pretrained="adding_t200")
    print(lstmzoo.weights.get_card("lstm").render())
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from lstmzoo.errors import CheckpointError, ConfigError
from lstmzoo.utils import sha256_file

__all__ = [
    "CARD_FORMAT",
    "WEIGHTS_PATH_ENV",
    "WeightsCard",
    "available_tags",
    "card_folders",
    "get_card",
    "list_cards",
    "load_pretrained",
    "load_weights_into",
    "make_card",
    "read_weights",
    "sha256_file",
    "summarize_architecture",
    "write_weights",
]

log = logging.getLogger(__name__)

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
    return Path(str(resources.files(__name__)))


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


def read_weights(card: WeightsCard) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check the file against the card and read it: ``(state_dict, hyper_parameters)``.

    The tensors come back in float32 whatever the stored precision.

    Raises:
        CheckpointError: missing file, SHA-256 mismatch (corrupted), unreadable file, or stored
            hyperparameters that differ from the card's architecture.
    """
    from safetensors import SafetensorError, safe_open

    path = card.weights_path
    if not path.is_file():
        raise CheckpointError(f"weights file {path} of {card.reference} is missing")
    actual = sha256_file(path)
    if actual != card.sha256:
        raise CheckpointError(
            f"weights file {path} is corrupted: its sha256 is {actual}, the card "
            f"{card.path} expects {card.sha256}. Reinstall lstmzoo to restore it."
        )
    try:
        with safe_open(str(path), framework="pt") as handle:
            metadata = handle.metadata() or {}
            state = {k: handle.get_tensor(k) for k in handle.keys()}  # noqa: SIM118
    except (SafetensorError, OSError, ValueError) as err:
        raise CheckpointError(f"weights file {path} cannot be read: {err}") from err
    try:
        hparams = json.loads(metadata["hyper_parameters"])
    except (KeyError, json.JSONDecodeError) as err:
        raise CheckpointError(f"weights file {path} has no readable hyper_parameters") from err
    state = {k: v.float() if v.is_floating_point() else v for k, v in state.items()}
    check_architecture(card, hparams)
    return state, hparams


def summarize_architecture(hparams: Mapping[str, Any], limit: int = 64) -> dict[str, Any]:
    """The hyperparameters as a card shows them: long lists become size and SHA-256."""
    out: dict[str, Any] = {}
    for key, value in hparams.items():
        if key.startswith("_"):
            continue
        if isinstance(value, (list, tuple)) and len(value) > limit:
            blob = json.dumps(list(value), ensure_ascii=False).encode("utf-8")
            out[key] = {"size": len(value), "sha256": hashlib.sha256(blob).hexdigest()}
        else:
            out[key] = value
    return out


def check_architecture(card: WeightsCard, hparams: Mapping[str, Any]) -> None:
    """Raise :class:`CheckpointError` when the card's architecture differs from ``hparams``."""
    stored = summarize_architecture(hparams)
    diffs = [
        f"{key}: card {card.architecture.get(key, '<absent>')!r} vs file {stored.get(key)!r}"
        for key in sorted(set(card.architecture) | set(stored))
        if _plain(card.architecture.get(key, "<absent>")) != _plain(stored.get(key, "<absent>"))
    ]
    if diffs:
        raise CheckpointError(
            f"the card {card.path} does not describe the weights in {card.weights_path}: "
            + "; ".join(diffs)
        )


def _plain(value: Any) -> Any:
    """JSON round trip, so tuples and lists (YAML vs JSON) compare equal."""
    return json.loads(json.dumps(value, sort_keys=True))


def _import_class(class_path: str) -> type:
    import importlib

    module_name, _, attr = class_path.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError) as err:
        raise CheckpointError(
            f"the weights belong to {class_path!r}, which this lstmzoo version does not have "
            f"({err})"
        ) from err


def load_weights_into(model: Any, state: Mapping[str, Any], where: str) -> Any:
    """``model.load_state_dict(state)``, strictly; every difference is listed in one error.

    Raises:
        CheckpointError: parameters missing from ``state``, unexpected ones, or shape mismatches.
    """
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    shapes = [
        f"{k}: weights {tuple(state[k].shape)} vs model {tuple(own[k].shape)}"
        for k in sorted(set(own) & set(state))
        if tuple(own[k].shape) != tuple(state[k].shape)
    ]
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}")
    if unexpected:
        extra = ", ".join(unexpected[:8]) + (" ..." if len(unexpected) > 8 else "")
        problems.append(f"unexpected {extra}")
    if shapes:
        problems.append("shape mismatch " + "; ".join(shapes[:8]))
    if problems:
        raise CheckpointError(
            f"the weights of {where} do not fit the model built here: " + " | ".join(problems)
        )
    model.load_state_dict(dict(state), strict=True)
    return model


def load_pretrained(
    model: str, tag: str | bool | None = True, folder: str | Path | None = None, **overrides: Any
) -> Any:
    """Build ``model`` with the hyperparameters of its shipped weights ``tag`` and load them.

    ``overrides`` replace constructor arguments (for example ``lr`` before fine-tuning); one
    that changes a weight's shape is an error naming the parameter. The model is returned in
    eval mode, on the CPU.

    Raises:
        ConfigError: unknown model / tag, or an override the class does not accept.
        CheckpointError: the file is corrupted or does not match its card or the code.
    """
    card = get_card(model, tag, folder)
    state, hparams = read_weights(card)
    cls = _import_class(card.class_path)
    from lstmzoo.registry import check_init_kwargs

    args = {k: v for k, v in hparams.items() if not k.startswith("_")}
    try:
        check_init_kwargs(cls, args, where=f"weights {card.reference}")
    except TypeError as err:
        version = card.raw.get("lstmzoo", {}).get("version", "unknown")
        raise CheckpointError(
            f"{err}. The weights were made with lstmzoo {version}; install that version"
        ) from None
    try:
        check_init_kwargs(cls, overrides, where=f"create_model({model!r}, pretrained=...)")
    except TypeError as err:
        raise ConfigError(str(err)) from None
    instance = cls(**{**args, **overrides})
    try:
        load_weights_into(instance, state, card.reference)
    except CheckpointError as err:
        if not overrides:
            raise
        given = ", ".join(f"{k}={v!r}" for k, v in overrides.items())
        raise ConfigError(
            f"the overrides {given} change the model so that the weights {card.reference} no "
            f"longer fit; leave out the arguments that set layer sizes ({err})"
        ) from None
    instance.eval()
    log.debug("loaded pretrained weights %s (%s)", card.reference, card.weights_path.name)
    return instance


def write_weights(
    model: Any,
    path: str | Path,
    hyper_parameters: Mapping[str, Any],
    dtype: str = "float32",
) -> str:
    """Save ``model``'s ``state_dict`` as safetensors with its hyperparameters; return sha256.

    ``dtype``: ``"float32"``, ``"float16"`` or ``"bfloat16"`` for the floating-point tensors.
    """
    import torch
    from safetensors.torch import save_file

    cast = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
    if dtype not in cast:
        raise ConfigError(f"dtype must be one of {', '.join(cast)}, got {dtype!r}")
    state = {
        k: (v.detach().to(cast[dtype]) if v.is_floating_point() else v.detach()).contiguous()
        for k, v in model.state_dict().items()
    }
    plain = {k: v for k, v in hyper_parameters.items() if not k.startswith("_")}
    metadata = {"hyper_parameters": json.dumps(plain, ensure_ascii=False, sort_keys=True)}
    save_file(state, str(path), metadata=metadata)
    os.chmod(path, 0o644)  # package data: readable by every user of an installation
    return sha256_file(path)


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
    from lstmzoo import __version__

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
