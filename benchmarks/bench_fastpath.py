"""End-to-end inference: ``read()`` and ``predict_text()`` with every fast-path option, against
the code path they replaced, side by side on one machine.

The baseline ("before") is the previous implementation, kept here verbatim in behaviour:

* ``read()`` took the images in input order, ``batch_size`` at a time, padded each batch to its
  widest image and ran the model's forward with packed sequences (the true widths);
* ``predict_text()`` sorted the texts by length, padded each batch to its longest text and ran
  the forward with packed sequences.

Each variant runs the same inputs; rounds are interleaved and the median time of each is
reported, with the ratio to the baseline. With a trained checkpoint the benchmark also prints
each variant's accuracy on the same inputs (word accuracy for OCR, label accuracy for
sentiment), so "faster" is always "at equal answers".

    python benchmarks/bench_fastpath.py --ocr-ckpt runs/crnn_ocr/checkpoints/last.ckpt \\
        --ocr-data robustness/plain
    python benchmarks/bench_fastpath.py --sentiment-ckpt runs/bilstm_sentiment/checkpoints/best.ckpt
    python benchmarks/bench_fastpath.py --only score --sentiment-ckpt pretrained:bilstm_sentiment
    python benchmarks/bench_fastpath.py --quick        # random weights, speed only
    python benchmarks/bench_fastpath.py --only budget --texts 10000 \\
        --sentiment-ckpt runs/bilstm_sentiment_general/checkpoints/best.ckpt \\
        --sentiment-config configs/bilstm_sentiment_general.yaml

``--ocr-data`` is a folder with ``labels.txt`` (for example the ``plain`` variation written by
``tools/make_ocr_robustness_set.py``: words at their natural widths); without it, random-width
noise images are timed. ``--sentiment-ckpt`` scores the test split of ``--sentiment-config``
(the movie snippets' by default).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from bench_inference import interleaved  # the same timing loop (benchmarks/ is on sys.path)

REPO = Path(__file__).resolve().parents[1]
SENTIMENT_CONFIG = REPO / "configs" / "bilstm_sentiment.yaml"
VARIANTS = [("torch", "none"), ("torch", "int8"), ("onnx", "none"), ("onnx", "int8")]


# ---------------------------------------------------------------------------- baselines


@torch.inference_mode()
def read_before(model: Any, images: Sequence[Any], batch_size: int = 32) -> list[str]:
    """The previous ``read(resize="variable")``: input-order batches padded to the widest."""
    from lstmzoo.data.ocr.images import ImagePrep, collate_lines, open_image

    prep = ImagePrep(32, None, model.hparams["keep_ratio"])
    xs = [prep(open_image(img, str(img))) for img in images]
    model.eval()
    texts = []
    for start in range(0, len(xs), batch_size):
        batch = collate_lines([{"x": x} for x in xs[start : start + batch_size]])
        out = model(batch["x"], batch["widths"])
        texts += [d.text for d in model.decode(out)]
    return texts


@torch.no_grad()
def score_before(model: Any, texts: Sequence[str], batch_size: int = 64) -> list[int]:
    """The previous ``predict_text()``: length-sorted, padded, packed batches."""
    from lstmzoo.data.text.vocab import PAD_ID

    model.eval()
    if model.uses_features:
        encoded = model.featurizer.encode_many(texts)[0]
        seqs = [e.ids for e in encoded]
    else:
        encoded = None
        seqs = [torch.tensor(model.tokenize(t), dtype=torch.long) for t in texts]
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    labels = [0] * len(seqs)
    pad = torch.nn.utils.rnn.pad_sequence
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        x = pad([seqs[i] for i in chunk], batch_first=True, padding_value=PAD_ID)
        lengths = torch.tensor([len(seqs[i]) for i in chunk])
        feats = ngrams = None
        if encoded is not None and model.num_token_features:
            feats = pad([encoded[i].feats for i in chunk], batch_first=True)
        if encoded is not None and model.char_embedding is not None:
            ngrams = pad([encoded[i].ngrams for i in chunk], batch_first=True)
        for i, label in zip(chunk, model(x, lengths, feats, ngrams).argmax(-1).tolist()):
            labels[i] = label
    return labels


# ---------------------------------------------------------------------------- inputs


def ocr_inputs(ckpt: str | None, data: str | None, n: int) -> tuple[Any, list[Any], list[str]]:
    import lstmzoo
    from lstmzoo.checkpoint import load_model

    if ckpt:
        model = load_model(ckpt)
    else:
        torch.manual_seed(0)
        model = lstmzoo.create_model("crnn_ocr", width_mult=0.5, hidden_size=256)
    if data:
        from lstmzoo.data.ocr.files import find_label_file, read_label_file

        entries = read_label_file(find_label_file(Path(data)))[:n]
        truths = [model.alphabet.normalize(t) for _, t, _ in entries]
        return model, [Path(p) for p, _, _ in entries], truths
    from PIL import Image

    g = torch.Generator().manual_seed(0)
    widths = torch.randint(30, 260, (n,), generator=g).tolist()
    images = [
        Image.fromarray((torch.rand(32, w, generator=g) * 255).to(torch.uint8).numpy(), "L")
        for w in widths
    ]
    return model, images, []


def recipe_examples(
    config: str | Path, splits: Sequence[str] = ("test",), overrides: dict[str, str] | None = None
) -> list[Any]:
    """The examples of ``splits`` (in that order) of a sentiment recipe's own data, with
    ``overrides`` of its data arguments (local copies of the data: ``snippets_file``, ...)."""
    import yaml

    from lstmzoo.data.text import TextClassificationData

    recipe = yaml.safe_load(Path(config).read_text(encoding="utf-8"))
    init_args = {**recipe["data"]["init_args"], **(overrides or {})}
    loaded = TextClassificationData(**init_args).load_splits()
    return [e for split in splits for e in loaded.get(split, [])]


def sentiment_inputs(
    ckpt: str | None,
    n: int,
    config: str | Path = SENTIMENT_CONFIG,
    overrides: dict[str, str] | None = None,
) -> tuple[Any, list[str], list[int]]:
    import lstmzoo
    from lstmzoo.checkpoint import load_model

    if ckpt:
        model = load_model(ckpt)
        examples = recipe_examples(config, overrides=overrides)[:n]
        texts = [e.text for e in examples]
        return model, texts, [model.classes.index(e.label) for e in examples]
    import random

    torch.manual_seed(0)
    rng = random.Random(0)
    vocab = ["<pad>", "<unk>", *[f"w{i}" for i in range(16_000)]]
    model = lstmzoo.create_model(
        "bilstm_sentiment", vocab=vocab, embedding_dim=128, hidden_size=128
    )
    texts = [" ".join(rng.choices(vocab[2:], k=rng.randint(3, 40))) for _ in range(n)]
    return model, texts, []


# ---------------------------------------------------------------------------- sections


def data_overrides(args: argparse.Namespace) -> dict[str, str]:
    """``--snippets-file`` / ``--cache-dir`` as data module arguments (where given)."""
    return {k: getattr(args, k) for k in ("snippets_file", "cache_dir") if getattr(args, k)}


def compare(
    title: str, fns: dict[str, Callable[[], list]], count: int, truths: list, unit: str, rounds: int
) -> None:
    """Time ``fns`` (each handles ``count`` inputs; ``"before"`` is the baseline) side by side
    and print the rate, the ratio to the baseline and, with ``truths``, the accuracy of each."""
    times = interleaved(fns, rounds, repeats=1)
    print(title)
    base = times["before"]
    for name, seconds in times.items():
        line = f"  {name:12s} {count / seconds:8.0f} {unit}/s  x{base / seconds:5.2f}"
        if truths:
            hits = sum(a == b for a, b in zip(fns[name](), truths))
            line += f"  accuracy {100 * hits / len(truths):6.2f}%"
        print(line)


def bench_read(args: argparse.Namespace) -> None:
    model, images, truths = ocr_inputs(args.ocr_ckpt, args.ocr_data, args.images)
    fns: dict[str, Callable[[], list]] = {"before": lambda: read_before(model, images)}
    for runtime, quantize in VARIANTS:
        fns[f"{runtime}/{quantize}"] = lambda r=runtime, q=quantize: [
            x.text for x in model.read(images, resize="variable", runtime=r, quantize=q)
        ]
    title = f"read(resize='variable'), {len(images)} images, batch 32 (accuracy: whole words)"
    compare(title, fns, len(images), truths, "images", args.rounds)


def bench_score(args: argparse.Namespace) -> None:
    model, texts, labels = sentiment_inputs(
        args.sentiment_ckpt, args.texts, args.sentiment_config, data_overrides(args)
    )
    fns: dict[str, Callable[[], list]] = {"before": lambda: score_before(model, texts)}
    for runtime, quantize in VARIANTS:
        fns[f"{runtime}/{quantize}"] = lambda r=runtime, q=quantize: [
            model.classes.index(x["label"])
            for x in model.predict_text(texts, runtime=r, quantize=q)
        ]
    title = f"predict_text(), {len(texts)} texts, batch 64"
    compare(title, fns, len(texts), labels, "texts", args.rounds)


def bench_budget(args: argparse.Namespace) -> None:
    """Wall time of one ``predict_text`` call on ``--texts`` texts of the recipe (every split,
    test first): the first call of each runtime (which builds its engine: the ONNX export) and
    the median of the later ones."""
    import statistics
    import time

    from lstmzoo.checkpoint import load_model

    if not args.sentiment_ckpt:
        raise SystemExit("--only budget needs --sentiment-ckpt")
    model = load_model(args.sentiment_ckpt)
    splits = ("test", "val", "train")
    examples = recipe_examples(args.sentiment_config, splits, data_overrides(args))
    texts = [e.text for e in examples][: args.texts]
    if not texts:
        raise SystemExit(f"{args.sentiment_config}: its data has no texts")
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"predict_text() on {len(texts)} texts ({words:.1f} words on average), one call each")
    for runtime in ("torch", "onnx"):
        seconds = []
        for _ in range(1 + args.rounds):
            start = time.perf_counter()
            model.predict_text(texts, runtime=runtime)
            seconds.append(time.perf_counter() - start)
        later = statistics.median(seconds[1:])
        print(f"  {runtime:6s} first call {seconds[0]:6.2f} s, then {later:6.2f} s (median)")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--ocr-ckpt", help="a crnn_ocr checkpoint or pretrained:crnn_ocr (default: random weights)"
    )
    parser.add_argument("--ocr-data", help="folder with labels.txt (default: noise images)")
    parser.add_argument(
        "--sentiment-ckpt", help="a bilstm_sentiment checkpoint or pretrained:bilstm_sentiment"
    )
    parser.add_argument(
        "--snippets-file", help="local vaderSentiment sdist / corpus folder (offline)"
    )
    parser.add_argument("--cache-dir", help="the data cache (default: ~/.cache/lstmzoo)")
    parser.add_argument("--images", type=int, default=600, help="images to read")
    parser.add_argument("--texts", type=int, default=2000, help="texts to score")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--sentiment-config",
        default=str(SENTIMENT_CONFIG),
        help="the recipe whose data is scored: its test split (the budget section: every split, "
        "test first); default: the movie-only recipe",
    )
    parser.add_argument(
        "--only",
        choices=("read", "score", "budget"),
        help="run one section (budget: one predict_text call on --texts texts; not by default)",
    )
    parser.add_argument("--quick", action="store_true", help="few inputs and rounds")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.texts < 1 or args.images < 1:
        parser.error("--rounds, --texts and --images must be >= 1")
    if args.quick:
        args.images, args.texts, args.rounds = 64, 256, 2
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads (torch and onnxruntime)")
    if args.only in (None, "read"):
        bench_read(args)
    if args.only in (None, "score"):
        bench_score(args)
    if args.only == "budget":
        bench_budget(args)


if __name__ == "__main__":
    main()
