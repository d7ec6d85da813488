"""The package version, in a module of its own so that any module can read it without importing
the package's public front (``lstmzoo/__init__.py``, which imports the registry)."""

from __future__ import annotations

__all__ = ["__version__"]

#: the version written into checkpoints (``lstmzoo`` record) and model cards
__version__ = "0.1.0"
