"""OCRDataModule: endless synthetic epochs, pre-rendering, predict sources, checkpoint values."""

from __future__ import annotations

import pytest
import torch

from lstmzoo.data.ocr import FreshSampler, OCRDataModule, PrerenderedLines
from lstmzoo.errors import ConfigError, DataError
from tests.helpers_ocr import REPO, write_labeled_folder, write_sample

pytest.importorskip("PIL")


def test_fresh_sampler_gives_new_indices_every_epoch() -> None:
    sampler = FreshSampler(5)
    assert list(sampler) == [0, 1, 2, 3, 4]
    assert list(sampler) == [5, 6, 7, 8, 9]
    epoch = [3]
    follows = FreshSampler(4, epoch_fn=lambda: epoch[0])
    assert list(follows) == [12, 13, 14, 15]
    assert len(follows) == 4


def test_synthetic_training_loader_batches() -> None:
    dm = OCRDataModule(num_train=6, num_val=4, batch_size=3)
    dm.setup("fit")
    loader = dm.train_dataloader()
    first = [b["text"] for b in loader]
    second = [b["text"] for b in loader]
    assert len(first) == 2 and first != second  # a new epoch renders new samples
    batch = next(iter(dm.val_dataloader()))
    assert batch["x"].shape == (3, 1, 32, 100)
    assert batch["widths"].tolist() == [100, 100, 100]


def test_prerender_writes_once_and_reads_back_the_same_images(tmp_path, caplog) -> None:
    dm = OCRDataModule(num_train=12, prerender_dir=str(tmp_path / "cache"), seed=2)
    dm.setup("fit")
    assert isinstance(dm.train_set, PrerenderedLines)
    live = dm.synthetic("train")
    for i in (0, 7, 11):
        item = dm.train_set[i]
        assert item["text"] == live[i]["text"]
        # stored as 8-bit pixels: equal up to rounding
        assert torch.allclose(item["x"], live[i]["x"], atol=1.0 / 127.5 + 1e-6)
    folders = list((tmp_path / "cache").iterdir())
    assert len(folders) == 1
    stamp = (folders[0] / "images.u8").stat().st_mtime_ns
    again = OCRDataModule(num_train=12, prerender_dir=str(tmp_path / "cache"), seed=2)
    again.setup("fit")
    assert (folders[0] / "images.u8").stat().st_mtime_ns == stamp  # reused, not re-rendered
    other = OCRDataModule(num_train=12, prerender_dir=str(tmp_path / "cache"), seed=3)
    other.setup("fit")
    assert len(list((tmp_path / "cache").iterdir())) == 2  # other settings: a new render
    dm.batch_size = 12
    texts = next(iter(dm.train_dataloader()))["text"]
    assert sorted(texts) == sorted(live[i]["text"] for i in range(12))  # one epoch, shuffled


def test_prerender_in_parallel(tmp_path) -> None:
    dm = OCRDataModule(num_train=10, prerender_dir=str(tmp_path), num_workers=2, seed=5)
    dm.setup("fit")
    live = dm.synthetic("train")
    assert [dm.train_set[i]["text"] for i in range(10)] == [live[i]["text"] for i in range(10)]


def test_predict_sources(tmp_path) -> None:
    one = write_sample(tmp_path / "one.png", "one")
    dm = OCRDataModule(predict_path=str(one))
    dm.setup("predict")
    assert len(dm.predict_set) == 1
    folder = write_labeled_folder(tmp_path / "set", ["Alpha", "beta"])
    dm = OCRDataModule(predict_path=str(folder / "labels.txt"))
    dm.setup("predict")
    assert [dm.predict_set[i]["text"] for i in range(2)] == ["alpha", "beta"]
    dm = OCRDataModule(predict_path=str(folder))  # a folder: every image in it, recursively
    dm.setup("predict")
    assert len(dm.predict_set) == 2
    with pytest.raises(ConfigError, match="predict_path"):
        OCRDataModule().setup("predict")
    with pytest.raises(DataError, match="does not exist"):
        OCRDataModule(predict_path=str(tmp_path / "nope.png")).setup("predict")


def test_variable_width_prediction_with_keep_ratio(tmp_path) -> None:
    from PIL import Image

    wide = tmp_path / "wide.png"
    Image.new("L", (400, 40), 255).save(wide)
    dm = OCRDataModule(predict_path=str(wide), keep_ratio=True)
    dm.setup("predict")
    assert dm.predict_set[0]["x"].shape == (1, 32, 320)
    fixed = OCRDataModule(predict_path=str(wide))
    fixed.setup("predict")
    assert fixed.predict_set[0]["x"].shape == (1, 32, 100)


def test_model_kwargs_round_trip() -> None:
    dm = OCRDataModule(alphabet="abc", case_fold=False, image_width=160)
    kwargs = dm.model_kwargs()
    assert kwargs == {
        "alphabet": "abc",
        "case_fold": False,
        "image_width": 160,
        "keep_ratio": False,
    }
    other = OCRDataModule()
    other.adopt_model_kwargs(kwargs)
    assert other.alphabet.chars == "abc" and other.image_width == 160 and other.max_steps == 41


def test_bad_settings_are_config_errors() -> None:
    with pytest.raises(ConfigError):
        OCRDataModule(image_width=2)
    with pytest.raises(ConfigError):
        OCRDataModule(val_fraction=1.0)
    with pytest.raises(ConfigError):
        OCRDataModule(num_val=0)


def test_shipped_holdout_families_are_in_no_training_or_validation_image(caplog) -> None:
    import yaml

    from lstmzoo.data.ocr import PACKAGED_FONTS, font_families

    configs = REPO / "configs"
    base = yaml.safe_load((configs / "crnn_ocr.yaml").read_text())["data"]["init_args"]
    unseen = yaml.safe_load((configs / "crnn_ocr_unseen_font.yaml").read_text())["data"]
    held = set(base["holdout_fonts"])
    kinds = {f: p.kind for p in PACKAGED_FONTS for f in p.families}
    assert {"serif", "sans"} <= {kinds[f] for f in held}  # whole packaged families
    assert set(unseen["init_args"]["test_fonts"]) == held
    dm = OCRDataModule(
        holdout_fonts=base["holdout_fonts"], test_fonts=unseen["init_args"]["test_fonts"]
    )
    train = set(font_families(dm.fonts_for("train")))
    assert not train & held and not set(font_families(dm.fonts_for("val"))) & held
    assert set(font_families(dm.fonts_for("test"))) == held
    assert train | held == set(kinds)  # everything else trains
    # an explicit validation pattern cannot bring a held-out family back
    dm = OCRDataModule(holdout_fonts=["Carlito"], val_fonts=["Carl*", "Lato"])
    assert font_families(dm.fonts_for("val")) == ["Lato"]
    # a held-out name that matches nothing is reported (a typo would hold out nothing)
    with caplog.at_level("WARNING"):
        OCRDataModule(holdout_fonts=["Carlitto"]).fonts_for("train")
    assert "'Carlitto' matches no font" in caplog.text


def test_the_prerender_key_follows_every_augmentation_knob() -> None:
    from lstmzoo.data.ocr.prerender import settings_key

    def key(**kwargs) -> str:
        return settings_key(OCRDataModule(num_train=4, **kwargs).synthetic("train"))

    base = key()
    assert key() == base
    for change in (
        dict(invert_prob=0.5),
        dict(natural_width_prob=0.0),
        dict(resample_prob=0.0),
        dict(resample_height=(24, 64)),
        dict(holdout_fonts=["Lato"]),
    ):
        assert key(**change) != base, change
