"""TextClassificationData as a whole: its constructor, its import paths, and the
Lightning-free pieces it is composed of (each piece has its own test file)."""

from __future__ import annotations

import inspect
import subprocess
import sys
import typing
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers_text import write_tiny_dataset

import lstmzoo.data as zoo_data
import lstmzoo.data.text as text_data
from lstmzoo.data.text import TextClassificationData, datamodule

ROOT = Path(__file__).resolve().parents[2]

#: (name, default, annotation as written): LightningCLI, the recipes under configs/ and the
#: cards of the shipped weights pass these arguments by name
SIGNATURE = [
    ("train_file", None, "Optional[str]"),
    ("val_file", None, "Optional[str]"),
    ("test_file", None, "Optional[str]"),
    ("predict_file", None, "Optional[str]"),
    ("format", "auto", "Format"),
    ("text_column", "text", "str"),
    ("label_column", "label", "str"),
    ("encoding", "utf-8", "str"),
    ("corpora", None, "Optional[list[str]]"),
    ("corpus_balance", 1.0, "ClosedUnitInterval"),
    ("snippets_file", None, "Optional[str]"),
    ("cache_dir", None, "Optional[str]"),
    ("download", True, "bool"),
    ("neutral_band", -1.0, "float"),
    ("drop_neutral_from", ["train"], "list[Split]"),
    ("soft_labels", None, "Optional[PositiveFloat]"),
    ("val_fraction", 0.1, "Probability"),
    ("test_fraction", 0.1, "Probability"),
    ("split_seed", 0, "int"),
    ("tokenizer", "word", "TokenizerKind"),
    ("lowercase", True, "bool"),
    ("token_pattern", None, "Optional[str]"),
    ("markup", "keep", "MarkupMode"),
    ("lexicon", None, "Optional[str]"),
    ("token_flags", False, "bool"),
    ("valence_rules", False, "bool"),
    ("text_score", False, "bool"),
    ("corpus_features", False, "bool"),
    ("rule_teacher", 0.0, "Probability"),
    ("rule_teacher_scale", 5.0, "PositiveFloat"),
    ("rule_teacher_unanimous", None, "Optional[Probability]"),
    ("char_ngram_buckets", 0, "NonNegativeInt"),
    ("char_ngram_orders", [3, 4], "list[int]"),
    ("max_char_ngrams", 16, "PositiveInt"),
    ("min_freq", 1, "PositiveInt"),
    ("max_vocab_size", None, "Optional[PositiveInt]"),
    ("max_length", 256, "Optional[PositiveInt]"),
    ("vocab", None, "Optional[list]"),
    ("classes", None, "Optional[list[str]]"),
    ("bucketing", True, "bool"),
    ("pool_batches", None, "Optional[PositiveInt]"),
    ("skip_empty_predict", False, "bool"),
    ("batch_size", 32, "PositiveInt"),
    ("num_workers", 0, "NonNegativeInt"),
    ("seed", None, "Optional[int]"),
]

#: the data-preparation modules: none may need Lightning
PURE_MODULES = [
    "corpora",
    "dataset",
    "encoding",
    "loaders",
    "model_kwargs",
    "sources",
    "splits",
    "targets",
]


def test_the_constructor_signature_is_unchanged() -> None:
    params = list(inspect.signature(TextClassificationData.__init__).parameters.values())[1:]
    found = [(p.name, p.default, p.annotation) for p in params]
    assert found == SIGNATURE
    hints = typing.get_type_hints(TextClassificationData.__init__)  # every name resolves
    assert set(hints) == {name for name, _, _ in SIGNATURE} | {"return"}


@pytest.mark.parametrize(
    "path",
    [
        "configs/bilstm_sentiment.yaml",
        "configs/bilstm_sentiment_general.yaml",
        "lstmzoo/weights/bilstm_sentiment-movie_snippets.yaml",
        "lstmzoo/weights/bilstm_sentiment-general.yaml",
    ],
)
def test_recipes_and_weight_cards_pass_known_arguments(path: str) -> None:
    lines = (ROOT / path).read_text("utf-8").splitlines()
    start = lines.index("data:")  # only this top-level section: a card holds a vocabulary too
    end = next((i for i in range(start + 1, len(lines)) if lines[i][:1].isalpha()), len(lines))
    data = yaml.safe_load("\n".join(lines[start:end]))["data"]
    assert data["class_path"].rsplit(".", 1)[-1] == "TextClassificationData"
    known = {name for name, _, _ in SIGNATURE}
    unknown = set(data.get("init_args") or {}) - known
    assert not unknown, f"{path} passes {sorted(unknown)}, which the constructor does not take"


def test_public_names_keep_their_import_paths() -> None:
    assert zoo_data.TextClassificationData is text_data.TextClassificationData
    assert datamodule.TextClassificationData is text_data.TextClassificationData
    assert TextClassificationData.__module__ == "lstmzoo.data.text.datamodule"  # class_path
    for name in ("EncodedTexts", "encode_texts", "text_collate"):
        assert getattr(datamodule, name) is getattr(text_data, name)
        assert name in datamodule.__all__ and name in text_data.__all__
    for name in text_data.__all__:
        assert getattr(text_data, name) is not None


def test_overrides_override_a_parent_method() -> None:
    marked = [
        name
        for name, value in vars(TextClassificationData).items()
        if getattr(value, "__override__", False)
    ]
    assert {"setup", "prepare_data", "train_dataloader", "model_kwargs"} <= set(marked)
    for name in marked:
        parents = TextClassificationData.__mro__[1:]
        assert any(name in vars(base) for base in parents), f"{name} overrides nothing"


def test_data_preparation_imports_no_lightning() -> None:
    """The pieces load with Lightning blocked (the package __init__ files, which import the
    data modules, are skipped: the pieces themselves must not need it)."""
    code = f"""
import importlib, importlib.abc, sys, types
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("lightning", "pytorch_lightning"):
            raise ImportError("Lightning imported by " + name)
sys.meta_path.insert(0, Block())
import lstmzoo
for package in ("lstmzoo.data", "lstmzoo.data.text"):
    module = types.ModuleType(package)
    module.__path__ = [str(__import__("pathlib").Path(lstmzoo.__file__).parent.joinpath(
        *package.split(".")[1:]))]
    sys.modules[package] = module
for name in {PURE_MODULES!r}:
    importlib.import_module("lstmzoo.data.text." + name)
loaded = sorted(m for m in sys.modules if m.startswith(("lightning", "pytorch_lightning")))
print("loaded:", loaded)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "loaded: []"


def test_fit_test_and_predict_setups_compose(tmp_path: Path) -> None:
    files = write_tiny_dataset(tmp_path)
    dm = TextClassificationData(
        train_file=str(files["train"]),
        val_file=str(files["val"]),
        test_file=str(files["test"]),
        predict_file=str(files["predict"]),
        batch_size=16,
    )
    dm.setup()
    assert (len(dm.train_set), len(dm.val_set), len(dm.test_set)) == (112, 24, 24)
    assert len(dm.predict_set) == 3 and dm.predict_set.labels is None
    assert set(dm.stats) == {"train", "val", "test", "predict"}
    assert dm.stats["train"]["texts"] == 112
    for loader in (dm.train_dataloader(), dm.val_dataloader(), dm.test_dataloader()):
        batch = next(iter(loader))
        assert batch["x"].shape[0] == len(batch["y"]) <= 24
    predicted = [text for b in dm.predict_dataloader() for text in b["text"]]
    assert predicted == dm.predict_set.texts and predicted[0] == "a great and wonderful film"
    with pytest.raises(RuntimeError, match="no train split"):
        TextClassificationData().train_dataloader()
