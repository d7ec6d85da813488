"""Word accuracy of a ``crnn_ocr`` checkpoint per variation of the robustness set.

Reads the folder that ``tools/make_ocr_robustness_set.py`` writes (``<variation>/<n>.png`` and
``labels.txt``) with :meth:`CRNNOCR.read`, once per resize mode (``variable``: height 32 at the
natural width; ``fixed``: stretched to the training width), and prints one row per variation:
images, word accuracy and character error rate per mode, then the overall figures.

    python tools/make_ocr_robustness_set.py robustness/
    python benchmarks/ocr_robustness.py --ckpt runs/crnn_ocr/checkpoints/last.ckpt \\
        --data robustness/ [--resize variable fixed] [--json results.json]
    python benchmarks/ocr_robustness.py --ckpt pretrained:crnn_ocr --data robustness/
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def evaluate(
    model: Any, folder: Path, modes: Sequence[str] = ("variable", "fixed"), batch_size: int = 64
) -> dict[str, dict[str, dict[str, float]]]:
    """``{variation: {mode: {"n", "word_acc", "cer"}}}`` plus an ``"all"`` row."""
    from torchmetrics.functional.text import char_error_rate

    from lstmzoo.data.ocr.files import find_label_file, read_label_file

    entries = read_label_file(find_label_file(folder))
    if not entries:
        raise SystemExit(f"{folder}: no labelled images")
    groups: dict[str, list[tuple[Path, str]]] = collections.defaultdict(list)
    for path, label, _ in entries:
        rel = Path(path).resolve().relative_to(folder.resolve())
        groups[rel.parts[0] if len(rel.parts) > 1 else "(top)"].append((Path(path), label))
    groups["all"] = [(Path(p), lab) for p, lab, _ in entries]
    normalize = model.alphabet.normalize
    results: dict[str, dict[str, dict[str, float]]] = {}
    for mode in modes:
        readings = model.read([p for p, _ in groups["all"]], batch_size, resize=mode)
        read_of = {p: r.text for (p, _), r in zip(groups["all"], readings)}
        for name, items in groups.items():
            preds = [read_of[p] for p, _ in items]
            truths = [normalize(lab) for _, lab in items]
            hits = sum(p == t for p, t in zip(preds, truths))
            results.setdefault(name, {})[mode] = {
                "n": float(len(items)),
                "word_acc": hits / len(items),
                "cer": float(char_error_rate(preds, truths)),
            }
    return results


def format_table(results: dict[str, dict[str, dict[str, float]]], modes: Sequence[str]) -> str:
    head = f"{'variation':<12}{'images':>8}" + "".join(
        f"{f'words {m}':>18}{f'CER {m}':>16}" for m in modes
    )
    rows = [head, "-" * len(head)]
    for name in [n for n in results if n != "all"] + ["all"]:
        row = results[name]
        n = int(row[modes[0]]["n"])
        cells = "".join(
            f"{100 * row[m]['word_acc']:>17.1f}%{100 * row[m]['cer']:>15.2f}%" for m in modes
        )
        rows.append(f"{name:<12}{n:>8}{cells}")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--ckpt", required=True, help="a crnn_ocr checkpoint, or pretrained:crnn_ocr[:TAG]"
    )
    parser.add_argument("--data", type=Path, required=True, help="the robustness set folder")
    parser.add_argument(
        "--resize", nargs="+", default=["variable", "fixed"], choices=["variable", "fixed"]
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, default=None, help="torch threads")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    opts = parser.parse_args(argv)
    import torch

    from lstmzoo.checkpoint import load_model
    from lstmzoo.models import CRNNOCR

    if opts.threads:
        torch.set_num_threads(opts.threads)
    model = load_model(opts.ckpt)
    if not isinstance(model, CRNNOCR):
        parser.error(f"--ckpt {opts.ckpt} holds a {type(model).__name__}, not a crnn_ocr")
    results = evaluate(model, opts.data, opts.resize, opts.batch_size)
    print(f"{opts.ckpt} on {opts.data}")
    print(format_table(results, opts.resize))
    if opts.json:
        opts.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
