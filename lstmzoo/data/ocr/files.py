"""The user's own text-line images: a labels file, a folder, or an LMDB dataset.

Labels file (``labels.txt`` or ``gt.txt``)::

    words/0001.png<TAB>hello
    words/0002.jpg<TAB>world 42

one image per line, the path relative to the file's folder, a TAB, and the label (which may
contain spaces). Empty lines are ignored. A folder given as data path must hold such a file.

LMDB (the layout of the text-recognition community, needs ``pip install lmdb``): keys
``num-samples`` (the count, as text), ``image-000000001`` (encoded image bytes) and
``label-000000001`` (UTF-8 text), numbered from 1.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from torch.utils.data import Dataset

from lstmzoo.data.ocr.images import ImagePrep, image_size, open_image
from lstmzoo.errors import ConfigError, DataError

__all__ = [
    "IMAGE_SUFFIXES",
    "LABEL_FILES",
    "LabeledImages",
    "LmdbLines",
    "find_label_file",
    "is_lmdb",
    "list_images",
    "read_label_file",
    "write_lmdb",
]

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".bmp",
    ".gif",
    ".tif",
    ".tiff",
    ".webp",
    ".pbm",
    ".pgm",
    ".ppm",
)
LABEL_FILES = ("labels.txt", "gt.txt")


def find_label_file(folder: str | os.PathLike[str]) -> Path:
    """``labels.txt`` or ``gt.txt`` inside ``folder``.

    Raises:
        DataError: neither exists.
    """
    folder = Path(folder)
    for name in LABEL_FILES:
        if (folder / name).is_file():
            return folder / name
    raise DataError(
        f"folder {folder} has no {' or '.join(LABEL_FILES)} (lines 'relative/path<TAB>label')"
    )


def read_label_file(path: str | os.PathLike[str]) -> list[tuple[Path, str, int]]:
    """``(image path, label, line number)`` per line of a labels file.

    Raises:
        DataError: a line without a TAB, or with an empty path (file and line named).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    root = path.parent
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "\t" not in line:
            raise DataError(
                f"{path}, line {number}: expected 'relative/path<TAB>label', "
                f"found no TAB in {line!r}"
            )
        rel, label = line.split("\t", 1)
        if not rel.strip():
            raise DataError(f"{path}, line {number}: empty image path")
        entries.append((root / rel.strip(), label.rstrip("\r\n"), number))
    return entries


def list_images(folder: str | os.PathLike[str]) -> list[Path]:
    """Image files under ``folder`` (recursively, by extension), sorted."""
    return sorted(
        p for p in Path(folder).rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
    )


def is_lmdb(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an LMDB environment (a folder holding ``data.mdb``, or that file)."""
    path = Path(path)
    return (path / "data.mdb").is_file() or (path.name == "data.mdb" and path.is_file())


class LabeledImages(Dataset):
    """Images read from disk, with or without labels.

    Items: ``{"x": (1, 32, W), "width": W, "text": label | None, "name": path}``, and with
    ``source_widths`` also ``"source_width"``: the width of the image as read (0 for an
    unreadable one), which prediction needs to give character positions in its pixels.

    Args:
        paths: the image files.
        labels: one label per image (already checked), or ``None``.
        prep: how images become tensors.
        strict: raise :class:`DataError` on an unreadable image (training); otherwise return an
            item with an ``"error"`` message and a blank image (prediction).
        source_widths: add ``"source_width"`` to the items.
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        labels: Sequence[str] | None,
        prep: ImagePrep,
        strict: bool = True,
        source_widths: bool = False,
    ) -> None:
        if labels is not None and len(labels) != len(paths):
            raise ValueError(f"{len(paths)} paths but {len(labels)} labels")
        self.paths = [os.fspath(p) for p in paths]
        self.labels = list(labels) if labels is not None else None
        self.prep = prep
        self.strict = strict
        self.source_widths = source_widths

    def __len__(self) -> int:
        return len(self.paths)

    def load(self, index: int) -> Any:
        return open_image(self.paths[index])

    def size(self, index: int) -> tuple[int, int]:
        """``(width, height)`` of image ``index``, from its header (nothing is decoded)."""
        return image_size(self.paths[index])

    def input_widths(self) -> list[int]:
        """The width every image has as a model input (see :meth:`ImagePrep.output_width`).

        Raises:
            DataError: an image that cannot be read (named).
        """
        return [self.prep.output_width(*self.size(i)) for i in range(len(self))]

    def __getitem__(self, index: int) -> dict[str, Any]:
        name = self.paths[index]
        text = self.labels[index] if self.labels is not None else None
        try:
            image = self.load(index)
            x = self.prep(image)
        except DataError as err:
            if self.strict:
                raise
            return error_item(name, text, str(err), self.prep, self.source_widths)
        item = {"x": x, "width": x.shape[-1], "text": text, "name": name}
        if self.source_widths:
            item["source_width"] = image.size[0]
        return item


def error_item(
    name: str, text: str | None, message: str, prep: ImagePrep, source_width: bool = False
) -> dict[str, Any]:
    """A placeholder sample for an unreadable image (prediction records the error)."""
    import torch

    width = prep.width or prep.min_width
    item = {
        "x": torch.zeros(1, prep.height, width),
        "width": width,
        "text": text,
        "name": name,
        "error": message,
    }
    if source_width:
        item["source_width"] = 0
    return item


_ENVS: dict[tuple[str, int], Any] = {}


def _open_env(path: str) -> Any:
    """One read-only environment per path and process (LMDB refuses a second one)."""
    lmdb = _import_lmdb()
    pid = os.getpid()
    for old in [k for k in _ENVS if k[1] != pid]:
        # inherited through fork: LMDB environments must not be used (or kept) across fork
        with contextlib.suppress(Exception):
            _ENVS[old].close()
        del _ENVS[old]
    key = (os.path.realpath(path), pid)
    if key not in _ENVS:
        try:
            _ENVS[key] = lmdb.open(
                path, readonly=True, lock=False, readahead=False, meminit=False, max_readers=64
            )
        except lmdb.Error as err:
            raise DataError(f"cannot open LMDB dataset {path}: {err}") from None
    return _ENVS[key]


def _import_lmdb() -> Any:
    try:
        import lmdb
    except ImportError:
        raise ConfigError(
            "reading LMDB datasets needs the 'lmdb' package: pip install lmdb "
            "(or pip install 'lstmzoo[ocr]')"
        ) from None
    return lmdb


class LmdbLines(LabeledImages):
    """An LMDB text-recognition dataset (see the module docstring); labels are read up front.

    The environment is opened read-only, lazily, once per process (safe with loader workers).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        prep: ImagePrep,
        strict: bool = True,
        source_widths: bool = False,
    ) -> None:
        self.lmdb_path = os.fspath(
            Path(path).parent if Path(path).name == "data.mdb" else Path(path)
        )
        self._env: Any = None
        self._pid = -1
        env = self._open()
        with env.begin() as txn:
            raw = txn.get(b"num-samples")
            if raw is None:
                raise DataError(
                    f"{self.lmdb_path}: no 'num-samples' key; not an LMDB text-recognition dataset"
                )
            try:
                count = int(raw.decode("ascii").strip())
            except (UnicodeDecodeError, ValueError):
                raise DataError(
                    f"{self.lmdb_path}: 'num-samples' is not a number ({raw[:20]!r})"
                ) from None
            labels = []
            for i in range(1, count + 1):
                value = txn.get(b"label-%09d" % i)
                if value is None:
                    raise DataError(
                        f"{self.lmdb_path}: key 'label-{i:09d}' is missing (num-samples = {count})"
                    )
                labels.append(value.decode("utf-8", errors="replace"))
        self.keys = list(range(1, count + 1))
        super().__init__(
            [f"{self.lmdb_path}#image-{i:09d}" for i in self.keys],
            labels,
            prep,
            strict,
            source_widths,
        )

    def _open(self) -> Any:
        if self._env is None or self._pid != os.getpid():
            self._env = _open_env(self.lmdb_path)
            self._pid = os.getpid()
        return self._env

    def select(self, indices: Sequence[int], labels: Sequence[str]) -> LmdbLines:
        """Keep only the samples at ``indices`` with new (checked) ``labels``."""
        self.keys = [self.keys[i] for i in indices]
        self.paths = [self.paths[i] for i in indices]
        self.labels = list(labels)
        return self

    def _bytes(self, index: int) -> bytes:
        key = self.keys[index]
        with self._open().begin() as txn:
            data = txn.get(b"image-%09d" % key)
        if data is None:
            raise DataError(f"{self.lmdb_path}: key 'image-{key:09d}' is missing")
        return bytes(data)

    def load(self, index: int) -> Any:
        return open_image(self._bytes(index), name=self.paths[index])

    def size(self, index: int) -> tuple[int, int]:
        return image_size(self._bytes(index), name=self.paths[index])

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_env"] = None  # environments do not cross process boundaries
        state["_pid"] = -1
        return state


def write_lmdb(
    path: str | os.PathLike[str],
    samples: Iterable[tuple[Any, str]],
    map_size: int = 1 << 30,
) -> int:
    """Write ``(image, label)`` pairs as an LMDB text-recognition dataset; returns the count.

    ``image`` is a path, encoded bytes, or a PIL image (stored as PNG).
    """
    import io

    lmdb = _import_lmdb()
    Path(path).mkdir(parents=True, exist_ok=True)
    env = lmdb.open(os.fspath(path), map_size=map_size)
    count = 0
    try:
        with env.begin(write=True) as txn:
            for count, (image, label) in enumerate(samples, start=1):
                if isinstance(image, (str, os.PathLike)):
                    data = Path(image).read_bytes()
                elif isinstance(image, (bytes, bytearray)):
                    data = bytes(image)
                else:
                    buffer = io.BytesIO()
                    image.save(buffer, format="PNG")
                    data = buffer.getvalue()
                txn.put(b"image-%09d" % count, data)
                txn.put(b"label-%09d" % count, label.encode("utf-8"))
            txn.put(b"num-samples", str(count).encode("ascii"))
    finally:
        env.close()
    return count
