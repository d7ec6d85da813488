"""lstmzoo: a model zoo of recurrent networks (RNN, LSTM, BiLSTM, CRNN) for PyTorch Lightning.

The public API::

    import lstmzoo
    lstmzoo.list_models("lstm*")          # ['lstm', 'lstm_2layer']
    model = lstmzoo.create_model("lstm", hidden_size=128)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lstmzoo.errors import CheckpointError, ConfigError, DataError, LstmzooError
from lstmzoo.registry import (
    ModelSpec,
    UnknownModelError,
    create_model,
    get_model_spec,
    list_models,
    register_model,
)

if TYPE_CHECKING:
    from lstmzoo.checkpoint import load_model

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


def __getattr__(name: str) -> Any:
    # ``load_model`` imports torch: only when it is used, so that ``import lstmzoo.<module>``
    # stays light for what needs no torch (the command line's start, the sweep's fork server)
    if name == "load_model":
        from lstmzoo.checkpoint import load_model

        globals()["load_model"] = load_model
        return load_model
    raise AttributeError(f"module 'lstmzoo' has no attribute {name!r}")
