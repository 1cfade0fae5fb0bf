"""The sample domain regenerates bit for bit, has the promised sizes, and validates."""

import collections
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from helpers import REPO_ROOT, domain, models


def _sums(path: Path) -> dict[str, str]:
    return {
        line.split("  ", 1)[1]: line.split("  ", 1)[0]
        for line in path.read_text().splitlines()
        if line
    }


def test_regenerates_bit_for_bit(tmp_path):
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "generate_domain.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    committed = _sums(domain.DOMAIN_DIR / "SHA256SUMS")
    assert _sums(tmp_path / "SHA256SUMS") == committed
    assert (tmp_path / "README.md").read_text() == (domain.DOMAIN_DIR / "README.md").read_text()
    on_disk = {
        p.relative_to(domain.DOMAIN_DIR).as_posix()
        for p in domain.DOMAIN_DIR.rglob("*")
        if p.is_file()
    } - {"README.md", "SHA256SUMS"}
    assert on_disk == set(committed), "stray or missing files under data/veldmark"


def test_facts_sizes():
    facts = domain.load_facts()
    minimum = {
        "products": 12,
        "error_codes": 60,
        "procedures": 20,
        "parts": 100,
        "bulletins": 10,
        "glossary": 80,
    }
    for key, n in minimum.items():
        assert len(facts[key]) >= n, key
    assert len(facts["categories"]) == 8


def test_documents_size_and_injection():
    docs = domain.load_documents()
    assert len(docs) >= 150
    words = sum(len(s["text"].split()) for d in docs for s in d["sections"])
    assert words >= 100_000
    assert len({d["doc_id"] for d in docs}) == len(docs)
    planted = [
        d["doc_id"]
        for d in docs
        if any("ignore all previous instructions" in s["text"] for s in d["sections"])
    ]
    assert planted == ["FAQ-99"]


def test_qa_sizes_types_and_gold_ids():
    qa = {s: domain.load_qa(s) for s in ("dev", "test")}
    rows = qa["dev"] + qa["test"]
    assert len(rows) >= 300 and len(qa["test"]) >= 150
    types = collections.Counter(q["type"] for q in rows)
    assert set(types) == set(domain.QA_TYPES)
    assert 0.05 <= types["unanswerable"] / len(rows) <= 0.15
    sections = {s["section_id"] for d in domain.load_documents() for s in d["sections"]}
    for q in rows:
        assert set(q["gold_section_ids"]) <= sections, q["id"]
        assert (q["answer"] == domain.NOT_IN_DOCS) == (q["type"] == "unanswerable")
    assert not {q["fact_key"] for q in qa["dev"]} & {q["fact_key"] for q in qa["test"]}


def test_questions_do_not_copy_documents():
    text = " ".join(s["text"].lower() for d in domain.load_documents() for s in d["sections"])
    for q in domain.load_qa("dev") + domain.load_qa("test"):
        question = q["question"].lower().rstrip("?")
        if len(question.split()) >= 6:
            assert question not in text, q["question"]


def test_tickets_sizes_and_schema():
    schema = domain.load_schema()
    validator = jsonschema.Draft202012Validator(schema)
    splits = {s: domain.load_tickets(s) for s in ("train", "validation", "test")}
    assert sum(len(v) for v in splits.values()) >= 2000
    assert len(splits["test"]) >= 200
    for rows in splits.values():
        for r in rows:
            assert validator.is_valid(r["triage"])
    voices = {r["voice"] for r in splits["train"]}
    assert voices == {"terse", "rambling", "angry", "typos", "formal"}


@pytest.fixture(scope="module")
def tokenizer():
    return models.load_tokenizer()


def test_corpus_token_counts(tokenizer):
    def count(name):
        return len(tokenizer(domain.load_text(name), add_special_tokens=False)["input_ids"])

    assert count("dapt_train") + count("dapt_heldout") >= 1_000_000
    assert count("dapt_heldout") >= 50_000
    assert count("general_heldout") >= 20_000


def test_data_folder_under_25_mb():
    size = sum(p.stat().st_size for p in domain.DOMAIN_DIR.rglob("*") if p.is_file())
    assert size < 25 * 2**20


def test_readme_word_count_is_the_one_notebook_02_prints():
    words = sum(len(s["text"].split()) for d in domain.load_documents() for s in d["sections"])
    assert f"({words:,} words)" in (domain.DOMAIN_DIR / "README.md").read_text()
