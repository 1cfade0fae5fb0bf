import json
import math

import numpy as np
import pytest

from helpers import REPO_ROOT, results


def test_roundtrip(tmp_path):
    path = results.save(
        "03_rag", {"recall@5": np.float32(0.9), "n": 3}, profile="ci", root=tmp_path
    )
    assert path == tmp_path / "ci" / "03_rag.json"
    assert results.load("03_rag", "ci", root=tmp_path) == pytest.approx({"recall@5": 0.9, "n": 3})


def test_reference_path(tmp_path):
    path = results.results_path("03_rag", "gpu", reference=True, root=tmp_path)
    assert path == tmp_path / "reference" / "gpu" / "03_rag.json"


@pytest.mark.parametrize("bad", ["rag", "3_rag", "03-RAG", "../03_rag"])
def test_bad_notebook_name(tmp_path, bad):
    with pytest.raises(ValueError, match="NN_snake_case"):
        results.save(bad, {"a": 1}, profile="ci", root=tmp_path)


def test_bad_metrics(tmp_path):
    with pytest.raises(ValueError, match="non-empty"):
        results.save("03_rag", {}, profile="ci", root=tmp_path)
    with pytest.raises(ValueError, match="finite"):
        results.save("03_rag", {"acc": math.nan}, profile="ci", root=tmp_path)
    with pytest.raises(ValueError, match="type"):
        results.save("03_rag", {"obj": object()}, profile="ci", root=tmp_path)


def test_missing_file_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="notebooks/05_dapt.ipynb"):
        results.load("05_dapt", "ci", root=tmp_path)


def test_committed_reference_runs_exist():
    for notebook in (
        "00_start_here",
        "01_scaling_laws",
        "02_domain_data",
        "03_rag",
        "04_qlora_sft",
        "05_dapt",
    ):
        assert results.load(notebook, "ci", reference=True)


def test_smoke_runs_and_colab_folders_never_mix_with_real_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "gpu")
    monkeypatch.setenv("COURSE_RESULTS", str(tmp_path / "drive"))  # e.g. a Google Drive folder
    monkeypatch.setenv("COURSE_SMOKE", "1")
    assert results.run_dir() == tmp_path / "drive" / "gpu-smoke"
    path = results.save("03_rag", {"a": 1})
    assert path == tmp_path / "drive" / "gpu-smoke" / "03_rag.json"
    assert json.loads(path.read_text())["smoke"] is True
    assert results.load("03_rag") == {"a": 1}
    reference = results.results_path("03_rag", "ci", reference=True)
    assert reference == REPO_ROOT / "results" / "reference" / "ci" / "03_rag.json"
    monkeypatch.delenv("COURSE_SMOKE")
    assert results.run_dir() == tmp_path / "drive" / "gpu"
    monkeypatch.delenv("COURSE_RESULTS")
    assert results.run_dir() == REPO_ROOT / "results" / "gpu"


def test_load_or_reference_says_where_numbers_come_from(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_SMOKE", raising=False)
    results.save("03_rag", {"a": 2}, profile="ci", root=tmp_path / "reference")
    assert results.load_or_reference("03_rag", "gpu", root=tmp_path) == (
        {"a": 2},
        "the ci reference run",
    )
    results.save("03_rag", {"a": 3}, profile="gpu", root=tmp_path)
    assert results.load_or_reference("03_rag", "gpu", root=tmp_path) == ({"a": 3}, "this gpu run")
    with pytest.raises(FileNotFoundError, match="run notebooks/05_dapt.ipynb"):
        results.load_or_reference("05_dapt", "gpu", root=tmp_path)


def test_answers_are_reused_only_for_the_same_questions(tmp_path):
    results.save_answers("03_rag", "RAG dense top-1", ["q1", "q2"], ["a", "b"], "ci", tmp_path)
    assert results.load_answers("03_rag", "RAG dense top-1", ["q1", "q2"], "ci", tmp_path) == [
        "a",
        "b",
    ]
    assert results.load_answers("03_rag", "RAG dense top-1", ["q1"], "ci", tmp_path) is None
    assert results.load_answers("03_rag", "RAG hybrid top-1", ["q1", "q2"], "ci", tmp_path) is None
    with pytest.raises(ValueError, match="2 answers for 1 question ids"):
        results.save_answers("03_rag", "x", ["q1"], ["a", "b"], "ci", tmp_path)
