"""lstmzoo's OCR side by side with Tesseract 5 on the same images.

Both engines read the same decoded grayscale images, held in memory, on the same cores, in one
run: the images are cut into batches (within one family at a time) and every batch is read by
each engine in turn, the order rotating from batch to batch (A, B, C, then B, C, A, ...). Each
engine's speed is the median over its batches of images per second; accuracy is torchmetrics'
:class:`~torchmetrics.text.CharErrorRate` and :class:`~torchmetrics.text.WordErrorRate` plus the
share of images read exactly, per family and overall.

Engines:

* lstmzoo: a ``crnn_ocr`` model (``--model``: ``pretrained:crnn_ocr[:TAG]`` or a checkpoint)
  through :meth:`CRNNOCR.read`, once per ``--runtimes`` option (``torch``: eager;
  ``onnx``: onnxruntime, see :mod:`lstmzoo.inference`);
* Tesseract: its LSTM engine (``--oem 1``) with the plain English model, page segmentation
  "single word" (psm 8) for a set without spaces in its labels and "single line" (psm 7)
  otherwise; through tesserocr (Tesseract's C++ API, in process) or, when tesserocr is not
  installed, the ``tesseract`` program (one process per image: slower, and its time includes
  the process start). Tesseract reads each image twice: as it is (``raw``) and upscaled to
  ``--upscale-height`` pixels (``up<H>``; Tesseract reads best at an x-height of about 30
  pixels). The variant with the lower CER is the one the speed ratios divide by; ``--whitelist``
  adds rows of both variants limited to the model's characters.

``--threads N`` (default: torch's count, ``OMP_NUM_THREADS`` where set) gives torch and
onnxruntime ``N`` threads and Tesseract ``N`` instances, each reading its share of a batch on one
thread (the PyPI wheels of tesserocr are built without OpenMP; the ``tesseract`` program runs
with ``OMP_THREAD_LIMIT=1``).

Image sets (``--set``):

* ``words``: the test split of ``configs/crnn_ocr.yaml`` + ``configs/crnn_ocr_unseen_font.yaml``
  as the data module renders it (the two held-out families, every test-time augmentation,
  ``32 x 100`` images, 1,000 of them: the setting of the ``unseen_fonts`` figures of the
  ``crnn_ocr`` card), each image stored as 8-bit grayscale; the family is the face drawn;
* a folder holding ``labels.txt`` (``relative/path<TAB>text`` per line); an image in a
  sub-folder belongs to the family named by that sub-folder (as the robustness set of
  ``tools/make_ocr_robustness_set.py`` lays it out), the others to ``all``.

For a model whose alphabet has one case (the word model: ``0-9a-z``) the figures come twice:
``exact`` compares the texts as read with the labels, ``folded`` compares both lower-cased and
cut down to the alphabet's characters, spaces removed, so that Tesseract's capitals and
punctuation count for nothing.

    python benchmarks/ocr_vs_tesseract.py --set words --limit 1000 --json results.json
    python benchmarks/ocr_vs_tesseract.py --model pretrained:crnn_ocr:lines --set lines_test/
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: Where Debian, Homebrew and source installs keep Tesseract's models.
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
PSM_WORD, PSM_LINE = 8, 7
ALL = "all"
CPU_FLAGS = ("avx2", "avx512f", "avx512_bf16")


@dataclass(frozen=True)
class Sample:
    """One image of a set: a decoded PIL image (mode ``"L"``), its label and its family."""

    image: Any
    text: str
    family: str


# --------------------------------------------------------------------------- image sets
class _FaceRecorder(list):
    """A list of font faces that remembers the face last taken from it (``random.choice``)."""

    last: Any = None

    def __getitem__(self, index: Any) -> Any:
        item = super().__getitem__(index)
        self.last = item
        return item


def tensor_to_image(x: Any) -> Any:
    """A ``(1, H, W)`` tensor in ``[-1, 1]`` (a data module sample) as an 8-bit ``"L"`` image."""
    from PIL import Image

    pixels = ((x[0].float() + 1.0) * 127.5).round().clamp(0, 255).byte().contiguous()
    height, width = pixels.shape
    return Image.frombytes("L", (width, height), pixels.numpy().tobytes())


def words_set(limit: int | None = None) -> list[Sample]:
    """The word recipe's held-out-family test split (see the module docstring).

    ``limit`` images (default: the split's 1,000); past 1,000 the split's seed draws more, the
    first 1,000 being those of the card's figures. An image's family is the face the renderer
    took for it, seen through the list of faces it draws from.
    """
    import yaml

    from lstmzoo.data.ocr import OCRDataModule
    from lstmzoo.recipes import recipe_path

    init_args: dict[str, Any] = {}
    for name in ("crnn_ocr", "crnn_ocr_unseen_font"):
        config = yaml.safe_load(recipe_path(name).read_text(encoding="utf-8"))
        init_args.update(((config.get("data") or {}).get("init_args")) or {})
    data = OCRDataModule(**init_args)
    size = limit if limit is not None else data.sizes["test"]
    dataset = data.synthetic("test", num_samples=size)
    faces = _FaceRecorder(dataset.renderer.fonts)
    dataset.renderer.fonts = faces
    samples = []
    for index in range(size):
        faces.last = None
        item = dataset[index]
        family = faces.last.family if faces.last is not None else ALL
        samples.append(Sample(tensor_to_image(item["x"]), item["text"], family))
    return samples


def folder_set(folder: Path, limit: int | None = None) -> list[Sample]:
    """The images of ``folder/labels.txt`` (or ``gt.txt``), decoded as grayscale."""
    from lstmzoo.data.ocr.files import find_label_file, read_label_file
    from lstmzoo.data.ocr.images import open_image, to_grayscale

    entries = read_label_file(find_label_file(folder))
    if limit is not None:
        entries = entries[:limit]
    if not entries:
        raise SystemExit(f"{folder}: no labelled images")
    root = folder.resolve()
    samples = []
    for path, text, _ in entries:
        rel = path.resolve().relative_to(root)
        family = rel.parts[0] if len(rel.parts) > 1 else ALL
        samples.append(Sample(to_grayscale(open_image(path)), text, family))
    return samples


def load_set(name: str, limit: int | None = None) -> list[Sample]:
    """``--set``: ``"words"`` or a folder (see the module docstring)."""
    if name == "words":
        return words_set(limit)
    folder = Path(name).expanduser()
    if not folder.is_dir():
        raise SystemExit(f"--set {name}: neither 'words' nor a folder")
    return folder_set(folder, limit)


# --------------------------------------------------------------------------- engines
class LstmzooEngine:
    """A ``crnn_ocr`` model reading through :meth:`CRNNOCR.read` with one runtime."""

    def __init__(self, model: Any, runtime: str = "torch", resize: str = "auto") -> None:
        self.model = model
        self.runtime = runtime
        self.resize = resize
        self.name = f"lstmzoo {'eager' if runtime == 'torch' else runtime}"

    def read(self, images: Sequence[Any]) -> list[str]:
        readings = self.model.read(
            list(images), batch_size=max(1, len(images)), resize=self.resize, runtime=self.runtime
        )
        return [r.text for r in readings]

    def close(self) -> None:
        """Nothing to release (the inference engine lives with the model)."""


def find_tessdata(explicit: str | None = None) -> Path | None:
    """The folder holding ``eng.traineddata``: ``explicit``, ``$TESSDATA_PREFIX`` or a usual
    install location; ``None`` when there is none."""
    candidates = [explicit] if explicit else [os.environ.get("TESSDATA_PREFIX"), *TESSDATA_DIRS]
    for candidate in candidates:
        if candidate and (Path(candidate) / "eng.traineddata").is_file():
            return Path(candidate)
    return None


def tesseract_binding(choice: str = "auto") -> str | None:
    """``"tesserocr"`` or ``"cli"`` (the ``tesseract`` program), as ``choice`` asks and this
    machine has; ``None`` when it has neither."""
    if choice in ("auto", "tesserocr"):
        try:
            import tesserocr  # noqa: F401

            return "tesserocr"
        except ImportError:
            if choice == "tesserocr":
                return None
    return "cli" if shutil.which("tesseract") else None


def tesseract_version(binding: str) -> str:
    """Tesseract's version line (``"tesseract 5.3.0"``) and, after ``;``, its leptonica's."""
    if binding == "tesserocr":
        import tesserocr

        lines = tesserocr.tesseract_version().splitlines()
    else:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
        lines = (out.stdout or out.stderr).splitlines()
    lines = [line.strip() for line in lines if line.strip()]
    return "; ".join(lines[:2])


def tesseract_openmp(binding: str) -> bool | None:
    """Whether the Tesseract library in use is linked with OpenMP (``libgomp``), as ``ldd``
    tells; ``None`` where that cannot be told."""
    if binding == "tesserocr":
        import tesserocr

        folder = Path(tesserocr.__file__).parent
        # a wheel's own copy of the library, else the extension module (linked to the system's)
        found = sorted((folder.parent / f"{folder.name}.libs").glob("libtesseract*"))
        found = found or sorted(folder.glob("tesserocr*.so"))
        target = str(found[0]) if found else ""
    else:
        target = shutil.which("tesseract") or ""
    if not target or not shutil.which("ldd"):
        return None
    out = subprocess.run(["ldd", target], capture_output=True, text=True)
    return "libgomp" in out.stdout if out.returncode == 0 else None


def upscaled(image: Any, height: int) -> Any:
    """``image`` scaled (Lanczos, aspect ratio kept) to ``height`` pixels; never shrunk."""
    from PIL import Image

    if image.height >= height:
        return image
    width = max(1, round(image.width * height / image.height))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def clean_output(text: str) -> str:
    """Tesseract's text as one line: whitespace runs become one space, ends stripped."""
    return " ".join(text.split())


class TesseractEngine:
    """Tesseract's LSTM engine (``oem 1``) on ``workers`` single-threaded instances.

    Args:
        tessdata: the folder of ``eng.traineddata``.
        psm: page segmentation mode (7: single line, 8: single word).
        height: upscale the images to this height first (``None``: as they are).
        whitelist: restrict the characters Tesseract may answer (``None``: no limit).
        workers: instances reading a batch's images in parallel.
        binding: ``"tesserocr"`` (in process) or ``"cli"`` (a ``tesseract`` process per image).
    """

    def __init__(
        self,
        tessdata: Path,
        psm: int,
        height: int | None = None,
        whitelist: str | None = None,
        workers: int = 1,
        binding: str = "tesserocr",
    ) -> None:
        self.tessdata, self.psm, self.height = tessdata, psm, height
        self.whitelist, self.binding = whitelist, binding
        self.workers = max(1, workers)
        self.name = "tesseract " + (f"up{height}" if height else "raw")
        if whitelist:
            self.name += " whitelist"
        self._apis: list[Any] = []
        if binding == "tesserocr":
            from tesserocr import OEM, PyTessBaseAPI

            for _ in range(self.workers):
                api = PyTessBaseAPI(
                    path=f"{tessdata}{os.sep}", lang="eng", psm=psm, oem=OEM.LSTM_ONLY
                )
                if whitelist:
                    api.SetVariable("tessedit_char_whitelist", whitelist)
                self._apis.append(api)
        self._pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None

    def _prepare(self, image: Any) -> Any:
        return upscaled(image, self.height) if self.height else image

    def _read_api(self, api: Any, images: Sequence[Any]) -> list[str]:
        texts = []
        for image in images:
            image = self._prepare(image)
            api.SetImageBytes(image.tobytes(), image.width, image.height, 1, image.width)
            texts.append(clean_output(api.GetUTF8Text()))  # runs the recognizer, GIL released
        return texts

    def _read_cli(self, images: Sequence[Any]) -> list[str]:
        command = ["tesseract", "stdin", "stdout", "--tessdata-dir", str(self.tessdata)]
        command += ["-l", "eng", "--oem", "1", "--psm", str(self.psm)]
        if self.whitelist:
            command += ["-c", f"tessedit_char_whitelist={self.whitelist}"]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        texts = []
        for image in images:
            buffer = io.BytesIO()
            self._prepare(image).save(buffer, format="PNG")
            out = subprocess.run(
                command, input=buffer.getvalue(), capture_output=True, env=env, check=True
            )
            texts.append(clean_output(out.stdout.decode("utf-8", errors="replace")))
        return texts

    def read(self, images: Sequence[Any]) -> list[str]:
        chunk = -(-len(images) // self.workers)
        parts = [images[start : start + chunk] for start in range(0, len(images), chunk)]
        if self.binding == "tesserocr":

            def work(k: int) -> list[str]:
                return self._read_api(self._apis[k], parts[k])
        else:

            def work(k: int) -> list[str]:
                return self._read_cli(parts[k])

        if self._pool is None or len(parts) == 1:
            results = [work(k) for k in range(len(parts))]
        else:
            results = list(self._pool.map(work, range(len(parts))))
        return [text for part in results for text in part]

    def close(self) -> None:
        """End the Tesseract instances and the worker threads."""
        for api in self._apis:
            api.End()
        self._apis.clear()
        if self._pool is not None:
            self._pool.shutdown()


# --------------------------------------------------------------------------- the run
def family_batches(families: Sequence[str], batch_size: int) -> list[list[int]]:
    """Sample indices in batches of at most ``batch_size`` images of one family each (families
    in order of first appearance, input order within one)."""
    groups: dict[str, list[int]] = collections.defaultdict(list)
    for index, family in enumerate(families):
        groups[family].append(index)
    return [
        group[start : start + batch_size]
        for group in groups.values()
        for start in range(0, len(group), batch_size)
    ]


def interleaved_run(
    engines: Sequence[Any], samples: Sequence[Sample], batch_size: int
) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, int, float]]]]:
    """Every engine reads every batch; batch ``k`` starts with engine ``k mod len(engines)``.

    Each engine first reads the first batch once, untimed (ONNX export, first-call set-up).

    Returns:
        ``{engine: texts in sample order}`` and ``{engine: [(family, images, seconds), ...]}``
        with one entry per batch.
    """
    batches = family_batches([s.family for s in samples], batch_size)
    texts: dict[str, list[str]] = {e.name: [""] * len(samples) for e in engines}
    timings: dict[str, list[tuple[str, int, float]]] = {e.name: [] for e in engines}
    for engine in engines:
        engine.read([samples[i].image for i in batches[0]])
    for k, batch in enumerate(batches):
        images = [samples[i].image for i in batch]
        for step in range(len(engines)):
            engine = engines[(k + step) % len(engines)]
            start = time.perf_counter()
            read = engine.read(images)
            seconds = time.perf_counter() - start
            timings[engine.name].append((samples[batch[0]].family, len(batch), seconds))
            for i, text in zip(batch, read, strict=True):
                texts[engine.name][i] = text
    return texts, timings


def folder_for(alphabet: str) -> Callable[[str], str] | None:
    """The folding of the ``folded`` comparison for a model reading ``alphabet``: lower case,
    only the alphabet's characters, no spaces; ``None`` for an alphabet with both cases."""
    if any(c.isupper() for c in alphabet):
        return None
    keep = {c for c in alphabet.lower() if not c.isspace()}

    def fold(text: str) -> str:
        return "".join(c for c in text.lower() if c in keep)

    return fold


def scores(predictions: Sequence[str], truths: Sequence[str]) -> dict[str, float]:
    """``{"n", "cer", "wer", "exact"}`` of ``predictions`` against ``truths`` (fractions)."""
    from torchmetrics.text import CharErrorRate, WordErrorRate

    cer, wer = CharErrorRate(), WordErrorRate()
    cer.update(list(predictions), list(truths))
    wer.update(list(predictions), list(truths))
    hits = sum(p == t for p, t in zip(predictions, truths, strict=True))
    return {
        "n": len(truths),
        "cer": float(cer.compute()),
        "wer": float(wer.compute()),
        "exact": hits / max(1, len(truths)),
    }


def median_rate(batches: Sequence[tuple[str, int, float]]) -> float:
    """The median of images per second over ``batches``."""
    return statistics.median(n / max(seconds, 1e-9) for _, n, seconds in batches)


def summarize(
    samples: Sequence[Sample],
    texts: dict[str, list[str]],
    timings: dict[str, list[tuple[str, int, float]]],
    fold: Callable[[str], str] | None,
) -> dict[str, Any]:
    """Accuracy per comparison, family and engine; speed per family and engine; the Tesseract
    variant the ratios divide by (of those without a whitelist, the one of lowest overall CER,
    folded where there is a folded comparison), and the ratios."""
    families = [f for f in dict.fromkeys(s.family for s in samples) if f != ALL] + [ALL]
    members = {f: [i for i, s in enumerate(samples) if f in (s.family, ALL)] for f in families}
    comparisons: dict[str, Callable[[str], str]] = {"exact": lambda t: t}
    if fold is not None:
        comparisons["folded"] = fold
    accuracy: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for kind, norm in comparisons.items():
        accuracy[kind] = {
            f: {
                engine: scores(
                    [norm(read[i]) for i in members[f]],
                    [norm(samples[i].text) for i in members[f]],
                )
                for engine, read in texts.items()
            }
            for f in families
        }
    speed = {
        f: {
            engine: median_rate([b for b in batches if f in (b[0], ALL)])
            for engine, batches in timings.items()
        }
        for f in families
    }
    judge = "folded" if fold is not None else "exact"
    tesseracts = [e for e in texts if e.startswith("tesseract") and "whitelist" not in e]
    chosen = min(tesseracts, key=lambda e: accuracy[judge][ALL][e]["cer"]) if tesseracts else None
    ratios: dict[str, dict[str, float]] = {f: {} for f in families}
    if chosen is not None:
        for f in families:
            for engine in texts:
                if engine.startswith("lstmzoo"):
                    ratios[f][engine] = speed[f][engine] / speed[f][chosen]
    return {"accuracy": accuracy, "speed": speed, "tesseract_reference": chosen, "ratios": ratios}


def format_table(summary: dict[str, Any]) -> str:
    """The figures as text: one block per comparison, a row per family and engine."""
    chosen = summary["tesseract_reference"]
    head = (
        f"{'family':<18}{'engine':<28}{'images':>7}{'CER':>9}{'WER':>9}{'exact':>9}"
        f"{'lines/s':>10}{'vs tesseract':>14}"
    )
    rows = []
    for kind, per_family in summary["accuracy"].items():
        title = {
            "exact": "exact: the text as read against the label",
            "folded": "folded: both lower-cased, only the model's characters, no spaces",
        }[kind]
        rows += ["", title, head, "-" * len(head)]
        for family, per_engine in per_family.items():
            for engine, row in per_engine.items():
                ratio = summary["ratios"].get(family, {}).get(engine)
                mark = " *" if engine == chosen else ""
                rows.append(
                    f"{family[:17]:<18}{(engine + mark)[:27]:<28}{row['n']:>7}"
                    f"{100 * row['cer']:>8.2f}%{100 * row['wer']:>8.2f}%"
                    f"{100 * row['exact']:>8.1f}%{summary['speed'][family][engine]:>10.1f}"
                    + (f"{ratio:>13.2f}x" if ratio is not None else "")
                )
    if chosen is not None:
        judged = "folded" if "folded" in summary["accuracy"] else "exact"
        rows += [
            "",
            f"* the ratios divide by {chosen}: the lowest overall {judged} CER of the "
            "Tesseract variants without a whitelist",
        ]
    return "\n".join(rows[1:])


def machine() -> dict[str, Any]:
    """CPU model, the vector extensions that matter here, cores and load average."""
    info: dict[str, Any] = {"platform": platform.platform(), "cores": os.cpu_count()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        cpuinfo = ""
    for line in cpuinfo.splitlines():
        if line.startswith("model name") and "cpu" not in info:
            info["cpu"] = line.split(":", 1)[1].strip()
        if line.startswith("flags") and "cpu_flags" not in info:
            flags = set(line.split(":", 1)[1].split())
            info["cpu_flags"] = [f for f in CPU_FLAGS if f in flags]
    if hasattr(os, "getloadavg"):
        info["load_average"] = [round(v, 2) for v in os.getloadavg()]
    return info


# --------------------------------------------------------------------------- command line
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model",
        default="pretrained:crnn_ocr:synth_pinned_fonts",
        help="a crnn_ocr checkpoint or pretrained:crnn_ocr[:TAG]",
    )
    parser.add_argument("--set", default="words", help="'words' or a folder with labels.txt")
    parser.add_argument("--limit", type=int, default=None, help="read the first N images")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads = Tesseract instances (default: torch's, OMP_NUM_THREADS if set)",
    )
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--runtimes", nargs="+", default=["torch", "onnx"], choices=["torch", "onnx"]
    )
    parser.add_argument("--resize", default="auto", choices=["auto", "fixed", "variable"])
    parser.add_argument(
        "--psm", type=int, default=None, choices=[PSM_LINE, PSM_WORD],
        help="Tesseract's page segmentation (default: 8 without spaces in the labels, else 7)",
    )  # fmt: skip
    parser.add_argument("--upscale-height", type=int, default=96)
    parser.add_argument("--whitelist", action="store_true", help="add whitelisted Tesseract rows")
    parser.add_argument("--binding", default="auto", choices=["auto", "tesserocr", "cli"])
    parser.add_argument("--tessdata", default=None, help="the folder of eng.traineddata")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    opts = parser.parse_args(argv)
    if opts.limit is not None and opts.limit < 1:
        parser.error("--limit must be >= 1")
    if (opts.threads is not None and opts.threads < 1) or opts.batch_size < 1:
        parser.error("--threads and --batch-size must be >= 1")
    binding = tesseract_binding(opts.binding)
    if binding is None:
        parser.error(
            "no Tesseract: pip install tesserocr, or install the tesseract program "
            "(Debian: apt-get install tesseract-ocr tesseract-ocr-eng)"
        )
    tessdata = find_tessdata(opts.tessdata)
    if tessdata is None:
        parser.error(
            "no eng.traineddata found (give --tessdata or set TESSDATA_PREFIX; Debian: "
            "apt-get install tesseract-ocr-eng)"
        )
    import torch

    from lstmzoo.checkpoint import load_model
    from lstmzoo.models import CRNNOCR

    if opts.threads is None:
        opts.threads = torch.get_num_threads()
    torch.set_num_threads(opts.threads)
    model = load_model(opts.model)
    if not isinstance(model, CRNNOCR):
        parser.error(f"--model {opts.model} holds a {type(model).__name__}, not a crnn_ocr")
    samples = load_set(opts.set, opts.limit)
    psm = opts.psm or (PSM_LINE if any(" " in s.text for s in samples) else PSM_WORD)
    alphabet = model.alphabet.chars
    whitelist = "".join(dict.fromkeys(alphabet + alphabet.upper())).replace(" ", "")
    runtimes = list(opts.runtimes)
    if "onnx" in runtimes and importlib.util.find_spec("onnxruntime") is None:
        print("no onnxruntime (pip install 'lstmzoo[export]'): no onnx row", file=sys.stderr)
        runtimes.remove("onnx")
    engines: list[Any] = [LstmzooEngine(model, rt, opts.resize) for rt in runtimes]
    for height in (None, opts.upscale_height):
        for wl in (None, whitelist) if opts.whitelist else (None,):
            engines.append(TesseractEngine(tessdata, psm, height, wl, opts.threads, binding))
    load_before = machine().get("load_average")
    try:
        texts, timings = interleaved_run(engines, samples, opts.batch_size)
    finally:
        for engine in engines:
            engine.close()
    summary = summarize(samples, texts, timings, folder_for(alphabet))
    info = machine()
    info["load_average_before"] = load_before
    version = tesseract_version(binding)
    openmp = tesseract_openmp(binding)
    how = "tesserocr" if binding == "tesserocr" else "the tesseract program, a process per image"
    psm_name = "single word" if psm == PSM_WORD else "single line"
    print(
        f"{opts.model} vs {version.split(';')[0]} ({how}; LSTM engine, psm {psm} {psm_name}, "
        f"{tessdata / 'eng.traineddata'})\n{len(samples)} images of --set {opts.set}, "
        f"batches of {opts.batch_size}; {opts.threads} torch thread(s), {opts.threads} "
        f"Tesseract instance(s); median lines/s; load average {info.get('load_average')}"
    )
    if openmp and binding == "tesserocr":
        print(
            "note: this libtesseract is built with OpenMP, so each of its instances may run "
            "more than one thread"
        )
    print(format_table(summary))
    if opts.json:
        record = {
            "model": opts.model,
            "set": opts.set,
            "images": len(samples),
            "threads": opts.threads,
            "batch_size": opts.batch_size,
            "tesseract": {
                "version": version,
                "binding": binding,
                "openmp": openmp,
                "oem": 1,
                "psm": psm,
                "tessdata": str(tessdata),
                "upscale_height": opts.upscale_height,
                "whitelist": whitelist if opts.whitelist else None,
            },
            "machine": info,
            **summary,
        }
        opts.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
