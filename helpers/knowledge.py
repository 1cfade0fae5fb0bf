"""Knowledge by fine-tuning: which facts to inject, the training rows, and the question groups."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from helpers import domain

FACT_PAIR_FIELDS = ("fact_key", "doc_id", "answer", "phrasings")


def load_fact_pairs(root: Path = domain.DOMAIN_DIR) -> list[dict[str, Any]]:
    """Question/answer pairs made from the documents' fact sentences (06_which_method)."""
    rows = domain.read_jsonl(Path(root) / "fact_pairs.jsonl", FACT_PAIR_FIELDS)
    for number, row in enumerate(rows, start=1):
        if not row["phrasings"] or not all(isinstance(p, str) and p for p in row["phrasings"]):
            raise ValueError(f"fact_pairs.jsonl:{number}: 'phrasings' must be non-empty strings")
    return rows


def old_value_keys(facts: dict[str, Any], bulletin_ids: set[str]) -> set[str]:
    """The fact keys whose old value the given bulletins replace (06_which_method)."""
    keys = set()
    for b in facts["bulletins"]:
        if b["id"] not in bulletin_ids:
            continue
        if b["kind"] in ("torque", "interval"):
            keys.add(f"{b['procedure']}:{b['kind']}")
        elif b["kind"] == "part":
            keys.add(f"{b['old']}:pn")
        else:
            keys.add(f"{b['code']}:sev")
    return keys


def split_facts(questions: list[dict], n_inject: int, seed: int) -> tuple[set[str], set[str]]:
    """Test facts to inject (n single facts + every changed fact) and the control (06_which_method).

    The control is the single facts left out: the same adapter is scored on both groups, so a
    gain from learning the answer format shows up in both and only injected knowledge separates
    them.
    """
    single = sorted({q["fact_key"] for q in questions if q["type"] == "single_fact"})
    if not 0 < n_inject < len(single):
        raise ValueError(f"n_inject must be between 1 and {len(single) - 1}, got {n_inject}")
    random.Random(seed).shuffle(single)
    changed = {q["fact_key"] for q in questions if q["type"] == "superseded"}
    return set(single[:n_inject]) | changed, set(single[n_inject:])


def training_rows(
    pairs: list[dict], keys: set[str], phrasings: int, extra: list[dict], seed: int
) -> list[dict[str, str]]:
    """Rows: `phrasings` questions per injected fact, plus `extra` QA rows (06_which_method)."""
    if phrasings < 1:
        raise ValueError(f"phrasings must be >= 1, got {phrasings}")
    rows = [
        {"prompt": question, "completion": p["answer"]}
        for p in pairs
        if p["fact_key"] in keys
        for question in p["phrasings"][:phrasings]
    ]
    if not rows:
        raise ValueError("no fact pair matches the keys to inject; check fact_pairs.jsonl")
    rows += [{"prompt": q["question"], "completion": q["answer"]} for q in extra]
    random.Random(seed).shuffle(rows)
    return rows


def probes(pairs: list[dict], keys: set[str]) -> list[dict[str, Any]]:
    """Each injected fact in its first trained phrasing, scored as QA (06_which_method)."""
    return [
        {"question": p["phrasings"][0], "answer": p["answer"], "aliases": [], "type": "single_fact"}
        for p in pairs
        if p["fact_key"] in keys
    ]
