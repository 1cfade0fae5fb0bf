"""Exact vs IVF vs HNSW on many vectors: build, size, save/load, speed, recall (03_rag).

The vectors are synthetic and say so: unit vectors of the course's dimension (384, MiniLM's),
each a random cluster centre plus a random mix of 32 shared directions plus noise, because
embedding a million real chunks with MiniLM takes hours on two cores. Well-separated clusters
would flatter IVF (a cell per cluster); the shared directions make neighbourhoods overlap. The
result records the mean cosine of a query's nearest and tenth neighbour: compare them with your
own embeddings'. `scripts/index_at_scale.py` is the command; notebook 03 runs it at its profile's
size.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from helpers import vector_index

DIM, CENTRES, SHARED, NOISE, K, TARGET = 384, 2_000, 32, 0.3, 10, 0.95


def synthetic(
    n: int, rng: np.random.Generator, centres: np.ndarray, shared: np.ndarray
) -> np.ndarray:
    """n unit vectors: a cluster centre + a mix of shared directions + noise (03_rag)."""
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):  # in slices: a million at once would double the memory
        m = min(100_000, n - start)
        mix = rng.normal(size=(m, len(shared))).astype(np.float32) @ shared / np.sqrt(len(shared))
        noise = NOISE * rng.normal(size=(m, DIM)).astype(np.float32) / np.sqrt(DIM)
        x = centres[rng.integers(len(centres), size=m)] + mix + noise
        out[start : start + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def speed(index: Any, queries: np.ndarray) -> dict[str, float]:
    """Batch throughput and the median latency of one query at a time (03_rag)."""
    start = time.perf_counter()
    index.search(queries, K)
    qps = len(queries) / (time.perf_counter() - start)
    single = []
    for q in queries[:100]:
        start = time.perf_counter()
        index.search(q[None, :], K)
        single.append(time.perf_counter() - start)
    return {"queries_per_second": round(qps, 1), "latency_ms": round(1e3 * np.median(single), 3)}


def on_disk(index: Any) -> dict[str, float]:
    """Save and load through a file: its size and both times (03_rag)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "index.faiss")
        start = time.perf_counter()
        faiss.write_index(index, path)
        saved = time.perf_counter() - start
        size = os.path.getsize(path)
        start = time.perf_counter()
        faiss.read_index(path)
        loaded = time.perf_counter() - start
    return {
        "file_mib": round(size / 2**20, 1),
        "save_s": round(saved, 2),
        "load_s": round(loaded, 2),
    }


def measure(
    vectors: int, queries: int = 1_000, kinds: tuple[str, ...] = ("ivf", "hnsw"), seed: int = 0
) -> dict[str, Any]:
    """Build each index, tune effort on dev queries, score once on test queries (03_rag)."""
    rng = np.random.default_rng(seed)
    centres, shared = (rng.normal(size=(m, DIM)).astype(np.float32) for m in (CENTRES, SHARED))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    shared /= np.linalg.norm(shared, axis=1, keepdims=True)
    data = synthetic(vectors, rng, centres, shared)
    asked = synthetic(queries, rng, centres, shared)
    dev, test = asked[: queries // 2], asked[queries // 2 :]
    result: dict[str, Any] = {
        "what": "exact vs approximate FAISS search on synthetic unit vectors "
        "(clusters + shared directions), CPU",
        "vectors": vectors, "dim": DIM, "k": K, "target_recall": TARGET,
        "dev_queries": len(dev), "test_queries": len(test),
        "threads": faiss.omp_get_max_threads(),
        "machine": platform.processor() or platform.machine(),
    }  # fmt: skip
    start = time.perf_counter()
    flat = vector_index.build(data, kind="flat")
    result["flat"] = {"build_s": round(time.perf_counter() - start, 2), **on_disk(flat)}
    found = {name: flat.search(q, K) for name, q in (("dev", dev), ("test", test))}
    truth = {name: ids for name, (_, ids) in found.items()}
    result["neighbour_cosine"] = {  # compare with your own embeddings' neighbours
        "top1": round(float(found["test"][0][:, 0].mean()), 3),
        "top10": round(float(found["test"][0][:, K - 1].mean()), 3),
    }
    result["flat"].update(speed(flat, test))
    for kind in kinds:
        params = vector_index.settings(vectors, kind)
        start = time.perf_counter()
        index = vector_index.build(data, **params)
        built = time.perf_counter() - start
        effort, curve = vector_index.tune(index, dev, truth["dev"], K, TARGET)
        points = []
        for e, dev_recall in curve:  # the trade-off curve, measured on dev
            vector_index.set_effort(index, e)
            points.append({"effort": e, "dev_recall": round(dev_recall, 4), **speed(index, dev)})
        row = {"params": params, "build_s": round(built, 2), **on_disk(index), "curve": points}
        if effort is not None:  # scored once, on test, at the effort chosen on dev
            vector_index.set_effort(index, effort)
            found_test = index.search(test, K)[1]
            row.update(chosen_effort=effort,
                       test_recall=round(vector_index.recall_at_k(found_test, truth["test"], K), 4),
                       **speed(index, test))  # fmt: skip
            row["speedup_vs_flat"] = round(
                row["queries_per_second"] / result["flat"]["queries_per_second"], 1
            )
        result[kind] = row
        del index
    return result
