"""The run bookkeeping of benchmarks/sentiment_vs_vader.py (training replaced by a stand-in):
a finished run is reused, an interrupted one resumed, another command's folder refused, and the
first failure stops the runs that have not started."""

from __future__ import annotations

import importlib.util
import json
import threading
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[1]


def _load() -> ModuleType:
    path = REPO / "benchmarks" / "sentiment_vs_vader.py"
    spec = importlib.util.spec_from_file_location("sentiment_vs_vader", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def bench(monkeypatch):
    """The module with ``subprocess.run`` replaced: each call is recorded and "trains" by
    writing the run folder's checkpoints (``fail`` lists folder names that exit 1 instead)."""
    module = _load()
    calls: list[list[str]] = []
    fail: set[str] = set()
    lock = threading.Lock()

    def fake_run(cmd, **kwargs):
        with lock:
            calls.append(list(cmd))
        folder = Path(cmd[cmd.index("--trainer.logger.init_args.save_dir") + 1])
        root = folder / cmd[cmd.index("--trainer.logger.init_args.name") + 1]
        if root.name in fail:
            return SimpleNamespace(returncode=1)
        (root / "checkpoints").mkdir(parents=True, exist_ok=True)
        for name in ("best.ckpt", "last.ckpt"):
            (root / "checkpoints" / name).write_bytes(b"")
        return SimpleNamespace(returncode=0)

    monkeypatch.setattr(module.subprocess, "run", fake_run)
    return module, calls, fail


def test_a_finished_run_is_reused_and_an_interrupted_one_resumed(bench, tmp_path: Path) -> None:
    module, calls, _ = bench
    root = tmp_path / "general_s1"
    ckpt, _ = module.fit(module.GENERAL, root, 1, ["--trainer.max_steps=3"], ["movies", "nyt"])
    assert ckpt == str(root / "checkpoints" / "best.ckpt")
    assert "--ckpt_path" not in calls[0]
    assert json.loads(calls[0][calls[0].index("--data.init_args.corpora") + 1]) == ["movies", "nyt"]
    record = json.loads((root / "run.json").read_text())
    assert record["finished"] and record["command"] == calls[0][1:]
    module.fit(module.GENERAL, root, 1, ["--trainer.max_steps=3"], ["movies", "nyt"])
    assert len(calls) == 1  # reused
    record["finished"] = False  # stopped half-way: last.ckpt there, not finished
    (root / "run.json").write_text(json.dumps(record))
    module.fit(module.GENERAL, root, 1, ["--trainer.max_steps=3"], ["movies", "nyt"])
    assert calls[1][-2:] == ["--ckpt_path", "last"]


def test_a_folder_of_another_command_is_refused(bench, tmp_path: Path) -> None:
    module, calls, _ = bench
    root = tmp_path / "movie_s1"
    module.fit(module.MOVIE, root, 1, ["--trainer.max_steps=3"], None)
    with pytest.raises(module.RunError, match=r"holds a run of another command(.|\n)*--out"):
        module.fit(module.MOVIE, root, 1, [], None)
    assert len(calls) == 1


def test_a_failure_stops_the_runs_not_started(bench, tmp_path: Path) -> None:
    module, calls, fail = bench
    fail.add("movie_s1")
    runs = {
        "movie": [(module.MOVIE, tmp_path / f"movie_s{s}", s, None) for s in (1, 2, 3)],
        "general": [(module.GENERAL, tmp_path / f"general_s{s}", s, ["nyt"]) for s in (1, 2)],
    }
    with pytest.raises(module.RunError, match=r"training failed \(exit 1\); see .*movie_s1"):
        module.train_all(runs, [], jobs=1, threads=None)
    assert len(calls) == 1
    assert json.loads((tmp_path / "movie_s1" / "run.json").read_text())["finished"] is False
    fail.clear()
    trained = module.train_all(runs, [], jobs=2, threads=1)
    assert [Path(c).parent.parent.name for c, _ in trained["general"]] == [
        "general_s1",
        "general_s2",
    ]
    assert len(calls) == 1 + 5


def test_rule_bins_count_every_test_text_once_per_grouping(tmp_path: Path) -> None:
    """``--rule-bins``: the rule score of each test text (no training) and its accuracy by the
    score's size and the text's length; every bin's texts add up to the corpus's test split."""
    from tests.helpers_text import write_lexicon, write_rated_corpora

    module = _load()
    folder = write_rated_corpora(tmp_path / "hutto", n=60)
    splits = module.rated_texts(["movies", "tweets"], str(folder), None)
    data_args = {
        "corpora": ["movies", "tweets"], "snippets_file": str(folder), "tokenizer": "social",
        "lexicon": str(write_lexicon(tmp_path / "lex.txt")), "valence_rules": True,
    }  # fmt: skip
    scores = module.rule_scores(splits, data_args)
    texts, _ = splits["tweets"]
    signs = []
    for text, score in zip(texts, scores["tweets"]):  # the fixture's texts are all one way
        words = set(text.lower().replace(":)", "").split())
        if words & {"great", "good", "lovely", "goood"}:
            signs.append(score > 0)
        elif words & {"bad", "awful", "baaad"}:
            signs.append(score < 0)
    assert len(signs) == len(texts) and all(signs)
    rows = module.rule_bins(splits, scores)
    assert [r[0] for r in rows[1:]] == ["movies", "tweets"]

    def count(cell: str) -> int:
        return 0 if cell == "-" else int(cell.split("(")[1].rstrip(")"))

    size_columns = range(3, 3 + len(module.SCORE_BINS))
    word_columns = range(3 + len(module.SCORE_BINS), len(rows[0]))
    for row, corpus in zip(rows[1:], ["movies", "tweets"]):
        n = len(splits[corpus][1])
        assert count(row[1]) == n
        assert count(row[2]) + sum(count(row[i]) for i in size_columns) == n
        assert count(row[2]) + sum(count(row[i]) for i in word_columns) == n
    with pytest.raises(ValueError, match="valence_rules"):
        module.rule_scores(splits, {**data_args, "valence_rules": False})


def test_the_whole_held_out_corpus_is_every_rated_text(tmp_path: Path) -> None:
    """Leave one out is also scored on the whole held-out corpus: all three splits, each text
    once, texts rated exactly 0 left out; the test split is part of it."""
    from tests.helpers_text import write_rated_corpora

    module = _load()
    folder = write_rated_corpora(tmp_path / "hutto", n=60)
    whole = module.rated_texts(["movies", "nyt"], str(folder), None, module.ALL_SPLITS)
    test = module.rated_texts(["movies", "nyt"], str(folder), None)
    rated = [i for i in range(1, 61) if i % 13]  # the fixture rates every 13th text 0
    for corpus in ("movies", "nyt"):
        texts, labels = whole[corpus]
        numbers = sorted(int(t.split()[2]) for t in texts)
        assert numbers == rated
        assert labels == [int(int(t.split()[2]) % 2 == 0) for t in texts]  # odd ones negative
        assert set(test[corpus][0]) < set(texts)


def test_the_whole_corpus_table_averages_each_seed_over_the_corpora() -> None:
    module = _load()
    results = {
        "whole_sizes": {"movies": 100, "tweets": 40},
        "vader_whole": {"movies": 0.6, "tweets": 0.9},
        "loo_whole": {"movies": [0.62, 0.66], "tweets": [0.86, 0.90]},
    }
    rows = module.whole_corpus_rows(results, ["movies", "tweets"])
    assert rows[1] == ["movies (100)", "60.0", "64.0 ± 2.8"]
    assert rows[2] == ["tweets (40)", "90.0", "88.0 ± 2.8"]
    assert rows[3] == ["mean of corpora", "75.0", "76.0 ± 2.8 (74.0 / 78.0)"]
