"""The weights that ship in the package: each one still gives its card's answers.

The default suite loads every shipped weight, checks its samples and a few answers anyone can
judge (the example images, two obvious sentences). The slow suite re-measures each card's
headline metric with the command written on the card.
"""

from __future__ import annotations

import csv
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import lstmzoo
from lstmzoo.weights import _card_dir, list_cards, load_pretrained
from lstmzoo.weights.samples import check_samples, example_images

REPO = Path(__file__).resolve().parents[2]
SHIPPED = list_cards(folder=_card_dir())
IDS = [card.reference for card in SHIPPED]
#: the models whose task means something on its own: each ships weights
EXPECTED = {"lstm", "lstm_2layer", "bilstm_sentiment", "crnn_ocr"}
#: what the package may add to a wheel: the general sentiment weights (14 MB in float16, most of
#: it the word and character n-gram embeddings) brought the total to about 27 MB; 40 MB keeps the
#: wheel well under PyPI's 100 MB file limit with room for one more set of OCR weights
MAX_TOTAL_BYTES = 40 * 10**6


def test_every_model_with_a_task_of_its_own_ships_weights() -> None:
    assert {card.model for card in SHIPPED} >= EXPECTED
    assert set(lstmzoo.list_models(pretrained=True)) >= EXPECTED
    for model in EXPECTED:
        assert sum(card.default for card in SHIPPED if card.model == model) == 1


def test_the_weights_stay_small() -> None:
    total = sum(card.weights_path.stat().st_size for card in SHIPPED)
    assert total <= MAX_TOTAL_BYTES


@pytest.mark.parametrize("card", SHIPPED, ids=IDS)
def test_shipped_weights_give_their_card_samples(card) -> None:
    model = load_pretrained(card.model, card.tag)
    assert check_samples(model, card.samples) == []
    for key in ("training", "evaluation", "data", "headline"):
        assert card.raw.get(key), f"{card.reference}: the card has no {key} section"
    assert card.raw["training"]["command"].startswith("lstmzoo fit")


def _cards_of(model: str) -> list:
    return [card for card in SHIPPED if card.model == model]


@pytest.mark.parametrize("card", _cards_of("crnn_ocr"), ids=lambda c: c.reference)
def test_shipped_ocr_reads_the_example_images(card) -> None:
    labels = dict(
        line.split("\t")
        for line in (REPO / "examples" / "ocr" / "labels.txt").read_text().splitlines()
        if line.strip()
    )
    model = load_pretrained(card.model, card.tag)
    images = example_images()
    for resize in ("fixed", "variable"):
        texts = [r.text for r in model.read(images, resize=resize)]
        assert texts == [labels[p.name] for p in images], resize


@pytest.mark.parametrize("card", _cards_of("bilstm_sentiment"), ids=lambda c: c.reference)
def test_shipped_sentiment_gets_two_obvious_sentences(card) -> None:
    model = load_pretrained(card.model, card.tag)
    records = model.predict_text(
        ["a wonderful, moving film with a brilliant cast.", "a dull, boring and awful mess."]
    )
    assert [r["label"] for r in records] == ["positive", "negative"]


@pytest.mark.slow
@pytest.mark.parametrize("card", SHIPPED, ids=IDS)
def test_the_card_metric_reproduces(card, tmp_path: Path) -> None:
    command = card.raw["evaluation"]["commands"]["test"]
    args = shlex.split(command)
    assert args[:2] == ["lstmzoo", "test"]
    logs = ["--trainer.logger", "lightning.pytorch.loggers.CSVLogger"]
    logs += ["--trainer.logger.init_args.save_dir", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, "-m", "lstmzoo", *args[1:], *logs],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (metrics_file,) = tmp_path.rglob("metrics.csv")
    rows = list(csv.DictReader(metrics_file.open()))
    name = card.headline["metric"]
    value = float(next(r[name] for r in rows if r.get(name)))
    assert value == pytest.approx(float(card.headline["value"]), abs=1e-3)
