"""The ``bidirectional`` figure: a tiny BiLSTM sentiment classifier, trained for seconds on
template sentences, reads one sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from lstmzoo.viz.bidirectional import plot_bidirectional_states

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["BILSTM", "bidirectional_figure"]

#: Settings of the ``bidirectional`` figure, as in notebook 04: a tiny BiLSTM sentiment
#: classifier trained for a few seconds on :func:`lstmzoo.explain.template_sentences`.
BILSTM: dict[str, Any] = {
    "sentences": 240,
    "train": 180,
    "embedding_dim": 16,
    "hidden_size": 8,
    "lr": 0.02,
    "epochs": 30,
    "batch_size": 20,
    "sentence": "the film was surprisingly good fun",
}


def bidirectional_figure(seed: int = 0) -> Figure:
    """A tiny BiLSTM sentiment classifier reads one sentence: its forward and backward hidden
    states word by word, and the two it concatenates for the prediction."""
    import lstmzoo
    from lstmzoo.data.text import Tokenizer, Vocabulary
    from lstmzoo.explain import SENTIMENT_CLASSES, bidirectional_states, template_sentences

    sentence = BILSTM["sentence"]
    texts, labels = template_sentences(BILSTM["sentences"], seed, exclude={sentence})
    train_texts, train_labels = texts[: BILSTM["train"]], labels[: BILSTM["train"]]
    tokenizer = Tokenizer()
    vocab = Vocabulary.build(tokenizer(t) for t in train_texts)
    seqs = [torch.tensor(vocab.encode(tokenizer(t))) for t in train_texts]
    x = torch.nn.utils.rnn.pad_sequence(seqs, batch_first=True)
    lengths = torch.tensor([len(q) for q in seqs])
    y = torch.tensor(train_labels)
    torch.manual_seed(seed)
    model = lstmzoo.create_model(
        "bilstm_sentiment",
        vocab=vocab.tokens,
        classes=list(SENTIMENT_CLASSES),
        embedding_dim=BILSTM["embedding_dim"],
        hidden_size=BILSTM["hidden_size"],
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=BILSTM["lr"])
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(BILSTM["epochs"]):
        for rows in torch.randperm(len(y), generator=generator).split(BILSTM["batch_size"]):
            loss = torch.nn.functional.cross_entropy(model(x[rows], lengths[rows]), y[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    tokens = tokenizer(sentence)
    with torch.no_grad():
        emb = model.embedding(torch.tensor([vocab.encode(tokens)]))
    forward, backward = bidirectional_states(model.encoder.rnn, emb)
    record = model.predict_text(sentence)[0]
    p = record["probabilities"]["positive"]
    return plot_bidirectional_states(
        tokens,
        forward,
        backward,
        title=f"BiLSTM on '{sentence}': p(positive) = {p:.2f} from the framed states",
    )
