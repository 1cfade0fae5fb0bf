"""helpers.vector_index: exact vs IVF vs HNSW on clustered unit vectors, parameters from n."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import vector_index


def _clustered(n: int, dim: int = 32, centers: int = 50, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    means = rng.normal(size=(centers, dim))
    x = means[rng.integers(centers, size=n)] + 0.3 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_settings_follow_the_stated_rules():
    assert vector_index.settings(5_000) == {"kind": "flat"}
    ivf = vector_index.settings(1_000_000)
    assert ivf["kind"] == "ivf" and ivf["nlist"] == 4_000 and ivf["nprobe"] == 62
    assert vector_index.settings(2_000, "ivf")["nlist"] == 2_000 // 39  # >= 39 points per cell
    assert vector_index.settings(10, "hnsw")["M"] == 32
    with pytest.raises(ValueError, match="empty"):
        vector_index.settings(0)
    with pytest.raises(ValueError, match="unknown index kind"):
        vector_index.settings(10, "lsh")


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_approximate_search_reaches_the_recall_target_when_tuned(kind):
    data, queries = _clustered(20_000), _clustered(200, seed=1)
    exact = vector_index.build(data, kind="flat")
    truth = exact.search(queries, 10)[1]
    approx = vector_index.build(data, **vector_index.settings(len(data), kind))
    effort, curve = vector_index.tune(approx, queries, truth, k=10, target=0.95)
    assert effort is not None and curve[-1][1] >= 0.95
    assert curve[0][1] <= curve[-1][1]  # more effort, more recall
    assert vector_index.recall_at_k(truth, truth, 10) == 1.0


def test_ids_are_kept_and_exact_search_has_no_effort():
    data = _clustered(500)
    index = vector_index.build(data, ids=np.arange(1000, 1500), kind="flat")
    assert index.search(data[:1], 1)[1][0][0] == 1000
    with pytest.raises(ValueError, match="exact index"):
        vector_index.set_effort(index, 8)
    with pytest.raises(ValueError, match="at least"):
        vector_index.build(data[:10], kind="ivf", nlist=64, nprobe=1)
