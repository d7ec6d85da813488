"""Pretrained weights that ship inside the package: safetensors files and their model cards.

Every shipped weight is two files in this folder:

* ``<model>-<tag>.safetensors``: the model's ``state_dict`` (float32, or float16 / bfloat16 where
  the card shows the metric unchanged), with the constructor arguments the weights were trained
  with stored as JSON in the file's metadata (``hyper_parameters``);
* ``<model>-<tag>.yaml``: the model card. It names the registry model and the tag, the file's
  SHA-256, the architecture, the data and the exact training command, the machine, wall time,
  steps and seed, the lstmzoo version and commit, the test metrics with the command that
  measured them, and a few fixed inputs with the predictions the weights give on them.

Nothing is downloaded: the files are package data, so a wheel install works offline.

Loading checks, in this order, and fails with one :class:`~lstmzoo.errors.CheckpointError` or
:class:`~lstmzoo.errors.ConfigError` saying what differs:

1. the tag exists (an unknown tag lists the tags that do);
2. the file's SHA-256 equals the card's (a corrupted file is named as such, never half-loaded);
3. the card's architecture equals the file's stored hyperparameters;
4. the model class of this lstmzoo version accepts those hyperparameters;
5. the ``state_dict`` matches the model built from them, name by name and shape by shape.

::

    import lstmzoo
    lstmzoo.list_models(pretrained=True)                 # names with shipped weights
    model = lstmzoo.create_model("lstm", pretrained=True)  # the default tag
    model = lstmzoo.create_model("lstm", pretrained="adding_t200")
    print(lstmzoo.weights.get_card("lstm").render())

The package is three modules and their samples: :mod:`~lstmzoo.weights.cards` (finding and
writing cards), :mod:`~lstmzoo.weights.files` (reading and writing the safetensors files),
:mod:`~lstmzoo.weights.pretrained` (building a model from them) and
:mod:`~lstmzoo.weights.samples` (the fixed inputs a card records). Everything public is
importable from ``lstmzoo.weights``.
"""

from __future__ import annotations

from lstmzoo.utils import sha256_file
from lstmzoo.weights.cards import (
    CARD_FORMAT,
    WEIGHTS_PATH_ENV,
    WeightsCard,
    _card_dir,  # noqa: F401 - the shipped folder, read by the tests of the shipped weights
    _cards_in,  # noqa: F401 - its cache is cleared by tests that write cards
    available_tags,
    card_folders,
    get_card,
    list_cards,
    make_card,
    summarize_architecture,
)
from lstmzoo.weights.files import check_architecture, read_weights, write_weights
from lstmzoo.weights.pretrained import load_pretrained, load_weights_into

__all__ = [
    "CARD_FORMAT",
    "WEIGHTS_PATH_ENV",
    "WeightsCard",
    "available_tags",
    "card_folders",
    "check_architecture",
    "get_card",
    "list_cards",
    "load_pretrained",
    "load_weights_into",
    "make_card",
    "read_weights",
    "sha256_file",
    "summarize_architecture",
    "write_weights",
]
