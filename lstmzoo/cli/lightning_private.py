"""The CLI's ties to LightningCLI's private API, in one place.

LightningCLI's ``__init__`` runs its steps through a few private methods. Two of them have no
public hook that does what the zoo needs, so :class:`PrivateStepsCLI` overrides them, each
handing over to a public method that :class:`~lstmzoo.cli.lightning.LstmzooCLI` fills in:

* ``_parse_ckpt_path()`` (Lightning >= 2.5.5) reads ``--ckpt_path``'s hyperparameters with
  ``torch.load`` and parses them as the model's config. Zoo checkpoints record their class path
  in an entry of their own (they are saved without Lightning's ``_class_path``),
  ``pretrained:`` references are not files, and a bad file should give one clear error, so
  the zoo reads ``--ckpt_path`` in the public ``parse_arguments`` instead (which every
  Lightning version calls) and Lightning's step is left out here.
* ``_run_subcommand(subcommand)`` runs ``before_<subcommand>``, the trainer's method and
  ``after_<subcommand>``; :meth:`PrivateStepsCLI.subcommand_context` wraps all three (a resumed
  fit silences Lightning's warnings that its folders are not empty: it writes there on purpose).

Loading ``pretrained:`` weights into the built model needs no private method: the public
``after_instantiate_classes`` hook does it. ``tests/cli/test_lightning_private.py`` fails,
naming what moved, when a Lightning release renames these methods, changes their parameters,
or adds a private step to ``LightningCLI.__init__``.
"""

from __future__ import annotations

import contextlib

from lightning.pytorch.cli import LightningCLI
from typing_extensions import override

__all__ = ["OVERRIDDEN", "PrivateStepsCLI"]

#: the private LightningCLI methods overridden below, with the parameters they take
OVERRIDDEN: dict[str, tuple[str, ...]] = {
    "_parse_ckpt_path": ("self",),
    "_run_subcommand": ("self", "subcommand"),
}


class PrivateStepsCLI(LightningCLI):
    """LightningCLI with its private steps replaced by public hooks (see the module)."""

    @override
    def _parse_ckpt_path(self) -> None:
        """Left out: :class:`~lstmzoo.cli.lightning.LstmzooCLI` reads ``--ckpt_path`` while
        parsing (:func:`lstmzoo.cli.from_checkpoint.read_ckpt_path`)."""

    @override
    def _run_subcommand(self, subcommand: str) -> None:
        with self.subcommand_context(subcommand):
            super()._run_subcommand(subcommand)

    def subcommand_context(self, subcommand: str) -> contextlib.AbstractContextManager[object]:
        """The context that ``before_<subcommand>``, the trainer's ``<subcommand>`` and
        ``after_<subcommand>`` run in; nothing special here."""
        return contextlib.nullcontext()
