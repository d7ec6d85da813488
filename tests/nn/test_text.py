"""Text classification over token ids: embedding, padded encoding, the exported classifier."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from torch import nn

from lstmzoo.nn import ManyToOne, RecurrentEncoder
from lstmzoo.nn.text import TextClassifierNet, embed_tokens, encode_padded, fill_embedding


def _parts(features: int = 2, buckets: int = 9) -> tuple[nn.Embedding, nn.EmbeddingBag | None]:
    torch.manual_seed(0)
    embedding = nn.Embedding(10, 4, padding_idx=0)
    bag = nn.EmbeddingBag(buckets, 4, mode="mean", padding_idx=0) if buckets else None
    return embedding, bag


def test_embed_tokens_adds_the_ngram_mean_and_appends_the_features() -> None:
    embedding, bag = _parts()
    x = torch.tensor([[1, 2, 3], [4, 5, 0]])
    feats = torch.randn(2, 3, 2)
    ngrams = torch.tensor([[[1, 2], [3, 0], [0, 0]], [[4, 4], [5, 6], [0, 0]]])
    out = embed_tokens(embedding, bag, 2, x, feats, ngrams)
    assert out.shape == (2, 3, 4 + 2)
    assert torch.equal(out[..., 4:], feats)
    expected = embedding(x)[0, 0] + (bag.weight[1] + bag.weight[2]) / 2
    assert torch.allclose(out[0, 0, :4], expected)
    assert torch.allclose(out[0, 2, :4], embedding(x)[0, 2])  # no n-grams: the word alone
    # the gather form (what ONNX exports) gives the same values as the bag
    gathered = embed_tokens(embedding, bag, 2, x, feats, ngrams, gather_ngrams=True)
    assert torch.allclose(gathered, out, atol=1e-6)


def test_embed_tokens_names_missing_inputs() -> None:
    embedding, bag = _parts()
    x = torch.tensor([[1, 2]])
    with pytest.raises(ValueError, match="character n-grams"):
        embed_tokens(embedding, bag, 2, x, torch.zeros(1, 2, 2), None)
    with pytest.raises(ValueError, match=r"2 token feature\(s\).*\(1, 2, 2\), got \(1, 2, 3\)"):
        embed_tokens(embedding, None, 2, x, torch.zeros(1, 2, 3), None)
    assert embed_tokens(embedding, None, 0, x, None, None).shape == (1, 2, 4)


def test_encode_padded_reads_the_final_states_at_the_true_ends() -> None:
    torch.manual_seed(0)
    encoder = RecurrentEncoder(3, 5, "lstm", 1, True)
    emb = torch.randn(2, 4, 3)
    lengths = torch.tensor([4, 2])
    out = encode_padded(encoder, emb, lengths)
    assert out.outputs.shape == (2, 4, 10) and out.c_n is None
    assert out.outputs[1, 2:].abs().sum() == 0
    assert torch.equal(out.lengths, lengths)
    # a text without padding: the same states as the encoder's own
    alone = encoder(emb[:1], None)
    assert torch.allclose(out.h_n[:, 0], alone.h_n[:, 0], atol=1e-6)
    # the padded one: the forward state at its last real token
    assert torch.allclose(out.h_n[0, 1], out.outputs[1, 1, :5])
    assert torch.allclose(out.h_n[1, 1], out.outputs[1, 0, 5:])


def test_fill_embedding_copies_found_rows_and_zeroes_padding() -> None:
    embedding = nn.Embedding(4, 3, padding_idx=0)
    vectors = torch.tensor([[9.0, 9, 9], [0, 0, 0], [1, 2, 3], [3, 2, 1]])
    found = torch.tensor([True, False, True, True])
    torch.manual_seed(0)
    fill_embedding(embedding, vectors, found)
    weight = embedding.weight.detach()
    assert torch.equal(weight[2:], vectors[2:])
    assert weight[0].abs().sum() == 0  # the padding row, even where a vector was found
    assert weight[1].abs().sum() > 0  # not found: a fresh random row
    before = embedding.weight.detach().clone()
    fill_embedding(embedding, vectors, torch.zeros(4, dtype=torch.bool))
    assert torch.equal(embedding.weight.detach(), before)  # nothing found: nothing copied


@pytest.mark.parametrize(("features", "buckets"), [(0, 0), (2, 0), (0, 9), (2, 9)])
def test_text_classifier_net_inputs_and_export_description(features: int, buckets: int) -> None:
    embedding, bag = _parts(features, buckets)
    encoder = RecurrentEncoder(4 + features, 5, "lstm", 1, True)
    net = TextClassifierNet(embedding, bag, features, encoder, ManyToOne(10, 3, pool="last"))
    names = ("ids",) + ("feats",) * bool(features) + ("ngrams",) * bool(buckets)
    assert net.input_names == names
    inputs = net.example_inputs()
    assert len(inputs) == len(names) and inputs[0].shape == (2, 7)
    assert int(inputs[0].min()) >= 2  # neither <pad> nor <unk>
    assert net(*inputs).shape == (2, 3)
    axes = net.export_axes()
    assert tuple(axes["inputs"]) == names and axes["outputs"] == {"logits": {0: "batch"}}


def test_text_module_does_not_import_lightning() -> None:
    code = (
        "import sys, lstmzoo.nn.text; "
        "bad = [m for m in sys.modules if m.startswith(('lightning', 'pytorch_lightning'))]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
