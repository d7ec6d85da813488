"""Pure ``torch.nn`` building blocks of lstmzoo (no Lightning import): usable in any project."""

from lstmzoo.nn.cells import ExplainedRNN, LSTMCell, LSTMGates, RNNCell
from lstmzoo.nn.encoders import EncoderOutput, RecurrentEncoder
from lstmzoo.nn.heads import Head, ManyToMany, ManyToOne, OneToMany, build_head
from lstmzoo.nn.masking import lengths_to_mask, reverse_padded

__all__ = [
    "EncoderOutput",
    "ExplainedRNN",
    "Head",
    "LSTMCell",
    "LSTMGates",
    "ManyToMany",
    "ManyToOne",
    "OneToMany",
    "RNNCell",
    "RecurrentEncoder",
    "build_head",
    "lengths_to_mask",
    "reverse_padded",
]
