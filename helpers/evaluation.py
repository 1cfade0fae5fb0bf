"""Metrics: perplexity, answer matching, QA and triage scores (02_domain_data onward)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jsonschema
import numpy as np
import torch
from sklearn.metrics import f1_score
from tqdm.auto import tqdm

from helpers.stats import Rate, bootstrap_interval, rate, rate_metrics

ABSTAIN = "not in the documentation"  # the gold answer of every unanswerable question
CITATION = re.compile(r"\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]")  # "[2]", "[1, 3]"
TRIAGE_FIELDS = ("product", "error_code", "category", "severity", "onsite_required", "summary")
SUMMARY_F1 = 0.6  # a summary counts as close to the house style's when word F1 >= this


@torch.no_grad()
def block_nll(
    model: Any,
    tokenizer: Any,
    text: str,
    block_size: int = 256,
    max_tokens: int | None = None,
    batch_size: int = 8,
    progress: bool = True,
) -> np.ndarray:
    """Mean next-token loss (nats) of each non-overlapping block of `text` (05_dapt)."""
    if block_size < 2:
        raise ValueError(f"block_size must be >= 2, got {block_size}")
    limit = getattr(model.config, "max_position_embeddings", None)
    if limit is not None and block_size > limit:
        raise ValueError(f"block_size {block_size} exceeds the model's context of {limit} tokens")
    ids = tokenizer(text, add_special_tokens=False, return_tensors="pt")["input_ids"][0]
    if max_tokens is not None:
        ids = ids[:max_tokens]
    n_blocks = len(ids) // block_size
    if n_blocks == 0:
        raise ValueError(f"text has {len(ids)} tokens, fewer than one block of {block_size}")
    blocks = ids[: n_blocks * block_size].view(n_blocks, block_size)
    losses: list[float] = []
    device = next(model.parameters()).device
    starts = range(0, n_blocks, batch_size)
    for start in tqdm(starts, desc="perplexity", disable=not progress, leave=False):
        batch = blocks[start : start + batch_size].to(device)
        logits = model(input_ids=batch).logits[:, :-1].float()
        nll = torch.nn.functional.cross_entropy(
            logits.transpose(1, 2), batch[:, 1:], reduction="none"
        )  # (batch, block_size - 1)
        losses.extend(nll.mean(dim=1).tolist())
    return np.asarray(losses)


def perplexity(
    model: Any,
    tokenizer: Any,
    text: str,
    block_size: int = 256,
    max_tokens: int | None = None,
    batch_size: int = 8,
    progress: bool = True,
) -> float:
    """Perplexity over non-overlapping blocks of `text`, up to max_tokens (02_domain_data)."""
    losses = block_nll(model, tokenizer, text, block_size, max_tokens, batch_size, progress)
    return math.exp(float(losses.mean()))  # equal blocks: the mean of block means is the mean


def bits_per_byte(
    losses: np.ndarray,
    tokenizer: Any,
    text: str,
    block_size: int = 256,
    max_tokens: int | None = None,
) -> float:
    """Block losses (nats per token, block_nll) as bits per UTF-8 byte of the scored text (05_dapt).

    Tokenizer-free: a text cut into more tokens has more, easier predictions per byte.
    """
    ids = tokenizer(text, add_special_tokens=False)["input_ids"][:max_tokens]
    n = (len(ids) // block_size) * block_size  # the tokens block_nll scored
    n_bytes = len(tokenizer.decode(ids[:n]).encode("utf-8"))
    return float(losses.mean()) * n / (math.log(2) * n_bytes)


def normalize(text: str) -> str:
    """Lower-case, unify dashes and minus signs, drop other punctuation (03_rag)."""
    text = text.lower()
    for dash in ("\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"):
        text = text.replace(dash, "-")  # "\u2212115" is minus 115, never 115
    text = re.sub(r"[^\w\s.,\-/()\[\]]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def contains_answer(prediction: str, gold: str, aliases: list[str] | None = None) -> bool:
    """True if the gold answer (or an alias) appears whole in the prediction (03_rag).

    Citations like "[4]" are removed first, so a bare citation never matches a gold "4"; a
    value preceded by "-" or "." or followed by more digits (-115, 14, 4.5) is a different value.
    """
    pred = f" {normalize(CITATION.sub(' ', prediction))} "
    for candidate in [gold, *(aliases or [])]:
        norm = normalize(candidate)
        if norm and re.search(rf"(?<![\w.\-]){re.escape(norm)}(?![\w]|[.,]\d)", pred):
            return True
    return False


def abstained(answer: str) -> bool:
    """True when an answer says the documentation does not hold it (03_rag)."""
    return normalize(ABSTAIN) in normalize(answer)


def qa_correct(answers: Sequence[str], questions: Sequence[dict]) -> list[bool]:
    """Per question: the gold answer is in the answer, or it abstains when it should (03_rag)."""
    if len(answers) != len(questions):
        raise ValueError(f"{len(answers)} answers for {len(questions)} questions")
    return [
        abstained(a)
        if q["type"] == "unanswerable"
        else contains_answer(a, q["answer"], q.get("aliases"))
        for a, q in zip(answers, questions, strict=True)
    ]


def cited_numbers(answer: str) -> list[int]:
    """Passage numbers an answer cites: "[2]" -> [2], "[1, 3]" -> [1, 3] (03_rag)."""
    return [int(n) for c in CITATION.findall(answer) for n in re.findall(r"\d+", c)]


def _cites_only_gold(cited: list[int], passages: list[dict], gold: list[str]) -> bool:
    return bool(cited) and all(
        1 <= n <= len(passages) and passages[n - 1]["doc_id"] in gold for n in cited
    )


def qa_scores(
    answers: Sequence[str], questions: Sequence[dict], passages: Sequence[list[dict]] | None = None
) -> dict[str, Rate]:
    """Every QA score of the course, each a Rate over the items it is defined on (03_rag)."""
    ok = qa_correct(answers, questions)
    answerable = [i for i, q in enumerate(questions) if q["type"] != "unanswerable"]
    unanswerable = [i for i, q in enumerate(questions) if q["type"] == "unanswerable"]
    out = {
        "accuracy": rate(ok),
        "answerable_accuracy": rate([ok[i] for i in answerable]),
        "abstention_correct": rate([ok[i] for i in unanswerable]),
        "false_abstention": rate([abstained(answers[i]) for i in answerable]),
    }
    if passages is not None:
        if len(passages) != len(questions):
            raise ValueError(f"{len(passages)} passage lists for {len(questions)} questions")
        cites = [
            [int(n) for n in re.findall(r"\d+", " ".join(CITATION.findall(a)))] for a in answers
        ]
        gold = {i: questions[i]["gold_doc_ids"] for i in answerable}
        with_cite = [i for i in answerable if cites[i]]
        out["citation_precision"] = rate(
            [_cites_only_gold(cites[i], passages[i], gold[i]) for i in with_cite]
        )
        out["answered_with_gold_citation"] = rate(
            [ok[i] and _cites_only_gold(cites[i], passages[i], gold[i]) for i in answerable]
        )
    return out


def parse_json(text: str) -> dict | None:
    """The first JSON object in a reply, parsed with json (never eval) (04_qlora_sft)."""
    text = re.sub(r"^```(?:json)?|```$", "", text.strip()).strip()
    start = text.find("{")
    if start < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def word_f1(prediction: str, gold: str) -> float:
    """F1 of the two texts' word sets, after normalize (04_qlora_sft)."""
    pred, ref = (set(re.findall(r"[\w-]+", normalize(t))) for t in (prediction, gold))
    common = len(pred & ref)
    return 0.0 if not common else 2 * common / (len(pred) + len(ref))


@dataclass(frozen=True)
class TriageScores:
    """Per-ticket outcomes of a triage run, with rates and macro-F1 (04_qlora_sft)."""

    rates: dict[str, Rate]
    per_item: dict[str, list[bool]]  # the same outcomes, ticket by ticket, for paired tests
    macro_f1: dict[str, float]
    macro_f1_ci95: dict[str, tuple[float, float]]

    def flat(self) -> dict[str, float]:
        """Plain values: rates and macro-F1 by name."""
        return {
            **{k: r.value for k, r in self.rates.items()},
            **{f"macro_f1_{k}": v for k, v in self.macro_f1.items()},
        }

    def column(self) -> dict[str, str]:
        """Compact "value [low, high]" strings per score, for a side-by-side table."""
        out = {}
        for k, r in self.rates.items():
            low, high = r.interval()
            out[k] = f"{r.value:.2f} [{low:.2f}, {high:.2f}]"
        for k, v in self.macro_f1.items():
            low, high = self.macro_f1_ci95[k]
            out[f"macro_f1_{k}"] = f"{v:.2f} [{low:.2f}, {high:.2f}]"
        return out

    def metrics(self, prefix: str) -> dict[str, Any]:
        """For results.save: rates with n and interval, macro-F1 with its bootstrap interval."""
        out = rate_metrics(prefix, self.rates)
        for k, v in self.macro_f1.items():
            out[f"{prefix}macro_f1_{k}"] = v
            out[f"{prefix}macro_f1_{k}_ci95"] = [round(x, 4) for x in self.macro_f1_ci95[k]]
        return out


def triage_scores(
    outputs: Sequence[str], targets: Sequence[dict], schema: dict, seed: int = 0
) -> TriageScores:
    """Parse rate, schema-valid rate, per-field accuracy, macro-F1 of labels (04_qlora_sft)."""
    if len(outputs) != len(targets) or not targets:
        raise ValueError("need one output per target and at least one target")
    validator = jsonschema.Draft202012Validator(schema)
    parsed = [parse_json(o) for o in outputs]
    per_item = {
        "parse_rate": [p is not None for p in parsed],
        "schema_valid": [p is not None and validator.is_valid(p) for p in parsed],
    }
    for field in TRIAGE_FIELDS[:-1]:
        per_item[f"acc_{field}"] = [
            p is not None and p.get(field) == t[field] for p, t in zip(parsed, targets, strict=True)
        ]
    per_item["summary_close"] = [  # the free text can't match exactly; most of its words should
        p is not None and word_f1(str(p.get("summary", "")), t["summary"]) >= SUMMARY_F1
        for p, t in zip(parsed, targets, strict=True)
    ]
    f1, ci = {}, {}
    for field in ("category", "severity"):
        gold = np.array([t[field] for t in targets], dtype=object)
        pred = np.array([str(p.get(field)) if p else "INVALID" for p in parsed], dtype=object)

        def macro(idx: np.ndarray, gold: np.ndarray = gold, pred: np.ndarray = pred) -> float:
            labels = sorted(set(gold[idx]))
            return f1_score(gold[idx], pred[idx], labels=labels, average="macro", zero_division=0)

        f1[field] = float(macro(np.arange(len(targets))))
        ci[field] = bootstrap_interval(macro, len(targets), seed=seed)
    rates = {k: rate(v) for k, v in per_item.items()}
    return TriageScores(rates, per_item, f1, ci)


def schema_errors(output: str, schema: dict) -> list[str]:
    """Why one output is not schema-valid JSON, in jsonschema's words (04_qlora_sft)."""
    parsed = parse_json(output)
    if parsed is None:
        return ["not a JSON object"]
    validator = jsonschema.Draft202012Validator(schema)
    return [e.message for e in validator.iter_errors(parsed)]


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of a with every row of b (00_start_here)."""
    a = np.asarray(a, dtype=np.float32)
    b = np.asarray(b, dtype=np.float32)
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T


def recall_at_k(ranked: list[list[str]], gold: list[list[str]], k: int) -> float:
    """Share of queries with any gold id in the top k (03_rag)."""
    if len(ranked) != len(gold) or not gold:
        raise ValueError("need one ranking per query and at least one query")
    return sum(bool(set(r[:k]) & set(g)) for r, g in zip(ranked, gold, strict=True)) / len(gold)


def mrr(ranked: list[list[str]], gold: list[list[str]]) -> float:
    """Mean reciprocal rank of the first gold id; 0 when it is missing (03_rag)."""
    if len(ranked) != len(gold) or not gold:
        raise ValueError("need one ranking per query and at least one query")
    total = 0.0
    for r, g in zip(ranked, gold, strict=True):
        rank = next((i for i, item in enumerate(r, start=1) if item in set(g)), None)
        total += 1.0 / rank if rank else 0.0
    return total / len(gold)
