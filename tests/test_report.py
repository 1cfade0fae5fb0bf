"""helpers.report: the course report is built from saved metrics only."""

from __future__ import annotations

import json

from helpers import report, results


def _fake_run(root):
    table = [  # in the notebook's order, which the report keeps
        {"method": "closed-book", "accuracy": 0.05, "schema_valid": 0.0, "train_s": 0.0},
        {"method": "SFT + RAG", "accuracy": 0.4, "answerable_accuracy": 0.41, "update_s": 0.12},
    ]
    results.save(
        "06_which_method",
        {"head_to_head": table, "qa_questions": 60, "sft_rag_qa_accuracy": 0.4},
        "ci",
        root,
    )
    results.save("03_rag", {"rag_margin_points": 25.0}, "ci", root)
    timings = {"03_rag": 180.0, "06_which_method": 120.0}
    (root / "ci" / "timings.json").write_text(json.dumps(timings))


def test_report_has_the_table_headlines_and_minutes(tmp_path):
    _fake_run(tmp_path)
    text = report.build("ci", tmp_path)
    assert "| SFT + RAG | 40% | 41% | – |" in text
    assert "| closed-book | 5% | – | – | 0% |" in text
    assert text.index("| closed-book") < text.index("| SFT + RAG")
    assert "| 03_rag | RAG minus closed-book accuracy, points | 25 | 3.0 |" in text
    assert "| 04_qlora_sft | triage schema-valid JSON after LoRA SFT | not run | – |" in text
    assert "Total: 5.0 minutes." in text
    assert "60 held-out test questions" in text


def test_report_without_notebook_06_says_so(tmp_path):
    results.save("03_rag", {"rag_margin_points": 25.0}, "ci", tmp_path)
    assert "notebook 06 has not run" in report.build("ci", tmp_path)


def test_write_creates_the_report_and_its_figure(tmp_path):
    _fake_run(tmp_path)
    path = report.write("ci", tmp_path)
    assert path == tmp_path / "report.md" and path.read_text().startswith("# Course report")
    assert (tmp_path / "figures" / "head_to_head.png").stat().st_size > 1000
