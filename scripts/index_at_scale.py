"""Exact vs IVF vs HNSW on many vectors: `python scripts/index_at_scale.py [--vectors 1000000]`.

Measures, on this machine's CPU, what notebook 03's retrieval costs at a scale its corpus never
reaches: build time, index size in memory and on disk, save and load, query latency (one query at
a time) and throughput (a batch), and recall@10 against exact search. Each approximate index is
tuned on dev queries (`helpers.vector_index.tune`: the smallest nprobe / efSearch that reaches
recall@10 >= 0.95) and then scored once on separate test queries.

The vectors are synthetic and say so (`helpers.index_scale` says how they are made). Writes
results/reference/<profile>/index_at_scale.json (`ci`: 100,000 vectors; `cpu`/`gpu`: 1,000,000).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from helpers import index_scale, results, runtime  # noqa: E402

SIZES = {"ci": 100_000, "cpu": 1_000_000, "gpu": 1_000_000}  # vectors per profile


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
    result = index_scale.measure(args.vectors, args.queries, tuple(args.kinds.split(",")))
    path = results.write_measurement(args.out, "index_at_scale", result)
    print(path.read_text(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
