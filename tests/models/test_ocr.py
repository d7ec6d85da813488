"""The crnn_ocr LightningModule: loss, precision, metrics, read(), checkpoints, the CLI."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys

import pytest
import torch

import lstmzoo
from lstmzoo.data.ocr import OCRDataModule
from lstmzoo.models.ocr import CRNNOCR
from lstmzoo.nn.ctc import PRINTABLE_ALPHABET
from tests.helpers_ocr import REPO, tiny_cli_args, write_sample

pytest.importorskip("PIL")


def tiny_model(**kwargs) -> CRNNOCR:
    torch.manual_seed(0)
    defaults = dict(width_mult=0.125, hidden_size=16, batch_norm="all")
    defaults.update(kwargs)
    return CRNNOCR(**defaults)


def a_batch(n: int = 4) -> dict:
    dm = OCRDataModule(num_val=n, batch_size=n)
    dm.setup("validate")
    return next(iter(dm.val_dataloader()))


def test_registered_with_its_config() -> None:
    spec = lstmzoo.get_model_spec("crnn_ocr")
    assert spec.cls is CRNNOCR
    assert spec.config == "configs/crnn_ocr.yaml"
    assert (REPO / spec.config).is_file()


def test_forward_and_backward() -> None:
    model = tiny_model()
    batch = a_batch()
    out = model(batch["x"], batch["widths"])
    assert out.logits.shape == (4, 26, 37)
    loss = model.ctc_loss(out, batch["text"])
    assert loss.ndim == 0 and torch.isfinite(loss) and loss > 0
    loss.backward()
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert all(g is not None for g in grads)
    assert sum(float(g.abs().sum()) for g in grads) > 0


def test_ctc_loss_is_float32_under_bf16_autocast() -> None:
    model = tiny_model()
    batch = a_batch()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = model(batch["x"], batch["widths"])
        assert out.logits.dtype == torch.bfloat16  # the network itself runs in bf16
        loss = model.ctc_loss(out, batch["text"])
    assert loss.dtype == torch.float32
    ref = model.ctc_loss(out._replace(logits=out.logits.float()), batch["text"])
    torch.testing.assert_close(loss, ref)


def test_impossible_alignment_gives_zero_not_inf() -> None:
    model = tiny_model()
    x = torch.randn(1, 1, 32, 20)  # 6 steps for a 7-step label: no CTC path
    loss = model.ctc_loss(model(x), ["abcdefg"])
    assert torch.isfinite(loss)


# the step is called directly, without a Trainer: Lightning says that self.log goes nowhere
@pytest.mark.filterwarnings("ignore:You are trying to `self.log\\(\\)` but the `self.trainer`")
def test_validation_metrics_and_case_sensitivity() -> None:
    model = tiny_model()
    assert model._same("Hello", "hello") == ("hello", "hello")
    strict = tiny_model(case_sensitive_accuracy=True)
    assert strict._same("Hello", "hello") == ("Hello", "hello")
    batch = a_batch()
    model.val_metrics.reset()
    model.validation_step(batch, 0)
    values = model.val_metrics.compute()
    assert set(values) == {"val/cer", "val/word_acc"}
    assert 0.0 <= float(values["val/word_acc"]) <= 1.0
    assert float(values["val/cer"]) > 0.5  # an untrained model misreads


def test_predict_step_records_and_error_rows(tmp_path) -> None:
    model = tiny_model().eval()
    good = write_sample(tmp_path / "p" / "good.png", "good")
    (tmp_path / "p" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    dm = OCRDataModule(predict_path=str(tmp_path / "p"))
    dm.setup("predict")
    batch = next(iter(dm.predict_dataloader()))
    with torch.no_grad():
        records = model.predict_step(batch, 0)
    assert isinstance(records, list) and len(records) == 2
    by_path = {r["path"]: r for r in records}
    assert set(by_path[str(good)]) == {"path", "text", "confidence"}
    assert 0.0 <= by_path[str(good)]["confidence"] <= 1.0
    broken = by_path[str(tmp_path / "p" / "broken.png")]
    assert set(broken) == {"path", "error"} and "broken.png" in broken["error"]
    json.dumps(records)


def test_read_paths_and_pil_images(tmp_path) -> None:
    from PIL import Image

    model = tiny_model()
    model.train()
    path = write_sample(tmp_path / "w.png", "word")
    results = model.read([path, Image.open(path), str(path)])
    assert len(results) == 3
    assert results[0].text == results[1].text == results[2].text
    assert len(results[0].char_confidences) == len(results[0].text)
    assert model.training  # restored
    single = model.read(path)
    assert len(single) == 1
    beam = model.read(path, decoder="beam")
    assert isinstance(beam[0].text, str)
    (tmp_path / "bad.png").write_bytes(b"")
    with pytest.raises(lstmzoo.DataError, match=r"bad\.png"):
        model.read([tmp_path / "bad.png"])
    recorded = model.read([tmp_path / "bad.png", path], errors="record")
    assert recorded[0].error and recorded[1].error is None


def test_cosine_schedule_reaches_its_floor() -> None:
    model = tiny_model(lr_schedule="cosine", warmup_steps=10, min_lr_ratio=0.05)
    assert model.lr_factor(0, 0.0) == pytest.approx(0.1)
    assert model.lr_factor(100, 0.0) == pytest.approx(1.0)
    assert model.lr_factor(100, 0.5) == pytest.approx(0.525)
    assert model.lr_factor(100, 1.0) == pytest.approx(0.05)
    assert tiny_model().lr_factor(5, 0.9) == 1.0


def test_channels_last_training_gives_the_same_numbers_and_plain_checkpoints(tmp_path) -> None:
    import lightning.pytorch as pl

    batch = a_batch(8)
    plain, nhwc = tiny_model(), tiny_model(channels_last=True)
    nhwc.on_train_start()
    convs = [p for p in nhwc.net.backbone.parameters() if p.dim() == 4]
    assert convs and all(p.is_contiguous(memory_format=torch.channels_last) for p in convs)
    assert not all(p.is_contiguous() for p in convs)  # the layout really changed
    losses = []
    for model in (plain, nhwc):
        loss = model.ctc_loss(model(batch["x"], batch["widths"]), batch["text"])
        loss.backward()
        losses.append(loss.detach())
    torch.testing.assert_close(losses[0], losses[1], rtol=1e-5, atol=1e-5)
    for a, b in zip(plain.parameters(), nhwc.parameters()):
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-4, atol=1e-5)
    trainer = pl.Trainer(max_epochs=0, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)  # fmt: skip
    trainer.strategy.connect(nhwc)
    trainer.save_checkpoint(tmp_path / "m.ckpt")  # mid-fit: still channels-last in memory
    raw = torch.load(tmp_path / "m.ckpt", weights_only=True)
    assert raw["hyper_parameters"]["channels_last"] is True
    assert all(t.is_contiguous() for t in raw["state_dict"].values())
    nhwc.on_train_end()
    assert all(p.is_contiguous() for p in nhwc.parameters())


def test_hyperparameters_are_plain_and_the_checkpoint_loads_safely(tmp_path) -> None:
    import lightning.pytorch as pl

    model = tiny_model(alphabet="abcdefghijklmnopqrstuvwxyz", case_fold=True)
    trainer = pl.Trainer(
        max_epochs=0,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.strategy.connect(model)
    ckpt = tmp_path / "m.ckpt"
    trainer.save_checkpoint(ckpt)
    raw = torch.load(ckpt, weights_only=True)
    assert raw["hyper_parameters"]["alphabet"] == "abcdefghijklmnopqrstuvwxyz"
    assert raw["lstmzoo"]["class_path"] == "lstmzoo.models.ocr.CRNNOCR"
    for value in raw["hyper_parameters"].values():
        assert isinstance(value, (str, int, float, bool))


def test_checkpoint_reloaded_in_another_process_reads_the_same(tmp_path) -> None:
    import lightning.pytorch as pl

    model = tiny_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    batch = a_batch(8)
    for _ in range(3):  # moves weights and batch-norm statistics away from their init
        loss = model.ctc_loss(model(batch["x"], batch["widths"]), batch["text"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    trainer = pl.Trainer(
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=tmp_path,
    )
    trainer.strategy.connect(model)
    ckpt = tmp_path / "trained.ckpt"
    trainer.save_checkpoint(ckpt)
    images = [write_sample(tmp_path / f"{w}.png", w, seed=i) for i, w in enumerate(["ab", "zoo7"])]
    model.eval()
    here = [(r.text, round(r.confidence, 5)) for r in model.read(images)]
    code = (
        "import json, sys\n"
        "from lstmzoo.checkpoint import load_model\n"
        "m = load_model(sys.argv[1])\n"
        "res = m.eval().read(sys.argv[2:])\n"
        "print(json.dumps([(r.text, round(r.confidence, 5)) for r in res]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ckpt), *map(str, images)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    there = [tuple(r) for r in json.loads(out.stdout.strip().splitlines()[-1])]
    assert there == here


@pytest.mark.slow
def test_cli_fit_test_predict_with_the_shipped_config(tmp_path) -> None:
    args = tiny_cli_args(tmp_path)
    root = tmp_path / "run"
    env_cmd = [sys.executable, "-m", "lstmzoo"]
    fit = subprocess.run(
        [
            *env_cmd,
            "fit",
            *args,
            "--trainer.max_epochs",
            "1",
            "--trainer.default_root_dir",
            str(root),
            "--trainer.logger.init_args.save_dir",
            str(root),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert fit.returncode == 0, fit.stderr[-3000:]
    ckpt = next(root.rglob("last.ckpt"))
    out = tmp_path / "pred.jsonl"
    pred = subprocess.run(
        [*env_cmd, "predict", *args, "--ckpt_path", str(ckpt), "--predictions.output", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert pred.returncode == 0, pred.stderr[-3000:]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 1 and set(records[0]) == {"path", "text", "confidence"}


def line_batch(n: int = 4) -> dict:
    """A batch of generated text lines (no corpora needed) at their natural widths."""
    dm = OCRDataModule(
        alphabet="printable",
        case_fold=False,
        text_source="lines",
        variable_width=True,
        font_box=True,
        image_width=512,
        line_mix={"prices": 1.0, "dates": 1.0, "words": 1.0},
        num_val=n,
        batch_size=n,
    )
    dm.setup("validate")
    return next(iter(dm.val_dataloader()))


@pytest.mark.filterwarnings("ignore:You are trying to `self.log\\(\\)` but the `self.trainer`")
def test_line_metrics_are_cer_wer_and_exact_lines() -> None:
    model = tiny_model(alphabet="printable", case_fold=False, image_width=512, metrics="lines")
    assert model.hparams["alphabet"] == PRINTABLE_ALPHABET  # a named alphabet is stored spelled out
    assert model.net.num_classes == 96
    batch = line_batch()
    model.val_metrics.reset()
    model.validation_step(batch, 0)
    values = model.val_metrics.compute()
    assert set(values) == {"val/cer", "val/wer", "val/line_acc"}
    assert float(values["val/wer"]) > 0.5 and float(values["val/line_acc"]) == 0.0
    assert tiny_model().hparams["metrics"] == "words"  # the word model's metrics stay
    with pytest.raises(lstmzoo.ConfigError, match="metrics"):
        tiny_model(metrics="pages")


def test_training_on_lines_of_mixed_widths_with_and_without_packing() -> None:
    batch = line_batch(6)
    widths = batch["widths"]
    assert len(set(widths.tolist())) > 1  # a batch of mixed widths
    losses = []
    for pack in (True, False):
        model = tiny_model(alphabet="printable", case_fold=False, pack_sequences=pack)
        out = model(batch["x"], widths)
        assert out.lengths.tolist() == (widths // 4 + 1).tolist()  # CTC counts each line's own
        loss = model.ctc_loss(out, batch["text"])
        loss.backward()
        losses.append(float(loss.detach()))
    assert all(math.isfinite(v) and v > 0 for v in losses)
    assert losses[0] != losses[1]  # the backward LSTMs saw the padding in one of them


def line_model() -> CRNNOCR:
    """An untrained line reader: it reads nonsense, but reads it the way a trained one would."""
    return tiny_model(alphabet="printable", case_fold=False, image_width=512, keep_ratio=True)


def check_positions(text: str, positions: list, width: int) -> None:
    assert len(positions) == len(text)
    assert all(0 <= x0 <= x1 <= width for x0, x1 in positions)
    if width >= 4 * len(text):  # room for every character: the ranges tile the text
        assert all(x0 < x1 for x0, x1 in positions)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(positions))


def bad_inputs(folder) -> dict:
    """Each awkward input of read() and predict, written as a file."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "empty": folder / "empty.png",
        "not_an_image": folder / "notes.png",
        "one_pixel": folder / "one_pixel.png",
        "huge": folder / "huge.png",
        "no_text": folder / "blank.png",
    }
    files["empty"].write_bytes(b"")
    files["not_an_image"].write_text("This is a text file, not a PNG.\n")
    Image.new("L", (1, 32), 128).save(files["one_pixel"])
    Image.new("L", (20_000, 32), 255).save(files["huge"])
    Image.new("L", (300, 32), 255).save(files["no_text"])
    return files


def test_read_lines_with_positions_and_every_bad_input(tmp_path) -> None:
    from PIL import Image

    from lstmzoo.data.ocr import save_sample

    model = line_model()
    line = save_sample(
        tmp_path / "line.png", "The food was cold, and we waited 40 minutes!", line=True
    )
    files = bad_inputs(tmp_path / "bad")
    inputs = [line, *files.values(), Image.new("L", (0, 0))]
    results = model.read(inputs, errors="record", positions=True)
    assert len(results) == len(inputs)
    by_name = dict(zip(["line", *files, "no_pixels"], results))
    with Image.open(line) as img:
        width = img.width
    good = by_name["line"]
    assert good.error is None and good.positions is not None
    check_positions(good.text, good.positions, width)
    assert "empty" in by_name["empty"].error
    assert "cannot read image" in by_name["not_an_image"].error
    assert "20000 x 32" in by_name["huge"].error and "shorter lines" in by_name["huge"].error
    assert "empty (0 x 0 pixels)" in by_name["no_pixels"].error
    for name in ("one_pixel", "no_text"):  # read, not refused: the text is what the model sees
        reading = by_name[name]
        assert reading.error is None
        check_positions(reading.text, reading.positions, 1 if name == "one_pixel" else 300)
    for name in ("empty", "not_an_image", "huge", "no_pixels"):
        assert by_name[name].text == "" and by_name[name].positions is None
    assert model.read(line)[0].positions is None  # only when asked
    with pytest.raises(lstmzoo.DataError, match="20000"):
        model.read(files["huge"])
    # positions are in the pixels of the image as given: here twice as large as the input
    with Image.open(line) as img:
        doubled = img.resize((img.width * 2, img.height * 2))
    (reading,) = model.read([doubled], positions=True)
    check_positions(reading.text, reading.positions, 2 * width)


def test_predict_records_carry_positions_and_bad_inputs_are_rows(tmp_path) -> None:
    from lstmzoo.data.ocr import save_sample

    folder = tmp_path / "predict"
    save_sample(folder / "line.png", "Total: $4.99", line=True)
    files = bad_inputs(folder)
    dm = OCRDataModule(
        alphabet="printable",
        case_fold=False,
        variable_width=True,
        image_width=512,
        predict_path=str(folder),
        predict_positions=True,
        batch_size=16,
    )
    dm.setup("predict")
    model = line_model().eval()
    records = []
    with torch.no_grad():
        for batch in dm.predict_dataloader():
            records += model.predict_step(batch, 0)
    assert len(records) == 6
    by_path = {r["path"]: r for r in records}
    for name in ("empty", "not_an_image", "huge"):
        assert set(by_path[str(files[name])]) == {"path", "error"}
    for path in (folder / "line.png", files["one_pixel"], files["no_text"]):
        record = by_path[str(path)]
        assert set(record) == {"path", "text", "confidence", "positions"}
        from PIL import Image

        with Image.open(path) as img:
            check_positions(record["text"], [tuple(p) for p in record["positions"]], img.width)
    json.dumps(records)
    plain = OCRDataModule(alphabet="printable", case_fold=False, predict_path=str(folder))
    plain.setup("predict")
    with torch.no_grad():
        rows = model.predict_step(next(iter(plain.predict_dataloader())), 0)
    assert all("positions" not in r for r in rows)  # only when asked


LINES_CONFIG = REPO / "configs" / "crnn_ocr_lines.yaml"


def tiny_line_args(tmp_path) -> list[str]:
    """configs/crnn_ocr_lines.yaml shrunk to seconds: a tiny model, tiny corpora, few lines."""
    from tests.helpers_text import write_rated_corpora

    corpora = write_rated_corpora(tmp_path / "rated", n=30)
    return [
        "-c", str(LINES_CONFIG),
        "--model.init_args.width_mult", "0.125",
        "--model.init_args.hidden_size", "16",
        "--data.init_args.snippets_file", str(corpora),
        "--data.init_args.image_width", "256",
        "--data.init_args.max_chars", "16",
        "--data.init_args.num_train", "16",
        "--data.init_args.num_val", "8",
        "--data.init_args.num_test", "8",
        "--data.init_args.batch_size", "8",
        "--data.init_args.num_workers", "0",
        "--data.init_args.predict_path", str(REPO / "examples" / "ocr_lines"),
        "--data.init_args.predict_positions", "true",
        "--trainer.enable_progress_bar", "false",
        "--trainer.enable_model_summary", "false",
        "--trainer.logger", "false",
        "--trainer.default_root_dir", str(tmp_path / "run"),
    ]  # fmt: skip


def test_the_line_recipe_parses_into_a_line_reader(tmp_path, monkeypatch) -> None:
    from lstmzoo.cli import LstmzooCLI

    monkeypatch.chdir(tmp_path)
    cli = LstmzooCLI(args=tiny_line_args(tmp_path), run=False)
    model, dm = cli.model, cli.datamodule
    assert dm.text_source == "lines" and dm.variable_width and dm.font_box
    assert dm.degradations.jpeg_prob == 0.2 and dm.degradations.hires_prob == 0.15
    assert model.hparams["alphabet"] == PRINTABLE_ALPHABET and model.hparams["keep_ratio"]
    assert model.hparams["metrics"] == "lines" and model.hparams["pack_sequences"] is False
    assert model.hparams["image_width"] == 256  # linked from the data


@pytest.mark.slow
def test_cli_fit_test_predict_with_the_line_recipe(tmp_path, monkeypatch) -> None:
    from lstmzoo.cli import main

    monkeypatch.chdir(tmp_path)
    args = tiny_line_args(tmp_path)
    assert main(["fit", *args, "--trainer.max_steps", "3", "--trainer.limit_val_batches", "1"]) == 0
    ckpt = next((tmp_path / "run").rglob("last.ckpt"))
    assert main(["test", *args, "--ckpt_path", str(ckpt)]) == 0
    out = tmp_path / "lines.jsonl"
    assert main(["predict", *args, "--ckpt_path", str(ckpt), "--predictions.output", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 4 and all("positions" in r for r in records)
