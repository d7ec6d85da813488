"""A minimal third-party zoo model, registered through the ``lstmzoo.models`` entry point."""

from lstmzoo.models import SequenceModel


class ToyGRU(SequenceModel):
    """A GRU sequence model living outside lstmzoo."""

    def __init__(self, input_size: int = 1, output_size: int = 1, hidden_size: int = 8) -> None:
        super().__init__(
            input_size=input_size, output_size=output_size, cell="gru", hidden_size=hidden_size
        )
