import torch

from lstmzoo.data import AddingProblem, DelayedCopy, Waveform
from lstmzoo.data.synthetic import adding_problem, delayed_copy, waveform


def test_adding_problem_targets_and_baseline():
    x, y = adding_problem(20_000, 50, seed=1)
    assert x.shape == (20_000, 50, 2) and y.shape == (20_000, 1)
    markers = x[..., 1]
    assert bool((markers.sum(1) == 2).all())
    # one marker in each half
    assert bool((markers[:, :25].sum(1) == 1).all())
    expected = (x[..., 0] * markers).sum(1, keepdim=True)
    torch.testing.assert_close(y, expected)
    baseline = torch.mean((y - 1.0) ** 2).item()
    assert abs(baseline - 1 / 6) < 0.01


def test_generation_is_deterministic_per_seed():
    a, b = adding_problem(8, 10, seed=3), adding_problem(8, 10, seed=3)
    torch.testing.assert_close(a[0], b[0])
    assert not torch.equal(a[0], adding_problem(8, 10, seed=4)[0])


def test_delayed_copy_targets():
    xs, ys = delayed_copy(50, 5, 12, num_symbols=4, delay=3, seed=0)
    for x, y in zip(xs, ys):
        symbols = x.argmax(-1)
        assert bool((y[:3] == 4).all())
        assert torch.equal(y[3:], symbols[: len(x) - 3])
    assert len({len(x) for x in xs}) > 1  # variable lengths


def test_waveform_inputs_and_targets():
    x, y = waveform(10, 16, seed=0)
    assert x.shape == (10, 3) and y.shape == (10, 16, 1)
    assert float(x.abs().max()) <= 1.0 + 1e-6
    assert float(y.abs().max()) <= 1.5


def test_datamodules_split_and_describe_themselves():
    dm = AddingProblem(seq_len=10, num_train=16, num_val=8, num_test=4, batch_size=4)
    dm.setup("fit")
    assert (len(dm.train_set), len(dm.val_set), len(dm.test_set)) == (16, 8, 4)
    assert not torch.equal(dm.train_set.x[:4], dm.val_set.x[:4])
    assert dm.model_kwargs() == {"input_size": 2, "output_size": 1, "task": "regression"}
    batch = next(iter(dm.train_dataloader()))
    assert batch["x"].shape == (4, 10, 2) and batch["lengths"] is None

    copy = DelayedCopy(
        num_symbols=3,
        delay=1,
        min_len=3,
        max_len=7,
        num_train=16,
        num_val=4,
        num_test=4,
        batch_size=8,
    )
    copy.setup("fit")
    batch = next(iter(copy.train_dataloader()))
    assert batch["x"].shape[0] == 8 and batch["lengths"] is not None
    assert batch["y"].shape == batch["x"].shape[:2]
    assert copy.model_kwargs()["output_size"] == 4

    wave = Waveform(steps=8, num_train=8, num_val=4, num_test=4, batch_size=4)
    wave.setup("fit")
    batch = next(iter(wave.train_dataloader()))
    assert batch["x"].shape == (4, 3) and batch["y"].shape == (4, 8, 1)


def test_shuffling_is_seeded():
    def first_batch(seed):
        dm = AddingProblem(seq_len=5, num_train=64, num_val=8, num_test=8, batch_size=8, seed=seed)
        dm.setup("fit")
        return next(iter(dm.train_dataloader()))["y"]

    torch.testing.assert_close(first_batch(0), first_batch(0))
