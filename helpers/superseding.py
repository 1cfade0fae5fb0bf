"""Newest first: when a newer document changes what the top passage says, show the newer one.

Notebook 03's `rag.with_superseding` knows the sample domain's bulletin ids. This rule needs only
what any folder can give: a date per document (helpers.ingest says where each came from) and,
where a document states it, an explicit "supersedes" relation.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

CHANGE = re.compile(
    r"\b(supersed\w*|replac\w*|overrid\w*|no longer|now|chang\w*|rises|falls|shortened|"
    r"extended|increased|reduced|revised|from \S+(?: \S+)? to)\b",
    re.IGNORECASE,
)  # words a notice uses when it changes a value
STOP = frozenset(
    "this that with from what which when where there their these those have been will shall "
    "must should would could about into other than then them they also each only more most "
    "some such very your ours".split()
)


def topic_words(text: str) -> set[str]:
    """Lower-cased words of 4+ letters, minus common function words (03_rag)."""
    return {w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in STOP}


def newest_first(
    ranked: list[int],
    chunks: Mapping[int, dict[str, Any]],
    dates: Mapping[str, str | None],
    k: int,
    window: int = 5,
    min_shared: int = 3,
    supersedes: Mapping[str, Collection[str]] | None = None,
    query: str | None = None,
) -> list[int]:
    """Top-k chunk ids, led by the newest chunk in the first `window` that revises the top hit.

    A chunk revises the top hit when its document declares that it supersedes the top hit's
    document, or when its document is dated later, it states a change (CHANGE) and it shares at
    least `min_shared` topic words with the top hit, and, when `query` is given, at least one
    with the question (a notice about one value of a long page should not lead for the others).
    Documents without a date never win on date (03_rag).
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if not ranked:
        return []
    top = chunks[ranked[0]]
    top_date, topic = dates.get(top["doc_id"]), topic_words(top["text"])
    asked = topic_words(query) if query else None
    declared = supersedes or {}

    def revises(i: int) -> bool:
        c = chunks[i]
        if c["doc_id"] == top["doc_id"]:
            return False
        if top["doc_id"] in declared.get(c["doc_id"], ()):
            return True
        date = dates.get(c["doc_id"])
        return bool(
            date
            and top_date
            and date > top_date
            and CHANGE.search(c["text"])
            and len(topic_words(c["text"]) & topic) >= min_shared
            and (asked is None or bool(topic_words(c["text"]) & asked))
        )

    newer = [i for i in ranked[1:window] if revises(i)]
    if not newer:
        return ranked[:k]
    lead = max(newer, key=lambda i: (dates.get(chunks[i]["doc_id"]) or "", -ranked.index(i)))
    return [lead] + [i for i in ranked if i != lead][: k - 1]
