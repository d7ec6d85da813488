import pytest
import torch

from lstmzoo.data import CSVSeries
from lstmzoo.errors import DataError


def _write(path, rows, header="t,value,other"):
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def _series(tmp_path, n=60):
    return _write(tmp_path / "s.csv", [f"{i},{i * 0.5},{-i}" for i in range(n)])


def test_next_value_windows(tmp_path):
    dm = CSVSeries(str(_series(tmp_path)), target="value", window=5, horizon=2, batch_size=4)
    dm.setup()
    x, y = dm.train_set[0]["x"], dm.train_set[0]["y"]
    assert x.shape == (5, 1) and y.shape == (1,)
    assert x[:, 0].tolist() == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert y.item() == pytest.approx(3.0)  # value at row 6 = 5 + 2 - 1
    assert dm.target_kind == "vector"
    # chronological split: validation starts after training ends
    assert dm.val_set[0]["x"][0, 0] > dm.train_set[len(dm.train_set) - 1]["x"][0, 0]


def test_sequence_mode_and_features(tmp_path):
    dm = CSVSeries(
        str(_series(tmp_path)),
        target="value",
        features=["value", "other"],
        window=4,
        horizon=1,
        mode="sequence",
    )
    dm.setup()
    item = dm.train_set[0]
    assert item["x"].shape == (4, 2) and item["y"].shape == (4, 1)
    assert item["y"][:, 0].tolist() == [0.5, 1.0, 1.5, 2.0]
    assert dm.target_kind == "sequence"
    assert dm.model_kwargs()["input_size"] == 2


def test_normalisation_uses_training_rows_only(tmp_path):
    dm = CSVSeries(str(_series(tmp_path)), target="value", window=3, normalize=True)
    dm.setup()
    train_values = torch.arange(42) * 0.5  # 70% of 60 rows
    assert dm.stats["target_mean"][0] == pytest.approx(float(train_values.mean()))


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        (["0,1.0,2", "1,,3"], r"line 3, column 'value': missing value"),
        (["0,1.0,2", "1,abc,3"], r"line 3, column 'value': 'abc' is not a number"),
        (["0,1.0,2", "1,nan,3"], r"line 3, column 'value': 'nan' is not finite"),
    ],
)
def test_bad_cells_name_file_line_and_column(tmp_path, rows, match):
    path = _write(tmp_path / "bad.csv", rows)
    with pytest.raises(DataError, match=match) as info:
        CSVSeries(str(path), target="value", window=1).setup()
    assert "bad.csv" in str(info.value)


def test_too_few_rows(tmp_path):
    path = _write(tmp_path / "short.csv", [f"{i},{i},{i}" for i in range(10)])
    with pytest.raises(DataError, match=r"short.csv: 10 rows are too few for window=8"):
        CSVSeries(str(path), target="value", window=8).setup()


def test_missing_column_and_file(tmp_path):
    with pytest.raises(DataError, match=r"column\(s\) \['price'\] not found"):
        CSVSeries(str(_series(tmp_path)), target="price").setup()
    with pytest.raises(DataError, match="cannot read"):
        CSVSeries(str(tmp_path / "nope.csv"), target="value").setup()
