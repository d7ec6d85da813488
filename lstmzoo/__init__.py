"""lstmzoo: a model zoo of recurrent networks (RNN, LSTM, BiLSTM, CRNN) for PyTorch Lightning.

The public API::

    import lstmzoo
    lstmzoo.list_models("lstm*")          # ['lstm', 'lstm_2layer']
    model = lstmzoo.create_model("lstm", hidden_size=128)
    model = lstmzoo.load_model("runs/lstm_adding/checkpoints/last.ckpt")

Importing the package imports neither torch nor Lightning (the command line's start and the
sweep's fork server rely on it): the registry and :mod:`lstmzoo.factory` import them only when
a model is built or a checkpoint read.
"""

from __future__ import annotations

from lstmzoo.errors import CheckpointError, ConfigError, DataError, LstmzooError
from lstmzoo.factory import create_model, load_model
from lstmzoo.registry import (
    ModelSpec,
    UnknownModelError,
    get_model_spec,
    list_models,
    register_model,
)
from lstmzoo.version import __version__

__all__ = [
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
