import functools

import pytest
import torch

from lstmzoo.nn import ManyToMany, ManyToOne, OneToMany, RecurrentEncoder, build_head
from lstmzoo.nn.heads import Head


def _padded_vs_alone(head_factory, bidirectional=True):
    """Outputs for a padded batch and for each sequence run alone must agree."""
    torch.manual_seed(0)
    enc = RecurrentEncoder(3, 4, "lstm", num_layers=2, bidirectional=bidirectional).eval()
    head = head_factory(enc.output_size, 2).eval()
    x = torch.randn(3, 8, 3)
    # garbage in the padded region must not matter
    lengths = torch.tensor([8, 3, 5])
    for i, length in enumerate(lengths.tolist()):
        x[i, length:] = 1e3
    batch = head(enc(x, lengths))
    for i, length in enumerate(lengths.tolist()):
        alone = head(enc(x[i : i + 1, :length]))
        if batch.dim() == 3:
            torch.testing.assert_close(batch[i, :length], alone[0], atol=1e-5, rtol=1e-5)
            assert bool((batch[i, length:] == 0).all())
        else:
            torch.testing.assert_close(batch[i], alone[0], atol=1e-5, rtol=1e-5)
    return batch


@pytest.mark.parametrize("pool", ["last", "mean", "max", "attention"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_many_to_one_padding_never_leaks(pool, bidirectional):
    out = _padded_vs_alone(functools.partial(ManyToOne, pool=pool), bidirectional)
    assert out.shape == (3, 2)


def test_many_to_many_padding_never_leaks():
    out = _padded_vs_alone(ManyToMany)
    assert out.shape == (3, 8, 2)


def test_many_to_one_last_concatenates_forward_end_and_backward_start():
    torch.manual_seed(0)
    enc = RecurrentEncoder(2, 3, "lstm", bidirectional=True)
    head = ManyToOne(enc.output_size, 1, pool="last")
    out = enc(torch.randn(2, 5, 2), torch.tensor([5, 2]))
    pooled = head.pooled(out)
    torch.testing.assert_close(pooled[1, :3], out.outputs[1, 1, :3])  # forward at true last step
    torch.testing.assert_close(pooled[1, 3:], out.outputs[1, 0, 3:])  # backward at step 0


@pytest.mark.parametrize("mode", ["first_step", "every_step"])
def test_one_to_many_modes(mode):
    head = OneToMany(8, 1, mode=mode, steps=5)
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    seq, lengths = head.prepare_inputs(x, None)
    assert seq.shape == (2, 5, 2) and lengths is None
    torch.testing.assert_close(seq[:, 0], x)
    if mode == "first_step":
        assert bool((seq[:, 1:] == 0).all())
    else:
        torch.testing.assert_close(seq[:, 3], x)
    enc = RecurrentEncoder(2, 4, bidirectional=True)
    assert head(enc(seq)).shape == (2, 5, 1)
    with pytest.raises(ValueError, match=r"\(B, D\)"):
        head.prepare_inputs(torch.randn(2, 3, 2), None)


def test_build_head_accepts_every_spec_form():
    for spec in (
        None,
        "many_to_one",
        "ManyToOne",
        "lstmzoo.nn.heads.ManyToOne",
        {"class_path": "lstmzoo.nn.heads.ManyToOne", "init_args": {"pool": "mean"}},
        ManyToOne,
        functools.partial(ManyToOne, pool="max"),
    ):
        head = build_head(spec, 6, 2, default="many_to_one")
        assert isinstance(head, ManyToOne) and head.in_features == 6 and head.out_features == 2


def test_head_config_round_trip():
    head = OneToMany(6, 3, mode="every_step", steps=9, dropout=0.1)
    again = build_head(head.config(), 6, 3, default="many_to_one")
    assert isinstance(again, OneToMany) and again.options() == head.options()


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("many_to_won", "did you mean many_to_one"),
        ({"init_args": {}}, "class_path"),
        ({"class_path": "ManyToOne", "init_args": {"pol": "last"}}, "bad init_args"),
        ("torch.nn.Linear", "not a subclass"),
        ("lstmzoo.nn.heads.Nope", "cannot import"),
    ],
)
def test_build_head_errors(spec, match):
    with pytest.raises(ValueError, match=match):
        build_head(spec, 4, 2, default="many_to_one")


def test_bad_head_options():
    with pytest.raises(ValueError, match="pool"):
        ManyToOne(4, 2, pool="median")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="mode"):
        OneToMany(4, 2, mode="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=">= 1"):
        ManyToMany(0, 2)
    assert issubclass(ManyToOne, Head)
