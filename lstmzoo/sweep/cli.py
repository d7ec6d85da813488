"""``lstmzoo sweep run | show``: argument parsing only; the work is in runner and report."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from lstmzoo.errors import ConfigError

__all__ = ["start_fork_server_early", "sweep_command"]

_USAGE = """\
lstmzoo sweep run SWEEP.yaml [--workers N] [--storage URL] [--name NAME]
lstmzoo sweep show NAME [--format rich|markdown|csv|json] [--storage URL]"""


class _Unparsable(Exception):
    pass


class _SilentParser(argparse.ArgumentParser):
    """Raises instead of printing a usage error and exiting: for a look at the command line
    before the real parse, which reports its errors."""

    def error(self, message: str) -> NoReturn:
        raise _Unparsable(message)


def _parser(
    cls: type[argparse.ArgumentParser] = argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    parser = cls(
        prog="lstmzoo sweep",
        description="Grids, seeds and searches over any config key, on Optuna.",
        epilog=_USAGE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="action", required=True, metavar="run|show")
    run = sub.add_parser("run", prog="lstmzoo sweep run", help="run or continue a sweep")
    run.add_argument("sweep", help="the sweep file (YAML)")
    run.add_argument("--workers", type=int, default=1, help="trials at once on this machine")
    run.add_argument(
        "--storage",
        help="Optuna storage URL shared by several machines, e.g. postgresql://user@host/db "
        "(default: SQLite file in the sweep folder)",
    )
    run.add_argument("--name", help="study and folder name (default: the sweep file's name)")
    run.add_argument("--root", default="runs/sweeps", help="folder of the sweep folders")
    run.add_argument(
        "--heartbeat",
        type=int,
        default=10,
        help="seconds between a running trial's heartbeats; one silent for 3 is run again",
    )
    run.add_argument(
        "--launcher",
        choices=("fork", "process"),
        help="how trial processes start: forked from a warm server that has imported torch "
        "and Lightning once (default where the platform can fork), or a fresh interpreter each",
    )
    run.add_argument("--no-live", action="store_true", help="plain lines instead of a live view")
    run.add_argument(
        "--check", action="store_true", help="check the sweep file against the config and stop"
    )
    for name in ("show", "report"):
        show = sub.add_parser(
            name, prog=f"lstmzoo sweep {name}", help="table, best.yaml and figures of a sweep"
        )
        show.add_argument("name", help="sweep name (a folder under --root) or its folder")
        show.add_argument("--root", default="runs/sweeps")
        show.add_argument("--storage", help="the storage URL when it is not the sweep's SQLite")
        show.add_argument("--format", default="rich", choices=("rich", "markdown", "csv", "json"))
        show.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    return parser


def start_fork_server_early(argv: Sequence[str]) -> None:
    """For ``lstmzoo sweep run ...`` (``argv`` after ``sweep``): start the trials' fork server now.

    The ``lstmzoo`` program calls this before it imports torch and Lightning itself, so the
    server's imports run on one core while the command's run on another, rather than after
    them. A command line that will not run trials (``show``, ``--check``, ``--help``,
    ``--launcher process``) starts nothing; its errors are left to the parser.
    """
    args = list(argv)
    if {"-h", "--help"} & set(args):  # the real parse prints the help
        return
    try:
        opts = _parser(_SilentParser).parse_args(args)
    except _Unparsable:
        return
    if opts.action != "run" or opts.check:
        return
    from lstmzoo.sweep.launch import default_launcher, make_launcher

    if (opts.launcher or default_launcher()) == "fork":
        make_launcher("fork").warm_up()


def sweep_command(argv: Sequence[str]) -> int:
    """Entry of ``lstmzoo sweep``; returns the exit code (user errors raise ConfigError)."""
    opts = _parser().parse_args(list(argv))
    try:
        import optuna  # noqa: F401
    except ImportError:
        raise ConfigError("`lstmzoo sweep` needs Optuna: pip install 'lstmzoo[sweep]'") from None
    if opts.action == "run":
        from lstmzoo.sweep.launch import make_launcher
        from lstmzoo.sweep.runner import SweepRunner
        from lstmzoo.sweep.spec import load_spec, validate_against_config

        launcher = make_launcher(opts.launcher)
        if not opts.check:
            launcher.warm_up()  # the fork server imports torch while this process checks the file
        spec = load_spec(opts.sweep)
        if opts.workers < 1:
            raise ConfigError(f"--workers must be >= 1, got {opts.workers}")
        validate_against_config(spec)
        runner = SweepRunner(
            spec,
            name=opts.name,
            root=opts.root,
            storage=opts.storage,
            workers=opts.workers,
            heartbeat=opts.heartbeat,
            live=not opts.no_live,
            launcher=launcher,
        )
        runner.open_study()  # an unreachable storage fails here, before any trial
        if opts.check:
            return 0
        code = runner.run()
        if code == 0:
            _show(runner.folder, opts.root, runner.storage_url, "rich", figures=True)
        return code
    _show(opts.name, opts.root, opts.storage, opts.format, figures=not opts.no_figures)
    return 0


def _show(name: str | Path, root: str, storage: str | None, fmt: str, figures: bool) -> None:
    import sys

    from rich.console import Console

    from lstmzoo.sweep.report import render, write_report

    report = write_report(name, root=root, storage=storage, figures=figures)
    rendered = render(report, fmt)
    if isinstance(rendered, str):
        sys.stdout.write(rendered)  # plain text for files and pipes: no markup, no wrapping
    else:
        from lstmzoo.cli.output import print_table

        print_table(rendered)  # whole in a file or a pipe, fitted to the window in a terminal
    if fmt == "rich":
        err = Console(stderr=True, highlight=False)
        for number, error in report.errors[:10]:
            err.print(f"[yellow]trial {number} failed:[/] {error}")
        if len(report.errors) > 10:
            err.print(f"[yellow]... and {len(report.errors) - 10} more failed trials[/]")
        best = report.folder / "best.yaml"
        if best.is_file():
            err.print(f"best config: {best}   (lstmzoo fit -c {best})")
