"""One run, one folder, and the summary printed when fit ends."""

from __future__ import annotations

import json
import shlex

import lightning.pytorch as pl
import pytest

from lstmzoo.cli import main
from lstmzoo.summary import FitSummary, evaluate_command, render_fit_summary

from .helpers_sequence import TINY_LSTM_FIT

BEST = json.dumps(
    {
        "class_path": "lightning.pytorch.callbacks.ModelCheckpoint",
        "init_args": {"monitor": "val/mse", "filename": "best", "save_last": False},
    }
)


def _fit_args(*extra: str) -> list[str]:
    args = list(TINY_LSTM_FIT)
    i = args.index("--trainer.logger")
    del args[i : i + 2]  # the default logger: one run folder under default_root_dir
    return [*args, *extra]


def _one_line(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def test_every_file_of_a_run_lands_in_one_folder(in_tmp, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # rich's table width: no wrapped paths
    args = _fit_args("--trainer.default_root_dir", "r", "--trainer.callbacks+", BEST)
    assert main(args) == 0
    run = in_tmp / "r" / "lightning_logs"
    files = sorted(p.relative_to(in_tmp).as_posix() for p in in_tmp.rglob("*") if p.is_file())
    assert {p.name for p in (run / "checkpoints").glob("*.ckpt")} >= {"best.ckpt", "last.ckpt"}
    assert (run / "metrics.csv").is_file() and (run / "config.yaml").is_file()
    assert all(f.startswith("r/lightning_logs/") for f in files), files
    out = _one_line(capsys.readouterr().out)
    assert "fit summary" in out
    assert "max_epochs reached (1)" in out
    assert "val/mse best" in out
    assert "best checkpoint r/lightning_logs/checkpoints/best.ckpt" in out
    assert "last checkpoint r/lightning_logs/checkpoints/last.ckpt" in out
    assert "--ckpt_path r/lightning_logs/checkpoints/best.ckpt" in out


def test_the_printed_test_command_evaluates_the_best_checkpoint(in_tmp, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    assert main(_fit_args("--trainer.default_root_dir", "r", "--trainer.callbacks+", BEST)) == 0
    out = capsys.readouterr().out
    command = _one_line(out[out.index("lstmzoo test") :]).split(" └")[0].split("└")[0]
    argv = shlex.split(command.strip(" ─┘"))
    assert argv[:2] == ["lstmzoo", "test"] and argv[-2:] == [
        "--ckpt_path",
        "r/lightning_logs/checkpoints/best.ckpt",
    ]
    assert main(argv[1:]) == 0
    assert "test/mse" in capsys.readouterr().out


# the three fits share the default folder (the second and third warn that it is in use), and
# the max_steps / max_time runs stop before the validation that the checkpoint monitors
@pytest.mark.filterwarnings("ignore:Experiment logs directory .* exists and is not empty")
@pytest.mark.filterwarnings("ignore:Checkpoint directory .* exists and is not empty")
@pytest.mark.filterwarnings("ignore:.*could not find the monitored key")
def test_stop_reasons_early_stopping_and_max_steps(in_tmp, capsys):
    stop = json.dumps(
        {
            "class_path": "lightning.pytorch.callbacks.EarlyStopping",
            "init_args": {"monitor": "val/mse", "stopping_threshold": 100.0},
        }
    )
    args = _fit_args("--trainer.callbacks+", stop, "--trainer.max_epochs", "5")
    assert main(args) == 0
    out = _one_line(capsys.readouterr().out)
    assert "early stopping: Stopping threshold reached" in out
    assert "val/mse best" in out and "1 epochs" in out
    assert main(_fit_args("--trainer.max_steps", "2", "--trainer.max_epochs", "5")) == 0
    assert "max_steps reached (2)" in _one_line(capsys.readouterr().out)
    limited = _fit_args("--trainer.max_time", "00:00:00:01", "--trainer.max_epochs", "100000")
    assert main(limited) == 0
    assert "stopped max_time reached" in _one_line(capsys.readouterr().out)


def test_an_interrupted_fit_says_so_and_names_last_ckpt(in_tmp, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")

    class Interrupt(pl.Callback):
        def on_train_batch_end(self, trainer, *args):
            trainer._signal_connector.received_sigterm = True  # what Ctrl+C and SIGTERM set

    import lstmzoo.cli.commands.trainer as trainer_command
    from lstmzoo.callbacks import ResumableCheckpoint
    from lstmzoo.cli import LstmzooCLI

    class WithInterrupt(LstmzooCLI):
        def __init__(self, *a, **kw):
            kw["trainer_defaults"] = {
                "callbacks": [ResumableCheckpoint(), Interrupt()],
                "default_root_dir": "r",
            }
            super().__init__(*a, **kw)

    monkeypatch.setattr(trainer_command, "LstmzooCLI", WithInterrupt)
    code = main(_fit_args("--trainer.max_epochs", "3"))
    assert code == 143
    out = _one_line(capsys.readouterr().out)
    assert "interrupted (Ctrl+C or SIGTERM)" in out
    assert "last checkpoint r/lightning_logs/checkpoints/last.ckpt" in out
    assert (in_tmp / "r" / "lightning_logs" / "checkpoints" / "last.ckpt").is_file()


def test_test_command_drops_the_fit_checkpoint():
    cmd = evaluate_command(["-c", "a b.yaml", "--ckpt_path", "last", "--x=1"], "r/best.ckpt")
    assert cmd == "lstmzoo test -c 'a b.yaml' --x=1 --ckpt_path r/best.ckpt"


def _summary(tmp: str) -> FitSummary:
    folder = f"{tmp}/a/run/folder/whose/path/is/longer/than/any/terminal/checkpoints"
    return FitSummary(
        reason="max_epochs reached (1)",
        steps=10,
        epochs=1,
        seconds=3.0,
        monitor="val/mse",
        mode="min",
        best_value=0.5,
        last_value=0.6,
        best_checkpoint=f"{folder}/best.ckpt",
        last_checkpoint=f"{folder}/last.ckpt",
    )


def test_the_summary_in_a_log_file_keeps_its_paths_whole_and_its_border():
    import io

    from rich.console import Console

    summary = _summary("/tmp")
    buffer = io.StringIO()
    render_fit_summary(summary, ["-c", "lstm_adding"], Console(file=buffer, width=40))
    lines = buffer.getvalue().splitlines()
    box = [ln for ln in lines if ln.startswith(("┌", "│", "└", "├"))]
    assert len(box) >= 7 and len({len(ln) for ln in box}) == 1
    assert all(ln.endswith(("┐", "│", "┘", "┤")) for ln in box)
    text = buffer.getvalue()
    assert summary.best_checkpoint in text and summary.last_checkpoint in text
    assert evaluate_command(["-c", "lstm_adding"], summary.best_checkpoint) in text


def test_the_summary_in_a_terminal_fits_its_window():
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=60, force_terminal=True, color_system=None)
    render_fit_summary(_summary("/tmp"), [], console)
    assert max(len(ln) for ln in buffer.getvalue().splitlines()) <= 60
