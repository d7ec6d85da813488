"""Build hook: the wheel carries the repository's ``configs/`` as ``lstmzoo/configs/`` and the
OCR example images ``examples/ocr/`` as ``lstmzoo/examples/ocr/``.

``configs/`` and ``examples/`` at the top of the repository are the one source; this copies them
into the build tree at build time, so there is no second copy in git. (Everything else about
the package is in ``pyproject.toml``.) The example images are the inputs of the OCR model
card's samples (``lstmzoo.weights.samples``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CONFIGS = ROOT / "configs"
#: (source folder, file pattern, folder inside the package)
COPIED = ((CONFIGS, "*.yaml", "configs"), (ROOT / "examples" / "ocr", "*", "examples/ocr"))


class BuildPyWithRecipes(build_py):
    """``build_py`` that also copies ``configs/**/*.yaml`` to ``<build>/lstmzoo/configs/`` and
    ``examples/ocr/*`` to ``<build>/lstmzoo/examples/ocr/``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the repository's folders directly
        for folder, pattern, inside in COPIED:
            if not folder.is_dir():
                raise SystemExit(f"cannot build lstmzoo: {folder} is missing")
            target = Path(self.build_lib) / "lstmzoo" / inside
            shutil.rmtree(target, ignore_errors=True)
            for source in sorted(folder.rglob(pattern)):
                if source.is_file():
                    dest = target / source.relative_to(folder)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, dest)


setup(cmdclass={"build_py": BuildPyWithRecipes})
