"""Build hook: the wheel carries the repository's ``configs/`` as ``lstmzoo/configs/``.

``configs/`` at the top of the repository is the one source of the recipes; this copies it into
the build tree at build time, so there is no second copy in git. (Everything else about the
package is in ``pyproject.toml``.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CONFIGS = Path(__file__).resolve().parent / "configs"


class BuildPyWithRecipes(build_py):
    """``build_py`` that also copies ``configs/**/*.yaml`` to ``<build>/lstmzoo/configs/``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the repository's configs/ directly
        if not CONFIGS.is_dir():
            raise SystemExit(f"cannot build lstmzoo: {CONFIGS} is missing")
        target = Path(self.build_lib) / "lstmzoo" / "configs"
        shutil.rmtree(target, ignore_errors=True)
        for source in sorted(CONFIGS.rglob("*.yaml")):
            dest = target / source.relative_to(CONFIGS)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)


setup(cmdclass={"build_py": BuildPyWithRecipes})
