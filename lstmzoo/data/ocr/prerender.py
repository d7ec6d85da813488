"""Render a synthetic training set once and keep it on disk.

Rendering costs CPU time every epoch; with ``prerender_dir`` the data module renders the
training set once (in parallel) into ``<dir>/<key>/`` and later runs read it back through a
memory map. The key hashes every setting that changes the images, so a changed config renders a
new set instead of reusing a stale one.

Files: ``images.u8`` (``N x H x W`` raw 8-bit pixels), ``labels.json`` and ``meta.json``
(written last: a folder without it is an interrupted render and is redone).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import Dataset

from lstmzoo.data.ocr.linetext import LineTextSource
from lstmzoo.data.ocr.render import SyntheticTextLines
from lstmzoo.errors import ConfigError

__all__ = ["PrerenderedLines", "prerender", "settings_key"]

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


def _digest(texts: list[str]) -> str:
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()


def settings_key(dataset: SyntheticTextLines) -> str:
    """A short hash of everything that determines the dataset's images and labels."""
    r, s = dataset.renderer, dataset.source
    settings: dict = {
        "version": FORMAT_VERSION,
        "n": dataset.num_samples,
        "seed": dataset.seed,
        "fonts": [(f.family, f.style, os.path.basename(f.path)) for f in r.fonts],
        "size": [r.height, r.width, r.keep_ratio, list(r.font_size), r.augment],
        "variation": [
            r.invert_prob,
            r.natural_width_prob,
            r.resample_prob,
            list(r.resample_height),
        ],
    }
    if isinstance(s, LineTextSource):
        settings["source"] = [
            "lines",
            s.alphabet.chars,
            s.alphabet.case_fold,
            s.max_chars,
            sorted(s.mix.items()),
            s.fragment_prob,
            s.max_steps,
            _digest(s.words),
            _digest(s.lines),
        ]
    else:
        settings["source"] = [
            s.alphabet.chars,
            s.alphabet.case_fold,
            s.max_chars,
            s.random_fraction,
            s.number_fraction,
            list(s.case_mix),
            s.max_steps,
            _digest(s.words),
        ]
    # settings added later enter the key only when used, so earlier renders stay valid
    if r.font_box:
        settings["font_box"] = True
    if not r.degradations.is_default:
        settings["degradations"] = r.degradations.as_dict()
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


def _init_worker() -> None:
    # one thread per process: forked children must not enter the parent's OpenMP pool
    torch.set_num_threads(1)


def _to_bytes(pixels: torch.Tensor) -> bytes:
    try:
        return pixels.contiguous().numpy().tobytes()
    except RuntimeError:  # torch built without NumPy support
        return bytes(pixels.flatten().tolist())


def _render_chunk(dataset: SyntheticTextLines, path: str, start: int, stop: int) -> list[str]:
    height, width = dataset.renderer.height, dataset.renderer.width
    labels = []
    with open(path, "r+b") as fh:
        fh.seek(start * height * width)
        for i in range(start, stop):
            item = dataset[i]
            pixels = item["x"].add(1.0).mul_(127.5).round_().clamp_(0, 255).to(torch.uint8)
            fh.write(_to_bytes(pixels))
            labels.append(item["text"])
    return labels


def prerender(
    dataset: SyntheticTextLines, directory: str | os.PathLike[str], num_workers: int = 0
) -> PrerenderedLines:
    """Render ``dataset`` into ``directory`` (or reuse an identical earlier render).

    Raises:
        ConfigError: the renderer makes images of varying width (``natural_width``).
    """
    if dataset.renderer.natural_width:
        raise ConfigError("pre-rendering stores fixed-width images: not with natural_width")
    folder = Path(directory) / settings_key(dataset)
    if (folder / "meta.json").is_file():
        log.info("reusing the pre-rendered training set in %s", folder)
        return PrerenderedLines(folder)
    folder.mkdir(parents=True, exist_ok=True)
    n, height, width = dataset.num_samples, dataset.renderer.height, dataset.renderer.width
    images = folder / "images.u8"
    with open(images, "wb") as fh:
        fh.truncate(n * height * width)
    start_time = time.perf_counter()
    workers = max(1, num_workers)
    step = max(1, min(2000, -(-n // workers)))
    chunks = [(i, min(n, i + step)) for i in range(0, n, step)]
    labels: list[str] = []
    if workers == 1:
        for a, b in chunks:
            labels += _render_chunk(dataset, str(images), a, b)
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker) as pool:
            futures = [pool.submit(_render_chunk, dataset, str(images), a, b) for a, b in chunks]
            for future in futures:
                labels += future.result()
    (folder / "labels.json").write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
    meta = {"num_samples": n, "height": height, "width": width, "seed": dataset.seed}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    seconds = time.perf_counter() - start_time
    log.info(
        "pre-rendered %d training images into %s in %.0f s (%.0f images/s)",
        n,
        folder,
        seconds,
        n / seconds,
    )
    return PrerenderedLines(folder)


class PrerenderedLines(Dataset):
    """A pre-rendered set (see :func:`prerender`), memory-mapped; items as in
    :class:`~lstmzoo.data.ocr.render.SyntheticTextLines`."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        meta = json.loads((self.folder / "meta.json").read_text(encoding="utf-8"))
        self.num_samples = int(meta["num_samples"])
        self.height = int(meta["height"])
        self.width = int(meta["width"])
        self.labels: list[str] = json.loads(
            (self.folder / "labels.json").read_text(encoding="utf-8")
        )
        self._pixels: Any = None

    def __len__(self) -> int:
        return self.num_samples

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_pixels"] = None  # each process maps the file itself
        return state

    def __getitem__(self, index: int) -> dict[str, Any]:
        if self._pixels is None:
            size = self.num_samples * self.height * self.width
            self._pixels = torch.from_file(
                str(self.folder / "images.u8"), shared=True, size=size, dtype=torch.uint8
            )
            self._pixels = self._pixels.view(self.num_samples, 1, self.height, self.width)
        x = self._pixels[index].float().div_(127.5).sub_(1.0)
        return {
            "x": x,
            "width": self.width,
            "text": self.labels[index],
            "name": f"{self.folder.name}:{index}",
        }
