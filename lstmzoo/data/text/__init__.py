"""Text classification data: tokenizers, vocabulary, readers, bucketing sampler, data module."""

from lstmzoo.data.text.datamodule import (
    EncodedTexts,
    TextClassificationData,
    encode_texts,
    text_collate,
)
from lstmzoo.data.text.readers import Example, detect_format, read_examples
from lstmzoo.data.text.sampler import BucketBatchSampler, sorted_batches
from lstmzoo.data.text.snippets import fetch_movie_snippets
from lstmzoo.data.text.tokenizer import Tokenizer
from lstmzoo.data.text.vectors import WordVectors, load_word_vectors
from lstmzoo.data.text.vocab import PAD, PAD_ID, UNK, UNK_ID, Vocabulary

__all__ = [
    "PAD",
    "PAD_ID",
    "UNK",
    "UNK_ID",
    "BucketBatchSampler",
    "EncodedTexts",
    "Example",
    "TextClassificationData",
    "Tokenizer",
    "Vocabulary",
    "WordVectors",
    "detect_format",
    "encode_texts",
    "fetch_movie_snippets",
    "load_word_vectors",
    "read_examples",
    "sorted_batches",
    "text_collate",
]
