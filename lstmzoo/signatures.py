"""Checks of keyword arguments against a class's constructor, with suggestions for typos.

A leaf module (standard library only): the registry checks registered defaults and
``create_model`` overrides with it, and :mod:`lstmzoo.weights` checks the hyperparameters stored
with shipped weights.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Mapping
from typing import Any

__all__ = ["check_init_kwargs"]


def check_init_kwargs(cls: type, kwargs: Mapping[str, Any], where: str) -> None:
    """Raise ``TypeError`` naming every key of ``kwargs`` that ``cls.__init__`` does not accept.

    A constructor with ``**kwargs`` accepts every key. Each unknown key is named with its
    closest accepted argument (``'hiden_size' (did you mean 'hidden_size'?)``), and the message
    starts with ``where`` (what was being built).

    Raises:
        TypeError: at least one key is not a constructor argument.
    """
    params = inspect.signature(cls.__init__).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    unknown = [k for k in kwargs if k not in params or k == "self"]
    if unknown:
        known = [k for k in params if k != "self"]
        hints = []
        for key in unknown:
            close = difflib.get_close_matches(key, known, n=1)
            hints.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise TypeError(
            f"{where}: unknown argument(s) {', '.join(hints)} for {cls.__name__}; "
            f"accepted: {', '.join(known)}"
        )
