"""LightningDataModules of the zoo: generated tasks and readers for the user's own data."""

from lstmzoo.data.base import ZooDataModule, pad_collate
from lstmzoo.data.ocr import OCRDataModule
from lstmzoo.data.synthetic import AddingProblem, DelayedCopy, Waveform
from lstmzoo.data.text import TextClassificationData
from lstmzoo.data.timeseries import CSVSeries

__all__ = [
    "AddingProblem",
    "CSVSeries",
    "DelayedCopy",
    "OCRDataModule",
    "TextClassificationData",
    "Waveform",
    "ZooDataModule",
    "pad_collate",
]
