"""Checks for the notebooks' exercises: each says "right" or where to look, never the answer.

A check recomputes the answer from the course's own helpers and data, so it cannot drift from
them; tests/test_exercises.py runs a reference solution through every check.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

from helpers import REPO_ROOT, decide, domain, ingest, memory, scaling

RIGHT = "✓ right"


def _close(value: float, target: float, rel: float) -> bool:
    return math.isfinite(value) and abs(value - target) <= rel * abs(target)


def ex00_needs(a: str, b: str, c: str) -> str:
    """00_start_here exercise 4: knowledge, behaviour or language for each requirement."""
    given = {"a": a, "b": b, "c": c}
    want = {"a": "knowledge", "b": "behaviour", "c": "language"}
    wrong = [k for k in want if given[k].strip().lower() != want[k]]
    if wrong:
        return (
            f"✗ look again at ({', '.join(wrong)}): facts that change are knowledge, a format or "
            "labels are behaviour, text the model misreads is language"
        )
    return RIGHT


def ex01_13b(tokens: float, gpu_years: float) -> str:
    """01_scaling_laws exercise 1: a compute-optimal 13B model's tokens and A100 GPU-years."""
    want = scaling.compute_optimal_tokens(13e9)
    if not _close(tokens, want, 0.02):
        return "✗ tokens: how many tokens per parameter is compute-optimal? (section 1)"
    years = scaling.training_cost(13e9, want, gpu="A100", utilization=0.4)["gpu_years"]
    if not _close(gpu_years, years, 0.05):
        return "✗ GPU-years: C = 6·N·D FLOPs at 40 % of an A100's peak, then hours → years"
    return RIGHT


def ex01_frontier(n_opt: float, d_opt: float) -> str:
    """01_scaling_laws exercise 2: N_opt and D_opt at 1e22 FLOPs with the refit constants."""
    n, d = scaling.chinchilla_optimal(1e22, scaling.CHINCHILLA_REFIT)
    if _close(n_opt, d, 0.05) and _close(d_opt, n, 0.05):
        return "✗ N and D are swapped: N is parameters, D is tokens"
    if not (_close(n_opt, n, 0.05) and _close(d_opt, d, 0.05)):
        return "✗ use scaling.chinchilla_optimal with scaling.CHINCHILLA_REFIT, not the paper's fit"
    return RIGHT


def ex01_overtraining(factor: float) -> str:
    """01_scaling_laws exercise 3: how far past compute-optimal SmolLM2-135M was trained."""
    want = 2e12 / scaling.compute_optimal_tokens(135e6)
    if _close(factor, 2e12 / 135e6, 0.05):
        return "✗ that is tokens per parameter; divide by the compute-optimal tokens instead"
    return RIGHT if _close(factor, want, 0.05) else "✗ trained tokens / compute-optimal tokens"


def ex02_superseded(bulletin_id: str, old: float, new: float) -> str:
    """02_domain_data exercise 1: the bulletin that changes procedure PR-02's torque."""
    hits = [b for b in domain.load_facts()["bulletins"] if b.get("procedure") == "PR-02"]
    if not any(b["id"] == bulletin_id for b in hits):
        return "✗ filter facts['bulletins'] by procedure == 'PR-02'"
    hit = next(b for b in hits if b["id"] == bulletin_id)
    return RIGHT if (old, new) == (hit["old"], hit["new"]) else "✗ read its 'old' and 'new'"


def ex02_rarest_severity(severity: str, count: int) -> str:
    """02_domain_data exercise 3: the rarest severity in the training tickets, and its count."""
    counts = Counter(t["triage"]["severity"] for t in domain.load_tickets("train"))
    rarest = min(counts, key=counts.get)
    if severity != rarest:
        return "✗ count every severity in the training tickets, then take the smallest"
    return RIGHT if count == counts[rarest] else "✗ the right severity, but count again"


def ex02_bad_jsonl(path: str | Path) -> str:
    """02_domain_data exercise 5: a JSONL file whose second line is broken gets a clear error."""
    try:
        domain.read_jsonl(Path(path))
    except ValueError as exc:
        ok = str(path) in str(exc) and ":2:" in str(exc)
        return RIGHT if ok else f"✗ the error should name the file and ':2:'; it says: {exc}"
    return "✗ the file loaded: break its second line (e.g. delete a closing brace)"


def ex04_memory(total_gib_qlora_7b: float, total_gib_lora_7b: float) -> str:
    """04_qlora_sft exercise 4: 7B at batch 4 x 512 tokens, QLoRA vs LoRA on a 16-bit base."""
    shape = memory.SHAPES["Mistral-7B"]
    q = memory.training_memory(shape, "qlora_nf4", batch=4, seq_len=512, rank=16)["total_gib"]
    lo = memory.training_memory(shape, "lora_16bit", batch=4, seq_len=512, rank=16)["total_gib"]
    if not _close(total_gib_qlora_7b, q, 0.02):
        return "✗ QLoRA: memory.training_memory(shape, 'qlora_nf4', batch=4, seq_len=512)"
    if not _close(total_gib_lora_7b, lo, 0.02):
        return "✗ LoRA: the frozen base in 16-bit, method 'lora_16bit'"
    return RIGHT


def ex06_flip(rows: int) -> str:
    """06_which_method exercise 3: the fewest labelled rows at which SFT still ranks first."""
    ops = decide.Situation(
        needs=("behaviour",), corpus_words=50_000, labelled_examples=3_000,
        facts_change="never", gpu_gib=15, gpu_hours=10,
    )  # fmt: skip

    def first(n: int) -> str:
        return decide.decide(decide.Situation(**{**ops.__dict__, "labelled_examples": n}))[0].method

    lowest = min(n for n in range(1, 1001) if first(n) == "LoRA / QLoRA SFT")
    if rows == lowest:
        return RIGHT
    return "✗ lower the rows one at a time and watch ranked[0].method; look for the first flip"


def ex07_skipped(skipped: list[tuple[str, str]], documents: int) -> str:
    """07_your_domain exercise 1: an unsupported file is listed as skipped, the rest still read."""
    example = len(ingest.read_folder(REPO_ROOT / "data" / "example_utility" / "docs").documents)
    if not skipped:
        return "✗ nothing was skipped: add a file the course cannot read to your copy of the folder"
    if documents != example:
        return "✗ the skipped file should not change how many documents are read: count them again"
    return RIGHT


def ex07_undated(undated: list[str], documents: int) -> str:
    """07_your_domain exercise 2: every document of your copy states its date in its text."""
    if documents < 2:
        return "✗ measure the whole copy of the folder, not one file"
    if undated:
        return f"✗ {len(undated)} use the file time: add a 'Revised: YYYY-MM-DD' line"
    return RIGHT


def ex07_held_out(train: list[dict], test: list[dict]) -> str:
    """07_your_domain exercise 3: reader pairs and the questions that score them do not overlap."""
    if not train or not test:
        return "✗ split your questions into two non-empty halves"
    if {q["question"] for q in train} & {q["question"] for q in test}:
        return "✗ a question is in both halves: score only on questions the reader never saw"
    return RIGHT
