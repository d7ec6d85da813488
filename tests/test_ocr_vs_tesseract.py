"""lstmzoo's OCR against Tesseract (benchmarks/ocr_vs_tesseract.py), run on a handful of images."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers_ocr import REPO, write_sample

pytest.importorskip("PIL")


def load_benchmark() -> ModuleType:
    path = REPO / "benchmarks" / "ocr_vs_tesseract.py"
    spec = importlib.util.spec_from_file_location("benchmarks_ocr_vs_tesseract", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


bench = load_benchmark()


def tesseract_missing(binding: str = "auto") -> str | None:
    """Why Tesseract cannot run here, or ``None`` when it can."""
    if bench.tesseract_binding(binding) is None:
        what = "the tesseract program" if binding == "cli" else "tesserocr or the tesseract program"
        return (
            f"{what} is not installed (.ci/run installs it; Debian: apt-get install "
            "tesseract-ocr tesseract-ocr-eng)"
        )
    if bench.find_tessdata() is None:
        return "Tesseract's eng.traineddata is not installed (Debian: tesseract-ocr-eng)"
    return None


def write_families(folder: Path, texts: dict[str, list[str]]) -> Path:
    """Rendered images in one sub-folder per family and a labels.txt naming them."""
    lines = []
    for family, words in texts.items():
        for i, text in enumerate(words):
            rel = f"{family}/{i:03d}.png"
            write_sample(folder / rel, text, seed=i)
            lines.append(f"{rel}\t{text}")
    (folder / "labels.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


class FakeEngine:
    def __init__(self, name: str, calls: list[str]) -> None:
        self.name, self.calls = name, calls

    def read(self, images: list) -> list[str]:
        self.calls.append(self.name)
        return [f"{self.name}{image}" for image in images]


def test_the_engines_take_turns_on_the_same_batches() -> None:
    samples = [bench.Sample(i, "", "a" if i < 4 else "b") for i in range(6)]
    calls: list[str] = []
    engines = [FakeEngine(n, calls) for n in ("A", "B", "C")]
    texts, timings = bench.interleaved_run(engines, samples, batch_size=2)
    assert calls[:3] == ["A", "B", "C"]  # one untimed warm-up read each
    assert calls[3:] == ["A", "B", "C", "B", "C", "A", "C", "A", "B"]
    assert texts["B"] == [f"B{i}" for i in range(6)]
    assert [(family, n) for family, n, _ in timings["A"]] == [("a", 2), ("a", 2), ("b", 2)]
    assert all(seconds >= 0 for _, _, seconds in timings["C"])
    assert bench.family_batches(["x", "y", "x", "x"], 2) == [[0, 2], [3], [1]]


def test_folding_families_and_the_reference_variant(tmp_path) -> None:
    fold = bench.folder_for("0123456789abcdefghijklmnopqrstuvwxyz")
    assert fold is not None and fold("Hello, World 42!") == "helloworld42"
    assert bench.folder_for("abcABC ") is None  # both cases: exact figures only
    samples = bench.folder_set(write_families(tmp_path, {"serif": ["ab", "cd"], "sans": ["ef"]}))
    assert [s.family for s in samples] == ["serif", "serif", "sans"]
    assert samples[0].image.mode == "L" and samples[2].text == "ef"
    texts = {
        "lstmzoo eager": ["ab", "cd", "ef"],
        "tesseract raw": ["Ab", "c", "ef"],
        "tesseract up96": ["AB", "xx", "ef"],
        "tesseract raw whitelist": ["ab", "cd", "ef"],
    }
    timings = {name: [("serif", 2, 0.1), ("sans", 1, 0.1)] for name in texts}
    timings["tesseract raw"] = [("serif", 2, 0.4), ("sans", 1, 0.2)]
    summary = bench.summarize(samples, texts, timings, fold)
    assert list(summary["accuracy"]) == ["exact", "folded"]
    assert list(summary["accuracy"]["exact"]) == ["serif", "sans", "all"]
    exact, folded = summary["accuracy"]["exact"]["all"], summary["accuracy"]["folded"]["all"]
    assert exact["tesseract raw"]["exact"] == pytest.approx(1 / 3)
    assert folded["tesseract raw"]["exact"] == pytest.approx(2 / 3)
    assert folded["tesseract raw"]["cer"] == pytest.approx(1 / 6)
    assert folded["lstmzoo eager"] == {"n": 3, "cer": 0.0, "wer": 0.0, "exact": 1.0}
    # the whitelisted row reads best but is never the reference
    assert summary["tesseract_reference"] == "tesseract raw"
    assert summary["speed"]["serif"]["tesseract raw"] == pytest.approx(5.0)
    assert summary["ratios"]["serif"]["lstmzoo eager"] == pytest.approx(4.0)
    assert summary["ratios"]["all"]["lstmzoo eager"] == pytest.approx(3.0)
    table = bench.format_table(summary)
    assert "folded: both lower-cased" in table and "tesseract raw *" in table


@pytest.mark.skipif(tesseract_missing() is not None, reason=str(tesseract_missing()))
def test_the_word_set_read_by_both_engines(tmp_path, capsys) -> None:
    out = tmp_path / "results.json"
    args = ["--set", "words", "--limit", "4", "--batch-size", "2", "--json", str(out)]
    assert bench.main(args) == 0
    printed = capsys.readouterr().out
    result = json.loads(out.read_text())
    engines = ["lstmzoo eager", "lstmzoo onnx", "tesseract raw", "tesseract up96"]
    assert result["images"] == 4 and result["tesseract"]["psm"] == 8
    assert result["tesseract"]["version"].startswith("tesseract ")
    assert result["tesseract_reference"] in ("tesseract raw", "tesseract up96")
    for kind in ("exact", "folded"):
        per_family = result["accuracy"][kind]
        assert set(per_family) <= {"TeX Gyre Schola", "Carlito", "all"} and "all" in per_family
        assert sum(per_family[f]["lstmzoo eager"]["n"] for f in per_family if f != "all") == 4
        for rows in per_family.values():
            assert sorted(rows) == sorted(engines)
            assert all(row["cer"] >= 0 and 0 <= row["exact"] <= 1 for row in rows.values())
    assert all(rate > 0 for rate in result["speed"]["all"].values())
    assert set(result["ratios"]["all"]) == {"lstmzoo eager", "lstmzoo onnx"}
    table_rows = [line for line in printed.splitlines() if line.startswith("all ")]
    assert len(table_rows) == 2 * len(engines)  # a row per engine, exact and folded
    assert {e for e in engines if any(e in row for row in table_rows)} == set(engines)


@pytest.mark.skipif(tesseract_missing("cli") is not None, reason=str(tesseract_missing("cli")))
def test_a_labelled_folder_through_the_tesseract_program(tmp_path, capsys) -> None:
    folder = write_families(tmp_path / "set", {"one": ["two words", "zoo"], "two": ["lstm"]})
    out = tmp_path / "results.json"
    args = ["--set", str(folder), "--binding", "cli", "--runtimes", "torch", "--json", str(out)]
    assert bench.main([*args, "--limit", "2"]) == 0
    result = json.loads(out.read_text())
    assert result["tesseract"]["binding"] == "cli" and result["tesseract"]["psm"] == 7
    assert list(result["accuracy"]["exact"]) == ["one", "all"]  # --limit: the first two images
    assert "process per image" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        bench.main(["--model", "pretrained:lstm", *args])
    assert exit_info.value.code == 2
    assert "holds a SequenceModel, not a crnn_ocr" in capsys.readouterr().err
