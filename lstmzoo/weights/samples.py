"""The fixed inputs of a model card and the predictions its weights give on them.

A card's ``samples`` let anyone check, without a dataset, that the installed weights still give
the answers they gave when the card was written (``lstmzoo weights --check``, and the test
suite for every shipped weight):

* ``crnn_ocr``: the clean word images in ``examples/ocr/`` (shipped with the package), read with
  the recipe's fixed width: ``{"input": "000_hello.png", "text", "confidence"}``;
* ``bilstm_sentiment``: a few fixed sentences: ``{"input": sentence, "label", "probability"}``
  (the probability of ``label``);
* sequence models: the first samples of the recipe's test split, generated from the recipe's
  seed: ``{"input": {"recipe", "split": "test", "index"}, "target", "prediction"}``.

Predictions are rounded (4 decimals); :func:`check_samples` compares within a tolerance that
covers half-precision storage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import torch

__all__ = ["SENTENCES", "check_samples", "example_images", "make_samples"]

#: Sentences a sentiment card predicts (two obvious ones first).
SENTENCES: tuple[str, ...] = (
    "a gorgeous, witty, seductive movie.",
    "the plot is a mess and the jokes fall flat.",
    "one of the best films of the year, funny and moving.",
    "dull, lifeless and far too long.",
)
#: Sequence samples per card.
SEQUENCE_SAMPLES = 3
#: Decimals kept in a card.
DECIMALS = 4


def example_images() -> list[Path]:
    """The clean word images of ``examples/ocr/`` (sorted by name): the installed copy
    (``lstmzoo/examples/ocr``, which ``setup.py`` puts in the wheel) or the checkout's."""
    package = Path(str(resources.files("lstmzoo")))
    for folder in (package / "examples" / "ocr", package.parent / "examples" / "ocr"):
        images = sorted(folder.glob("*.png"))
        if images:
            return images
    raise FileNotFoundError(f"no examples/ocr/*.png next to {package}: reinstall lstmzoo")


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


def _sequence_batch(recipe: str, count: int) -> dict[str, Any]:
    """The first ``count`` samples of ``recipe``'s test split (the data module's own seed)."""
    import yaml

    import lstmzoo.data
    from lstmzoo.recipes import recipe_path

    cfg = yaml.safe_load(recipe_path(recipe).read_text(encoding="utf-8"))
    data_cfg = cfg["data"]
    name = str(data_cfg["class_path"]).rpartition(".")[2]
    data = getattr(lstmzoo.data, name)(**(data_cfg.get("init_args") or {}))
    data.setup("test")
    dataset = data.test_dataloader().dataset
    collate = data.test_dataloader().collate_fn
    return collate([dataset[i] for i in range(count)])


def make_samples(model: Any, recipe: str | None = None) -> list[dict[str, Any]]:
    """The card samples of ``model`` (a zoo LightningModule); ``recipe`` names the config whose
    test split sequence models sample from (``"lstm_adding"``)."""
    model.eval()
    kind = type(model).__name__
    if kind == "CRNNOCR":
        images = example_images()
        readings = model.read(images, resize="fixed")
        return [
            {"input": p.name, "text": r.text, "confidence": _round(r.confidence)}
            for p, r in zip(images, readings)
        ]
    if kind == "BiLSTMSentiment":
        records = model.predict_text(list(SENTENCES))
        return [
            {
                "input": r["text"],
                "label": r["label"],
                "probability": _round(r["probabilities"][r["label"]]),
            }
            for r in records
        ]
    if recipe is None:
        raise ValueError(f"{kind} samples come from a recipe's test split: pass recipe=")
    batch = _sequence_batch(recipe, SEQUENCE_SAMPLES)
    with torch.no_grad():
        records = model.predict_step(batch, 0)
    return [
        {
            "input": {"recipe": recipe, "split": "test", "index": i},
            "target": _round(r.get("target")),
            "prediction": _round(r["prediction"]),
        }
        for i, r in enumerate(records)
    ]


def _close(a: Any, b: Any, tol: float) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= tol
    return a == b


def check_samples(model: Any, samples: Sequence[Mapping[str, Any]], tol: float = 2e-3) -> list[str]:
    """What differs between ``model``'s answers and a card's ``samples`` (empty: all equal).

    Texts and labels must be equal; confidences, probabilities and regression outputs may
    differ by ``tol``.
    """
    if not samples:
        return ["the card has no samples"]
    recipe = None
    first = samples[0].get("input")
    if isinstance(first, Mapping):
        recipe = str(first["recipe"])
    now = make_samples(model, recipe)
    problems = []
    if len(now) != len(samples):
        return [f"the card has {len(samples)} samples, the model gives {len(now)}"]
    for want, got in zip(samples, now):
        for key, value in want.items():
            if key == "input":
                continue
            if not _close(value, got.get(key), tol):
                problems.append(f"{want['input']}: card {key} {value!r}, model {got.get(key)!r}")
    return problems
