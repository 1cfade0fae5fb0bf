"""Estimate each notebook's minutes on a T4 in the `gpu` profile: `python scripts/t4_estimate.py`.

Computed, not measured: it reads every notebook's real `gpu` config cell, counts the tokens each
notebook trains and scores and the decoding steps it generates, and turns them into minutes with
`helpers.scaling.run_minutes_estimate` (6N FLOPs per trained token, 2N per scored token, at the
stated T4 utilisation, plus an assumed time per batched decoding step). Prefill, model loading and
tokenisation are left out. Writes results/reference/gpu/t4_estimate.json, which the README shows
next to the (still empty) measured column; the first `make gpu-check` run can check it.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from helpers import RESULTS_DIR, domain, memory, models, runtime, scaling  # noqa: E402

N = memory.SHAPES["SmolLM2-135M"].params
EMBEDDER = 22.7e6  # all-MiniLM-L6-v2 parameters
GEN_BATCH = 64  # models.generate's default batch
READER_TOKENS = 384  # the reader's max_length: an upper bound on its prompt + answer
KNOWLEDGE_TOKENS = 48  # a fact question + answer in the chat template (06), rounded up
INDEX_RUN = ROOT / "results" / "reference" / "cpu" / "index_at_scale.json"  # 03's section 7


def index_minutes(vectors: int) -> float:
    """03's FAISS builds, saves and loads run on the CPU on Colab too: the committed cpu run's
    measured seconds, scaled linearly by the number of vectors."""
    run = json.loads(INDEX_RUN.read_text())
    seconds = sum(
        run[k][s] for k in ("flat", "ivf", "hnsw") for s in ("build_s", "save_s", "load_s")
    )
    return seconds / 60 * vectors / run["vectors"]


def decode(items: int, new_tokens: int, batch: int = GEN_BATCH) -> int:
    """Decoding steps of a batched greedy generation."""
    return math.ceil(items / batch) * new_tokens


def workloads(
    cfgs: dict[str, dict], triage_tokens: float, corpus: int
) -> dict[str, tuple[float, int]]:
    """notebook -> (FLOPs, decoding steps) in the gpu profile."""
    qa, tickets = len(domain.load_qa("test")), len(domain.load_tickets("test"))
    jargon = sum(
        q["fact_key"].startswith("gloss:") or "P/N" in q["question"] for q in domain.load_qa("test")
    )
    c2, c3, c4, c5, c6 = (cfgs[k] for k in ("02", "03", "04", "05", "06"))
    n3 = math.ceil(qa / c3["every_nth_test"])
    out = {"00": (0.0, decode(2, 64)), "01": (0.0, 0)}
    out["02"] = (2 * N * 2 * c2["ppl_tokens"], decode(c2["closed_book"], 32))
    out["03"] = (
        2 * EMBEDDER * corpus * (1 + len(c3["chunk_sizes"])) + 6 * N * 256,
        decode(n3, 32) * (2 + len(c3["reader_k"])) + 2 * 32 + 4 * decode(6, 48),
    )
    batch = 4
    reused = (
        c4["curve_steps"] == c4["steps"]
        and c4["curve_eval_n"] == c4["eval_n"]
        and c4["train_rows"] in c4["curve_rows"]
    )
    curve_runs = len(c4["curve_rows"]) - reused
    seed_runs = len(c4["seeds"]) - 1  # the headline run repeated with the other seeds
    triage = (
        c4["steps"] * (1 + seed_runs) + c4["qlora_steps"] + curve_runs * c4["curve_steps"]
    ) * batch
    n4 = math.ceil(qa / c4["reader_eval_every"])
    out["04"] = (
        6 * N * (triage * triage_tokens + c4["reader_steps"] * batch * READER_TOKENS),
        decode(c4["eval_n"], 80) * (4 + seed_runs)
        + decode(c4["curve_eval_n"], 80) * curve_runs
        + decode(c4["eval_n"], 100)
        * 3  # constrained: base, LoRA, QLoRA (the parser's cost not counted)
        + 3 * 80
        + 3 * decode(n4, 32),
    )
    runs = 1 + len(c5["replay"])
    out["05"] = (
        # perplexity on seen- and unseen-family notes and the two halves of the English text
        6 * N * runs * c5["steps"] * batch * 256 + 2 * N * (1 + runs) * 3 * c5["ppl_tokens"],
        4 * decode(math.ceil(jargon / c5["downstream_every"]), 32),  # RAG and closed-book, x2
    )
    single = sum(q["type"] in ("single_fact", "superseded") for q in domain.load_qa("test"))
    out["06"] = (  # two knowledge LoRAs, then each answers the test facts and its probes
        6 * N * 2 * c6["knowledge_steps"] * 16 * KNOWLEDGE_TOKENS,
        6 * decode(math.ceil(qa / c6["qa_every"]), 32)
        + 2 * decode(single + c6["inject_facts"], 24),
    )
    example = ROOT / "data" / "example_utility" / "qa.csv"
    asked = math.ceil((len(example.read_text().splitlines()) - 1) / cfgs["07"]["qa_every"])
    out["07"] = (  # bits per byte of the folder and of English (4,096 tokens each), three readers
        2 * N * 2 * 4096,
        3 * decode(asked, 32),
    )
    assert tickets >= c4["eval_n"], "04's gpu eval_n is larger than the test split"
    return out


def estimate() -> dict:
    """The estimate for the notebooks as they are now."""
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    cfgs = {p.name[:2]: runtime.notebook_config(p, "gpu") for p in notebooks if p.name[:2] != "01"}
    tok = models.load_tokenizer()
    rows = domain.load_tickets("train")[:200]
    triage_tokens = sum(len(tok(r["ticket"] + json.dumps(r["triage"]))["input_ids"]) for r in rows)
    triage_tokens = triage_tokens / len(rows) + 60  # + chat template and the short system prompt
    docs = domain.load_documents()
    corpus = sum(len(tok(s["text"])["input_ids"]) for d in docs for s in d["sections"])
    minutes = {}
    for p in notebooks:
        flops, steps = workloads(cfgs, triage_tokens, corpus)[p.name[:2]]
        vectors = cfgs.get(p.name[:2], {}).get("index_vectors", 0)
        cpu = index_minutes(vectors) if vectors else 0.0
        minutes[p.stem] = {
            "minutes": round(scaling.run_minutes_estimate(flops, steps) + cpu, 1),
            "flops": flops,
            "decode_steps": steps,
        }
    report = {
        "what": "computed T4 minutes per notebook in the gpu profile: an estimate, not a measurement",
        "assumptions": {
            "peak_tflops_fp16": scaling.GPUS["T4"].peak_tflops,
            "utilization": scaling.T4_UTILIZATION,
            "decode_step_seconds": scaling.DECODE_STEP_SECONDS,
            "triage_tokens_per_row": round(triage_tokens),
            "reader_tokens_per_row": READER_TOKENS,
            "document_tokens": corpus,
            "index_minutes": "03's index builds at the gpu profile's size, from the measured "
            "cpu run (results/reference/cpu/index_at_scale.json), scaled by vector count",
            "left_out": "prefill, model loading, tokenisation, kernel start",
        },
        "notebooks": minutes,
        "total_minutes": round(sum(m["minutes"] for m in minutes.values()), 1),
    }
    return report


def main() -> int:
    report = estimate()
    out = RESULTS_DIR / "reference" / "gpu" / "t4_estimate.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
