"""The user's own data: labels files, folders, LMDB, images of any mode, unreadable files."""

from __future__ import annotations

import sys

import pytest
import torch

from lstmzoo.data.ocr import ImagePrep, LabeledImages, LmdbLines, OCRDataModule, read_label_file
from lstmzoo.data.ocr.files import write_lmdb
from lstmzoo.data.ocr.images import collate_lines, open_image
from lstmzoo.errors import ConfigError, DataError
from tests.helpers_ocr import write_labeled_folder, write_sample

PIL = pytest.importorskip("PIL")
from PIL import Image  # noqa: E402


def test_folder_with_labels_txt(tmp_path) -> None:
    folder = write_labeled_folder(tmp_path / "words", ["Hello", "world", "42"])
    dm = OCRDataModule(train_path=str(folder), val_path=str(folder / "labels.txt"), batch_size=2)
    dm.setup("fit")
    assert len(dm.train_set) == 3 and len(dm.val_set) == 3
    item = dm.val_set[0]
    assert item["text"] == "hello"  # case folded to the alphabet
    assert item["x"].shape == (1, 32, 100)
    assert item["name"].endswith("img_000.png")
    batch = next(iter(dm.train_dataloader()))
    assert batch["x"].shape == (2, 1, 32, 100)
    assert sorted(batch["text"]) == sorted(batch["text"]) and len(batch["text"]) == 2


def test_folder_with_gt_txt_and_a_held_out_validation_part(tmp_path) -> None:
    folder = write_labeled_folder(tmp_path / "gt", [f"w{i}" for i in range(10)], "gt.txt")
    dm = OCRDataModule(train_path=str(folder), val_fraction=0.2, seed=1)
    dm.setup("fit")
    train_names = {dm.train_set[i]["name"] for i in range(len(dm.train_set))}
    val_names = {dm.val_set[i]["name"] for i in range(len(dm.val_set))}
    assert len(train_names) == 8 and len(val_names) == 2
    assert not train_names & val_names


def test_label_file_errors_name_file_and_line(tmp_path) -> None:
    bad = tmp_path / "labels.txt"
    bad.write_text("a.png\tok\nb.png no tab\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"labels\.txt, line 2.*TAB"):
        read_label_file(bad)
    (tmp_path / "no_labels").mkdir()
    with pytest.raises(DataError, match=r"labels\.txt or gt\.txt"):
        OCRDataModule().labeled(str(tmp_path / "no_labels"), "x")
    with pytest.raises(DataError, match="does not exist"):
        OCRDataModule().labeled(str(tmp_path / "missing.txt"), "x")


def test_oov_label_in_a_labels_file_names_the_line(tmp_path) -> None:
    folder = write_labeled_folder(tmp_path / "w", ["fine", "what?"])
    dm = OCRDataModule(train_path=str(folder), val_fraction=0.0)
    with pytest.raises(DataError, match=r"line 2 .*'\?'"):
        dm.setup("fit")
    dm = OCRDataModule(train_path=str(folder), val_fraction=0.0, oov_policy="drop")
    dm.setup("fit")
    assert [dm.train_set[i]["text"] for i in range(2)] == ["fine", "what"]


def test_too_long_label_in_a_labels_file_is_rejected_at_setup(tmp_path) -> None:
    folder = write_labeled_folder(tmp_path / "w", ["short", "aaaaaaaaaaaaaaaaaaaa"])
    dm = OCRDataModule(train_path=str(folder), val_fraction=0.0)
    with pytest.raises(DataError, match=r"img_001\.png.*CTC steps"):
        dm.setup("fit")
    wide = OCRDataModule(train_path=str(folder), val_fraction=0.0, image_width=200)
    wide.setup("fit")  # 51 steps: fits
    assert len(wide.train_set) == 2


def test_lmdb_dataset(tmp_path) -> None:
    pytest.importorskip("lmdb")
    imgs = [write_sample(tmp_path / f"{t}.png", t) for t in ("cat", "dog", "bird")]
    count = write_lmdb(
        tmp_path / "lmdb",
        [(imgs[0], "cat"), (imgs[1].read_bytes(), "Dog"), (Image.open(imgs[2]), "bird")],
    )
    assert count == 3
    ds = LmdbLines(tmp_path / "lmdb", ImagePrep())
    assert ds.labels == ["cat", "Dog", "bird"]
    assert ds[1]["x"].shape == (1, 32, 100)
    assert ds[0]["name"].endswith("#image-000000001")  # 1-indexed keys
    dm = OCRDataModule(train_path=str(tmp_path / "lmdb"), val_fraction=0.0, num_workers=0)
    dm.setup("fit")
    assert sorted(dm.train_set[i]["text"] for i in range(3)) == ["bird", "cat", "dog"]
    # works through a worker process too (the environment is reopened there)
    dm2 = OCRDataModule(
        train_path=str(tmp_path / "lmdb"), val_fraction=0.0, num_workers=1, batch_size=3
    )
    dm2.setup("fit")
    assert len(next(iter(dm2.train_dataloader()))["text"]) == 3


def test_lmdb_without_num_samples_and_without_the_package(tmp_path, monkeypatch) -> None:
    lmdb = pytest.importorskip("lmdb")
    env = lmdb.open(str(tmp_path / "bad"))
    with env.begin(write=True) as txn:
        txn.put(b"label-000000001", b"x")
    env.close()
    with pytest.raises(DataError, match="num-samples"):
        LmdbLines(tmp_path / "bad", ImagePrep())
    monkeypatch.setitem(sys.modules, "lmdb", None)
    with pytest.raises(ConfigError, match="pip install lmdb"):
        LmdbLines(tmp_path / "bad", ImagePrep())


def bad_files(folder):
    folder.mkdir(parents=True, exist_ok=True)
    good = write_sample(folder / "good.png", "ok")
    (folder / "empty.png").write_bytes(b"")
    (folder / "garbage.jpg").write_bytes(b"this is not an image")
    (folder / "truncated.png").write_bytes(good.read_bytes()[:60])
    return folder


@pytest.mark.parametrize("name", ["empty.png", "garbage.jpg", "truncated.png", "missing.png"])
def test_unreadable_training_image_is_a_data_error_naming_it(tmp_path, name) -> None:
    folder = bad_files(tmp_path / "bad")
    ds = LabeledImages([folder / name], ["ok"], ImagePrep())
    with pytest.raises(DataError, match=name.replace(".", r"\.")):
        ds[0]


def test_missing_and_empty_files_are_named_when_the_data_is_set_up(tmp_path) -> None:
    folder = bad_files(tmp_path / "set")
    (folder / "labels.txt").write_text(
        "good.png\tok\nempty.png\tok\nmissing.png\tok\n", encoding="utf-8"
    )
    dm = OCRDataModule(train_path=str(folder), val_fraction=0.0)
    with pytest.raises(
        DataError, match=r"2 image file.*empty\.png \(empty.*missing\.png \(missing"
    ):
        dm.setup("fit")


def test_unreadable_images_become_error_items_for_prediction(tmp_path) -> None:
    folder = bad_files(tmp_path / "bad")
    dm = OCRDataModule(predict_path=str(folder))
    dm.setup("predict")
    items = [dm.predict_set[i] for i in range(len(dm.predict_set))]
    errors = {i["name"].rsplit("/", 1)[-1]: i.get("error") for i in items}
    assert errors["good.png"] is None
    assert "empty" in errors["empty.png"]
    assert errors["garbage.jpg"] and errors["truncated.png"]
    batch = collate_lines(items)
    assert batch["x"].shape[0] == 4 and batch["error"].count(None) == 1


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "LA", "P", "1", "I;16", "I", "F", "CMYK"])
def test_any_image_mode_becomes_a_32_high_gray_tensor(tmp_path, mode) -> None:
    base = Image.open(write_sample(tmp_path / "s.png", "mode")).convert("L")
    if mode in ("I;16", "I", "F"):
        img = base.convert("I").point(lambda v: v * 200).convert(mode)
    else:
        img = base.convert(mode)
    img = img.resize((230, 70))
    x = ImagePrep()(img)
    assert x.shape == (1, 32, 100) and x.dtype == torch.float32
    assert x.min() < -0.3 and x.max() > 0.3  # contrast survives the conversion
    v = ImagePrep(width=None)(img)
    assert v.shape == (1, 32, round(230 * 32 / 70))


def test_transparent_text_is_drawn_on_white(tmp_path) -> None:
    img = Image.new("RGBA", (60, 20), (0, 0, 0, 0))
    img.paste((0, 0, 0, 255), (10, 5, 50, 15))
    x = ImagePrep(width=None)(img)
    assert x[0, 0, 0] == 1.0 and x[0, 16, 30] < -0.9


def test_keep_ratio_pads_with_the_right_edge(tmp_path) -> None:
    img = Image.new("L", (40, 32), 200)
    img.paste(90, (39, 0, 40, 16))  # a two-tone right edge
    x = ImagePrep(width=100, keep_ratio=True)(img)
    assert x.shape == (1, 32, 100)
    assert torch.allclose(x[..., 40:], x[..., 39:40].expand(-1, -1, 60))
    assert x[0, 0, 99] < x[0, 31, 99]


def test_open_image_accepts_bytes_and_pil(tmp_path) -> None:
    path = write_sample(tmp_path / "a.png", "a")
    assert open_image(path.read_bytes()).size == (100, 32)
    assert open_image(Image.open(path)).size == (100, 32)
    with pytest.raises(DataError, match="empty"):
        open_image(b"")
