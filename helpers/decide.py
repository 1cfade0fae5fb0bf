"""Which method for your domain: a rule-based ranking with its reasons (06_which_method).

The scores come from the course's rules of thumb only (tokens per parameter, row counts, how
often facts change, GPU memory). Measured numbers are quoted in the reasons as evidence, with
weight 0: they show what the rules predict on the sample domain, they do not move a score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import memory, results, scaling

NEEDS = ("knowledge", "behaviour", "language")
# How often the facts change -> updates per year (each one a retraining for a fine-tuned model).
CHANGE_RATES = {"never": 0, "yearly": 1, "monthly": 12, "weekly": 52, "daily": 365}
MIN_SFT_ROWS = 100  # the course's rule of thumb: below ~100 rows SFT is unreliable
GOOD_SFT_ROWS = 1000  # more than 1,000 rows preferred
BRITTLE_ROWS = (50, 200)  # 50-200 rows: works, but brittle
FEW_SHOT_ROWS = 3  # a handful of examples is enough for a prompt
TOKENS_PER_WORD = 1.3  # English prose; jargon-heavy text is higher (02_domain_data measured 2.5)
SMALLEST_MODEL = 135e6  # SmolLM2-135M, the smallest model the course uses
DAPT_MIN_TOKENS = 1e6  # below ~1M tokens, continued pretraining mostly memorises
METHODS = (
    "RAG",
    "few-shot prompting",
    "LoRA / QLoRA SFT",
    "SFT + RAG",
    "DAPT + RAG",
    "train from scratch",
)


@dataclass(frozen=True)
class Situation:
    """What a learner knows about their problem (06_which_method)."""

    needs: tuple[str, ...]  # any of NEEDS: facts to look up, a behaviour/format, a language
    corpus_words: int  # unlabelled domain text you have, in words
    labelled_examples: int  # input -> desired output pairs you have
    facts_change: str  # one of CHANGE_RATES
    gpu_gib: float  # memory of the GPU you can use; 0 for none
    gpu_hours: float  # GPU hours you can spend on training; 0 for none
    language_mismatch_after_rag: bool = False  # measured: RAG answers still fail on the jargon


@dataclass
class Recommendation:
    """One method with its score (higher is better) and the reasons behind it (06_which_method)."""

    method: str
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: float, reason: str) -> None:
        """Change the score and record why."""
        self.score += points
        self.reasons.append(f"{points:+.1f}: {reason}")


def validate(s: Situation) -> Situation:
    """Refuse impossible inputs with a message that names the fix (06_which_method)."""
    if isinstance(s.needs, str):
        raise ValueError(
            f"needs must be a tuple such as ('knowledge',), not the string {s.needs!r}"
        )
    if not s.needs:
        raise ValueError(f"name at least one need: {', '.join(NEEDS)}")
    unknown = [n for n in s.needs if n not in NEEDS]
    if unknown:
        raise ValueError(f"unknown need(s) {unknown}; use any of {', '.join(NEEDS)}")
    for name in ("corpus_words", "labelled_examples"):
        value = getattr(s, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    for name in ("gpu_gib", "gpu_hours"):
        value = getattr(s, name)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a number >= 0 (0 = none), got {value!r}")
    if s.facts_change not in CHANGE_RATES:
        raise ValueError(f"facts_change={s.facts_change!r}; use one of {', '.join(CHANGE_RATES)}")
    if s.corpus_words == 0 and ("knowledge" in s.needs or "language" in s.needs):
        raise ValueError(
            "a knowledge or language need with corpus_words=0 is impossible to serve: RAG needs "
            "documents to retrieve and DAPT needs domain text; count the words you have"
        )
    if s.language_mismatch_after_rag and "language" not in s.needs:
        raise ValueError(
            "language_mismatch_after_rag=True but 'language' is not in needs; add it or set False"
        )
    return s


def largest_trainable(gpu_gib: float, method: str = "qlora_nf4") -> str | None:
    """The largest model in memory.SHAPES whose training fits this GPU (06_which_method)."""
    fitting = [
        (shape.params, name)
        for name, shape in memory.SHAPES.items()
        if memory.training_memory(shape, method, batch=4, seq_len=512, rank=16)["total_gib"]
        <= gpu_gib
    ]
    return max(fitting)[1] if fitting else None


def _count(n: float) -> str:
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:.3g}{unit}"
    return f"{n:.0f}"


def _m(measured: Mapping[str, Any], key: str, fmt: str) -> str | None:
    value = measured.get(key)
    return None if value is None else format(value, fmt)


def decide(situation: Situation, measured: Mapping[str, Any] | None = None) -> list[Recommendation]:
    """Rank methods by rules of thumb; reasons quote measurements, unscored (06_which_method)."""
    s = validate(situation)
    m = dict(measured or {})
    said = f"measured in {m['measured_in']}" if m.get("measured_in") else "measured"
    recs = {name: Recommendation(name) for name in METHODS}
    tokens = s.corpus_words * TOKENS_PER_WORD
    updates = CHANGE_RATES[s.facts_change]
    has_gpu = s.gpu_gib > 0
    knowledge, behaviour, language = (n in s.needs for n in NEEDS)

    # Training from scratch: the tokens-per-parameter arithmetic (01_scaling_laws).
    scratch = recs["train from scratch"]
    need = scaling.compute_optimal_tokens(SMALLEST_MODEL)
    hours = scaling.gpu_hours(scaling.training_flops(SMALLEST_MODEL, need), "A100")
    scratch.add(
        -5 if tokens < need else -2,
        f"~{scaling.TOKENS_PER_PARAM:.0f} tokens per parameter: even a 135M model wants "
        f"{need / 1e9:.1f}B tokens and a 1B model 20B; you have ~{_count(tokens)} "
        f"({tokens / need:.1%} of the smallest), and a pretrained model already read trillions",
    )
    if s.gpu_hours < hours:
        scratch.add(-2, f"compute-optimal 135M training is ~{hours:.0f} A100-hours (C = 6ND)")

    rag = recs["RAG"]
    if knowledge:
        gain = _m(m, "rag_accuracy", ".0%")
        closed = _m(m, "closed_book_accuracy", ".0%")
        rag.add(
            4,
            "facts belong in retrieval: cited, checkable, no training"
            + (f" ({said}: closed-book {closed} -> RAG {gain})" if gain and closed else ""),
        )
        if updates:
            upd = _m(m, "update_seconds", ".1f")
            retrain = _m(m, "retrain_minutes", ".0f")
            rag.add(
                1 + math.log10(updates + 1),
                f"facts change {s.facts_change}: an update is a re-index"
                + (f" ({upd} s {said} vs ~{retrain} min to retrain)" if upd and retrain else ""),
            )
        tuned_in = _m(m, "knowledge_sft_accuracy", ".0%")
        if tuned_in:
            rag.add(
                0,
                f"facts fine-tuned into a LoRA: {tuned_in} of held-out paraphrases ({said})",
            )
        if not has_gpu:
            rag.add(1, "runs on CPU: embedding + FAISS need no GPU")
    else:
        rag.add(-1, "no knowledge need: retrieval adds latency without a gain")

    few = recs["few-shot prompting"]
    few.add(1, "always measure the cheapest baseline first: no training, change it in seconds")
    if behaviour and s.labelled_examples < MIN_SFT_ROWS:
        few.add(
            2,
            f"{s.labelled_examples} labelled rows is below the ~{MIN_SFT_ROWS}-row minimum for "
            "SFT: prompt with a few of them and collect more",
        )
    if behaviour and s.labelled_examples < FEW_SHOT_ROWS:
        few.add(-1, f"even few-shot needs ~{FEW_SHOT_ROWS} good examples: write them first")
    fs = _m(m, "few_shot_schema_valid", ".0%")
    if behaviour and fs is not None:
        few.add(0, f"{said} on a 135M model: few-shot schema-valid JSON {fs}")

    sft_rec = recs["LoRA / QLoRA SFT"]
    if behaviour:
        n = s.labelled_examples
        after, zero = _m(m, "sft_schema_valid", ".0%"), _m(m, "zero_shot_schema_valid", ".0%")
        shown = f" ({said}: schema-valid {zero} zero-shot -> {after} after SFT)" if after else ""
        if n >= GOOD_SFT_ROWS:
            sft_rec.add(4, f"{n:,} rows: above the >{GOOD_SFT_ROWS:,} preferred" + shown)
        elif n >= MIN_SFT_ROWS:
            sft_rec.add(3, f"{n:,} rows: above the ~{MIN_SFT_ROWS} minimum" + shown)
        elif n >= BRITTLE_ROWS[0]:
            sft_rec.add(0, f"{n} rows: {BRITTLE_ROWS[0]}-{BRITTLE_ROWS[1]} rows is brittle")
        else:
            sft_rec.add(-3, f"{n} rows: far below the ~{MIN_SFT_ROWS}-row minimum")
        if BRITTLE_ROWS[0] <= n <= BRITTLE_ROWS[1]:
            sft_rec.add(-1, "expect unstable labels; the data-size curve in 04 shows it")
        model = largest_trainable(s.gpu_gib) if has_gpu else None
        if model:
            sft_rec.add(1, f"QLoRA of up to {model} fits {s.gpu_gib:g} GiB (helpers.memory)")
        else:
            secs = _m(m, "sft_seconds_per_step", ".1f")
            sft_rec.add(
                -1,
                "no GPU: LoRA only on a small model on CPU"
                + (f" ({secs} s per step for 135M, {said})" if secs else ""),
            )
    else:
        sft_rec.add(-2, "no behaviour need: SFT teaches format and style, not facts")
    if knowledge and not behaviour:
        sft_rec.add(-1, "facts learned by SFT can't be cited and go stale at every change")

    both = recs["SFT + RAG"]
    if knowledge and behaviour:
        if sft_rec.score > 0:
            both.score = rag.score + 1
            why = "serves both needs: RAG's score for the facts, +1 for the behaviour SFT adds"
        else:
            both.score = min(rag.score, sft_rec.score) + 1
            why = "SFT is not viable here yet, so the pair is only as good as its weaker half, +1"
        both.reasons.append(f"{both.score:+.1f}: {why}")
        tuned = _m(m, "sft_rag_accuracy", ".0%")
        if tuned:
            both.add(0, f"{said}: a LoRA-tuned reader with RAG answers {tuned}")
    else:
        both.add(-2, "needs both a knowledge and a behaviour need")

    dapt = recs["DAPT + RAG"]
    if language:
        if knowledge:
            dapt.score = rag.score
            dapt.reasons.append(f"{rag.score:+.1f}: everything RAG scores above (it includes RAG)")
        if s.language_mismatch_after_rag:
            dapt.add(3, "the language mismatch persists after RAG: the one case DAPT pays")
            down, base = _m(m, "dapt_rag_accuracy", ".0%"), _m(m, "base_rag_accuracy", ".0%")
            if down and base:
                dapt.add(0, f"{said} on jargon questions: base + RAG {base} -> DAPT + RAG {down}")
        else:
            dapt.add(
                -3, "DAPT only when a language mismatch persists after RAG: build RAG and measure"
            )
        if tokens < DAPT_MIN_TOKENS:
            dapt.add(-2, f"~{tokens:,.0f} tokens is little text to continue pretraining on")
        rise = m.get("forgetting_no_replay")
        if rise is not None and rise > 0:
            dapt.add(0, f"its price ({said}): general ppl +{rise:.1f} (full FT); replay limits it")
        elif rise is not None:  # at a usual learning rate a short run may not forget at all
            dapt.add(0, f"its price ({said}): full FT did not raise general ppl; measure it anyway")
        if not has_gpu and s.gpu_hours == 0:
            dapt.add(-1, "no GPU: only short LoRA DAPT on a small model is practical")
    else:
        dapt.add(-3, "no language need: DAPT changes how the model reads text, not what it knows")

    return sorted(recs.values(), key=lambda r: (-r.score, METHODS.index(r.method)))


def course_numbers(profile: str | None = None, root: Path | None = None) -> dict[str, Any]:
    """Numbers decide() quotes, and the run they come from ("measured_in") (06_which_method)."""
    sources: list[str] = []

    def get(notebook: str) -> dict[str, Any]:
        try:
            metrics, where = results.load_or_reference(notebook, profile, root=root)
        except FileNotFoundError:
            return {}
        sources.append(where)
        return metrics

    rag, sft_m, dapt, which = (
        get(nb) for nb in ("03_rag", "04_qlora_sft", "05_dapt", "06_which_method")
    )
    keys = {
        "closed_book_accuracy": (rag, "closed_book_accuracy"),
        "rag_accuracy": (rag, "rag_accuracy"),
        "update_seconds": (rag, "update_seconds"),
        "retrain_minutes": (rag, "retrain_epoch_minutes_estimate"),
        "few_shot_schema_valid": (sft_m, "few_shot_schema_valid"),
        "zero_shot_schema_valid": (sft_m, "zero_shot_schema_valid"),
        "sft_schema_valid": (sft_m, "lora_schema_valid"),
        "sft_rag_accuracy": (sft_m, "reader_tuned_accuracy"),
        "dapt_rag_accuracy": (dapt, "downstream_dapt_rag_accuracy"),
        "base_rag_accuracy": (dapt, "downstream_base_rag_accuracy"),
        "forgetting_no_replay": (dapt, "general_rise_no_replay"),
        "knowledge_sft_accuracy": (which, "knowledge_four_injected"),
    }
    out = {k: src[name] for k, (src, name) in keys.items() if name in src}
    if "lora_seconds" in sft_m and sft_m.get("lora_steps"):
        out["sft_seconds_per_step"] = sft_m["lora_seconds"] / sft_m["lora_steps"]
    if out:
        out["measured_in"] = " and ".join(dict.fromkeys(sources))  # e.g. "the cpu reference run"
    return out
