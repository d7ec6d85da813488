"""Config-driven experiments on Optuna: grids, seeds and searches over any config key.

``lstmzoo sweep run SWEEP.yaml`` runs every trial as its own ``lstmzoo fit`` process and keeps the
study in an Optuna storage (SQLite by default, PostgreSQL / MySQL to share it between machines);
``lstmzoo sweep show NAME`` reads it back as a table, ``best.yaml`` and figures.
"""

from lstmzoo.sweep.report import SweepReport, load_report, write_report
from lstmzoo.sweep.runner import SweepRunner
from lstmzoo.sweep.spec import SweepSpec, compose_config, load_spec, validate_against_config

__all__ = [
    "SweepReport",
    "SweepRunner",
    "SweepSpec",
    "compose_config",
    "load_report",
    "load_spec",
    "validate_against_config",
    "write_report",
]
