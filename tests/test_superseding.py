"""Newest first on any dated folder: a later notice that changes the top passage leads (03)."""

from pathlib import Path

import pytest

from helpers import REPO_ROOT, superseding

SOP = "Target free chlorine at the plant outlet: 0.8 mg/L. The day tank holds 400 litres."
NOTICE = "The free chlorine target at the plant outlet rises from 0.8 mg/L to 1.0 mg/L."
CHUNKS = {
    0: {"doc_id": "sop", "text": SOP},
    1: {"doc_id": "notice", "text": NOTICE},
    2: {"doc_id": "other", "text": "Valves are exercised every 24 months."},
}
DATES = {"sop": "2024-01-20", "notice": "2025-06-01", "other": "2023-01-01"}
ASKED = "What is the free chlorine target at the plant outlet?"


def test_a_newer_notice_that_changes_the_top_passage_leads():
    assert superseding.newest_first([0, 2, 1], CHUNKS, DATES, k=2, query=ASKED) == [1, 0]
    assert superseding.newest_first([0, 2, 1], CHUNKS, DATES, k=3) == [1, 0, 2]


def test_it_does_not_lead_when_older_undated_off_topic_or_not_asked():
    older = {**DATES, "notice": "2023-06-01"}
    assert superseding.newest_first([0, 1], CHUNKS, older, k=2) == [0, 1]
    assert superseding.newest_first([0, 1], CHUNKS, {**DATES, "notice": None}, k=2) == [0, 1]
    assert superseding.newest_first([0, 1], CHUNKS, DATES, k=2, min_shared=10) == [0, 1]
    tank = "How much does the day tank hold?"  # the notice changes another value of the page
    assert superseding.newest_first([0, 1], CHUNKS, DATES, k=2, query=tank) == [0, 1]
    assert superseding.newest_first([0, 1], CHUNKS, DATES, k=2, window=1) == [0, 1]


def test_a_declared_relation_wins_without_dates_or_words():
    undated = {"sop": None, "notice": None, "other": None}
    declared = {"other": ["sop"]}
    assert superseding.newest_first([0, 1, 2], CHUNKS, undated, k=2, supersedes=declared) == [2, 0]
    assert superseding.newest_first([], CHUNKS, DATES, k=2) == []
    with pytest.raises(ValueError, match="k must be"):
        superseding.newest_first([0], CHUNKS, DATES, k=0)


@pytest.mark.model  # the embedder ranks the example domain's chunks
def test_on_the_example_domain_notices_lead_and_nothing_else_moves():
    from helpers import artifacts, ingest, models, rag

    folder = ingest.read_folder(REPO_ROOT / "data" / "example_utility" / "docs")
    docs = folder.documents
    dates = {d["doc_id"]: d["date"] for d in docs if d["date_source"] != "file modification time"}
    embedder, _ = models.load_embedder()
    count = artifacts.token_counter(embedder)
    chunks = rag.chunk_sections(docs, artifacts.CHUNK_TOKENS, artifacts.CHUNK_OVERLAP, count)
    vectors = rag.embed(embedder, [rag.chunk_text(c) for c in chunks], progress=False)
    index = rag.RagIndex.build(chunks, vectors)
    qa = ingest.read_qa(Path(REPO_ROOT / "data/example_utility/qa.csv"), docs)
    ranked = artifacts.retrieve(index, embedder, [q["question"] for q in qa], "hybrid")
    top, notices = {}, 0
    for q, r in zip(qa, ranked, strict=True):
        new = superseding.newest_first(r, index.chunks, dates, 5, query=q["question"])
        top[q["id"]] = (index.chunks[r[0]]["doc_id"], index.chunks[new[0]]["doc_id"])
        # the older page ranked first instead of its notice: the notice must lead again
        if q["gold_doc_ids"] and q["gold_doc_ids"][0].startswith("notices__"):
            old = next(i for i in r if index.chunks[i]["doc_id"] not in q["gold_doc_ids"])
            demoted = [old] + [i for i in r if i != old]
            lead = superseding.newest_first(demoted, index.chunks, dates, 5, query=q["question"])
            assert index.chunks[lead[0]]["doc_id"] == q["gold_doc_ids"][0], q["question"]
            notices += 1
    assert notices >= 3, "the example domain asks about its notices"
    moved = {k: v for k, v in top.items() if v[0] != v[1]}
    assert not moved, f"newest_first changed the top document of questions it should not: {moved}"
