"""The zoo's LightningModules; importing this package registers the built-in models."""

from lstmzoo.models.base import TopologyMismatchError, ZooModule
from lstmzoo.models.sequence import SequenceModel

__all__ = ["SequenceModel", "TopologyMismatchError", "ZooModule"]
from lstmzoo.models.sentiment import BiLSTMSentiment

__all__ += ["BiLSTMSentiment"]
