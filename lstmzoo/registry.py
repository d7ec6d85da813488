"""The model registry: a name -> builder dict and a decorator.

A registered model is a LightningModule class plus default constructor arguments, so several
names can share one class (``lstm`` and ``lstm_2layer`` are one class with different defaults)::

    @register_model("lstm_2layer", cell="lstm", num_layers=2, task="...", topology="many_to_many")
    class SequenceModel(ZooModule): ...

Third-party packages add models through the entry-point group ``lstmzoo.models``: each entry
point is loaded on first use; loading it may call :func:`register_model` itself, or it may point
at a LightningModule class, which is then registered under the entry point's name.

The registry is a leaf of the package: it knows names, classes and defaults, and builds a model
from them (:meth:`ModelSpec.build`). Building one from weights or a checkpoint is the job of
:mod:`lstmzoo.factory` (``create_model``, ``load_model``), which sits on top of the registry and
of :mod:`lstmzoo.weights`. Besides the leaves (errors, :mod:`lstmzoo.signatures`), the registry
reads the weights' cards (data, :mod:`lstmzoo.weights.cards`) for ``list_models(pretrained=True)``
and the recipes for :meth:`ModelSpec.config_path`. The one import back is :mod:`lstmzoo.models`,
loaded on first use so that the built-in models register themselves (they import
:func:`register_model` from here): the package's one import cycle, on purpose.
"""

from __future__ import annotations

import difflib
import fnmatch
import inspect
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, TypeVar

from lstmzoo.errors import ConfigError
from lstmzoo.signatures import check_init_kwargs

__all__ = [
    "ENTRY_POINT_GROUP",
    "ModelSpec",
    "UnknownModelError",
    "check_init_kwargs",
    "get_model_spec",
    "list_models",
    "register_model",
]

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "lstmzoo.models"

T = TypeVar("T", bound=type)


@dataclass(frozen=True)
class ModelSpec:
    """What the registry knows of one model name."""

    name: str
    cls: type
    defaults: dict[str, Any] = field(default_factory=dict)
    task: str = ""
    topology: str = ""
    config: str | None = None
    description: str = ""

    @property
    def recipe(self) -> str | None:
        """The recipe name of :attr:`config` (``"configs/lstm_adding.yaml"`` -> ``"lstm_adding"``),
        usable as ``lstmzoo fit -c NAME`` from anywhere."""
        if not self.config:
            return None
        name = self.config.replace("\\", "/").removeprefix("configs/")
        return name.removesuffix(".yaml").removesuffix(".yml")

    def config_path(self) -> Any:
        """The :class:`~pathlib.Path` of the registered config: the installed or repository
        recipe; ``None`` without one. Raises ``ConfigError`` if the recipe is not shipped."""
        if not self.config:
            return None
        from lstmzoo.recipes import recipe_path

        return recipe_path(self.config)

    @property
    def class_path(self) -> str:
        """Import path of the LightningModule class."""
        return f"{self.cls.__module__}.{self.cls.__qualname__}"

    def build(self, **overrides: Any) -> Any:
        """Instantiate the model with the registered defaults updated by ``overrides``."""
        check_init_kwargs(self.cls, overrides, where=f"model {self.name!r}")
        return self.cls(**{**self.defaults, **overrides})


class UnknownModelError(ConfigError, KeyError):
    """An unknown model name; the message lists the closest registered names."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


_REGISTRY: dict[str, ModelSpec] = {}
_entry_points_loaded = False


def register_model(
    name: str,
    *,
    task: str = "",
    topology: str = "",
    config: str | None = None,
    description: str = "",
    **defaults: Any,
) -> Callable[[T], T]:
    """Class decorator registering a LightningModule under ``name`` with default init arguments.

    Raises:
        ValueError: ``name`` is already registered, or a default is not a constructor argument.
    """
    if not name or not name.replace("_", "").isalnum() or name != name.lower():
        raise ValueError(f"model names are lower-case letters, digits and '_', got {name!r}")

    def decorator(cls: T) -> T:
        if name in _REGISTRY:
            raise ValueError(
                f"model name {name!r} is already registered by {_REGISTRY[name].class_path}; "
                "choose another name"
            )
        check_init_kwargs(cls, defaults, where=f"register_model({name!r})")
        doc = description or (inspect.getdoc(cls) or "").split("\n", 1)[0]
        _REGISTRY[name] = ModelSpec(name, cls, dict(defaults), task, topology, config, doc)
        return cls

    return decorator


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as err:  # a broken plugin must not break the zoo
            log.warning("could not load lstmzoo plugin %r (%s): %s", ep.name, ep.value, err)
            continue
        if ep.name not in _REGISTRY and inspect.isclass(obj):
            register_model(ep.name, description=f"plugin model from {ep.value}")(obj)


def _ensure_loaded() -> None:
    # the built-in zoo registers itself on import of lstmzoo.models
    import lstmzoo.models  # noqa: F401

    _load_entry_points()


def list_models(pattern: str | Iterable[str] = "*", *, pretrained: bool = False) -> list[str]:
    """Sorted registered names matching one or several shell-style wildcards (``"lstm*"``).

    With ``pretrained=True``, only the names that have shipped weights (see
    :mod:`lstmzoo.weights`).
    """
    _ensure_loaded()
    patterns = [pattern] if isinstance(pattern, str) else list(pattern)
    names = sorted(n for n in _REGISTRY if any(fnmatch.fnmatchcase(n, p) for p in patterns))
    if pretrained:
        from lstmzoo.weights.cards import list_cards  # cards are data: no loading code

        with_weights = {card.model for card in list_cards()}
        names = [n for n in names if n in with_weights]
    return names


def get_model_spec(name: str) -> ModelSpec:
    """The :class:`ModelSpec` of ``name``; raises :class:`UnknownModelError` with close matches."""
    _ensure_loaded()
    try:
        return _REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(_REGISTRY), n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UnknownModelError(
            f"unknown model {name!r}.{hint} Registered models: {', '.join(sorted(_REGISTRY))} "
            "(see `lstmzoo list`)"
        ) from None
