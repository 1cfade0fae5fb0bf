import math

import numpy as np
import pytest

from helpers import results


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
