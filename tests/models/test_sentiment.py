"""BiLSTM sentiment model: padding invariance, loss, optimizer, checkpoints, token features, CLI.

Its parts have tests of their own beside this file: text_prediction, text_pipeline, metrics and
word_vectors (and tests/nn/test_text.py for the network pieces)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import lstmzoo
from lstmzoo.data.text import TextClassificationData
from lstmzoo.errors import CheckpointError, ConfigError
from lstmzoo.models.base import DEFAULT_LR
from lstmzoo.models.sentiment import BiLSTMSentiment
from tests.helpers_text import tiny_cli_args, write_lexicon, write_rated_corpora, write_tiny_dataset
from tests.models.helpers_sentiment import FEATURES, REPO, fit_tiny, tiny_model, tiny_trainer


def test_registered_with_config() -> None:
    spec = lstmzoo.get_model_spec("bilstm_sentiment")
    assert spec.cls is BiLSTMSentiment and spec.config == "configs/bilstm_sentiment.yaml"
    assert (REPO / spec.config).is_file()
    model = lstmzoo.create_model("bilstm_sentiment")  # builds without data (tiny defaults)
    assert model.encoder.bidirectional and model.head.pool == "last"


def test_class_path_is_the_one_cards_and_checkpoints_record() -> None:
    """Shipped cards, checkpoints and configs name ``lstmzoo.models.sentiment.BiLSTMSentiment``:
    the class must be defined there (the registry and checkpoints record ``__module__``)."""
    path = "lstmzoo.models.sentiment.BiLSTMSentiment"
    assert lstmzoo.get_model_spec("bilstm_sentiment").class_path == path
    cards = sorted((REPO / "lstmzoo" / "weights").glob("bilstm_sentiment-*.yaml"))
    assert cards
    for card in cards:
        assert f"class_path: {path}\n" in card.read_text("utf-8"), card.name


def test_learning_rate_default_is_the_zoo_default() -> None:
    import inspect

    assert inspect.signature(BiLSTMSentiment).parameters["lr"].default == DEFAULT_LR
    model = tiny_model()
    del model.hparams["lr"]  # a checkpoint without it falls back to the same default
    assert model.configure_optimizers().param_groups[0]["lr"] == DEFAULT_LR


def test_forward_backward_on_padded_batch() -> None:
    model = tiny_model(embedding_dropout=0.2, word_dropout=0.1)
    x = torch.tensor([[2, 4, 6, 5], [3, 4, 0, 0], [2, 0, 0, 0]])
    lengths = torch.tensor([4, 2, 1])
    logits = model(x, lengths)
    assert logits.shape == (3, 2)
    torch.nn.functional.cross_entropy(logits, torch.tensor([1, 0, 1])).backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    assert all(g is not None and torch.isfinite(g).all() for g in grads.values())
    assert grads["embedding.weight"][0].abs().sum() == 0  # <pad> gets no gradient


@pytest.mark.parametrize("pool", ["last", "mean", "max", "attention"])
def test_padding_does_not_change_logits(pool: str) -> None:
    model = tiny_model(head={"class_path": "many_to_one", "init_args": {"pool": pool}}).eval()
    alone = model(torch.tensor([[3, 4, 2]]), torch.tensor([3]))
    batch = torch.tensor([[3, 4, 2, 0, 0, 0], [2, 5, 5, 4, 6, 6]])
    padded = model(batch, torch.tensor([3, 6]))
    assert torch.allclose(alone[0], padded[0], atol=1e-6)
    # the same text with extra padding columns
    wide = model(torch.tensor([[3, 4, 2, 0, 0, 0, 0, 0, 0]]), torch.tensor([3]))
    assert torch.allclose(alone, wide, atol=1e-6)


def test_last_pool_concatenates_final_forward_and_backward_states() -> None:
    model = tiny_model().eval()
    x, lengths = torch.tensor([[3, 4, 2, 0]]), torch.tensor([3])
    enc = model.encode(x, lengths)
    pooled = model.head.pooled(enc)
    hidden = model.encoder.hidden_size
    assert torch.allclose(pooled[0, :hidden], enc.outputs[0, 2, :hidden])  # forward at last token
    assert torch.allclose(pooled[0, hidden:], enc.outputs[0, 0, hidden:])  # backward at token 0


def test_unpacked_baseline_reads_padding() -> None:
    packed = tiny_model().eval()
    plain = tiny_model(pack=False).eval()
    plain.load_state_dict(packed.state_dict())
    x, lengths = torch.tensor([[3, 4, 2, 0, 0, 0]]), torch.tensor([3])
    full = torch.tensor([[3, 4, 2]])
    # without padding both agree; with padding only the packed model ignores it
    assert torch.allclose(
        packed(full, torch.tensor([3])), plain(full, torch.tensor([3])), atol=1e-6
    )
    assert not torch.allclose(packed(x, lengths), plain(x, lengths), atol=1e-4)
    enc = plain.encode(x, lengths)
    assert enc.outputs[0, 3:].abs().sum() == 0


@pytest.mark.filterwarnings("ignore:You are trying to `self.log")
def test_soft_targets_and_label_smoothing_in_the_training_loss() -> None:
    model = tiny_model(label_smoothing=0.2)
    x, lengths, y = torch.tensor([[2, 4], [3, 0]]), torch.tensor([2, 1]), torch.tensor([1, 0])
    torch.manual_seed(0)
    logits = model(x, lengths)
    smoothed = torch.nn.functional.cross_entropy(logits, y, label_smoothing=0.2)
    torch.manual_seed(0)
    assert torch.allclose(model.training_step({"x": x, "lengths": lengths, "y": y}, 0), smoothed)
    soft = torch.tensor([[0.3, 0.7], [0.9, 0.1]])
    torch.manual_seed(0)
    loss = model.training_step({"x": x, "lengths": lengths, "y": y, "y_soft": soft}, 0)
    assert torch.allclose(loss, -(soft * logits.log_softmax(-1)).sum(-1).mean())


def test_optimizer_skips_frozen_embeddings_and_decays_the_rate() -> None:
    opt = tiny_model(freeze_embeddings=True, lr=0.01).configure_optimizers()
    params = {id(p) for group in opt.param_groups for p in group["params"]}
    model = tiny_model(freeze_embeddings=True)
    assert len(params) == sum(1 for p in model.parameters() if p.requires_grad)
    config = tiny_model(lr=0.01, lr_decay=0.5).configure_optimizers()
    scheduler = config["lr_scheduler"]["scheduler"]
    config["optimizer"].step()  # no gradients: a no-op, in the order torch expects
    scheduler.step()
    assert config["optimizer"].param_groups[0]["lr"] == pytest.approx(0.005)
    with pytest.raises(ConfigError, match="lr_decay"):
        tiny_model(lr_decay=0.0)


def test_bad_configurations() -> None:
    with pytest.raises(ConfigError, match="N -> 1 head"):
        tiny_model(head="many_to_many")
    with pytest.raises(ConfigError, match="at least 2"):
        tiny_model(classes=["only"])
    with pytest.raises(ConfigError, match="word_dropout"):
        tiny_model(word_dropout=1.0)


def test_fit_logs_metrics_and_checkpoint_reloads_in_another_process(tmp_path: Path) -> None:
    model, dm, trainer = fit_tiny(tmp_path)
    for key in ("val/acc", "val/f1", "val/auroc", "val/loss", "train/loss", "train/acc"):
        assert key in trainer.callback_metrics, key
    result = trainer.test(model, datamodule=dm, verbose=False)[0]
    assert {"test/acc", "test/f1", "test/auroc"} <= set(result)
    ckpt = tmp_path / "model.ckpt"
    trainer.save_checkpoint(ckpt)
    raw = torch.load(ckpt, map_location="cpu", weights_only=True)  # plain values only
    assert raw["hyper_parameters"]["vocab"] == model.vocabulary.tokens
    assert raw["hyper_parameters"]["classes"] == ["neg", "pos"]

    texts = ["a great and wonderful film", "boring and awful", "the cast"]
    model.eval()
    expected = model.predict_text(texts)
    code = (
        "import json, sys\n"
        "from lstmzoo.models.sentiment import BiLSTMSentiment\n"
        "m = BiLSTMSentiment.load_from_checkpoint(\n"
        "    sys.argv[1], map_location='cpu', weights_only=True)\n"
        "print(json.dumps(m.predict_text(json.loads(sys.argv[2]))))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, "-c", code, str(ckpt), json.dumps(texts)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=240,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    for a, b in zip(got, expected):
        assert a["label"] == b["label"]
        for cls in ("neg", "pos"):
            assert a["probabilities"][cls] == pytest.approx(b["probabilities"][cls], abs=1e-6)
    # lstmzoo.load_model rebuilds it too
    from lstmzoo.checkpoint import load_model

    again = load_model(ckpt)
    assert isinstance(again, BiLSTMSentiment)
    assert again.predict_text(texts)[0]["probabilities"] == pytest.approx(
        expected[0]["probabilities"]
    )


def test_cli_fit_test_predict(tmp_path: Path) -> None:
    from lstmzoo.cli import main

    args = tiny_cli_args(tmp_path)
    assert main(["fit", *args, "--trainer.max_epochs", "1"]) == 0
    ckpts = sorted((tmp_path / "runs").rglob("best.ckpt"))
    assert len(ckpts) == 1
    assert main(["test", *args, "--ckpt_path", str(ckpts[0])]) == 0
    out = tmp_path / "pred.jsonl"
    assert (
        main(["predict", *args, "--ckpt_path", str(ckpts[0]), "--predictions.output", str(out)])
        == 0
    )
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["text"] for r in records] == [
        "a great and wonderful film",
        "boring , dull and awful",
        "The cast !",
    ]
    assert all(set(r["probabilities"]) == {"neg", "pos"} for r in records)
    fast = tmp_path / "pred_onnx_int8.jsonl"
    predict = ["predict", *args, "--ckpt_path", str(ckpts[0]), "--predictions.output", str(fast)]
    assert main([*predict, "--predictions.runtime", "onnx", "--predictions.quantize", "int8"]) == 0
    fast_records = [json.loads(line) for line in fast.read_text("utf-8").splitlines()]
    assert [r["text"] for r in fast_records] == [r["text"] for r in records]
    for a, b in zip(fast_records, records):
        assert abs(a["probabilities"]["pos"] - b["probabilities"]["pos"]) < 0.05
    hparams = torch.load(ckpts[0], weights_only=True)["hyper_parameters"]
    assert hparams["classes"] == ["neg", "pos"] and "wonderful" in hparams["vocab"]


def test_token_features_widen_the_encoder_input_only() -> None:
    model = tiny_model(lexicon={"good": 1.9, "bad": -2.5}, **FEATURES)
    assert model.num_token_features == 3 and model.encoder.input_size == 8 + 3
    assert model.hparams["lexicon_sha256"] and model.hparams["char_ngram_orders"] == [2, 3]
    x = torch.tensor([[2, 4, 6], [3, 1, 0]])
    feats, ngrams = torch.randn(2, 3, 3), torch.randint(0, 65, (2, 3, 6))
    logits = model(x, torch.tensor([3, 2]), feats, ngrams)
    assert logits.shape == (2, 2)
    logits.sum().backward()
    assert model.char_embedding.weight.grad is not None
    with pytest.raises(ValueError, match="token feature"):
        model(x, torch.tensor([3, 2]), None, ngrams)
    with pytest.raises(ValueError, match="character n-grams"):
        model(x, torch.tensor([3, 2]), feats, None)
    assert [t.shape[-1] for t in model.example_inputs()[1:]] == [3, 4]  # feats, ngrams
    # an unknown word differs from another unknown word through its n-grams
    probs = model.predict_text(["sooo grreat", "terrrible"])
    assert probs[0]["probabilities"] != probs[1]["probabilities"]


# Lightning's pytree helper calls a torch API that torch 2.13 deprecates: not ours to fix
@pytest.mark.filterwarnings("ignore:.*isinstance\\(treespec, LeafSpec\\)")
def test_dropped_markup_travels_through_the_checkpoint(tmp_path: Path) -> None:
    files = write_tiny_dataset(tmp_path / "data")
    dm = TextClassificationData(
        train_file=str(files["train"]), val_file=str(files["val"]), batch_size=16, seed=0,
        tokenizer="social", markup="drop",
    )  # fmt: skip
    torch.manual_seed(0)
    model = BiLSTMSentiment(**dm.model_kwargs(), embedding_dim=12, hidden_size=8, lr=0.01)
    trainer = tiny_trainer(tmp_path / "run")
    trainer.fit(model, datamodule=dm)
    ckpt = tmp_path / "markup.ckpt"
    trainer.save_checkpoint(ckpt)
    again = BiLSTMSentiment.load_from_checkpoint(ckpt, map_location="cpu", weights_only=True)
    assert again.hparams["markup"] == "drop"
    again.eval()
    plain, marked = again.predict_text(["good film", "@bob good film http://x.io/a"])
    assert marked["probabilities"] == pytest.approx(plain["probabilities"], abs=1e-6)
    # a data module that tests or predicts with the checkpoint tokenizes the same way
    other = TextClassificationData(train_file=str(files["train"]), tokenizer="social")
    other.adopt_model_kwargs(dict(again.hparams))
    assert other.tokenizer("@bob good") == ["good"]


# Lightning's pytree helper calls a torch API that torch 2.13 deprecates: not ours to fix
@pytest.mark.filterwarnings("ignore:.*isinstance\\(treespec, LeafSpec\\)")
def test_general_features_fit_test_per_corpus_and_reload(tmp_path: Path) -> None:
    folder = write_rated_corpora(tmp_path / "hutto", n=60)
    lex_path = write_lexicon(tmp_path / "lex.txt")
    dm = TextClassificationData(
        corpora=["movies", "amazon", "nyt", "tweets"], snippets_file=str(folder),
        lexicon=str(lex_path), soft_labels=1.5, batch_size=16, seed=0, valence_rules=True,
        **FEATURES,
    )  # fmt: skip
    torch.manual_seed(0)
    model = BiLSTMSentiment(**dm.model_kwargs(), embedding_dim=12, hidden_size=8, lr=0.01)
    trainer = tiny_trainer(tmp_path / "run", epochs=2)
    trainer.fit(model, datamodule=dm)
    assert "val/acc/tweets" in trainer.callback_metrics
    assert "val/acc/corpus_mean" in trainer.callback_metrics
    result = trainer.test(model, datamodule=dm, verbose=False)[0]
    for corpus in ("movies", "amazon", "nyt", "tweets"):
        assert 0.0 <= result[f"test/acc/{corpus}"] <= 1.0
    counts = [sum(1 for c in dm.test_set.corpus if c == i) for i in range(4)]
    pooled = sum(result[f"test/acc/{c}"] * n for c, n in zip(dm.corpora, counts)) / sum(counts)
    assert result["test/acc"] == pytest.approx(pooled, abs=1e-6)
    per_corpus = [result[f"test/acc/{c}"] for c in dm.corpora]
    assert result["test/acc/corpus_mean"] == pytest.approx(sum(per_corpus) / 4, abs=1e-6)

    ckpt = tmp_path / "general.ckpt"
    trainer.save_checkpoint(ckpt)
    raw = torch.load(ckpt, map_location="cpu", weights_only=True)
    assert raw["hyper_parameters"]["lexicon"]["great"] == 3.1
    assert raw["hyper_parameters"]["valence_rules"] is True and model.num_token_features == 5
    texts = ["GREAT stuff :)", "baaaad and dull :(", "unheard-of wordz"]
    model.eval()
    expected = model.predict_text(texts)
    again = BiLSTMSentiment.load_from_checkpoint(ckpt, map_location="cpu", weights_only=True)
    for a, b in zip(again.predict_text(texts), expected):
        assert a["probabilities"] == pytest.approx(b["probabilities"], abs=1e-6)
    # the same lexicon file may be named when loading; a different one is refused
    BiLSTMSentiment.load_from_checkpoint(ckpt, map_location="cpu", lexicon=str(lex_path))
    other = write_lexicon(tmp_path / "other.txt", ["great\t1.0\t0.5\t[1, 1]"])
    with pytest.raises(CheckpointError, match="does not match the one the model was trained"):
        BiLSTMSentiment.load_from_checkpoint(ckpt, map_location="cpu", lexicon=str(other))
    # the batched features of the data module and predict_text agree
    dm.setup("test")
    batch = next(iter(dm.test_dataloader()))
    with torch.no_grad():
        logits = model(batch["x"], batch["lengths"], batch["feats"], batch["ngrams"])
    direct = model.predict_text(batch["text"])
    for row, record in zip(logits.softmax(-1), direct):
        assert record["probabilities"]["positive"] == pytest.approx(float(row[1]), abs=1e-5)


# Lightning's pytree helper calls a torch API that torch 2.13 deprecates: not ours to fix
@pytest.mark.filterwarnings("ignore:.*isinstance\\(treespec, LeafSpec\\)")
def test_general_recipe_fits_tests_and_predicts_through_the_cli(tmp_path: Path) -> None:
    """``configs/bilstm_sentiment_general.yaml`` as shipped, on tiny copies of the four corpora
    and a tiny lexicon: its run folder, per-corpus test metrics and predictions."""
    from lstmzoo.cli import main

    folder = write_rated_corpora(tmp_path / "hutto", n=60)
    texts = tmp_path / "texts.txt"
    texts.write_text("GREAT stuff :)\nbaaaad and dull :(\n", "utf-8")
    args = [
        "-c", str(REPO / "configs" / "bilstm_sentiment_general.yaml"),
        "--data.init_args.snippets_file", str(folder),
        "--data.init_args.lexicon", str(write_lexicon(tmp_path / "lex.txt")),
        "--data.init_args.char_ngram_buckets", "64",
        "--data.init_args.batch_size", "16",
        "--data.init_args.predict_file", str(texts),
        "--model.init_args.embedding_dim", "12",
        "--model.init_args.hidden_size", "8",
        "--trainer.logger.init_args.save_dir", str(tmp_path / "runs"),
        "--trainer.log_every_n_steps", "5",
        "--trainer.enable_progress_bar", "false",
        "--trainer.enable_model_summary", "false",
    ]  # fmt: skip
    assert main(["fit", *args, "--trainer.max_epochs", "1"]) == 0
    run = tmp_path / "runs" / "bilstm_sentiment_general"
    best = run / "checkpoints" / "best.ckpt"
    assert best.is_file() and (run / "checkpoints" / "last.ckpt").is_file()
    assert main(["test", *args, "--ckpt_path", str(best)]) == 0
    # test logs into a new version folder beside the fit's metrics, never over them
    logged = (run / "version_0" / "metrics.csv").read_text("utf-8").splitlines()[0].split(",")
    assert {f"test/acc/{c}" for c in ("movies", "amazon", "nyt", "tweets")} <= set(logged)
    fitted = (run / "metrics.csv").read_text("utf-8").splitlines()[0].split(",")
    assert "val/acc/corpus_mean" in fitted and not any(k.startswith("test/") for k in fitted)
    out = tmp_path / "pred.jsonl"
    assert main(["predict", *args, "--ckpt_path", str(best), "--predictions.output", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["text"] for r in records] == ["GREAT stuff :)", "baaaad and dull :("]
    hparams = torch.load(best, weights_only=True)["hyper_parameters"]
    assert hparams["lexicon"]["great"] == 3.1 and hparams["tokenizer"] == "social"


# Lightning's pytree helper calls a torch API that torch 2.13 deprecates: not ours to fix
@pytest.mark.filterwarnings("ignore:.*isinstance\\(treespec, LeafSpec\\)")
def test_text_score_and_corpus_features_round_trip_and_test_one_corpus(tmp_path: Path) -> None:
    """A model trained on three corpora with corpus features keeps its classifier: tested on the
    fourth corpus alone, the data module adopts it (K = 3 posteriors), and predict_text agrees."""
    folder = write_rated_corpora(tmp_path / "hutto", n=60)
    options = dict(
        snippets_file=str(folder), lexicon=str(write_lexicon(tmp_path / "lex.txt")),
        valence_rules=True, text_score=True, corpus_features=True, batch_size=16, seed=0,
        **FEATURES,
    )  # fmt: skip
    dm = TextClassificationData(corpora=["movies", "amazon", "nyt"], **options)
    torch.manual_seed(0)
    model = BiLSTMSentiment(**dm.model_kwargs(), embedding_dim=12, hidden_size=8, lr=0.01)
    assert model.num_token_features == 3 + 2 + 1 + 3
    trainer = tiny_trainer(tmp_path / "run")
    trainer.fit(model, datamodule=dm)
    ckpt = tmp_path / "loo.ckpt"
    trainer.save_checkpoint(ckpt)
    raw = torch.load(ckpt, map_location="cpu", weights_only=True)
    assert raw["hyper_parameters"]["corpus_classifier"]["names"] == ["movies", "amazon", "nyt"]
    again = BiLSTMSentiment.load_from_checkpoint(ckpt, map_location="cpu", weights_only=True)
    held_out = TextClassificationData(corpora=["tweets"], **options)
    held_out.adopt_model_kwargs(dict(again.hparams))
    held_out.setup("test")
    batch = next(iter(held_out.test_dataloader()))
    assert batch["feats"].shape[-1] == 9
    again.eval()
    with torch.no_grad():
        logits = again(batch["x"], batch["lengths"], batch["feats"], batch["ngrams"])
    for row, record in zip(logits.softmax(-1), again.predict_text(batch["text"])):
        assert record["probabilities"]["positive"] == pytest.approx(float(row[1]), abs=1e-5)
    broken = dict(raw["hyper_parameters"]["corpus_classifier"], log_prior=[0.0])
    with pytest.raises(CheckpointError, match="corpus_classifier is malformed"):
        BiLSTMSentiment.load_from_checkpoint(ckpt, map_location="cpu", corpus_classifier=broken)
