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


def _notebook_text(name: str) -> str:
    from helpers import NOTEBOOKS_DIR

    return (NOTEBOOKS_DIR / name).read_text()


def test_reading_an_interval():
    assert check.read_interval(0.01, 0.2, True) == RIGHT
    assert check.read_interval(-0.1, 0.2, False) == RIGHT
    assert check.read_interval(-0.1, 0.2, True).startswith("✗")
    assert check.read_interval(-0.3, -0.1, False).startswith("✗")
    assert check.read_interval(0.93, 0.97, True, null=1) == RIGHT  # a perplexity ratio below 1
    assert check.read_interval(0.97, 1.02, True, null=1).startswith("✗")


def test_00_profiles_and_cache():
    assert check.ex00_profiles({"max_new_tokens"}) == RIGHT
    assert check.ex00_profiles(set()).startswith("✗")
    assert check.ex00_cache("local cache (converted from the packaged GGUF)", 9.0, 1.5) == RIGHT
    assert check.ex00_cache("packaged GGUF", 9.0, 1.5).startswith("✗")


@pytest.mark.model
def test_00_similarity_solution():
    from helpers import evaluation, models

    assert check.E301 in _notebook_text("00_start_here.ipynb")
    assert check.BREAD in _notebook_text("00_start_here.ipynb")
    embedder, _ = models.load_embedder()
    mine = "The chiller tripped because the water flow dropped."
    vectors = embedder.encode([check.E301, mine])
    similarity = float(evaluation.cosine_matrix(vectors[:1], vectors[1:])[0, 0])
    assert check.ex00_similarity(mine, similarity) == RIGHT
    assert check.ex00_similarity(mine, similarity + 0.2).startswith("✗")
    assert check.ex00_similarity("Bake the bread at 220 degrees.", 0.0).startswith("✗")


@pytest.mark.model
def test_01_and_02_tokenizer_solutions():
    from helpers import models

    tok = models.load_tokenizer()
    texts = ["\n".join(s["text"] for s in d["sections"]) for d in domain.load_documents()]
    tokens = 1e9 * scaling.tokens_per_word(tok, texts)
    assert check.ex01_your_corpus(tokens, scaling.compute_optimal_params(tokens)) == RIGHT
    assert check.ex01_your_corpus(1e9, 1e9 / 20).startswith("✗")
    counts = [len(tok(text)["input_ids"]) for text in check.SHORTHAND]
    assert check.ex02_fragmentation(*counts) == RIGHT
    assert check.ex02_fragmentation(counts[0] + 1, counts[1]).startswith("✗")
    assert all(text in _notebook_text("02_domain_data.ipynb") for text in check.SHORTHAND)


def test_02_ppl_ratio_solution():
    from helpers import results

    general = results.load_or_reference("02_domain_data")[0]["ppl_general"]
    assert check.ex02_ppl_ratio(2 * general, 2.0, True) == RIGHT
    assert check.ex02_ppl_ratio(2 * general, 2.0, False).startswith("✗")
    assert check.ex02_ppl_ratio(2 * general, 1.0, False).startswith("✗")


def test_04_and_05_trainable_parameters():
    from helpers import artifacts, sft

    shape = memory.SHAPES["SmolLM2-135M"]
    assert check.ex04_trainable(16, sft.TARGET_MODULES, 4_884_480) == RIGHT  # peft's count in 04
    assert check.ex04_trainable(4, sft.TARGET_MODULES, 4_884_480 // 4) == RIGHT
    q_v = 30 * 16 * ((576 + 576) + (576 + 192))  # r (d_in + d_out) for q and v, 30 layers
    assert check.ex04_trainable(16, ["q_proj", "v_proj"], q_v) == RIGHT
    assert check.ex04_trainable(16, ["q_proj", "v_proj"], 4_884_480).startswith("✗")
    ratio = shape.params / shape.lora_params(artifacts.LORA_RANK)
    assert check.ex05_full_vs_lora(ratio) == RIGHT
    assert check.ex05_full_vs_lora(1 / ratio).startswith("✗")


def test_06_own_numbers_solution(tmp_path):
    from helpers import results

    folder = tmp_path / results.run_name()
    folder.mkdir()
    (folder / "03_rag.json").write_text('{"metrics": {"rag_accuracy": 0.2}}')
    assert check.ex06_own_numbers(decide.course_numbers(root=tmp_path)) == RIGHT
    assert check.ex06_own_numbers(decide.course_numbers(root=tmp_path / "none")).startswith("✗")


def test_07_report_solution(tmp_path):
    from helpers import yourdomain

    docs, out = tmp_path / "handbook", tmp_path / "out"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\n## Pumps\n\nThree pumps run at the station.\n")
    out.mkdir()
    (out / "report.md").write_text(f"# Your domain: {yourdomain.folder_name(docs)}\n")
    assert check.ex07_report(out / "report.md", docs) == RIGHT
    assert check.ex07_report(out / "missing.md", docs).startswith("✗")
    (docs / "report.md").write_text("# Your domain: handbook\n")
    assert check.ex07_report(docs / "report.md", docs).startswith("✗")


def test_01_equal_compute_solution():
    small, big = 10e6, 40e6
    tokens = 20 * small  # the small model at ~20 tokens per parameter
    assert check.ex01_equal_compute(big, tokens / 4, small, tokens) == RIGHT
    assert check.ex01_equal_compute(big, tokens, small, tokens).startswith("✗ the two runs")
    assert check.ex01_equal_compute(2 * small, tokens / 2, small, tokens).startswith("✗ one model")


def test_03_solutions():
    from helpers import rag

    dense, bm25 = [3, 1, 2, 0], [0, 2, 1, 3]
    assert check.ex03_double_bm25(dense, bm25, rag.rrf([dense, bm25, bm25])) == RIGHT
    assert check.ex03_double_bm25(dense, bm25, rag.rrf([dense, bm25])).startswith("✗")
    faq = next(d for d in domain.load_documents() if d["doc_id"] == "FAQ-99")
    chunks = [{"doc_id": "FAQ-99", "text": s["text"]} for s in faq["sections"]]
    flagged = [c for c in chunks if rag.looks_like_injection(c["text"])]
    assert check.ex03_flagged(flagged) == RIGHT
    assert check.ex03_flagged([]).startswith("✗")
    other = {"doc_id": "FAQ-01", "text": "Descale the heat exchanger yearly."}
    assert check.ex03_flagged([*flagged, other]).startswith("✗")
    assert check.ex03_delete(812, 810, 2) == RIGHT
    assert check.ex03_delete(812, 812, 2).startswith("✗")


def test_04_to_06_solutions():
    import copy

    schema = copy.deepcopy(domain.load_schema())
    schema["properties"]["category"]["enum"].append("spare_parts_order")
    assert check.ex04_new_label(schema) == RIGHT
    assert check.ex04_new_label(domain.load_schema()).startswith("✗")
    assert check.ex04_new_label(
        {"properties": {"category": {"enum": ["spare_parts_order"]}}}
    ).startswith("✗ keep")
    bulletin = [{"doc_id": "SB-2026-12", "text": "..."}]
    assert check.ex06_fresh({"RAG": bulletin, "SFT + RAG": bulletin}, "SB-2026-12") == RIGHT
    assert check.ex06_fresh({"RAG": bulletin, "SFT + RAG": []}, "SB-2026-12").startswith("✗")


@pytest.mark.model
def test_05_new_tokens_solution():
    from helpers import models

    tok = models.load_tokenizer()
    added = tok.add_tokens(["strnr", "EEVcoil"])
    assert check.ex05_new_tokens(len(tok), len(tok), added) == RIGHT
    assert check.ex05_new_tokens(len(tok), len(tok) - added, added).startswith("✗ model")
