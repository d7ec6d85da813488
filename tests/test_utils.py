"""Small shared helpers."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from lstmzoo.utils import sha256_file

REPO = Path(__file__).resolve().parents[1]


def test_sha256_file_reads_in_chunks(tmp_path: Path) -> None:
    data = bytes(range(256)) * 10_000  # more than one 1 MiB chunk
    path = tmp_path / "blob"
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


def _freeze_count(code: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", f"import gc\n{code}\nprint(gc.get_freeze_count())"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


def test_the_command_the_fork_server_and_a_fresh_trial_freeze_their_objects_before_exit() -> None:
    # as the program (no argv): frozen, so the interpreter's shutdown skips scanning them
    as_program = "import sys\nsys.argv = ['lstmzoo', 'list']\nfrom lstmzoo.cli import main\nmain()"
    assert _freeze_count(as_program) > 10_000
    # called as a function (tests, notebooks): the caller's process is left alone
    assert _freeze_count("from lstmzoo.cli import main\nmain(['list'])") == 0
    # the fork server's last preload
    assert _freeze_count("import lstmzoo.sweep._forkserver_ready") > 10_000
    # a fresh-interpreter trial (``--launcher process``), here with a trial that does nothing
    trial = "import lstmzoo.sweep.trial as t\nt.main = lambda argv=None: 0\nt.run_as_program()"
    assert _freeze_count(trial) > 10_000
    assert _freeze_count("import lstmzoo.sweep.trial") == 0  # importing it freezes nothing
