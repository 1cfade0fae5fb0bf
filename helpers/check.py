"""Checks for the notebooks' exercises: each says "right" or where to look, never the answer.

A check recomputes the answer from the course's own helpers and data, so it cannot drift from
them; tests/test_exercises.py runs a reference solution through every check.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

from helpers import REPO_ROOT, domain, results, runtime, scaling

RIGHT = "✓ right"
E301 = "The heat pump shows error E301: low water flow."  # 00_start_here's sentences 0 and 2
BREAD = "My grandmother bakes rye bread every Sunday."
NOTEBOOKS = REPO_ROOT / "notebooks"
SHORTHAND = ("chk'd strnr, repl EEV coil", "checked strainer, replaced valve coil")  # 02, ex. 2


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


def read_interval(low: float, high: float, you_say_shown: bool, null: float = 0.0) -> str:
    """03_rag onward: is an effect shown, i.e. does its 95 % interval exclude `null`?

    null is 0 for a difference (stats.paired_difference) and 1 for a ratio
    (stats.perplexity_ratio).
    """
    if low > high:
        return "✗ pass the interval's lower bound first, then the upper (d.low, d.high)"
    if you_say_shown == (low > null or high < null):
        return RIGHT
    return f"✗ an effect is shown only when its whole interval lies on one side of {null:g}"


def ex00_profiles(differing: set[str] | list[str]) -> str:
    """00_start_here exercise 1: the cfg values that differ between the ci and cpu profiles."""
    ci, cpu = (runtime.notebook_config(NOTEBOOKS / "00_start_here.ipynb", p) for p in ("ci", "cpu"))
    if set(differing) == {k for k in ci.keys() | cpu.keys() if ci.get(k) != cpu.get(k)}:
        return RIGHT
    return "✗ print cfg under each profile and compare them key by key"


def ex00_cache(source: str, first_seconds: float, cached_seconds: float) -> str:
    """00_start_here exercise 2: the second load reads the local cache, and is faster."""
    if "cache" not in source.lower():
        return "✗ read lm.source after the second load: it should name the cache"
    if not 0 < cached_seconds < first_seconds:
        return "✗ time both loads with time.perf_counter(); the cached one should be faster"
    return RIGHT


def ex00_similarity(sentence: str, similarity: float) -> str:
    """00_start_here exercise 3: a sentence about the same fault lands near sentence 0."""
    from helpers import evaluation, models

    embedder, _ = models.load_embedder()
    vectors = embedder.encode([E301, sentence, BREAD])
    sims = evaluation.cosine_matrix(vectors[:1], vectors[1:])[0]  # to sentence 0
    if not _close(similarity, float(sims[0]), 0.02):
        return "✗ the cosine of your sentence's vector with sentence 0's (evaluation.cosine_matrix)"
    if sims[0] <= sims[1] + 0.2:
        return "✗ not clearly closer than the bread sentence: describe the same fault in new words"
    return RIGHT


def _tokenizer():  # noqa: ANN202 - the course tokenizer, loaded once per check
    from helpers import models

    return models.load_tokenizer()


def ex01_your_corpus(tokens: float, params: float) -> str:
    """01_scaling_laws exercise 4: tokens and compute-optimal parameters of 1 billion words."""
    tok = _tokenizer()
    texts = ["\n".join(s["text"] for s in d["sections"]) for d in domain.load_documents()]
    want = 1e9 * scaling.tokens_per_word(tok, texts)
    if not _close(tokens, want, 0.01):
        return "✗ tokens = words x the Veldmark documents' tokens per word (ratios[...])"
    if not _close(params, scaling.compute_optimal_params(want), 0.01):
        return "✗ compute-optimal parameters: tokens / ~20 (scaling.compute_optimal_params)"
    return RIGHT


def ex02_fragmentation(shorthand_tokens: int, plain_tokens: int) -> str:
    """02_domain_data exercise 2: tokens of the shorthand note and of its plain-words version."""
    tok = _tokenizer()
    n = [len(tok(t)["input_ids"]) for t in SHORTHAND]
    if [shorthand_tokens, plain_tokens] == n:
        return RIGHT
    return "✗ count len(tokenizer(text)['input_ids']) for each text exactly as written"


def ex02_ppl_ratio(your_ppl: float, ratio: float, gap: bool) -> str:
    """02_domain_data exercise 4: your text's perplexity against this run's plain English."""
    general = results.load_or_reference("02_domain_data")[0]["ppl_general"]
    if not _close(ratio, your_ppl / general, 0.01):
        return "✗ ratio = your perplexity / the plain-English one this run saved (ppl_general)"
    return RIGHT if gap == (ratio > 1.5) else "✗ the rule of thumb: a gap above ~1.5x"


def ex01_equal_compute(params_a: float, tokens_a: float, params_b: float, tokens_b: float) -> str:
    """01_scaling_laws exercise 5: two models with 4x the parameters on 1/4 the tokens, same C."""
    if not _close(params_a / params_b, 4, 0.1) and not _close(params_b / params_a, 4, 0.1):
        return (
            "✗ one model needs about 4x the other's parameters (count them: model.num_parameters())"
        )
    if not _close(scaling.training_flops(params_a, tokens_a),
                  scaling.training_flops(params_b, tokens_b), 0.1):  # fmt: skip
        return "✗ the two runs need the same compute C = 6ND: give the bigger one fewer tokens"
    return RIGHT


def ex03_double_bm25(dense: list[int], bm25: list[int], fused: list[int]) -> str:
    """03_rag exercise 1: BM25 at twice the weight is its ranking passed to RRF twice."""
    from helpers import rag

    if fused[: len(dense)] == rag.rrf([dense, bm25, bm25])[: len(dense)]:
        return RIGHT
    return "✗ rag.rrf([dense, bm25, bm25]): the same BM25 list twice, the dense list once"


def ex03_flagged(flagged: list[dict]) -> str:
    """03_rag exercise 4: the chunks rag.looks_like_injection flags, FAQ-99's among them."""
    from helpers import rag

    if not any(c["doc_id"] == "FAQ-99" for c in flagged):
        return "✗ FAQ-99's chunk is missing: run the filter over every chunk of index.chunks"
    if not all(rag.looks_like_injection(c["text"]) for c in flagged):
        return "✗ keep only the chunks rag.looks_like_injection(chunk['text']) flags"
    return RIGHT


def ex03_delete(before: int, after: int, removed_chunks: int) -> str:
    """03_rag exercise 5: deleting a document removes exactly its chunks from the index."""
    if removed_chunks <= 0:
        return "✗ count the bulletin's chunks before you delete it (chunk['doc_id'] == its id)"
    if before - after != removed_chunks:
        return "✗ read index.index.ntotal just before and just after the upsert with no chunks"
    return RIGHT


def __getattr__(name: str) -> Any:
    """Notebooks 04-07's checks live in helpers.check_training; learners call them from here."""
    if name.startswith("ex0"):
        from helpers import check_training

        return getattr(check_training, name)
    raise AttributeError(f"module 'helpers.check' has no attribute {name!r}")


def __dir__() -> list[str]:
    """Every check, 00-07, for tab completion and tests/test_exercises.py."""
    from helpers import check_training

    return sorted(set(globals()) | {n for n in dir(check_training) if n.startswith("ex0")})
