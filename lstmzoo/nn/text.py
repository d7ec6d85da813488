"""Text classification over token ids: embedding, encoding and the tensor-only classifier.

* :func:`embed_tokens`: ``ids: (B, T)`` [, token features ``(B, T, F)``] [, hashed character
  n-grams ``(B, T, K)``] -> the encoder's input ``(B, T, E + F)``;
* :func:`fill_embedding`: word vectors copied into an embedding, random rows of the same scale
  for the words the vectors lack;
* :func:`encode_padded`: a recurrent encoder run over a padded batch as it is (padding steps
  included), its final states read at each text's true ends;
* :class:`TextClassifierNet`: ids [, features] [, n-grams] -> logits for texts of one length,
  what the export and the inference fast path run.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from lstmzoo.nn.encoders import EncoderOutput, RecurrentEncoder
from lstmzoo.nn.heads import Head

__all__ = ["TextClassifierNet", "embed_tokens", "encode_padded", "fill_embedding"]


def embed_tokens(
    embedding: nn.Embedding,
    char_embedding: nn.EmbeddingBag | None,
    num_token_features: int,
    x: Tensor,
    feats: Tensor | None,
    ngrams: Tensor | None,
    dropout: nn.Module | None = None,
    gather_ngrams: bool = False,
) -> Tensor:
    """``x: (B, T)`` ids [, ``feats: (B, T, F)``, ``ngrams: (B, T, K)``] -> the encoder's input
    ``(B, T, embedding_dim + F)``: word embedding (+ mean n-gram embedding), ``dropout``, then
    the token features concatenated.

    ``gather_ngrams`` computes the n-grams' mean embedding with a gather and a masked mean
    instead of :class:`~torch.nn.EmbeddingBag` (same values; ONNX has no bag with padding).

    Raises:
        ValueError: ``ngrams`` or ``feats`` is missing or of the wrong shape for a model that
            reads them.
    """
    emb = embedding(x)
    if char_embedding is not None:
        if ngrams is None or ngrams.shape[:2] != x.shape:
            raise ValueError(
                "this model reads character n-grams: pass ngrams of shape (B, T, K) matching "
                f"x {tuple(x.shape)}, got {None if ngrams is None else tuple(ngrams.shape)}"
            )
        if gather_ngrams:
            keep = (ngrams != char_embedding.padding_idx).unsqueeze(-1).to(emb.dtype)
            total = (char_embedding.weight[ngrams] * keep).sum(-2)
            emb = emb + total / keep.sum(-2).clamp(min=1.0)
        else:
            flat = char_embedding(ngrams.reshape(-1, ngrams.shape[-1]))
            emb = emb + flat.view(*x.shape, -1)
    if dropout is not None:
        emb = dropout(emb)
    if num_token_features:
        expected = (*x.shape, num_token_features)
        if feats is None or tuple(feats.shape) != expected:
            raise ValueError(
                f"this model reads {num_token_features} token feature(s): pass feats of "
                f"shape {expected}, got {None if feats is None else tuple(feats.shape)}"
            )
        emb = torch.cat([emb, feats.to(emb.dtype)], dim=-1)
    return emb


def fill_embedding(embedding: nn.Embedding, vectors: Tensor, found: Tensor) -> None:
    """Copy ``vectors: (V, D)`` into ``embedding`` (``V`` rows of ``D``) where ``found: (V,)``
    is ``True``; the other rows get fresh normal values with the standard deviation of the
    vectors found (0.1 when that is undefined). The padding row ends up zero.

    Nothing is copied when no vector is found (the padding row is still zeroed)."""
    weight = embedding.weight
    found = found.to(torch.bool)
    on_device = found.to(weight.device)
    with torch.no_grad():
        if bool(on_device.any()):
            std = float(vectors[found].std()) if int(found.sum()) > 1 else 0.1
            fresh = torch.randn_like(weight) * (std if math.isfinite(std) and std > 0 else 0.1)
            weight.copy_(torch.where(on_device.unsqueeze(1), vectors.to(weight), fresh))
        if embedding.padding_idx is not None:
            weight[embedding.padding_idx].zero_()


def encode_padded(encoder: RecurrentEncoder, emb: Tensor, lengths: Tensor) -> EncoderOutput:
    """Run ``encoder`` over ``emb: (B, T, D)`` padding included (no packing), then read its
    top-layer final states where packing would have: the forward state at each text's last
    token (``lengths: (B,)``), and the backward state at step 0 (which has read the padding).

    Returns:
        the :class:`~lstmzoo.nn.encoders.EncoderOutput`: ``outputs: (B, T, dirs*H)`` zeroed at
        padded steps, ``h_n`` with its top layer replaced as above, no cell state, and the
        lengths (on the CPU).
    """
    out = encoder(emb, None)
    lengths = lengths.to(out.outputs.device)
    steps = torch.arange(emb.shape[1], device=emb.device)
    mask = (steps.unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(-1)
    outputs = out.outputs * mask
    hidden = encoder.hidden_size
    rows = torch.arange(emb.shape[0], device=emb.device)
    last = outputs[rows, lengths - 1, :hidden]  # forward state at the true last token
    top = [last]
    if encoder.bidirectional:
        top.append(outputs[:, 0, hidden:])  # backward state (it has read the padding too)
    h_n = out.h_n.clone()
    h_n[-len(top) :] = torch.stack(top)
    return EncoderOutput(outputs, h_n, None, lengths.cpu())


class TextClassifierNet(nn.Module):
    """Token ids in, class logits out, for texts whose every step is real (one text, or texts
    of one length: nothing padded, no lengths).

    ``forward(ids: (B, T) [, feats: (B, T, F)] [, ngrams: (B, T, K)]) -> (B, classes)``: the
    features come when ``num_token_features > 0``, the n-grams when ``char_embedding`` is
    given, in that order. The n-gram mean is a gather (see :func:`embed_tokens`), so the
    module exports to ONNX.

    Args:
        embedding: the word embedding.
        char_embedding: the hashed character n-gram embedding, or ``None``.
        num_token_features: the token features ``F`` concatenated to the embedding.
        encoder: the recurrent encoder.
        head: the N -> 1 head.
    """

    def __init__(
        self,
        embedding: nn.Embedding,
        char_embedding: nn.EmbeddingBag | None,
        num_token_features: int,
        encoder: RecurrentEncoder,
        head: Head,
    ) -> None:
        super().__init__()
        self.embedding = embedding
        self.char_embedding = char_embedding
        self.encoder = encoder
        self.head = head
        self.num_token_features = num_token_features

    @property
    def input_names(self) -> tuple[str, ...]:
        """The names of :meth:`forward`'s inputs, in order: ``"ids"`` [, ``"feats"``] [,
        ``"ngrams"``]."""
        names = ["ids"]
        if self.num_token_features:
            names.append("feats")
        if self.char_embedding is not None:
            names.append("ngrams")
        return tuple(names)

    def example_inputs(self) -> tuple[Tensor, ...]:
        """Random valid inputs of 2 texts of 7 tokens (4 n-grams each), to trace the export
        with: ids other than ``<pad>`` / ``<unk>`` (0 / 1), zero features."""
        inputs = [torch.randint(2, self.embedding.num_embeddings, (2, 7))]
        if self.num_token_features:
            inputs.append(torch.zeros(2, 7, self.num_token_features))
        if self.char_embedding is not None:
            inputs.append(torch.randint(0, self.char_embedding.num_embeddings, (2, 7, 4)))
        return tuple(inputs)

    def export_axes(self) -> dict[str, dict[str, dict[int, str]]]:
        """The dynamic axes of the inputs (batch, time, n-grams) and of the logits (batch)."""
        axes = {"ids": {0: "batch", 1: "time"}, "feats": {0: "batch", 1: "time"}}
        axes["ngrams"] = {0: "batch", 1: "time", 2: "ngrams"}
        inputs = {name: axes[name] for name in self.input_names}
        return {"inputs": inputs, "outputs": {"logits": {0: "batch"}}}

    def forward(self, ids: Tensor, *extra: Tensor) -> Tensor:
        """``ids: (B, T)`` [, ``feats: (B, T, F)``] [, ``ngrams: (B, T, K)``] -> ``(B, C)``."""
        rest = list(extra)
        feats = rest.pop(0) if self.num_token_features else None
        ngrams = rest.pop(0) if self.char_embedding is not None else None
        emb = embed_tokens(
            self.embedding,
            self.char_embedding,
            self.num_token_features,
            ids,
            feats,
            ngrams,
            gather_ngrams=True,
        )
        return self.head(self.encoder(emb))
