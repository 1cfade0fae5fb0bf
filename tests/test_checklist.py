"""helpers.checklist: the one-page checklist follows the course's constants and saved numbers."""

from __future__ import annotations

from helpers import checklist, decide, results


def test_page_has_the_questions_rules_and_each_runs_numbers(tmp_path, monkeypatch):
    results.save("04_qlora_sft", {"lora_schema_valid": 0.97, "lora_steps": 150}, "cpu", tmp_path)
    page = checklist.page({"cpu": tmp_path / "cpu"}, title="Mine")
    assert page.startswith("# Mine\n") and page.count("\n1. **") == 1 and "\n4. **" in page
    assert "~100 labelled rows minimum, more than 1,000 preferred; 50–200 rows" in page
    assert (
        "| triage schema-valid, LoRA SFT | 97% |" in page and "| triage LoRA steps | 150 |" in page
    )
    monkeypatch.setattr(decide, "MIN_SFT_ROWS", 250)  # the rules are the constants decide() uses
    assert "~250 labelled rows minimum" in checklist.page({"cpu": tmp_path / "cpu"})
