"""OCR data: synthetic words and text lines rendered on the fly, and readers for the user's own
images.

* :class:`OCRDataModule` - the LightningDataModule of the ``crnn_ocr`` model;
* :mod:`~lstmzoo.data.ocr.render` - the synthetic renderer (:func:`save_sample` writes an example);
* :mod:`~lstmzoo.data.ocr.degrade` - what a rendered line goes through (JPEG, illumination,
  letter spacing, the scan look, ...);
* :mod:`~lstmzoo.data.ocr.linetext` - the texts of text lines: corpus sentences and generated
  numbers, prices, dates, codes, addresses;
* :mod:`~lstmzoo.data.ocr.wordlist` - the built-in word list;
* :mod:`~lstmzoo.data.ocr.fonts` - the pinned font set, font discovery, selection by family;
* :mod:`~lstmzoo.data.ocr.files` - labels files, folders and LMDB datasets;
* :mod:`~lstmzoo.data.ocr.labels` - alphabet and CTC-length checks of labels;
* :mod:`~lstmzoo.data.ocr.asciifold` - folding characters to an alphabet (to ASCII);
* :mod:`~lstmzoo.data.ocr.images` - image reading and resizing to model inputs;
* :mod:`~lstmzoo.data.ocr.sampler` - endless synthetic epochs and batches of similar width.

Pillow is needed to render or read images, and the renderer's fonts come from pinned font
packages (both: ``pip install 'lstmzoo[ocr]'``); Pillow is imported only when images are touched.
"""

from lstmzoo.data.ocr.asciifold import fold_text
from lstmzoo.data.ocr.datamodule import OCRDataModule
from lstmzoo.data.ocr.degrade import Degradations
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
from lstmzoo.data.ocr.linetext import LineTextSource, load_sentences
from lstmzoo.data.ocr.prerender import PrerenderedLines, prerender
from lstmzoo.data.ocr.render import (
    SyntheticTextLines,
    TextLineRenderer,
    TextSource,
    load_words,
    save_sample,
)
from lstmzoo.data.ocr.sampler import FreshBucketBatchSampler, FreshSampler

__all__ = [
    "PACKAGED_FONTS",
    "Degradations",
    "FontFile",
    "FontPackage",
    "FreshBucketBatchSampler",
    "FreshSampler",
    "ImagePrep",
    "LabeledImages",
    "LineTextSource",
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
    "fold_text",
    "font_families",
    "load_sentences",
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
