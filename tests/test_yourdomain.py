"""python -m helpers.yourdomain on the second sample domain: the report, the metrics, bad input."""

from __future__ import annotations

import json

import pytest

from helpers import REPO_ROOT, ingest, models, yourdomain

EXAMPLE = REPO_ROOT / "data" / "example_utility"
pytestmark = pytest.mark.model  # loads the tokenizer and the embedder


def test_report_on_the_example_domain(tmp_path):
    out = tmp_path / "out"
    assert (
        yourdomain.main([str(EXAMPLE / "docs"), "--qa", str(EXAMPLE / "qa.csv"), "--out", str(out)])
        == 0
    )
    report = (out / "report.md").read_text()
    assert report.startswith("# Your domain: example_utility")
    assert "**Documents:** 13 read, 0 skipped" in report and "38 of your 40 questions" in report
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["retrieval"]["recall@5"] >= 0.9  # BM25 + MiniLM find these plain facts
    assert metrics["language"]["tokens_per_word"] > 1 and metrics["chunks"] >= 13
    assert metrics["newest_first_moved"] == 0  # its notices already rank first (test_superseding)
    assert "**Newest first:**" in report and "bits per byte" in report
    assert 0 < metrics["language"]["bits_per_byte_general"] < metrics["language"]["bits_per_byte"]
    assert metrics["language"]["consider_dapt"] is False and "Consider DAPT? no" in report
    assert "ranked" not in metrics and "passages" not in metrics  # chunk lists stay in memory
    assert not (EXAMPLE / "docs" / "report.md").exists()  # nothing written into the folder


def test_without_a_qa_file_it_says_the_evidence_is_weaker(tmp_path):
    measured = yourdomain.measure(yourdomain.load(EXAMPLE / "docs"))
    assert "weaker evidence" in measured["retrieval_from"]
    assert measured["retrieval"]["queries"] >= measured["documents"]


def test_answers_go_through_the_course_reader(tmp_path, tiny_checkpoint, monkeypatch):
    from transformers import AutoModelForCausalLM

    path, tokenizer = tiny_checkpoint
    tiny = models.LoadedLM(AutoModelForCausalLM.from_pretrained(path), tokenizer, "tiny", "tiny")
    monkeypatch.setattr(models, "load_lm", lambda *a, **k: tiny)  # random weights: the path only
    yours = yourdomain.load(EXAMPLE / "docs")
    qa = ingest.read_qa(EXAMPLE / "qa.csv", yours.folder.documents)
    measured = yourdomain.measure(yours, qa, answer=True)
    assert measured["qa"]["accuracy"].n == 40 and len(measured["answers"]) == 40
    assert [len(p) for p in measured["passages"]] == [1] * 40  # the reader sees the top passage
    assert "Veldmark" not in yourdomain.SYSTEM


def test_output_inside_the_documents_is_refused(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\n## B\n\ntext\n")
    with pytest.raises(SystemExit):
        yourdomain.main([str(docs), "--out", str(docs / "report")])


def test_the_dapt_rule_compares_bits_per_byte_with_english():
    lang = {"bits_per_byte": 1.7, "bits_per_byte_general": 0.86}
    assert not yourdomain.consider_dapt(lang)
    assert yourdomain.consider_dapt({**lang, "bits_per_byte": 3.34})  # 02's shorthand logs
