"""Text classification data: readers, tokenizer, vocabulary, token features, bucketing sampler
and the data module that composes them.

One concept per module: ``readers`` (file formats), ``snippets`` (the rated corpora and the
lexicon, fetched), ``sources`` (what the options name, read into splits), ``splits`` (fixed
cuts, empty and near-neutral texts), ``corpora`` (several corpora: shares, corpus classifier),
``tokenizer`` / ``vocab``, ``lexicon`` / ``rules`` / ``features`` / ``corpus_id`` /
``vectors`` (what a token carries), ``encoding`` (examples -> ids and class ids), ``targets``
(soft labels, the rules' verdict), ``dataset`` / ``sampler`` / ``loaders`` (items, batches),
``model_kwargs`` (what the model stores) and ``datamodule`` (:class:`TextClassificationData`).
"""

from lstmzoo.data.text.datamodule import TextClassificationData
from lstmzoo.data.text.dataset import EncodedTexts, text_collate
from lstmzoo.data.text.encoding import encode_texts
from lstmzoo.data.text.features import EncodedText, TextFeaturizer
from lstmzoo.data.text.lexicon import Lexicon, read_lexicon
from lstmzoo.data.text.readers import Example, detect_format, read_examples
from lstmzoo.data.text.sampler import BucketBatchSampler, sorted_batches
from lstmzoo.data.text.snippets import (
    CORPORA,
    fetch_corpus,
    fetch_movie_snippets,
    fetch_vader_lexicon,
)
from lstmzoo.data.text.tokenizer import Tokenizer
from lstmzoo.data.text.vectors import WordVectors, load_word_vectors
from lstmzoo.data.text.vocab import PAD, PAD_ID, UNK, UNK_ID, Vocabulary

__all__ = [
    "CORPORA",
    "PAD",
    "PAD_ID",
    "UNK",
    "UNK_ID",
    "BucketBatchSampler",
    "EncodedText",
    "EncodedTexts",
    "Example",
    "Lexicon",
    "TextClassificationData",
    "TextFeaturizer",
    "Tokenizer",
    "Vocabulary",
    "WordVectors",
    "detect_format",
    "encode_texts",
    "fetch_corpus",
    "fetch_movie_snippets",
    "fetch_vader_lexicon",
    "load_word_vectors",
    "read_examples",
    "read_lexicon",
    "sorted_batches",
    "text_collate",
]
