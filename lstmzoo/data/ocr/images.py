"""Reading images of any size and mode and turning them into CRNN inputs.

Every image becomes a grayscale, ``32``-pixel-high tensor in ``[-1, 1]``:

* training (``width=100``): stretched to ``32 x 100``, or with ``keep_ratio`` scaled to height
  32 (at most 100 wide) and padded on the right with its own background;
* prediction (``width=None``): scaled to height 32 keeping the aspect ratio, any width
  (between ``min_width`` and ``max_width``); a batch is padded to its widest image and the model
  is told each image's true width.

Text lines train at variable width too (``width=None``, at most ``max_width``), in batches of
similar width padded with each image's background (:func:`collate_lines` with
``pad="background"``).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import torch
import torch.nn.functional as F
from torch import Tensor

from lstmzoo.errors import DataError

__all__ = [
    "ImagePrep",
    "background_level",
    "collate_lines",
    "image_size",
    "open_image",
    "to_grayscale",
    "to_tensor",
]

ImageSource = Union[str, os.PathLike, bytes, Any]


def open_image(source: ImageSource, name: str | None = None) -> Any:
    """Open and fully decode an image (a path, encoded bytes, or a PIL image).

    Raises:
        DataError: missing, empty, truncated or undecodable data; the message names the file
            (or ``name``).
    """
    from PIL import Image, UnidentifiedImageError

    if isinstance(source, Image.Image):
        return source
    label = name or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else "<bytes>")
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise DataError(f"image file {label} does not exist")
        if path.stat().st_size == 0:
            raise DataError(f"image file {label} is empty (0 bytes)")
        stream: Any = path
    elif isinstance(source, (bytes, bytearray, memoryview)):
        if len(source) == 0:
            raise DataError(f"image {label} is empty (0 bytes)")
        stream = io.BytesIO(bytes(source))
    else:
        raise TypeError(f"expected a path, bytes or a PIL image, got {type(source).__name__}")
    try:
        with Image.open(stream) as img:
            img.load()  # decode now: truncated files fail here, not later in a worker
            return img.copy() if img.mode != "P" else img.convert("RGBA")
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as err:
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise DataError(f"cannot read image {label}: {detail}") from None


def image_size(source: ImageSource, name: str | None = None) -> tuple[int, int]:
    """``(width, height)`` of an image read from its header only (a path, bytes or a PIL image).

    Raises:
        DataError: the file is missing, empty or not an image (named as :func:`open_image` does).
    """
    from PIL import Image, UnidentifiedImageError

    if isinstance(source, Image.Image):
        return source.size
    label = name or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else "<bytes>")
    stream: Any = (
        io.BytesIO(bytes(source)) if isinstance(source, (bytes, bytearray, memoryview)) else source
    )
    try:
        with Image.open(stream) as img:
            return img.size
    except FileNotFoundError:
        raise DataError(f"image file {label} does not exist") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise DataError(f"cannot read image {label}: {detail}") from None


def to_grayscale(img: Any) -> Any:
    """Any PIL image as mode ``"L"``: transparency over white, 16-bit / float scaled to 0..255."""
    from PIL import Image

    if img.mode == "L":
        return img
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "RGB" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        ground = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(ground, rgba).convert("L")
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        img = img.convert("F")
        low, high = img.getextrema()
        scale = 255.0 / (high - low) if high > low else 0.0
        return img.point(lambda v: (v - low) * scale).convert("L")
    return img.convert("L")


def to_tensor(img: Any) -> Tensor:
    """A mode ``"L"`` PIL image -> ``(1, H, W)`` float tensor in ``[-1, 1]``."""
    if img.mode != "L":
        img = to_grayscale(img)
    w, h = img.size
    x = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8).view(1, h, w)
    return x.float().div_(127.5).sub_(1.0)


@dataclass(frozen=True)
class ImagePrep:
    """How images become model inputs (see the module docstring).

    Args:
        height: model input height (32 for the CRNN backbone).
        width: fixed width, or ``None`` for variable width (prediction, text lines).
        keep_ratio: with a fixed width, keep the aspect ratio and pad instead of stretching.
        min_width, max_width: bounds of the variable width.
        too_wide: what becomes of a variable-width image wider than ``max_width`` at
            ``height``: ``"squeeze"`` it to ``max_width``, or ``"error"`` (a
            :class:`~lstmzoo.errors.DataError` saying how wide it is: a long line squeezed
            several times reads as nonsense).
    """

    height: int = 32
    width: int | None = 100
    keep_ratio: bool = False
    min_width: int = 8
    max_width: int = 1600
    too_wide: str = "squeeze"

    def output_width(self, width: int, height: int) -> int:
        """The width of the tensor an image of ``width x height`` pixels becomes (for an image
        too wide under ``too_wide="error"``, the width it would have had)."""
        if self.width is not None:
            return self.width
        natural = max(1, round(width * self.height / max(height, 1)))
        if self.too_wide == "error" and natural > self.max_width:
            return natural
        return min(max(natural, self.min_width), self.max_width)

    def resize(self, img: Any) -> Any:
        """Grayscale and resized PIL image (padding, if any, uses the image's right edge)."""
        from PIL import Image

        w, h = img.size
        if w < 1 or h < 1:
            raise DataError(f"image is empty ({w} x {h} pixels)")
        img = to_grayscale(img)
        natural = max(1, round(w * self.height / h))
        if self.width is None:
            if self.too_wide == "error" and natural > self.max_width:
                raise DataError(
                    f"image of {w} x {h} pixels is {natural} pixels wide at height "
                    f"{self.height}, more than the {self.max_width} a line may have; cut it "
                    "into shorter lines"
                )
            new_w = min(max(natural, self.min_width), self.max_width)
            return img.resize((new_w, self.height), Image.Resampling.BILINEAR)
        if not self.keep_ratio:
            return img.resize((self.width, self.height), Image.Resampling.BILINEAR)
        new_w = min(natural, self.width)
        scaled = img.resize((new_w, self.height), Image.Resampling.BILINEAR)
        if new_w == self.width:
            return scaled
        edge = scaled.crop((new_w - 1, 0, new_w, self.height)).resize(
            (self.width - new_w, self.height)
        )
        out = Image.new("L", (self.width, self.height))
        out.paste(scaled, (0, 0))
        out.paste(edge, (new_w, 0))
        return out

    def __call__(self, img: Any) -> Tensor:
        """PIL image -> ``(1, height, W)`` tensor."""
        return to_tensor(self.resize(img))


def background_level(x: Tensor) -> float:
    """The background of a line image ``x: (1, H, W)``: the median of its border pixels."""
    border = torch.cat([x[..., 0, :], x[..., -1, :], x[..., :, 0], x[..., :, -1]], dim=-1)
    return float(border.median())


def collate_lines(samples: Sequence[dict[str, Any]], pad: str = "edge") -> dict[str, Any]:
    """Batch line samples: ``x (B, 1, H, W_max)``, ``widths (B,)``, and the lists ``text``
    (labels, ``None`` where unknown), ``name`` and ``error`` (``None`` for readable images);
    ``source_widths (B,)`` too when every sample has a ``source_width`` (the width of the file
    it was read from).

    Narrower images are right-padded by repeating their last column (``pad="edge"``: at most a
    few columns in prediction batches of equal step counts) or with their background level
    (``pad="background"``: training batches of text lines, where the padding may be wide and a
    repeated column would smear a cut glyph across it); the model skips the padded steps.
    """
    if pad not in ("edge", "background"):
        raise ValueError(f"pad must be 'edge' or 'background', got {pad!r}")
    widths = [int(s["x"].shape[-1]) for s in samples]
    max_w = max(widths)
    xs = []
    for s, w in zip(samples, widths):
        x = s["x"]
        if w < max_w:
            if pad == "edge":
                x = F.pad(x, (0, max_w - w), mode="replicate")
            else:
                x = F.pad(x, (0, max_w - w), value=background_level(x))
        xs.append(x)
    batch = {
        "x": torch.stack(xs),
        "widths": torch.tensor(widths, dtype=torch.long),
        "text": [s.get("text") for s in samples],
        "name": [s.get("name", "") for s in samples],
        "error": [s.get("error") for s in samples],
    }
    if all("source_width" in s for s in samples):
        batch["source_widths"] = torch.tensor(
            [int(s["source_width"]) for s in samples], dtype=torch.long
        )
    return batch
