"""Recipes: the shipped YAML configs, found by name from anywhere.

The repository's top-level ``configs/`` folder is the one source of the recipes. A wheel carries
a copy of it as ``lstmzoo/configs/`` (``setup.py`` copies it in at build time; the sdist carries
``configs/`` through ``MANIFEST.in``), and a source or editable checkout reads the repository's
folder directly, so there is never a second copy in git.

A recipe's name is its path under that folder without ``.yaml``: ``lstm_adding``,
``trainer/cpu``, ``sweeps/...``::

    lstmzoo fit -c lstm_adding -c trainer/cpu
    lstmzoo recipes                       # list them
    lstmzoo recipes copy lstm_adding .    # a copy to edit
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from lstmzoo.errors import ConfigError

__all__ = [
    "UnknownRecipeError",
    "copy_recipe",
    "list_recipes",
    "recipe_description",
    "recipe_path",
    "recipes_root",
    "resolve_config_arg",
]

_PACKAGE_DIR = Path(__file__).resolve().parent


class UnknownRecipeError(ConfigError):
    """A recipe name that is not shipped; the message lists the closest names."""


def recipes_root() -> Path:
    """The folder holding the recipes.

    The installed copy (``<site-packages>/lstmzoo/configs``) when there is one, otherwise the
    repository's ``configs/`` next to the package (a source or editable checkout).

    Raises:
        ConfigError: neither exists (a broken installation).
    """
    for candidate in (_PACKAGE_DIR / "configs", _PACKAGE_DIR.parent / "configs"):
        if candidate.is_dir() and any(candidate.rglob("*.yaml")):
            return candidate
    installed, checkout = _PACKAGE_DIR / "configs", _PACKAGE_DIR.parent / "configs"
    raise ConfigError(
        f"no recipes found: neither {installed} nor {checkout} exists; reinstall lstmzoo from a "
        "wheel or run from a repository checkout"
    )


def list_recipes(prefix: str = "") -> list[str]:
    """Sorted recipe names (``"lstm_adding"``, ``"trainer/cpu"``, ...) starting with ``prefix``."""
    root = recipes_root()
    names = (p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*.yaml"))
    return sorted(n for n in names if n.startswith(prefix))


def _normalize(name: str) -> str:
    name = name.strip().replace("\\", "/")
    if name.startswith("configs/"):
        name = name[len("configs/") :]
    for suffix in (".yaml", ".yml"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def recipe_path(name: str) -> Path:
    """The YAML file of recipe ``name``.

    ``name`` may carry the ``configs/`` prefix and the ``.yaml`` suffix of the repository path
    (``configs/lstm_adding.yaml``), so the commands in the README work outside the repository.

    Raises:
        UnknownRecipeError: no such recipe; the message lists close matches.
    """
    key = _normalize(name)
    root = recipes_root()
    path = root / f"{key}.yaml"
    if key and ".." not in key.split("/") and path.is_file():
        return path
    names = list_recipes()
    close = difflib.get_close_matches(key, names, n=3, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownRecipeError(
        f"unknown recipe {name!r}.{hint} Recipes: {', '.join(names)} (see `lstmzoo recipes`)"
    )


def recipe_description(name: str) -> str:
    """The first sentence of a recipe's leading comment (its one-line description), or ``""``."""
    words: list[str] = []
    for line in recipe_path(name).read_text(encoding="utf-8").splitlines():
        text = line[1:] if line.startswith("#") else None
        if text is None or not text.strip() or text.startswith("   "):
            break  # end of the leading comment, or an indented example command
        words.append(text.strip())
    summary = " ".join(words)
    for end in (". ", ": "):
        if end in summary:
            summary = summary.split(end, 1)[0] + end.strip()
    return summary.rstrip(":")


def copy_recipe(name: str, dest: str | Path = ".", *, overwrite: bool = False) -> Path:
    """Copy recipe ``name`` to ``dest`` (a folder, or a file path ending in ``.yaml``).

    Raises:
        UnknownRecipeError: no such recipe.
        ConfigError: the target exists and ``overwrite`` is false.
    """
    source = recipe_path(name)
    dest = Path(dest)
    target = dest if dest.suffix in (".yaml", ".yml") else dest / source.name
    if target.exists() and not overwrite:
        raise ConfigError(f"{target} exists; pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def resolve_config_arg(value: str) -> str:
    """What ``-c VALUE`` reads: an existing file as is, otherwise the recipe of that name.

    Inline YAML (a value with a newline, ``:`` or ``{``) is left for the parser.

    Raises:
        UnknownRecipeError: not a file and not a recipe.
    """
    if Path(value).is_file() or any(c in value for c in "\n:{"):
        return value
    try:
        return str(recipe_path(value))
    except UnknownRecipeError as err:
        raise UnknownRecipeError(f"no config file {value!r} in {Path.cwd()}, and {err}") from None
