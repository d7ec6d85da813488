"""The CLI's ties to LightningCLI's private API still hold on the installed Lightning.

Each failure names what moved; the fix goes to :mod:`lstmzoo.cli.lightning_private`.
"""

from __future__ import annotations

import inspect
import re

import lightning
from lightning.pytorch.cli import LightningCLI

from lstmzoo.cli.lightning import LstmzooCLI
from lstmzoo.cli.lightning_private import OVERRIDDEN, PrivateStepsCLI

#: the private steps LightningCLI.__init__ took when the ties were written; a step added or
#: renamed by a Lightning release may need a replacement in lstmzoo.cli.lightning_private
KNOWN_INIT_STEPS = {
    "_setup_parser_kwargs",
    "_parse_ckpt_path",  # Lightning >= 2.5.5
    "_set_seed",
    "_add_instantiators",
    "_run_subcommand",
}


def _private_calls(function) -> list[str]:
    return re.findall(r"self\.(_[a-z]\w*)\(", inspect.getsource(function))


def test_lightning_cli_init_takes_only_the_known_private_steps():
    steps = set(_private_calls(LightningCLI.__init__))
    unknown = sorted(steps - KNOWN_INIT_STEPS)
    assert not unknown, (
        f"LightningCLI.__init__ (lightning {lightning.__version__}) now calls {unknown}: check "
        "whether lstmzoo/cli/lightning_private.py must replace them as it does "
        f"{sorted(OVERRIDDEN)}"
    )
    assert "_run_subcommand" in steps, (
        f"LightningCLI.__init__ (lightning {lightning.__version__}) no longer runs the "
        "subcommand through _run_subcommand: LstmzooCLI.subcommand_context is never entered"
    )


def test_the_overridden_private_methods_keep_their_parameters():
    for name, params in OVERRIDDEN.items():
        parent = getattr(LightningCLI, name, None)
        if parent is None and name == "_parse_ckpt_path":
            continue  # Lightning < 2.5.5 has no such step: nothing to leave out
        assert parent is not None, (
            f"LightningCLI.{name} is gone in lightning {lightning.__version__}; "
            "lstmzoo/cli/lightning_private.py overrides it"
        )
        found = tuple(inspect.signature(parent).parameters)
        assert found == params, (
            f"LightningCLI.{name}{found} in lightning {lightning.__version__}, "
            f"lstmzoo/cli/lightning_private.py expects {params}"
        )
        assert name in vars(PrivateStepsCLI), f"PrivateStepsCLI no longer overrides {name}"


def test_parse_ckpt_path_runs_after_parse_arguments_and_before_instantiating():
    """LstmzooCLI reads --ckpt_path at the end of parse_arguments, where Lightning's own step
    would run: before the seed, the hooks and the classes."""
    source = inspect.getsource(LightningCLI.__init__)
    order = [source.index(s) for s in ("self.parse_arguments(", "self._set_seed()")]
    order.append(source.index("self.instantiate_classes()"))
    assert order == sorted(order), "LightningCLI.__init__ changed the order of its steps"
    if "self._parse_ckpt_path()" in source:
        assert order[0] < source.index("self._parse_ckpt_path()") < order[1]


def test_public_hooks_used_instead_of_private_ones_exist():
    for name in ("parse_arguments", "before_instantiate_classes", "after_instantiate_classes"):
        assert callable(getattr(LightningCLI, name, None)), f"LightningCLI.{name} is gone"
        assert name in vars(LstmzooCLI), name
    params = tuple(inspect.signature(LightningCLI.parse_arguments).parameters)
    assert params == ("self", "parser", "args"), params
    # after_instantiate_classes loads pretrained weights and clears the checkpoint the trainer
    # would otherwise be given: Lightning must read the subcommand's arguments from config_init
    prepare = inspect.getsource(LightningCLI._prepare_subcommand_kwargs)
    assert "self.config_init[subcommand]" in prepare, (
        "LightningCLI no longer takes the subcommand's arguments from config_init: "
        "LstmzooCLI.after_instantiate_classes must clear ckpt_path elsewhere"
    )
