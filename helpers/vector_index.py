"""Exact and approximate FAISS indexes for cosine search, sized from the corpus (03_rag).

The course's own corpus (thousands of chunks) uses exact search. Past ~100k vectors an exact scan
costs too much per query, and an approximate index trades a little recall for a lot of speed:

- IVF: k-means into `nlist` cells, search only the `nprobe` nearest cells. Rule (FAISS's
  guideline): nlist ≈ 4·√n, at least 39 training points per cell; start at nprobe = nlist / 64.
- HNSW: a layered proximity graph; M links per vector, efSearch candidates per query. Rule: M = 32,
  efConstruction = 80, start at efSearch = 64. It cannot delete vectors: rebuild, or use IVF.

Which nprobe / efSearch to use is measured, not guessed: `tune` raises it until recall@k against
exact search reaches the target on held-out queries.
"""

from __future__ import annotations

import math
from typing import Any

import faiss
import numpy as np

KINDS = ("flat", "ivf", "hnsw")
EXACT_UP_TO = 100_000  # below this an exact scan is fast enough on one CPU


def settings(n: int, kind: str = "auto") -> dict[str, Any]:
    """The index kind and parameters for n vectors, by the rules above (03_rag)."""
    if n < 1:
        raise ValueError("no vectors to index: the corpus is empty")
    if kind == "auto":
        kind = "flat" if n <= EXACT_UP_TO else "ivf"
    if kind not in KINDS:
        raise ValueError(f"unknown index kind {kind!r}; choose one of {KINDS} or 'auto'")
    if kind == "flat":
        return {"kind": "flat"}
    if kind == "ivf":
        nlist = max(1, min(int(4 * math.sqrt(n)), n // 39))
        return {"kind": "ivf", "nlist": nlist, "nprobe": max(1, nlist // 64)}
    return {"kind": "hnsw", "M": 32, "efConstruction": 80, "efSearch": 64}


def build(vectors: np.ndarray, ids: np.ndarray | None = None, **params: Any) -> Any:
    """A FAISS inner-product index over unit vectors, with stable integer ids (03_rag)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    ids = np.arange(len(vectors), dtype=np.int64) if ids is None else np.asarray(ids, np.int64)
    params = params or settings(len(vectors))
    dim, kind = vectors.shape[1], params["kind"]
    if kind == "flat":
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    elif kind == "ivf":
        if len(vectors) < params["nlist"]:
            raise ValueError(f"IVF with {params['nlist']} cells needs at least that many vectors")
        inner = faiss.IndexIVFFlat(
            faiss.IndexFlatIP(dim), dim, params["nlist"], faiss.METRIC_INNER_PRODUCT
        )
        inner.train(vectors)
        inner.nprobe = params["nprobe"]
        index = faiss.IndexIDMap2(inner)
    elif kind == "hnsw":
        inner = faiss.IndexHNSWFlat(dim, params["M"], faiss.METRIC_INNER_PRODUCT)
        inner.hnsw.efConstruction = params["efConstruction"]
        inner.hnsw.efSearch = params["efSearch"]
        index = faiss.IndexIDMap2(inner)
    else:
        raise ValueError(f"unknown index kind {kind!r}; choose one of {KINDS}")
    index.add_with_ids(vectors, ids)
    return index


def set_effort(index: Any, effort: int) -> None:
    """Set nprobe (IVF) or efSearch (HNSW): more effort, more recall, slower queries (03_rag)."""
    inner = faiss.downcast_index(index.index) if isinstance(index, faiss.IndexIDMap) else index
    if isinstance(inner, faiss.IndexIVF):
        inner.nprobe = effort
    elif isinstance(inner, faiss.IndexHNSW):
        inner.hnsw.efSearch = effort
    else:
        raise ValueError("an exact index has no search effort to set")


def recall_at_k(found: np.ndarray, exact: np.ndarray, k: int) -> float:
    """Share of the exact top-k that the approximate top-k also returns (03_rag)."""
    hits = [
        len(set(f[:k].tolist()) & set(e[:k].tolist())) for f, e in zip(found, exact, strict=True)
    ]
    return float(np.mean(hits)) / k


def tune(
    index: Any, queries: np.ndarray, exact: np.ndarray, k: int = 10, target: float = 0.95
) -> tuple[int | None, list[tuple[int, float]]]:
    """The smallest effort reaching recall@k ≥ target, and the (effort, recall) curve (03_rag)."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    curve = []
    for effort in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512):
        set_effort(index, effort)
        recall = recall_at_k(index.search(queries, k)[1], exact, k)
        curve.append((effort, recall))
        if recall >= target:
            return effort, curve
    return None, curve
