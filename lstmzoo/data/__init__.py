"""LightningDataModules of the zoo: generated tasks and readers for the user's own data."""

from lstmzoo.data.base import ZooDataModule, pad_collate
from lstmzoo.data.synthetic import AddingProblem, DelayedCopy, Waveform

__all__ = ["AddingProblem", "DelayedCopy", "Waveform", "ZooDataModule", "pad_collate"]
from lstmzoo.data.text import TextClassificationData

__all__ += ["TextClassificationData"]
