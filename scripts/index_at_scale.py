"""Exact vs IVF vs HNSW on many vectors: `python scripts/index_at_scale.py [--vectors 1000000]`.

Measures, on this machine's CPU, what notebook 03's retrieval costs at a scale its corpus never
reaches: build time, index size in memory and on disk, save and load, query latency (one query at
a time) and throughput (a batch), and recall@10 against exact search. Each approximate index is
tuned on dev queries (`helpers.vector_index.tune`: the smallest nprobe / efSearch that reaches
recall@10 >= 0.95) and then scored once on separate test queries.

The vectors are synthetic and say so: unit vectors of the course's dimension (384, MiniLM's), each
a random cluster centre plus a random mix of 32 shared directions plus noise, because embedding a
million real chunks with MiniLM takes hours on two cores. Well-separated clusters would flatter
IVF (a cell per cluster); the shared directions make neighbourhoods overlap. The JSON records the
mean cosine of a query's nearest and tenth neighbour: compare them with your own embeddings'. Writes
results/reference/<profile>/index_at_scale.json (`ci`: 100,000 vectors; `cpu`/`gpu`: 1,000,000).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from helpers import results, runtime, vector_index  # noqa: E402

SIZES = {"ci": 100_000, "cpu": 1_000_000, "gpu": 1_000_000}  # vectors per profile
DIM, CENTRES, SHARED, NOISE, K, TARGET = 384, 2_000, 32, 0.3, 10, 0.95


def synthetic(
    n: int, rng: np.random.Generator, centres: np.ndarray, shared: np.ndarray
) -> np.ndarray:
    """n unit vectors: a cluster centre + a mix of 32 shared directions + noise, in slices."""
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        mix = rng.normal(size=(m, len(shared))).astype(np.float32) @ shared / np.sqrt(len(shared))
        noise = NOISE * rng.normal(size=(m, DIM)).astype(np.float32) / np.sqrt(DIM)
        x = centres[rng.integers(len(centres), size=m)] + mix + noise
        out[start : start + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def speed(index: faiss.Index, queries: np.ndarray) -> dict[str, float]:
    """Batch throughput and one-at-a-time median latency."""
    start = time.perf_counter()
    index.search(queries, K)
    qps = len(queries) / (time.perf_counter() - start)
    single = []
    for q in queries[:100]:
        start = time.perf_counter()
        index.search(q[None, :], K)
        single.append(time.perf_counter() - start)
    return {"queries_per_second": round(qps, 1), "latency_ms": round(1e3 * np.median(single), 3)}


def on_disk(index: faiss.Index) -> dict[str, float]:
    """Save and load through a file; its size and both times."""
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


def main() -> int:
    """Build, tune, score, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=SIZES[runtime.profile()])
    parser.add_argument("--queries", type=int, default=1_000, help="half dev (tuning), half test")
    parser.add_argument("--kinds", default="ivf,hnsw")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "results" / "reference" / runtime.profile()
    )
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    centres, shared = (rng.normal(size=(m, DIM)).astype(np.float32) for m in (CENTRES, SHARED))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    shared /= np.linalg.norm(shared, axis=1, keepdims=True)
    data = synthetic(args.vectors, rng, centres, shared)
    queries = synthetic(args.queries, rng, centres, shared)
    dev, test = queries[: args.queries // 2], queries[args.queries // 2 :]
    result = {
        "what": "exact vs approximate FAISS search on synthetic unit vectors (clusters + shared directions), CPU",
        "vectors": args.vectors, "dim": DIM, "k": K, "target_recall": TARGET,
        "dev_queries": len(dev), "test_queries": len(test),
        "threads": faiss.omp_get_max_threads(), "machine": platform.processor() or platform.machine(),
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
    for kind in args.kinds.split(","):
        params = vector_index.settings(args.vectors, kind)
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
            found = index.search(test, K)[1]
            row.update(chosen_effort=effort,
                       test_recall=round(vector_index.recall_at_k(found, truth["test"], K), 4),
                       **speed(index, test))  # fmt: skip
            row["speedup_vs_flat"] = round(
                row["queries_per_second"] / result["flat"]["queries_per_second"], 1
            )
        result[kind] = row
        del index
    path = results.write_measurement(args.out, "index_at_scale", result)
    print(path.read_text(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
