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


def _entries(name: str) -> list[str]:
    return [e for e in domain.load_text(name).split("\n\n") if e.strip()]


def test_whole_families_are_held_out():
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    import domain_text

    unseen = set(domain_text.heldout_families())
    assert len(domain_text.FAMILIES) >= 40 and len(unseen) >= 0.25 * len(domain_text.FAMILIES)
    found = {
        name: collections.Counter(domain_text.family_of(e) for e in _entries(name))
        for name in ("dapt_train", "dapt_heldout", "dapt_heldout_unseen")
    }
    for name in ("dapt_train", "dapt_heldout"):  # seen families only, all of them
        assert not unseen & set(found[name]), f"{name} holds a held-out family"
        assert len(set(found[name]) - {None}) == len(domain_text.FAMILIES) - len(unseen)
    assert set(found["dapt_heldout_unseen"]) - {None} == unseen
    for counts in found.values():  # a typo in a header may hide its family, rarely
        assert counts[None] <= 0.02 * sum(counts.values())


def _fact_answers() -> list[str]:
    # Test answers that name a fact: not the severity labels, the abstention or a bare number.
    skip = {"low", "medium", "high", "critical", "not in the documentation"}
    said = {a for q in domain.load_qa("test") for a in [q["answer"], *q["aliases"]]}
    return sorted(a for a in said - skip if not a.replace(".", "").isdigit())


def test_no_test_answer_leaks_into_unlabelled_text():
    answers = _fact_answers()
    assert len(answers) >= 100
    docs = " ".join(p.read_text() for p in (domain.DOMAIN_DIR / "docs").glob("*.md")).lower()
    assert sum(a.lower() in docs for a in answers) >= 0.9 * len(answers)  # the check can fire
    names = (
        "dapt_train",
        "dapt_heldout",
        "dapt_heldout_unseen",
        "general_train",
        "general_heldout",
    )
    for name in names:
        text = domain.load_text(name).lower()
        for answer in answers:
            at = text.find(answer.lower())
            while at >= 0:  # a whole phrase: not "14 Nm" for "4 Nm", nor "E1150" for "E115"
                before = text[at - 1] if at else " "
                after = text[at + len(answer)] if at + len(answer) < len(text) else " "
                assert before.isalnum() or before == "." or after.isalnum() or after == "_", (
                    f"test answer {answer!r} appears in {name}.txt"
                )
                at = text.find(answer.lower(), at + 1)


def test_triage_needs_reading_the_ticket():
    facts = domain.load_facts()
    code_category = {c["code"]: c["category"] for c in facts["error_codes"]}
    train, test = domain.load_tickets("train"), domain.load_tickets("test")
    common = collections.Counter(t["triage"]["category"] for t in train).most_common(1)[0][0]
    no_code = sum(t["triage"]["error_code"] is None for t in train + test) / len(train + test)
    assert no_code >= 0.30
    # the code-only rule: the code's documented category, else the most common label
    rule = [code_category.get(t["triage"]["error_code"], common) for t in test]
    accuracy = sum(r == t["triage"]["category"] for r, t in zip(rule, test, strict=True)) / len(
        test
    )
    assert accuracy <= 0.60
    guide = (domain.DOMAIN_DIR / "docs" / "TRIAGE-01.md").read_text()
    for words in ("hospital", "data hall", "burning smell", "service bulletin", "third time"):
        assert words in guide, f"the triage rules never say {words!r}"


def test_fact_pairs_cover_the_qa_facts_in_other_words():
    from helpers import knowledge

    pairs = knowledge.load_fact_pairs()
    answers = collections.defaultdict(set)
    for p in pairs:
        assert len(p["phrasings"]) == 4 and len(set(p["phrasings"])) == 4, p
        answers[p["fact_key"]].add(p["answer"])
    qa = domain.load_qa("dev") + domain.load_qa("test")
    asked = {q["question"].lower() for q in qa}
    copied = [x for p in pairs for x in p["phrasings"] if x.lower() in asked]
    assert not copied, f"fact pairs copy QA questions, so they are not held-out: {copied[:3]}"
    for q in qa:
        if q["type"] in ("single_fact", "superseded"):
            assert q["answer"] in answers[q["fact_key"]], q  # every asked fact can be injected
    facts = domain.load_facts()
    changed = knowledge.old_value_keys(facts, {b["id"] for b in facts["bulletins"]})
    assert len(changed) == len(facts["bulletins"])
    # an old part that fits the same model as its replacement has no one-answer question
    assert all(k.endswith(":pn") for k in changed - set(answers)), changed - set(answers)
    assert len(changed & set(answers)) >= len(changed) - 1
