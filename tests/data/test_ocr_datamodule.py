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


# ---------------------------------------------------------------------------- text lines
@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    from tests.helpers_text import write_rated_corpora

    return write_rated_corpora(tmp_path_factory.mktemp("rated"), n=40)


def lines_module(corpora, **kwargs) -> OCRDataModule:
    settings = dict(
        alphabet="printable",
        case_fold=False,
        text_source="lines",
        variable_width=True,
        font_box=True,
        image_width=512,
        snippets_file=str(corpora),
        num_train=48,
        num_val=12,
        num_test=12,
        batch_size=8,
        train_fonts=["DejaVu Sans", "TeX Gyre Termes"],
    )
    settings.update(kwargs)
    return OCRDataModule(**settings)


def test_line_batches_hold_similar_widths_padded_with_the_background(corpora) -> None:
    from lstmzoo.data.ocr.images import background_level
    from lstmzoo.nn.crnn import crnn_output_length
    from lstmzoo.nn.ctc import ctc_min_steps

    dm = lines_module(corpora)
    assert dm.max_chars == 64 and dm.model_kwargs()["keep_ratio"] is True
    dm.setup("fit")
    loader = dm.train_dataloader()
    batches = list(loader)
    assert len(batches) == len(loader) and sum(len(b["text"]) for b in batches) == 48
    for batch in batches:
        widths = batch["widths"].tolist()
        assert batch["x"].shape[-1] == max(widths) <= 512
        assert all(w % 4 == 0 for w in widths)
        for i, (text, width) in enumerate(zip(batch["text"], widths)):
            assert not dm.alphabet.unknown_chars(text) and len(text) <= 64
            assert ctc_min_steps(text) <= crnn_output_length(width)
            if width < max(widths):
                pad = batch["x"][i, ..., width:]
                level = background_level(batch["x"][i, ..., :width])
                assert torch.allclose(pad, torch.full_like(pad, level))
    spread = [max(b["widths"]) / min(b["widths"]) for b in batches if len(b["text"]) > 1]
    assert sorted(spread)[len(spread) // 2] < 2.0  # grouped by width (the median batch)
    val = [b["text"] for b in dm.val_dataloader()]
    assert val == [b["text"] for b in dm.val_dataloader()]  # fixed
    first_epoch = {t for b in batches for t in b["text"]}
    assert first_epoch != {t for b in loader for t in b["text"]}  # a new epoch, new lines


def test_line_settings_are_checked(corpora, tmp_path) -> None:
    with pytest.raises(ConfigError, match="prerender_dir"):
        lines_module(corpora, prerender_dir=str(tmp_path))
    with pytest.raises(ConfigError, match="text_source"):
        OCRDataModule(text_source="pages")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="unknown kind 'poems'"):
        lines_module(corpora, line_mix={"poems": 1.0})
    dm = lines_module(corpora, degradations={"jpeg_prob": 0.5})  # a YAML mapping
    assert dm.degradations.jpeg_prob == 0.5 and dm.degradations.blur_prob == 0.35


def test_lines_without_the_corpora_fail_and_say_how_to_get_them(tmp_path) -> None:
    dm = OCRDataModule(
        alphabet="printable",
        case_fold=False,
        text_source="lines",
        variable_width=True,
        cache_dir=str(tmp_path / "empty"),
        download=False,
    )
    with pytest.raises(DataError, match="pip download"):
        dm.setup("fit")
    # generated lines only need no corpora
    generated = OCRDataModule(
        alphabet="printable",
        case_fold=False,
        text_source="lines",
        variable_width=True,
        line_mix={"prices": 1.0, "dates": 1.0},
        cache_dir=str(tmp_path / "empty"),
        download=False,
        num_val=4,
    )
    assert len(generated.synthetic("val")[0]["text"]) > 0


def test_own_lines_at_natural_width_are_checked_against_their_own_steps(tmp_path) -> None:
    from lstmzoo.data.ocr import save_sample

    folder = tmp_path / "own"
    texts = ["This is a great deal.", "Total: $4.99", "ok"]
    rows = []
    for i, text in enumerate(texts):
        save_sample(folder / f"{i}.png", text, line=True, seed=i)
        rows.append(f"{i}.png\t{text}")
    rows.append("2.png\tok but this label is far too long for a two-letter image")
    (folder / "labels.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    settings = dict(alphabet="printable", case_fold=False, variable_width=True, image_width=512)
    with pytest.raises(DataError, match=r"labels\.txt, line 4 \(.*2\.png\).*CTC steps"):
        OCRDataModule(train_path=str(folder), val_fraction=0.0, **settings).setup("fit")
    dm = OCRDataModule(
        train_path=str(folder), val_fraction=0.0, too_long_policy="skip", batch_size=8, **settings
    )
    dm.setup("fit")
    batch = next(iter(dm.train_dataloader()))
    assert sorted(batch["text"]) == sorted(texts)
    for text, width in zip(batch["text"], batch["widths"].tolist()):
        assert width >= 8 and (text != "ok" or width < 100)  # natural widths, not stretched


def test_shipped_line_recipe_builds_its_data_and_holds_out_two_families(corpora) -> None:
    import yaml

    from lstmzoo.data.ocr import PACKAGED_FONTS

    configs = REPO / "configs"
    words = yaml.safe_load((configs / "crnn_ocr.yaml").read_text())["data"]["init_args"]
    recipe = yaml.safe_load((configs / "crnn_ocr_lines.yaml").read_text())
    data = recipe["data"]["init_args"]
    unseen = yaml.safe_load((configs / "crnn_ocr_lines_unseen_font.yaml").read_text())
    assert data["holdout_fonts"] == words["holdout_fonts"]
    assert unseen["data"]["init_args"]["test_fonts"] == data["holdout_fonts"]
    kinds = {f: p.kind for p in PACKAGED_FONTS for f in p.families}
    assert {kinds[f] for f in data["holdout_fonts"]} == {"serif", "sans"}
    assert recipe["trainer"]["max_time"] == "00:00:30:00"
    assert recipe["model"]["init_args"]["metrics"] == "lines"
    dm = OCRDataModule(**{**data, "snippets_file": str(corpora), "num_val": 4, "num_workers": 0})
    assert dm.alphabet.chars.startswith("0123456789abc") and len(dm.alphabet) == 95
    assert not dm.degradations.is_default
    item = dm.synthetic("val")[0]
    assert item["x"].shape[1] == 32 and item["x"].shape[-1] <= 1024
