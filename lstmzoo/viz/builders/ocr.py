"""The ``ctc-alignment`` figure: a small CRNN, trained for about a minute on rendered words,
reads one word; its settings are shared with notebook 05."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from lstmzoo.viz.ocr import BLANK_LABEL, plot_ctc_alignment

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["OCR", "ctc_alignment_figure", "ocr_fonts"]

#: Settings shared by the ``ctc-alignment`` figure and notebook 05: a small CRNN (eighth-width
#: backbone) trained for about a minute on clean renders of short words and random strings over
#: ten letters, in two fonts, keeping the text's aspect ratio.
OCR: dict[str, Any] = {
    "alphabet": "adeilnorst",
    "max_chars": 6,
    "random_fraction": 0.25,
    "width_mult": 0.125,
    "hidden_size": 64,
    "lr": 5e-3,
    "steps": 600,
    "batch_size": 16,
    "keep_ratio": True,
    "word": "dollar",
}


def ocr_fonts() -> list[str]:
    """The two training fonts of the small OCR example, from the pinned set that the ``ocr``
    extra installs (the same on every machine): DejaVu Sans and TeX Gyre Heros."""
    return ["DejaVu Sans", "TeX Gyre Heros"]


def _ocr_data(seed: int) -> Any:
    from lstmzoo.data import OCRDataModule

    data = OCRDataModule(
        alphabet=OCR["alphabet"],
        train_fonts=ocr_fonts(),
        max_chars=OCR["max_chars"],
        random_fraction=OCR["random_fraction"],
        number_fraction=0.0,
        augment=0.0,
        keep_ratio=OCR["keep_ratio"],
        num_train=OCR["steps"] * OCR["batch_size"],
        num_val=16,
        num_test=16,
        batch_size=OCR["batch_size"],
        seed=seed,
    )
    data.setup("fit")
    return data


def ctc_alignment_figure(seed: int = 0) -> Figure:
    """A small CRNN, trained briefly on rendered words, reads one word: the class probabilities
    of its 26 output steps under the image, best path outlined."""
    import random

    import lstmzoo
    from lstmzoo.data.ocr import TextLineRenderer, resolve_fonts, to_tensor
    from lstmzoo.explain import receptive_columns, train_steps
    from lstmzoo.nn.ctc import ctc_collapse

    data = _ocr_data(seed)
    torch.manual_seed(seed)
    model = lstmzoo.create_model(
        "crnn_ocr",
        **data.model_kwargs(),
        width_mult=OCR["width_mult"],
        hidden_size=OCR["hidden_size"],
        batch_norm="all",
        lr=OCR["lr"],
    )
    train_steps(model, data.train_dataloader(), OCR["steps"], clip=5.0, schedule="one_cycle")
    word = OCR["word"]
    fonts = resolve_fonts(ocr_fonts()[:1], chars=word)
    renderer = TextLineRenderer(fonts, keep_ratio=OCR["keep_ratio"], augment=0.0)
    image = to_tensor(renderer.render(word, random.Random(seed)))  # (1, 32, 100)
    with torch.no_grad():
        probs = model(image.unsqueeze(0)).logits.softmax(-1)[0]  # (26, K + 1)
    read = model.alphabet.decode(ctc_collapse(probs.argmax(-1).tolist()))
    names = [BLANK_LABEL, *model.alphabet.chars]
    columns = receptive_columns(model.net.backbone, image.shape[-1])
    return plot_ctc_alignment(
        image,
        probs,
        names,
        columns,
        title=f"CTC alignment of a small CRNN: '{word}' read as '{read}'",
    )
