import json
import subprocess
import sys

import pytest
import torch

from lstmzoo.cli import expand_model_name, main
from lstmzoo.models import SequenceModel

from .conftest import CONFIGS
from .helpers_sequence import TINY_LSTM_FIT

TINY = TINY_LSTM_FIT[3:]  # everything after "fit --model lstm"


def _fit(*extra):
    return main(["fit", "--model", "lstm", *TINY, *extra])


def test_fit_saves_checkpoint_with_linked_sizes(in_tmp):
    assert _fit("--trainer.default_root_dir", "run") == 0
    ckpts = sorted(in_tmp.glob("run/**/last.ckpt"))
    assert ckpts, "fit must save last.ckpt"
    ckpt = torch.load(ckpts[0], weights_only=True)
    # input_size / task came from the data module, not from the config
    assert ckpt["hyper_parameters"]["input_size"] == 2
    assert ckpt["hyper_parameters"]["task"] == "regression"
    assert ckpt["lstmzoo"]["class_path"] == "lstmzoo.models.sequence.SequenceModel"


def test_saved_config_keeps_the_users_model_arguments_and_refits(in_tmp):
    """config.yaml holds the model arguments as given, not what the data module filled in
    (a sentiment run's vocabulary); fitting from it links them from the data again."""
    import yaml

    assert _fit("--trainer.default_root_dir", "run", "--trainer.logger", "false") == 0
    saved = yaml.safe_load((in_tmp / "run" / "config.yaml").read_text("utf-8"))
    assert saved["model"]["init_args"]["input_size"] == 1  # the default, not the data's 2
    assert main(["fit", "-c", "run/config.yaml", "--trainer.default_root_dir", "again"]) == 0
    ckpt = torch.load(next(in_tmp.glob("again/**/last.ckpt")), weights_only=True)
    assert ckpt["hyper_parameters"]["input_size"] == 2


# the second run replaces the first one's files on purpose; Lightning says so
@pytest.mark.filterwarnings("ignore:Checkpoint directory .* exists and is not empty")
@pytest.mark.filterwarnings("ignore:Experiment logs directory .* exists and is not empty")
@pytest.mark.filterwarnings("ignore:Starting from v1.9.0, `tensorboardX` has been removed")
def test_fit_twice_in_the_same_folder(in_tmp):
    args = ["--trainer.default_root_dir", "same", "--trainer.logger", "true"]
    assert _fit(*args) == 0
    assert _fit(*args, "--trainer.max_epochs", "2") == 0
    # one last.ckpt, the second run's (no last-v1.ckpt beside a stale one)
    lasts = sorted(p.name for p in in_tmp.glob("same/**/last*.ckpt"))
    assert lasts == ["last.ckpt"]
    ckpt = torch.load(next(in_tmp.glob("same/**/last.ckpt")), weights_only=True)
    assert ckpt["epoch"] == 1


def test_checkpoint_reloads_in_another_process_without_config(in_tmp):
    assert _fit("--trainer.default_root_dir", "run") == 0
    ckpt = next(in_tmp.glob("run/**/last.ckpt"))
    code = (
        "import sys, torch\n"
        "from lstmzoo.models import SequenceModel\n"
        "import lstmzoo.checkpoint as c\n"
        f"m = SequenceModel.load_from_checkpoint({str(ckpt)!r}).eval()\n"
        f"g = c.load_model({str(ckpt)!r}).eval()\n"
        "x = torch.ones(1, 12, 2)\n"
        "print(float(m(x)), float(g(x)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/"
    )
    a, b = map(float, out.stdout.split())
    model = SequenceModel.load_from_checkpoint(ckpt).eval()
    assert a == pytest.approx(b) == pytest.approx(model(torch.ones(1, 12, 2)).item())


def test_predict_writes_jsonl_from_checkpoint(in_tmp):
    assert _fit("--trainer.default_root_dir", "run") == 0
    ckpt = next(in_tmp.glob("run/**/last.ckpt"))
    code = main(
        [
            "predict",
            "--model",
            "lstm",
            *TINY,
            "--ckpt_path",
            str(ckpt),
            "--predictions.output",
            "preds.jsonl",
        ]
    )
    assert code == 0
    rows = [json.loads(line) for line in (in_tmp / "preds.jsonl").read_text().splitlines()]
    assert len(rows) == 32 and set(rows[0]) == {"prediction", "target"}


def test_composed_configs_and_print_config(in_tmp, capsys):
    with pytest.raises(SystemExit) as info:
        main(
            [
                "fit",
                "-c",
                str(CONFIGS / "lstm_adding.yaml"),
                "-c",
                str(CONFIGS / "trainer" / "cpu.yaml"),
                "--model.init_args.hidden_size",
                "7",
                "--print_config",
            ]
        )
    assert info.value.code == 0
    printed = capsys.readouterr().out
    assert "class_path: lstmzoo.models.sequence.SequenceModel" in printed
    assert "hidden_size: 7" in printed
    assert "accelerator: cpu" in printed


def test_registry_name_expansion_keeps_user_init_args():
    spec = expand_model_name({"class_path": "lstm_2layer", "init_args": {"hidden_size": 3}})
    assert spec["class_path"] == "lstmzoo.models.sequence.SequenceModel"
    assert spec["init_args"] == {"cell": "lstm", "num_layers": 2, "hidden_size": 3}
    assert expand_model_name("lstmzoo.models.SequenceModel") == "lstmzoo.models.SequenceModel"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["fit", "--model", "lsmt", "--data", "AddingProblem"],
            "unknown model 'lsmt'. Did you mean: lstm",
        ),
        (
            [
                "fit",
                "--model",
                "lstm",
                "--data",
                "AddingProblem",
                "--model.init_args.hiden_size",
                "3",
            ],
            "'hiden_size' is not accepted",
        ),
        (
            [
                "fit",
                "--model",
                "lstm",
                "--data",
                "AddingProblem",
                "--model.init_args.hidden_size",
                "big",
            ],
            "model.init_args.hidden_size (SequenceModel): Not of type PositiveInt: invalid literal",
        ),
        (
            ["fit", "--model", "lstm", "--data", "AddingProblem", "--trainer.max_epocs", "3"],
            "unrecognized arguments: --trainer.max_epocs",
        ),
        (
            [
                "predict",
                "--model",
                "lstm",
                "--data",
                "AddingProblem",
                "--predictions.runtime",
                "tensorrt",
            ],
            "predictions.runtime",
        ),
    ],
)
def test_user_errors_exit_2_with_one_message(in_tmp, capsys, args, message):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split())
    assert "Traceback" not in err


def test_topology_mismatch_fails_before_training(in_tmp, capsys):
    code = main(["fit", "--model", "lstm", "--model.init_args.head", "many_to_many", *TINY])
    assert code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "ManyToMany" in err and "AddingProblem" in err


def test_list_command(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # rich tables: no wrapping inside the cells
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("rnn", "lstm", "lstm_2layer"):
        assert name in out


def test_python_dash_m_help():
    out = subprocess.run(
        [sys.executable, "-m", "lstmzoo", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "fit" in out.stdout


def test_top_level_help_lists_every_subcommand(capsys):
    from lstmzoo.cli import SUBCOMMANDS

    assert main(["--help"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name, (description, _) in SUBCOMMANDS.items():
        assert any(ln.split()[:1] == [name] and description.split()[0] in ln for ln in lines), name
    assert {"fit", "validate", "test", "predict", "list", "export", "recipes"} <= set(SUBCOMMANDS)


def test_unknown_subcommand_suggests_close_ones(capsys):
    assert main(["fitt"]) == 2
    assert "Did you mean: fit" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flag", "name", "shown"),
    [("--model.help", "lstm", "--model.hidden_size"), ("--data.help", "AddingProblem", "seq_len")],
)
def test_help_of_a_registry_or_class_name(capsys, flag, name, shown):
    with pytest.raises(SystemExit) as exit_:
        main(["fit", flag, name])
    assert exit_.value.code == 0
    assert shown in capsys.readouterr().out


def test_model_loaded_outside_the_cli_keeps_heads():
    model = SequenceModel(
        input_size=2, head={"class_path": "ManyToOne", "init_args": {"pool": "mean"}}
    )
    assert model.hparams["head"]["init_args"]["pool"] == "mean"


def test_progress_bar_shows_small_metrics_with_significant_digits(in_tmp):
    from lightning.pytorch.callbacks import RichProgressBar

    from lstmzoo.cli import LstmzooCLI

    args = ["--model", "lstmzoo.models.SequenceModel", "--data", "AddingProblem"]
    cli = LstmzooCLI(args=args, run=False)
    bars = [c for c in cli.trainer.callbacks if isinstance(c, RichProgressBar)]
    assert len(bars) == 1
    fmt = bars[0].theme.metrics_format
    assert f"{0.00031415:{fmt}}" == "0.0003142" and f"{0.1667:{fmt}}" == "0.1667"
