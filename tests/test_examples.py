import subprocess
import sys

from .conftest import REPO


def test_plain_lightning_example_runs(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "examples" / "plain_lightning.py"),
            "--output-dir",
            str(tmp_path),
            "--epochs",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "lstm: val/mse" in proc.stdout and "gru: val/mse" in proc.stdout
    assert (tmp_path / "lstm.ckpt").is_file() and (tmp_path / "gru.ckpt").is_file()


def test_public_api_is_stable():
    import lstmzoo

    assert sorted(lstmzoo.__all__) == sorted(
        [
            "CheckpointError",
            "ConfigError",
            "DataError",
            "LstmzooError",
            "ModelSpec",
            "UnknownModelError",
            "__version__",
            "create_model",
            "get_model_spec",
            "list_models",
            "load_model",
            "register_model",
        ]
    )
    for name in lstmzoo.__all__:
        assert hasattr(lstmzoo, name)
    assert (REPO / "lstmzoo" / "py.typed").is_file()
