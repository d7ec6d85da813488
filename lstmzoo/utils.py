"""Small helpers shared across the package (no torch, no Lightning)."""

from __future__ import annotations

import gc
import hashlib
import os

__all__ = ["freeze_for_exit", "sha256_file"]


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def freeze_for_exit() -> None:
    """Move every object alive now out of the cyclic garbage collector's reach (``gc.freeze``).

    Called by a process that is about to exit (the ``lstmzoo`` command after its work) or that
    only forks (the sweep's fork server after its imports). With torch and Lightning imported
    a process holds about a million tracked objects, and the interpreter's shutdown scans them
    all in its last collections: about 2 s on a small CPU. Frozen objects are still freed by
    reference counting and by the operating system; only the scan is skipped. In a fork server
    it also keeps the children's collections from touching (and copying) the shared pages.
    """
    gc.freeze()
