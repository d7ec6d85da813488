"""The zoo's LightningModules; importing this package registers the built-in models."""

from lstmzoo.models.base import TopologyMismatchError, ZooModule
from lstmzoo.models.ocr import CRNNOCR
from lstmzoo.models.sentiment import BiLSTMSentiment
from lstmzoo.models.sequence import SequenceModel

__all__ = ["CRNNOCR", "BiLSTMSentiment", "SequenceModel", "TopologyMismatchError", "ZooModule"]
