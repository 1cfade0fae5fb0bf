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
    assert "| closed-book | 5% | – | – | – | – | 0% |" in text  # 4 not measured
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


def test_formats_show_interval_n_and_whether_a_difference_is_shown():
    m = {"acc": 0.4, "acc_ci95": [0.33, 0.47], "acc_n": 179, "gain": 3.0, "gain_ci95": [-5.4, 11.4]}
    assert report.fmt_rate(m, "acc") == "40% [33%–47%] (n=179)"
    assert report.fmt_rate(m, "acc", with_n=False) == "40% [33%–47%]"
    assert report.fmt_rate(m, "acc", with_n=False, fmt=".2f") == "0.40 [0.33–0.47]"
    assert report.fmt_gain(m, "gain") == "+3.0 points [-5.4, +11.4], not shown at this size"
    m["gain_ci95"] = [1.0, 5.0]
    assert report.fmt_gain(m, "gain") == "+3.0 points [+1.0, +5.0]"


def test_side_by_side_has_a_column_per_run_and_dashes_for_what_one_lacks(tmp_path):
    for profile, valid in (("ci", 0.83), ("cpu", 0.97)):
        metrics = {"lora_schema_valid": valid, "lora_schema_valid_ci95": [valid - 0.05, valid]}
        results.save("04_qlora_sft", {**metrics, "lora_steps": 72}, profile, tmp_path)
    results.save("04_qlora_sft", {"qlora_schema_valid": 0.9}, "gpu", tmp_path)
    (tmp_path / "cpu" / "timings.json").write_text(json.dumps({"04_qlora_sft": 600.0}))
    text = report.side_by_side({p: tmp_path / p for p in ("ci", "cpu", "gpu")})
    assert text.startswith("| | `ci` | `cpu` | `gpu` |")
    assert "| triage schema-valid, LoRA SFT | 83% [78%–83%] | 97% [92%–97%] | – |" in text
    assert "| triage schema-valid, QLoRA SFT | – | – | 90% |" in text
    assert "| triage LoRA steps | 72 | 72 | – |" in text
    assert "| minutes, whole course (2-core CPU) | – | 10.0 | – |" in text
