import pytest
import torch

import lstmzoo
from lstmzoo.data import AddingProblem, DelayedCopy, Waveform
from lstmzoo.models import SequenceModel, TopologyMismatchError


@pytest.mark.parametrize("name", ["rnn", "lstm", "lstm_2layer", "gru"])
@pytest.mark.parametrize("head", ["many_to_one", "many_to_many"])
def test_forward_backward_every_model_and_head(name, head):
    model = lstmzoo.create_model(name, input_size=3, output_size=2, hidden_size=8, head=head)
    x, lengths = torch.randn(4, 7, 3), torch.tensor([7, 3, 5, 1])
    y_hat = model(x, lengths)
    assert y_hat.shape == ((4, 2) if head == "many_to_one" else (4, 7, 2))
    y_hat.sum().backward()
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)


@pytest.mark.parametrize("mode", ["first_step", "every_step"])
def test_one_to_many_model(mode):
    model = SequenceModel(
        input_size=3,
        hidden_size=8,
        head={"class_path": "OneToMany", "init_args": {"mode": mode, "steps": 6}},
    )
    assert model(torch.randn(2, 3)).shape == (2, 6, 1)


def test_two_layer_lstm_feeds_layer_one_sequence_to_layer_two():
    model = lstmzoo.create_model("lstm_2layer", input_size=3, hidden_size=5)
    rnn = model.encoder.rnn
    assert rnn.num_layers == 2
    assert rnn.weight_ih_l1.shape == (4 * 5, 5)  # layer 2 reads layer 1's hidden size


def test_masked_loss_ignores_padding():
    model = SequenceModel(
        input_size=2, output_size=3, task="classification", hidden_size=4, head="many_to_many"
    )
    x, lengths = torch.randn(2, 5, 2), torch.tensor([5, 2])
    y = torch.randint(0, 3, (2, 5))
    batch = {"x": x, "y": y, "lengths": lengths}
    pred, target = model._flat(batch, model(x, lengths))
    assert pred.shape == (7, 3) and target.shape == (7,)
    y2 = y.clone()
    y2[1, 2:] = 2 - y2[1, 2:]  # change targets only at padded steps
    pred2, target2 = model._flat({**batch, "y": y2}, model(x, lengths))
    torch.testing.assert_close(model._loss(pred, target), model._loss(pred2, target2))
    # the public loss is the same masked loss, with or without a given output
    torch.testing.assert_close(model.loss({**batch, "y": y2}), model._loss(pred, target))
    y_hat = model(x, lengths)
    torch.testing.assert_close(model.loss(batch, y_hat), model._loss(pred, target))


def test_topology_mismatch_names_both_sides():
    model = SequenceModel(input_size=2, head="many_to_many")
    with pytest.raises(TopologyMismatchError, match=r"ManyToMany.*AddingProblem"):
        model.check_datamodule(AddingProblem())
    model = SequenceModel(input_size=3, head="many_to_one")
    with pytest.raises(TopologyMismatchError, match="DelayedCopy"):
        model.check_datamodule(DelayedCopy())
    model = SequenceModel(input_size=3, head={"class_path": "OneToMany", "init_args": {"steps": 5}})
    with pytest.raises(TopologyMismatchError, match="set the head's steps to 32"):
        model.check_datamodule(Waveform(steps=32))


def test_bad_task_arguments():
    with pytest.raises(ValueError, match="task"):
        SequenceModel(task="ranking")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="classes"):
        SequenceModel(task="classification", output_size=1)


def test_checkpoint_hparams_are_plain_values():
    model = SequenceModel(
        input_size=2, head={"class_path": "ManyToOne", "init_args": {"pool": "max"}}
    )
    again = SequenceModel(**model.hparams)
    assert again.head.pool == "max"
    for value in model.hparams.values():
        assert isinstance(value, (int, float, str, bool, dict, list, type(None)))
