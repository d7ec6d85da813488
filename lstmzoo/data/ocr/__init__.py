"""OCR data: synthetic text lines rendered on the fly, and readers for the user's own images.

* :class:`OCRDataModule` - the LightningDataModule of the ``crnn_ocr`` model;
* :mod:`~lstmzoo.data.ocr.render` - the synthetic renderer (:func:`save_sample` writes an example);
* :mod:`~lstmzoo.data.ocr.fonts` - the pinned font set, font discovery, selection by family;
* :mod:`~lstmzoo.data.ocr.files` - labels files, folders and LMDB datasets;
* :mod:`~lstmzoo.data.ocr.labels` - alphabet and CTC-length checks of labels;
* :mod:`~lstmzoo.data.ocr.images` - image reading and resizing to model inputs.

Pillow is needed to render or read images, and the renderer's fonts come from pinned font
packages (both: ``pip install 'lstmzoo[ocr]'``); Pillow is imported only when images are touched.
"""

from lstmzoo.data.ocr.datamodule import FreshSampler, OCRDataModule
from lstmzoo.data.ocr.files import LabeledImages, LmdbLines, read_label_file, write_lmdb
from lstmzoo.data.ocr.fonts import (
    PACKAGED_FONTS,
    FontFile,
    FontPackage,
    discover_fonts,
    font_families,
    missing_glyphs,
    packaged_fonts,
    resolve_fonts,
)
from lstmzoo.data.ocr.images import ImagePrep, collate_lines, open_image, to_grayscale, to_tensor
from lstmzoo.data.ocr.labels import check_label, check_labels
from lstmzoo.data.ocr.prerender import PrerenderedLines, prerender
from lstmzoo.data.ocr.render import (
    SyntheticTextLines,
    TextLineRenderer,
    TextSource,
    load_words,
    save_sample,
)

__all__ = [
    "PACKAGED_FONTS",
    "FontFile",
    "FontPackage",
    "FreshSampler",
    "ImagePrep",
    "LabeledImages",
    "LmdbLines",
    "OCRDataModule",
    "PrerenderedLines",
    "SyntheticTextLines",
    "TextLineRenderer",
    "TextSource",
    "check_label",
    "check_labels",
    "collate_lines",
    "discover_fonts",
    "font_families",
    "load_words",
    "missing_glyphs",
    "open_image",
    "packaged_fonts",
    "prerender",
    "read_label_file",
    "resolve_fonts",
    "save_sample",
    "to_grayscale",
    "to_tensor",
    "write_lmdb",
]
