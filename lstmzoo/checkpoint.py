"""Checkpoints: reading them safely and rebuilding any zoo model from one.

The names of this module live in two layers, and this module gathers them under the path that
users, tools and the command line import from:

* :mod:`lstmzoo.checkpoint_file` (low: any module may use it): :func:`read_checkpoint`, and the
  ``pretrained:MODEL[:TAG]`` references a checkpoint path may be;
* :mod:`lstmzoo.factory` (top: it uses the registry and the weights): :func:`load_model`.

Inside the package, import from those two modules; a module below the factory (a model, for
instance) imports only from :mod:`lstmzoo.checkpoint_file`.
"""

from __future__ import annotations

from lstmzoo.checkpoint_file import (
    PRETRAINED_PREFIX,
    is_pretrained_reference,
    parse_pretrained_reference,
    read_checkpoint,
)
from lstmzoo.factory import load_model

__all__ = [
    "PRETRAINED_PREFIX",
    "is_pretrained_reference",
    "load_model",
    "parse_pretrained_reference",
    "read_checkpoint",
]
