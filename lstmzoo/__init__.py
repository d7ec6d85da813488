"""lstmzoo: a model zoo of recurrent networks (RNN, LSTM, BiLSTM, CRNN) for PyTorch Lightning.

The public API::

    import lstmzoo
    lstmzoo.list_models("lstm*")          # ['lstm', 'lstm_2layer']
    model = lstmzoo.create_model("lstm", hidden_size=128)
"""

from lstmzoo.checkpoint import load_model
from lstmzoo.errors import CheckpointError, ConfigError, DataError, LstmzooError
from lstmzoo.registry import (
    ModelSpec,
    UnknownModelError,
    create_model,
    get_model_spec,
    list_models,
    register_model,
)

__version__ = "0.1.0"

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
