"""Turn a finished ``lstmzoo fit`` run into shipped weights: a safetensors file and its model card.

    python tools/make_weights.py runs/lstm_adding --model lstm --tag adding_t200 --default \\
        --recipe lstm_adding --headline test/mse \\
        --command "lstmzoo fit -c configs/lstm_adding.yaml --trainer.max_time 00:00:30:00"

    python tools/make_weights.py runs/crnn_ocr_long --model crnn_ocr --tag synth_pinned_fonts \\
        --default --recipe crnn_ocr --ckpt last --dtype float16 --headline test/word_acc \\
        --eval unseen_fonts=crnn_ocr_unseen_font --command "lstmzoo fit -c ..." --wall-time 7260

What it does, in order:

1. loads ``<run>/checkpoints/<ckpt>.ckpt`` (``best`` by default) and writes its weights to
   ``lstmzoo/weights/<model>-<tag>.safetensors`` (``--dtype float16`` halves the size);
2. writes a first card, then measures the test metrics of the *shipped file* through the CLI,
   exactly as a user would: ``lstmzoo test -c <recipe> [-c <extra>] --ckpt_path
   pretrained:<model>:<tag>``, once per evaluation (``test`` on the recipe, plus one per
   ``--eval NAME=RECIPE``); with ``--dtype`` other than float32 it measures the checkpoint too,
   so the card shows the metric unchanged (or by how much it moved);
3. records the samples (``lstmzoo.weights.samples``), the training command, steps, seed, wall
   time, the machine (CPU model and the flags that matter for speed), torch and lstmzoo
   versions and the git commit, and rewrites the card.

Run it from the repository root; it writes into the package folder ``lstmzoo/weights/``.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch
import yaml

REPO = Path(__file__).resolve().parents[1]
WEIGHTS_DIR = REPO / "lstmzoo" / "weights"
#: models whose card samples are fixed inputs of their own (not a recipe's test split)
SELF_SAMPLED = ("crnn_ocr", "bilstm_sentiment")
FLAGS = ("avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile")


def machine() -> dict[str, Any]:
    """CPU model, cores and the instruction-set flags that decide speed and bf16 support."""
    info: dict[str, Any] = {"platform": platform.platform(), "cores": os.cpu_count()}
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return info
    for line in text.splitlines():
        if line.startswith("model name"):
            info["cpu"] = line.split(":", 1)[1].strip()
            break
    lines = text.splitlines()
    flags = next((ln.split(":", 1)[1].split() for ln in lines if ln.startswith("flags")), [])
    info["cpu_flags"] = [f for f in FLAGS if f in flags]
    return info


def git_commit() -> str | None:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return commit + ("+local-changes" if dirty else "")


def run_test(configs: list[str], ckpt: str, extra: list[str]) -> tuple[dict[str, float], float]:
    """``lstmzoo test`` in a subprocess; the last logged value of every metric, and seconds."""
    with tempfile.TemporaryDirectory(prefix="lstmzoo-card-") as tmp:
        cmd = [sys.executable, "-m", "lstmzoo", "test"]
        for config in configs:
            cmd += ["-c", config]
        cmd += ["--ckpt_path", ckpt, "--trainer.logger", "lightning.pytorch.loggers.CSVLogger"]
        cmd += ["--trainer.logger.init_args.save_dir", tmp, "--trainer.logger.init_args.name", "t"]
        cmd += extra
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{shlex.join(cmd)} failed:\n{done.stderr[-3000:]}")
        files = sorted(Path(tmp).rglob("metrics.csv"))
        if not files:
            raise SystemExit(f"{shlex.join(cmd)} logged no metrics")
        metrics: dict[str, float] = {}
        with open(files[-1], newline="") as handle:
            for row in csv.DictReader(handle):
                for key, value in row.items():
                    if key not in ("epoch", "step") and value not in ("", None):
                        metrics[key] = round(float(value), 6)
        return metrics, seconds


def _shown(config: str) -> str:
    path = Path(config)
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="the run folder (holds config.yaml, checkpoints/)")
    parser.add_argument("--model", required=True, help="registry name (lstm, crnn_ocr, ...)")
    parser.add_argument("--tag", required=True, help="name of these weights among the model's")
    parser.add_argument("--default", action="store_true", help="pretrained=True picks this one")
    parser.add_argument("--recipe", required=True, help="the config the run trained with")
    parser.add_argument("--ckpt", default="best", help="checkpoint name in <run>/checkpoints")
    parser.add_argument("--dtype", default="float32", choices=("float32", "float16", "bfloat16"))
    parser.add_argument("--command", required=True, help="the exact training command")
    parser.add_argument("--headline", required=True, help="metric shown by lstmzoo list")
    parser.add_argument("--eval", action="append", default=[], help="NAME=RECIPE[,RECIPE]")
    parser.add_argument("--test-arg", action="append", default=[], help="extra test argument")
    parser.add_argument("--wall-time", type=float, help="training seconds (default: the Timer's)")
    parser.add_argument("--train-commit", help="git commit the run trained with (default: HEAD)")
    parser.add_argument("--training-note", default="", help="threads, what else ran, ...")
    parser.add_argument("--summary", default="", help="one paragraph for the card")
    parser.add_argument("--data-note", default="", help="what the data was, with checksums")
    opts = parser.parse_args(argv)

    from lstmzoo.checkpoint import load_model, read_checkpoint
    from lstmzoo.recipes import recipe_path
    from lstmzoo.weights import make_card, write_weights
    from lstmzoo.weights.samples import make_samples

    ckpt_file = opts.run / "checkpoints" / f"{opts.ckpt}.ckpt"
    raw = read_checkpoint(ckpt_file)
    model = load_model(ckpt_file)
    hparams = dict(raw["hyper_parameters"])
    cls = type(model)
    class_path = f"{cls.__module__}.{cls.__qualname__}"
    stem = f"{opts.model}-{opts.tag}"
    weights = WEIGHTS_DIR / f"{stem}.safetensors"
    card_file = WEIGHTS_DIR / f"{stem}.yaml"
    write_weights(model, weights, hparams, dtype=opts.dtype)

    def card(**sections: Any) -> dict[str, Any]:
        fields = make_card(
            opts.model, opts.tag, weights, class_path, hparams, default=opts.default, **sections
        )
        card_file.write_text(yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=100))
        return fields

    card()  # a first card, so that pretrained:<model>:<tag> loads for the measurements
    evaluations = {"test": [str(recipe_path(opts.recipe))]}
    for spec in opts.eval:
        name, _, recipes = spec.partition("=")
        evaluations[name] = [str(recipe_path(opts.recipe))] + [
            str(recipe_path(r)) for r in recipes.split(",") if r
        ]
    reference = f"pretrained:{opts.model}:{opts.tag}"
    metrics: dict[str, Any] = {}
    commands: dict[str, str] = {}
    for name, configs in evaluations.items():
        shown = " ".join(f"-c {_shown(c)}" for c in configs)
        extra = " ".join(opts.test_arg)
        commands[name] = f"lstmzoo test {shown} --ckpt_path {reference} {extra}".strip()
        values, seconds = run_test(configs, reference, opts.test_arg)
        metrics[name] = values
        print(f"{name}: {values} ({seconds:.0f} s)")
        if opts.dtype != "float32":
            full, _ = run_test(configs, str(ckpt_file), opts.test_arg)
            metrics[f"{name} (float32 checkpoint)"] = full
            print(f"{name}, float32 checkpoint: {full}")
    headline_value = metrics["test"].get(opts.headline)
    if headline_value is None:
        raise SystemExit(f"--headline {opts.headline} is not among {sorted(metrics['test'])}")

    from lstmzoo.weights import load_pretrained

    shipped = load_pretrained(opts.model, opts.tag)
    samples = make_samples(shipped, opts.recipe if opts.model not in SELF_SAMPLED else None)
    run_config = yaml.safe_load((opts.run / "config.yaml").read_text(encoding="utf-8"))
    wall = opts.wall_time
    if wall is None:
        timer = (raw.get("callbacks") or {}).get("Timer") or {}
        wall = (timer.get("time_elapsed") or {}).get("train")
    training = {
        "command": opts.command,
        "recipe": f"configs/{opts.recipe}.yaml",
        "checkpoint": opts.ckpt,
        "steps": int(raw.get("global_step", 0)),
        "epochs": int(raw.get("epoch", 0)) + 1,
        "seed": run_config.get("seed_everything"),
        "wall_time_s": None if wall is None else round(float(wall)),
        "precision": (run_config.get("trainer") or {}).get("precision"),
        "machine": machine(),
        "torch": str(torch.__version__),
        "commit": opts.train_commit or git_commit(),
    }
    if opts.training_note:
        training["note"] = opts.training_note
    data = {
        "class_path": (run_config.get("data") or {}).get("class_path"),
        "init_args": (run_config.get("data") or {}).get("init_args"),
    }
    if opts.data_note:
        data["note"] = opts.data_note
    sections: dict[str, Any] = {"summary": opts.summary} if opts.summary else {}
    card(
        **sections,
        headline={"metric": opts.headline, "value": headline_value, "split": "test"},
        data=data,
        training=training,
        evaluation={"commands": commands, "metrics": metrics, "machine": machine()},
        storage={"dtype": opts.dtype},
        samples=samples,
        lstmzoo={"commit": git_commit()},
    )
    print(
        f"wrote {weights.relative_to(REPO)} ({weights.stat().st_size / 1e6:.2f} MB) and "
        f"{card_file.relative_to(REPO)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
