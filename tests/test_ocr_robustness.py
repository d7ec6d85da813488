"""The OCR robustness set (tools/make_ocr_robustness_set.py) and its report
(benchmarks/ocr_robustness.py), run small."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from types import ModuleType

import pytest
import torch

from tests.helpers_ocr import REPO

pytest.importorskip("PIL")


def load_script(relpath: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(relpath.replace("/", "_")[:-3], REPO / relpath)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_the_set_has_each_variation_in_the_held_out_families(tmp_path) -> None:
    from PIL import Image

    from lstmzoo.data.ocr.files import read_label_file

    tool = load_script("tools/make_ocr_robustness_set.py")
    assert set(tool.config_holdout()) == {"TeX Gyre Schola", "Carlito"}
    labels = tool.make_set(tmp_path, ["Carlito"], per_variation=3, seed=1)
    entries = read_label_file(labels)
    assert len(entries) == 3 * len(tool.VARIATIONS)
    seen: dict[str, list] = {}
    for path, word, _ in entries:
        with Image.open(path) as img:
            img.load()
            seen.setdefault(path.parent.name, []).append((img.mode, img.size, img.getextrema()))
        assert word.isalnum() and word == word.lower()
    assert set(seen) == set(tool.VARIATIONS)
    assert all(m == "L" for m, _, _ in seen["plain"] + seen["inverted"])
    assert all(m == "RGB" for m, _, _ in seen["rgb"]) and all(
        m == "P" for m, _, _ in seen["palette"]
    )
    assert all(20 <= size[1] <= 24 for _, size, _ in seen["small"])
    assert all(64 <= size[1] <= 80 for _, size, _ in seen["large"])
    assert all(size[0] > size[1] for v in seen.values() for _, size, _ in v)  # natural width
    # inverted: a dark ground (the corner pixel), plain: a light one
    for variation, dark in (("inverted", True), ("plain", False)):
        for path, _, _ in entries:
            if path.parent.name == variation:
                with Image.open(path) as img:
                    assert (img.getpixel((0, 0)) < 128) == dark
    again = tool.make_set(tmp_path / "again", ["Carlito"], per_variation=3, seed=1)
    assert [e[1] for e in read_label_file(again)] == [e[1] for e in entries]


def test_the_report_gives_word_accuracy_per_variation(tmp_path) -> None:
    from lstmzoo.models import CRNNOCR

    tool = load_script("tools/make_ocr_robustness_set.py")
    tool.make_set(tmp_path / "set", ["Carlito"], per_variation=2, variations=("plain", "small"))
    torch.manual_seed(0)
    model = CRNNOCR(width_mult=0.125, hidden_size=16, batch_norm="all")
    report = load_script("benchmarks/ocr_robustness.py")
    results = report.evaluate(model, tmp_path / "set", ("variable", "fixed"), batch_size=3)
    assert set(results) == {"plain", "small", "all"}
    assert results["all"]["variable"]["n"] == 4 and results["plain"]["fixed"]["n"] == 2
    assert all(0 <= r[m]["word_acc"] <= 1 for r in results.values() for m in r)
    table = report.format_table(results, ("variable", "fixed"))
    assert table.splitlines()[-1].startswith("all") and "words variable" in table


def test_the_tool_runs_from_the_command_line(tmp_path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "make_ocr_robustness_set.py"),
            str(tmp_path),
            "--per-variation",
            "1",
            "--variations",
            "rgb",
            "palette",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "1 words x 2 variations" in out.stdout
    assert (tmp_path / "rgb" / "00000.png").is_file() and (tmp_path / "labels.txt").is_file()


def test_the_report_reads_with_the_shipped_weights_and_refuses_another_model(
    tmp_path, capsys
) -> None:
    tool = load_script("tools/make_ocr_robustness_set.py")
    tool.make_set(tmp_path / "set", ["Carlito"], per_variation=2, variations=("plain", "inverted"))
    report = load_script("benchmarks/ocr_robustness.py")
    json_out = tmp_path / "results.json"
    args = ["--data", str(tmp_path / "set"), "--resize", "variable", "--json", str(json_out)]
    assert report.main(["--ckpt", "pretrained:crnn_ocr", *args]) == 0
    assert "pretrained:crnn_ocr on" in capsys.readouterr().out
    results = json.loads(json_out.read_text())
    assert results["all"]["variable"]["n"] == 4
    with pytest.raises(SystemExit) as exit_info:
        report.main(["--ckpt", "pretrained:lstm", *args])
    assert exit_info.value.code == 2
    assert "holds a SequenceModel, not a crnn_ocr" in capsys.readouterr().err
