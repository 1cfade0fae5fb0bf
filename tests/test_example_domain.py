"""The second sample domain (data/example_utility): reproducible, readable, answerable."""

from __future__ import annotations

import pytest

from helpers import REPO_ROOT, ingest

EXAMPLE = REPO_ROOT / "data" / "example_utility"


def test_regenerates_bit_for_bit(script, tmp_path):
    script("example_domain").write(tmp_path)
    committed = sorted(  # everything but the hand-written README.md
        p.relative_to(EXAMPLE) for p in EXAMPLE.rglob("*") if p.is_file() and p.name != "README.md"
    )
    assert committed == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for rel in committed:
        assert (tmp_path / rel).read_bytes() == (EXAMPLE / rel).read_bytes(), rel


@pytest.fixture(scope="module")
def folder():
    return ingest.read_folder(EXAMPLE / "docs")


def test_every_format_is_read(folder):
    assert not folder.skipped and not folder.notes
    kinds = {d["path"].rsplit(".", 1)[-1] for d in folder.documents}
    assert kinds == {"md", "txt", "html", "pdf", "docx"}
    assert sum(size for size in (p.stat().st_size for p in EXAMPLE.rglob("*") if p.is_file())) < 2e6


def test_every_answer_is_in_its_source_document(folder):
    qa = ingest.read_qa(EXAMPLE / "qa.csv", folder.documents)
    assert len(qa) == 40 and sum(q["type"] == "unanswerable" for q in qa) >= 2
    text = {
        d["doc_id"]: " ".join(s["heading"] + " " + s["text"] for s in d["sections"])
        for d in folder.documents
    }
    for q in qa:
        if q["type"] != "unanswerable":
            assert q["answer"] in text[q["gold_doc_ids"][0]], q
