"""Reference solutions to the notebooks' exercises, run through helpers.check (and wrong ones)."""

from __future__ import annotations

from collections import Counter

import pytest

from helpers import check, decide, domain, memory, scaling

RIGHT = check.RIGHT


def test_00_needs():
    assert check.ex00_needs("knowledge", "behaviour", "language") == RIGHT
    assert "(a, c)" in check.ex00_needs("language", "behaviour", "knowledge")


def test_01_solutions_by_hand():
    tokens = 20 * 13e9  # ~20 tokens per parameter
    seconds = 6 * 13e9 * tokens / (0.4 * scaling.GPUS["A100"].peak_tflops * 1e12)
    assert check.ex01_13b(tokens, seconds / 3600 / 24 / 365) == RIGHT
    assert check.ex01_13b(13e9, 1.0).startswith("✗ tokens")
    n, d = scaling.chinchilla_optimal(1e22, scaling.CHINCHILLA_REFIT)
    assert check.ex01_frontier(n, d) == RIGHT
    assert "swapped" in check.ex01_frontier(d, n)
    assert check.ex01_overtraining(2e12 / (20 * 135e6)) == RIGHT
    assert "tokens per parameter" in check.ex01_overtraining(2e12 / 135e6)


def test_02_solutions():
    facts = domain.load_facts()
    hit = next(b for b in facts["bulletins"] if b.get("procedure") == "PR-02")
    assert check.ex02_superseded(hit["id"], hit["old"], hit["new"]) == RIGHT
    assert check.ex02_superseded(hit["id"], hit["new"], hit["old"]).startswith("✗")
    severities = Counter(t["triage"]["severity"] for t in domain.load_tickets("train"))
    rarest, count = severities.most_common()[-1]
    assert check.ex02_rarest_severity(rarest, count) == RIGHT
    assert check.ex02_rarest_severity(severities.most_common(1)[0][0], count).startswith("✗")


def test_02_bad_jsonl(tmp_path):
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text('{"a": 1}\n{"a": 2}\n')
    bad.write_text('{"a": 1}\n{"a": 2\n')
    assert check.ex02_bad_jsonl(bad) == RIGHT
    assert "loaded" in check.ex02_bad_jsonl(good)


def test_04_memory_solution():
    shape = memory.SHAPES["Mistral-7B"]
    q, lo = (
        memory.training_memory(shape, m, 4, 512, 16)["total_gib"]
        for m in ("qlora_nf4", "lora_16bit")
    )
    assert q < memory.T4_GIB < lo  # the exercise's point: only QLoRA fits a T4
    assert check.ex04_memory(q, lo) == RIGHT
    assert check.ex04_memory(lo, q).startswith("✗ QLoRA")


def test_06_flip_solution():
    ops = decide.Situation(needs=("behaviour",), corpus_words=50_000, labelled_examples=3_000,
                           facts_change="never", gpu_gib=15, gpu_hours=10)  # fmt: skip
    rows = 3_000
    while (
        rows > 1
        and decide.decide(decide.Situation(**{**ops.__dict__, "labelled_examples": rows - 1}))[
            0
        ].method
        == "LoRA / QLoRA SFT"
    ):
        rows -= 1
    assert rows == decide.MIN_SFT_ROWS  # the flip sits at the ~100-row rule
    assert check.ex06_flip(rows) == RIGHT
    assert check.ex06_flip(rows + 50).startswith("✗")


@pytest.mark.parametrize("name", [n for n in dir(check) if n.startswith("ex")])
def test_every_check_has_a_solution_here(name):
    source = open(__file__).read()
    assert f"check.{name}(" in source, f"write a reference solution for {name}"


def test_07_solutions(tmp_path):
    import shutil

    from helpers import REPO_ROOT, ingest

    copy = tmp_path / "docs"
    shutil.copytree(REPO_ROOT / "data" / "example_utility" / "docs", copy)
    (copy / "budget.xlsx").write_bytes(b"PK\x03\x04 not a document the course reads")
    folder = ingest.read_folder(copy)
    assert check.ex07_skipped(folder.skipped, len(folder.documents)) == RIGHT
    assert check.ex07_skipped([], len(folder.documents)).startswith("✗")
    undated = [d for d in folder.documents if d["date_source"] == "file modification time"]
    assert check.ex07_undated([d["doc_id"] for d in undated], len(folder.documents)).startswith("✗")
    for d in undated:  # the solution: state each document's date in its own text
        path = copy / d["path"]
        if path.suffix == ".docx":  # a Word file: a first paragraph, through python-docx
            import docx

            word = docx.Document(str(path))
            word.paragraphs[0].insert_paragraph_before("Revised: 2025-01-15")
            word.save(str(path))
        else:
            path.write_text(f"Revised: 2025-01-15\n\n{path.read_text()}")
    dated = ingest.read_folder(copy).documents
    left = [d["doc_id"] for d in dated if d["date_source"] == "file modification time"]
    assert check.ex07_undated(left, len(dated)) == RIGHT
    qa = ingest.read_qa(REPO_ROOT / "data" / "example_utility" / "qa.csv", dated)
    half = len(qa) // 2
    assert check.ex07_held_out(qa[:half], qa[half:]) == RIGHT
    assert check.ex07_held_out(qa[: half + 1], qa[half:]).startswith("✗")
