"""Pretrained word vectors copied into the text model's embedding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from lstmzoo.errors import ConfigError
from lstmzoo.models.sentiment import BiLSTMSentiment
from lstmzoo.models.word_vectors import load_pretrained_embedding
from tests.models.helpers_sentiment import VOCAB, fit_tiny, tiny_model


def _vectors_file(path: Path, words: list[str], dim: int) -> Path:
    lines = [f"{len(words)} {dim}"]
    for i, word in enumerate(words):
        lines.append(word + " " + " ".join(f"{(i + 1) * 0.01 * (j + 1):.4f}" for j in range(dim)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_pretrained_embeddings_loaded_once_and_stored_in_weights(
    tmp_path: Path, caplog: Any
) -> None:
    vec = _vectors_file(tmp_path / "vectors.txt", ["great", "awful", "film", "zzz"], dim=12)
    with caplog.at_level("INFO", logger="lstmzoo"):
        model, _, trainer = fit_tiny(
            tmp_path, pretrained_embeddings=str(vec), freeze_embeddings=True
        )
    assert "pretrained embeddings: 3 of" in caplog.text and "coverage" in caplog.text
    vocab = model.vocabulary
    weight = model.embedding.weight
    assert not weight.requires_grad  # frozen: the file's values survive training
    assert torch.allclose(weight[vocab["great"]], torch.tensor([0.01 * (j + 1) for j in range(12)]))
    assert torch.allclose(weight[vocab["film"]], torch.tensor([0.03 * (j + 1) for j in range(12)]))
    assert weight[0].abs().sum() == 0
    ckpt = tmp_path / "model.ckpt"
    trainer.save_checkpoint(ckpt)
    vec.unlink()  # reload must not need the file
    again = BiLSTMSentiment.load_from_checkpoint(ckpt, map_location="cpu", weights_only=True)
    assert torch.equal(again.embedding.weight, weight)
    assert again.hparams.pretrained_embeddings == str(vec)


def test_pretrained_dimension_mismatch(tmp_path: Path) -> None:
    vec = _vectors_file(tmp_path / "v.txt", ["good"], dim=5)
    model = tiny_model(pretrained_embeddings=str(vec))
    with pytest.raises(ConfigError, match="embedding_dim: 5"):
        model.load_pretrained_embeddings()
    found = tiny_model(embedding_dim=5).load_pretrained_embeddings(str(vec))
    assert found.found.sum() == 1
    with pytest.raises(ConfigError, match="no word-vector file"):
        tiny_model().load_pretrained_embeddings()


def test_load_pretrained_embedding_into_a_plain_embedding(tmp_path: Path) -> None:
    vec = _vectors_file(tmp_path / "v.txt", ["bad", "film", "absent"], dim=4)
    embedding = torch.nn.Embedding(len(VOCAB), 4, padding_idx=0)
    torch.manual_seed(0)
    vectors = load_pretrained_embedding(embedding, VOCAB, str(vec))
    assert vectors.found.tolist() == [False, False, False, True, True, False, False]
    weight = embedding.weight.detach()
    assert torch.allclose(weight[3], torch.tensor([0.01, 0.02, 0.03, 0.04]))
    assert torch.allclose(weight[4], torch.tensor([0.02, 0.04, 0.06, 0.08]))
    assert weight[0].abs().sum() == 0 and weight[1].abs().sum() > 0
    with pytest.raises(ConfigError, match="4-dimensional vectors but embedding_dim is 3"):
        load_pretrained_embedding(torch.nn.Embedding(len(VOCAB), 3), VOCAB, str(vec))
