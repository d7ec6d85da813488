"""Recipes by name, and the wheel that ships them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from lstmzoo import recipes
from lstmzoo.cli import main
from lstmzoo.registry import get_model_spec, list_models

from .conftest import CONFIGS, REPO


def test_every_config_file_is_a_recipe():
    names = {p.relative_to(CONFIGS).with_suffix("").as_posix() for p in CONFIGS.rglob("*.yaml")}
    assert set(recipes.list_recipes()) == names
    assert "trainer/cpu" in names and recipes.list_recipes("trainer/") == sorted(
        n for n in names if n.startswith("trainer/")
    )


@pytest.mark.parametrize("name", ["lstm_adding", "configs/lstm_adding.yaml", "lstm_adding.yaml"])
def test_recipe_path_accepts_names_and_repository_paths(name):
    assert recipes.recipe_path(name) == CONFIGS / "lstm_adding.yaml"


def test_unknown_recipe_lists_close_matches():
    with pytest.raises(recipes.UnknownRecipeError, match="Did you mean: lstm_adding"):
        recipes.recipe_path("lstm_addng")
    with pytest.raises(recipes.UnknownRecipeError):
        recipes.recipe_path("../pyproject")


def test_registry_configs_resolve():
    for name in list_models():
        spec = get_model_spec(name)
        if spec.config:
            assert spec.config_path().is_file(), name
            assert recipes.recipe_path(spec.recipe) == spec.config_path()


def test_fit_takes_a_recipe_name_from_any_folder(in_tmp):
    from .helpers_sequence import TINY_DATA

    args = ["fit", "-c", "lstm_adding", "-c", "trainer/cpu", *TINY_DATA["AddingProblem"]]
    quiet = ["--trainer.enable_progress_bar", "false", "--trainer.enable_model_summary", "false"]
    quiet += ["--trainer.log_every_n_steps", "1"]
    assert main([*args, *quiet, "--trainer.max_steps", "2"]) == 0
    assert list(in_tmp.glob("runs/lstm_adding/**/last.ckpt"))


def _run(cmd, cwd, env):
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, (
        f"{cmd}\nstdout:\n{out.stdout[-3000:]}\nstderr:\n{out.stderr[-3000:]}"
    )
    return out


@pytest.mark.slow
def test_wheel_installed_outside_the_repository_runs_recipes(tmp_path):
    """sdist -> wheel -> fresh venv in a temporary folder -> list, fit a recipe, test.

    The venv is created without pip and without the system's packages; the wheel is installed
    with ``--no-deps`` by the current pip (``pip --python``), and the dependencies come from the
    current environment through a ``.pth`` line naming its site-packages. A ``.pth`` line only
    adds that folder to ``sys.path`` after the venv's own site-packages: the ``.pth`` files inside
    it (the editable install of this checkout among them) are not run, so ``import lstmzoo``
    finds the installed wheel and nothing else. (``--system-site-packages`` cannot do this: the
    current environment is itself a venv, and the flag would reach the base interpreter's
    packages, not these.) No network is needed.
    """
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "configs")
    shutil.copytree(REPO / "lstmzoo", src / "lstmzoo", ignore=ignore)
    shutil.copytree(REPO / "configs", src / "configs")
    shutil.copytree(REPO / "examples" / "ocr", src / "examples" / "ocr")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(OMP_NUM_THREADS="1", COLUMNS="200")  # wide enough for rich's tables
    dist = tmp_path / "dist"
    build = f"from setuptools import build_meta as b; b.build_sdist({str(dist)!r})"
    _run([sys.executable, "-c", build], src, env)
    sdist = next(dist.glob("lstmzoo-*.tar.gz"))
    with tarfile.open(sdist) as tar:
        assert any("/configs/lstm_adding.yaml" in n for n in tar.getnames()), "sdist lacks configs"
        tar.extractall(tmp_path / "sdist", filter="data")
    unpacked = next((tmp_path / "sdist").iterdir())
    pip = [sys.executable, "-m", "pip"]
    wheel_cmd = [*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist)]
    _run([*wheel_cmd, unpacked], tmp_path, env)
    wheel = next(dist.glob("lstmzoo-*.whl"))
    with zipfile.ZipFile(wheel) as zipped:
        names = zipped.namelist()
    assert "lstmzoo/examples/ocr/000_hello.png" in names, "the wheel lacks the example images"
    assert any(n.endswith(".safetensors") for n in names), "the wheel lacks the weights"

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, env)
    python = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = _run([python, "-c", purelib], tmp_path, env)
    (Path(site.stdout.strip()) / "_lstmzoo_test_deps.pth").write_text(
        sysconfig.get_path("purelib") + "\n"
    )
    _run([*pip, "--python", str(python), "install", "--no-deps", "-q", str(wheel)], tmp_path, env)

    work = tmp_path / "elsewhere"
    work.mkdir()
    where = _run([python, "-c", "import lstmzoo.recipes as r; print(r.recipes_root())"], work, env)
    assert where.stdout.strip().startswith(str(venv)), where.stdout
    lstmzoo = str(venv / "bin" / "lstmzoo")
    listed = _run([lstmzoo, "list"], work, env)
    assert "lstm_adding" in listed.stdout
    tiny = ["--data.init_args.seq_len", "10", "--data.init_args.num_train", "64"]
    tiny += ["--data.init_args.num_val", "32", "--data.init_args.num_test", "32"]
    tiny += ["--trainer.enable_progress_bar", "false", "--trainer.enable_model_summary", "false"]
    _run([lstmzoo, "fit", "-c", "lstm_adding", *tiny, "--trainer.max_steps", "3"], work, env)
    ckpt = work / "runs" / "lstm_adding" / "checkpoints" / "last.ckpt"
    assert ckpt.is_file(), sorted(str(p) for p in work.rglob("*"))
    tested = _run(
        [lstmzoo, "test", "-c", "lstm_adding", *tiny, "--ckpt_path", str(ckpt)], work, env
    )
    assert "test/mse" in tested.stdout
    # the shipped weights load from the installed package and give their cards' answers
    checked = _run([lstmzoo, "weights", "--check"], work, env)
    assert "differs" not in checked.stdout and ": ok" in checked.stdout, checked.stdout
