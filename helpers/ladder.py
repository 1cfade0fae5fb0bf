"""The rungs below SFT for triage: a hand rule and an embedding classifier (04_qlora_sft)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

# A rule a service desk writes from docs/TRIAGE-01.md: the first row whose words the ticket uses
# gives (category, base severity). Order matters: specific symptoms before generic ones.
KEYWORDS: list[tuple[tuple[str, ...], str, str]] = [
    (("smell of gas", "oily", "oil on", "hissing", "gas pressure"), "refrigerant_circuit", "high"),
    (("ice", "frost"), "refrigerant_circuit", "medium"),
    (("very hot", "too hot to touch"), "refrigerant_circuit", "medium"),
    (("breaker", "rcd"), "electrical", "high"),
    (("flicker", "lights dim", "reboots"), "electrical", "medium"),
    (("fuse", "storm", "surge"), "electrical", "medium"),
    (("commissioning", "start-up", "installed", "installer finished"), "installation", "medium"),
    (("since it was installed", "brand new", "very first start"), "installation", "medium"),
    (("pressure gauge", "top up", "pressure drops"), "water_hydraulics", "medium"),
    (("radiators", "lukewarm", "barely warm"), "water_hydraulics", "medium"),
    (("dripping", "puddle"), "water_hydraulics", "medium"),
    (("heating curve", "quiet mode"), "controls_software", "low"),
    (("schedule", "timer"), "controls_software", "low"),
    (("building management", "bms"), "controls_software", "medium"),
    (("frozen", "logo"), "controls_software", "medium"),
    (("rattl", "vibration", "banging"), "noise_vibration", "medium"),
    (("hum",), "noise_vibration", "low"),
    (("charged", "invoice", "warranty"), "warranty_billing", "low"),
    (("annual service", "maintenance"), "maintenance_request", "low"),
]
SEVERITIES = ("low", "medium", "high", "critical")
CRITICAL_SITES = ("hospital", "care home", "data hall")
REPEATS = ("third time", "keeps coming back", "again")
DANGER = ("burning smell", "sparks", "smoke", "onto the electrics")
PRODUCT = re.compile(r"\b(VX|GX|CR|TQ)[\s-]?(\d{2,3})\b", re.I)
CODE = re.compile(r"\bE-?([1-4]\d\d)\b", re.I)


def extract(ticket: str, products: Sequence[str]) -> tuple[str | None, str | None]:
    """The product and error code a ticket names, by regular expression (04_qlora_sft)."""
    found = PRODUCT.search(ticket)
    product = f"{found[1].upper()}-{found[2]}" if found else None
    code = CODE.search(ticket)
    return (product if product in products else None), (f"E{code[1]}" if code else None)


def template_summary(product: str | None, code: str | None, ticket: str) -> str:
    """What a template can write as summary: product, first words, code (04_qlora_sft)."""
    words = re.sub(r"\s+", " ", ticket).strip()[:70]
    return f"{product or 'Unit'}: {words}" + (f" (shows {code})" if code else "")


def _says(text: str, words: Sequence[str]) -> bool:
    # a word's start must be a word's start in the ticket: "ice" is not in "service"
    return any(re.search(r"\b" + re.escape(w), text) for w in words)


def hand_rule(ticket: str, products: Sequence[str], raised: dict[str, str]) -> dict[str, Any]:
    """Keywords and codes mapped to the triage labels by the documented rules (04_qlora_sft)."""
    text = ticket.lower()
    product, code = extract(ticket, products)
    category, base = next(
        ((cat, sev) for words, cat, sev in KEYWORDS if _says(text, words)),
        ("controls_software", "medium"),  # nothing matched: the commonest category
    )
    level = SEVERITIES.index(base) + _says(text, CRITICAL_SITES)
    level += _says(text, REPEATS)
    danger = _says(text, DANGER) or raised.get(code or "") == "critical"
    severity = "critical" if danger else SEVERITIES[min(level, 3)]
    return {
        "product": product,
        "error_code": code,
        "category": category,
        "severity": severity,
        "onsite_required": severity in ("high", "critical")
        or category in ("refrigerant_circuit", "installation"),
        "summary": template_summary(product, code, ticket)[:120],
    }


def fit_classifiers(
    embeddings: np.ndarray, targets: Sequence[dict], seed: int = 0
) -> dict[str, Any]:
    """One logistic regression per label on sentence embeddings (04_qlora_sft)."""
    from sklearn.linear_model import LogisticRegression

    fields = ("category", "severity", "onsite_required")
    return {
        f: LogisticRegression(max_iter=2000, random_state=seed).fit(
            embeddings, [t[f] for t in targets]
        )
        for f in fields
    }


def classify(
    tickets: Sequence[str],
    embeddings: np.ndarray,
    classifiers: dict[str, Any],
    products: Sequence[str],
) -> list[dict[str, Any]]:
    """Triage: classifier labels, regex fields, a template summary (04_qlora_sft)."""
    labels = {f: clf.predict(embeddings) for f, clf in classifiers.items()}
    out = []
    for i, ticket in enumerate(tickets):
        product, code = extract(ticket, products)
        row = {f: v[i].item() for f, v in labels.items()}
        summary = template_summary(product, code, ticket)[:120]
        out.append({"product": product, "error_code": code, **row, "summary": summary})
    return out


def trainable_parameters(classifiers: dict[str, Any]) -> int:
    """Weights and biases of the fitted classifiers (04_qlora_sft)."""
    return sum(c.coef_.size + c.intercept_.size for c in classifiers.values())


# The parts of the behaviour and the per-ticket outcome that scores each (evaluation.triage_scores)
PARTS = {
    "format": ("schema_valid",),
    "labels": ("acc_category", "acc_severity"),
    "summary": ("summary_close",),
}


def cheapest(per_item: dict[str, dict[str, list[bool]]], seed: int = 0) -> dict[str, dict]:
    """Per part, the first rung (in cost order) not shown worse than the best one (04_qlora_sft).

    `per_item` maps each rung, cheapest first, to its per-ticket outcomes. "Not shown worse": for
    every outcome of the part, the paired 95 % interval of (rung - best) reaches 0.
    """
    from helpers import stats

    out = {}
    for part, keys in PARTS.items():

        def score(rung: str, keys: tuple = keys) -> float:
            return float(np.mean([np.mean(per_item[rung][k]) for k in keys]))

        best = max(per_item, key=score)
        for rung in per_item:
            gaps = [stats.paired_difference(per_item[rung][k], per_item[best][k], seed=seed)
                    for k in keys]  # fmt: skip
            if all(g.high >= 0 for g in gaps):
                out[part] = {"rung": rung, "best": best, "gaps": gaps}
                break
    return out
