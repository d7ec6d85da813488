"""Errors as the ``lstmzoo`` command shows them: one line on stderr, naming the config key.

:func:`clean_parser_message` shortens what jsonargparse says about a bad value,
:func:`constructor_error_message` names the key behind an error a constructor raised, and
:func:`print_error` prints the line.
"""

from __future__ import annotations

import inspect
import re
import traceback

__all__ = ["clean_parser_message", "constructor_error_message", "print_error"]

#: lines of jsonargparse's messages that describe its union bookkeeping, not the user's value
_PARSER_NOISE = (
    "Does not validate against any of the Union subtypes",
    "Subtypes:",
    "Errors:",
    "Expected a <class 'NoneType'>",
    "Given value type:",
    "Given value:",
)


def clean_parser_message(message: str) -> str:
    """Keep what jsonargparse says about the offending key and drop the union bookkeeping.

    A nested message about an init argument of a model or data class becomes
    ``"<group>.init_args.<key> (<Class>): <what is wrong>"``, on one line.
    """
    lines = [ln.strip(" -") for ln in message.splitlines()]
    kept = [ln for ln in lines if ln and not ln.startswith(_PARSER_NOISE)]
    message = " ".join(dict.fromkeys(kept))
    nested = re.match(
        r'Parser key "([\w.]+)": Problem with given class_path \'([\w.]+)\': '
        r'Parser key "([\w.]+)": (.*)',
        message,
        re.DOTALL,
    )
    if nested:  # an init argument of a model / data class: name the full key
        group, class_path, key, rest = nested.groups()
        name = class_path.rsplit(".", 1)[-1]
        message = f"{group}.init_args.{key} ({name}): {rest.strip()}"
    return message


def constructor_error_message(err: BaseException) -> str:
    """``"<group>.init_args.<key>: <message>"`` for an error raised by a constructor.

    The group (``model``, ``data``, ``trainer.callbacks``, ``trainer``) is the outermost
    constructor in the traceback that belongs to one; the key is the first of that constructor's
    arguments the message names (as a word), if any. Without such a constructor the message
    comes back as it is (its first line).
    """
    # imported here, where a constructor has failed, so that the parser's messages above stay
    # importable (by lstmzoo.sweep, say) without Lightning
    import lightning.pytorch as pl
    from lightning.pytorch.callbacks import Callback

    message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    groups = (
        (pl.LightningModule, "model"),
        (pl.LightningDataModule, "data"),
        (Callback, "trainer.callbacks"),
        (pl.Trainer, "trainer"),
    )
    for frame, _ in traceback.walk_tb(err.__traceback__):
        owner = frame.f_locals.get("self") if frame.f_code.co_name == "__init__" else None
        group = next((g for cls, g in groups if isinstance(owner, cls)), None)
        if group is None:
            continue
        params = [p for p in inspect.signature(type(owner).__init__).parameters if p != "self"]
        named = [(m.start(), p) for p in params if (m := re.search(rf"\b{p}\b", message))]
        where = f"{group} ({type(owner).__name__})"
        if named and group != "trainer":
            where = f"{group}.init_args.{min(named)[1]}" if "." not in group else where
            if group == "trainer.callbacks":
                where = f"{group} ({type(owner).__name__}.{min(named)[1]})"
        elif named:
            where = f"trainer.{min(named)[1]}"
        return f"{where}: {message}"
    return message


def print_error(message: str, tip: str | None = None) -> None:
    """One line on stderr: ``error: <message> (<tip>)``; runs of whitespace become one space."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    line = f"[bold red]error:[/] {escape(' '.join(message.split()))}"
    if tip:
        line += f" [dim]({escape(tip)})[/]"
    console.print(line)
