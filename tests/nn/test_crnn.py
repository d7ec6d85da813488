"""CRNN backbone and sequence model: shapes, widths, sizes, batch-norm placement."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from torch import nn

from lstmzoo.nn.crnn import CRNN, CRNNBackbone, crnn_output_length


@pytest.fixture(scope="module")
def paper() -> CRNN:
    torch.manual_seed(0)
    return CRNN(num_classes=37, hidden_size=256, width_mult=1.0).eval()


def test_width_100_gives_26_steps_of_512_features(paper: CRNN) -> None:
    x = torch.randn(2, 1, 32, 100)
    conv = paper.backbone(x)
    assert conv.shape == (2, 512, 1, 26)
    assert paper.features(x).shape == (2, 26, 512)
    out = paper(x)
    assert out.logits.shape == (2, 26, 37)
    assert out.lengths is None


@pytest.mark.parametrize("width", [4, 5, 8, 31, 64, 99, 101, 128, 160, 333])
@pytest.mark.parametrize("width_mult", [0.25, 0.5])
def test_other_widths_follow_the_formula(width: int, width_mult: float) -> None:
    net = CRNN(11, hidden_size=16, width_mult=width_mult).eval()
    out = net(torch.randn(1, 1, 32, width))
    assert out.logits.shape == (1, width // 4 + 1, 11)
    assert crnn_output_length(width) == width // 4 + 1


def test_output_length_on_tensors() -> None:
    widths = torch.tensor([4, 100, 101, 160])
    assert crnn_output_length(widths).tolist() == [2, 26, 26, 41]


def test_padded_batch_reports_lengths_per_image() -> None:
    net = CRNN(11, hidden_size=16, width_mult=0.25).eval()
    x = torch.randn(3, 1, 32, 160)
    out = net(x, widths=torch.tensor([160, 100, 40]))
    assert out.logits.shape == (3, 41, 11)
    assert out.lengths.tolist() == [41, 26, 11]


def test_padding_does_not_change_a_narrow_image_far_from_its_end() -> None:
    """The LSTMs skip padded steps: padding reaches only the last steps (the CNN's field)."""
    torch.manual_seed(0)
    net = CRNN(11, hidden_size=16, width_mult=0.25, batch_norm="none").eval()
    img = torch.randn(1, 1, 32, 100)
    alone = net(img, torch.tensor([100])).logits
    padded = torch.cat([img, img[..., -1:].expand(-1, -1, -1, 60)], dim=-1)
    batched = net(padded, torch.tensor([100])).logits
    assert batched.shape[1] == 41
    # the backward LSTM starts at each image's own last step, so steps far from the end agree
    assert not torch.allclose(alone[0, :5], torch.zeros_like(alone[0, :5]))
    torch.testing.assert_close(batched[0, :5], alone[0, :5], atol=0.2, rtol=0)


def test_paper_and_half_width_sizes(paper: CRNN) -> None:
    n_paper = sum(p.numel() for p in paper.parameters())
    half = CRNN(37, hidden_size=128, width_mult=0.5)
    n_half = sum(p.numel() for p in half.parameters())
    assert 8.2e6 < n_paper < 8.45e6  # the paper's CRNN is about 8.3M parameters
    assert 2.0e6 < n_half < 2.2e6
    assert half.backbone.out_channels == 256


@pytest.mark.parametrize(("where", "count"), [("deep", 2), ("all", 7), ("none", 0)])
def test_batch_norm_placement(where: str, count: int) -> None:
    backbone = CRNNBackbone(width_mult=0.25, batch_norm=where)
    bns = [m for m in backbone.modules() if isinstance(m, nn.BatchNorm2d)]
    assert len(bns) == count
    if where == "deep":  # the paper: after the 5th and 6th convolutions, the widest ones
        assert all(bn.num_features == 128 for bn in bns)


def test_bad_inputs_are_refused() -> None:
    net = CRNN(11, hidden_size=8, width_mult=0.25)
    with pytest.raises(ValueError, match="32 pixels high"):
        net(torch.randn(1, 1, 48, 100))
    with pytest.raises(ValueError, match="at least 4 wide"):
        net(torch.randn(1, 1, 32, 3))
    with pytest.raises(ValueError, match="shape"):
        net(torch.randn(1, 3, 32, 100))
    with pytest.raises(ValueError, match="num_classes"):
        CRNN(1)
    with pytest.raises(ValueError, match="batch_norm"):
        CRNNBackbone(batch_norm="some")


def test_gradients_reach_the_first_convolution() -> None:
    net = CRNN(11, hidden_size=16, width_mult=0.25, batch_norm="all")
    net(torch.randn(2, 1, 32, 100)).logits.square().mean().backward()
    first = net.backbone.layers[0]
    assert isinstance(first, nn.Conv2d)
    assert first.weight.grad is not None and first.weight.grad.abs().sum() > 0


def test_pure_torch_modules_do_not_import_lightning() -> None:
    code = (
        "import sys, lstmzoo.nn.crnn, lstmzoo.nn.ctc; "
        "bad = [m for m in sys.modules if m.startswith(('lightning', 'pytorch_lightning'))]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unpacked_lstms_report_the_same_lengths_and_agree_on_equal_widths() -> None:
    torch.manual_seed(0)
    net = CRNN(11, hidden_size=16, width_mult=0.25, batch_norm="none").eval()
    x = torch.randn(3, 1, 32, 160)
    mixed = torch.tensor([160, 100, 40])
    packed, padded = net(x, mixed), net(x, mixed, pack=False)
    assert padded.lengths.tolist() == packed.lengths.tolist() == [41, 26, 11]
    # the widest image has no padding: both ways read it the same
    torch.testing.assert_close(padded.logits[0], packed.logits[0])
    # a narrower one: its backward LSTM starts in the padding when not packed
    assert not torch.allclose(padded.logits[2, :11], packed.logits[2, :11])
    full = torch.full((3,), 160)
    torch.testing.assert_close(net(x, full, pack=False).logits, net(x, full).logits)


def test_character_ranges_tile_the_text_in_the_source_pixels() -> None:
    from lstmzoo.nn.crnn import crnn_char_ranges

    steps = [(2, 3), (5, 5), (7, 7), (10, 11)]  # step t is centred on column 4 t
    ranges = crnn_char_ranges(steps, input_width=60)
    assert ranges == [(4, 16), (16, 24), (24, 34), (34, 50)]
    # halfway between neighbours; the outer sides as wide as the inner ones
    assert crnn_char_ranges(steps, 60, source_width=120) == [(2 * a, 2 * b) for a, b in ranges]
    assert crnn_char_ranges([(5, 6)], 60) == [(18, 26)]  # alone: its steps +- 2 columns
    assert crnn_char_ranges([(0, 0), (1, 1)], 8) == [(0, 2), (2, 6)]  # clipped to the image
    assert crnn_char_ranges([], 60) == []
