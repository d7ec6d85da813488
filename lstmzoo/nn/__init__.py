"""Pure ``torch.nn`` building blocks of lstmzoo (no Lightning import): usable in any project."""

from lstmzoo.nn.cells import ExplainedRNN, LSTMCell, LSTMGates, RNNCell
from lstmzoo.nn.encoders import EncoderOutput, RecurrentEncoder
from lstmzoo.nn.heads import Head, ManyToMany, ManyToOne, OneToMany, build_head
from lstmzoo.nn.masking import lengths_to_mask, reverse_padded
from lstmzoo.nn.text import TextClassifierNet, embed_tokens, encode_padded, fill_embedding

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
    "TextClassifierNet",
    "build_head",
    "embed_tokens",
    "encode_padded",
    "fill_embedding",
    "lengths_to_mask",
    "reverse_padded",
]
