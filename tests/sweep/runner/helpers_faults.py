"""A fault for the resume tests: a signal at a step of a trial's first run only."""

from __future__ import annotations

from pathlib import Path

from tests.helpers_faults import SignalAtStep


class SignalOnceAtStep(SignalAtStep):
    """:class:`~tests.helpers_faults.SignalAtStep` that fires once: the ``marker`` file it
    creates first tells a later run (the retry, resumed before ``step``) to go on."""

    def __init__(self, step: int, marker: str, signal_name: str = "SIGKILL") -> None:
        super().__init__(step, signal_name)
        self.marker = Path(marker)

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        if trainer.global_step != self.step or self.marker.exists():
            return
        self.marker.touch()
        super().on_train_batch_end(trainer, pl_module, outputs, batch, batch_idx)
