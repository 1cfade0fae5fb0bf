"""helpers.decide: rankings for edge cases, reasons that quote rules and numbers, bad inputs."""

from __future__ import annotations

import dataclasses
import json

import pytest

from helpers import decide

MEASURED = {
    "closed_book_accuracy": 0.05,
    "rag_accuracy": 0.30,
    "update_seconds": 0.1,
    "retrain_minutes": 15.0,
    "few_shot_schema_valid": 0.0,
    "zero_shot_schema_valid": 0.0,
    "sft_schema_valid": 0.88,
    "sft_rag_accuracy": 0.40,
    "dapt_rag_accuracy": 0.24,
    "base_rag_accuracy": 0.07,
    "forgetting_no_replay": 35.6,
    "sft_seconds_per_step": 2.6,
}
BASE = decide.Situation(
    needs=("behaviour",),
    corpus_words=100_000,
    labelled_examples=2_000,
    facts_change="never",
    gpu_gib=15,
    gpu_hours=5,
)


def ranked(situation: decide.Situation, measured: dict | None = MEASURED) -> list[str]:
    return [r.method for r in decide.decide(situation, measured)]


def reasons(situation: decide.Situation, method: str) -> str:
    rec = next(r for r in decide.decide(situation, MEASURED) if r.method == method)
    return " ".join(rec.reasons)


def test_many_labelled_rows_and_a_gpu_put_sft_first():
    assert ranked(BASE)[0] == "LoRA / QLoRA SFT"
    assert "1,000" in reasons(BASE, "LoRA / QLoRA SFT")
    assert "88%" in reasons(BASE, "LoRA / QLoRA SFT")  # the measured number is quoted


def test_reasons_name_the_run_their_numbers_come_from():
    labelled = {**MEASURED, "measured_in": "the cpu reference run"}
    recs = decide.decide(BASE, labelled)
    quoted = [x for r in recs for x in r.reasons if "88%" in x]
    assert quoted and all("measured in the cpu reference run" in x for x in quoted)
    plain = [x for r in decide.decide(BASE, MEASURED) for x in r.reasons]
    assert not any("measured in" in x for x in plain)


def test_25_labelled_rows_prefer_prompting_over_sft():
    s = dataclasses.replace(BASE, labelled_examples=25)
    order = ranked(s)
    assert order.index("few-shot prompting") < order.index("LoRA / QLoRA SFT")
    assert "100" in reasons(s, "LoRA / QLoRA SFT")
    assert "collect more" in reasons(s, "few-shot prompting")


def test_brittle_zone_scores_below_the_minimum_zone():
    def score(n: int) -> float:
        s = dataclasses.replace(BASE, labelled_examples=n)
        return next(r.score for r in decide.decide(s) if r.method == "LoRA / QLoRA SFT")

    assert score(25) < score(120) < score(300) < score(5000)


def test_billion_token_corpus_still_does_not_recommend_scratch():
    s = dataclasses.replace(BASE, needs=("language",), corpus_words=800_000_000, gpu_hours=1000)
    order = ranked(s)
    assert order[-1] != "DAPT + RAG"
    assert order[0] != "train from scratch"
    text = reasons(s, "train from scratch")
    assert "20 tokens per parameter" in text and "2.7B" in text


def test_changing_facts_without_gpu_put_rag_first_with_the_update_cost():
    s = decide.Situation(("knowledge",), 200_000, 0, "daily", 0, 0)
    order = ranked(s)
    assert order[0] == "RAG"
    text = reasons(s, "RAG")
    assert "re-index" in text and "0.1 s" in text and "15 min" in text and "CPU" in text
    assert order.index("LoRA / QLoRA SFT") > order.index("few-shot prompting")


def test_dapt_only_when_the_mismatch_persists_after_rag():
    without = decide.Situation(("knowledge", "language"), 2_000_000, 0, "monthly", 15, 10)
    with_ = dataclasses.replace(without, language_mismatch_after_rag=True)
    scores = {r.method: r.score for r in decide.decide(without, MEASURED)}
    assert ranked(without)[0] == "RAG" and scores["DAPT + RAG"] <= scores["RAG"] - 3
    assert ranked(with_)[0] == "DAPT + RAG"
    assert "24%" in reasons(with_, "DAPT + RAG") and "after RAG" in reasons(without, "DAPT + RAG")


def test_both_needs_rank_sft_plus_rag_high():
    s = dataclasses.replace(BASE, needs=("knowledge", "behaviour"), facts_change="monthly")
    assert ranked(s)[:3].count("SFT + RAG") == 1
    assert "40%" in reasons(s, "SFT + RAG")


def test_works_without_measured_numbers_and_is_deterministic():
    first = [(r.method, r.score, r.reasons) for r in decide.decide(BASE, None)]
    again = [(r.method, r.score, r.reasons) for r in decide.decide(BASE, None)]
    assert first == again
    assert len(first) == len(decide.METHODS)
    assert not any("measured" in " ".join(r) for _, _, r in first)


def test_largest_trainable_follows_the_memory_arithmetic():
    assert decide.largest_trainable(15) == "Mistral-7B"  # QLoRA 7B fits a T4
    name = decide.largest_trainable(4)
    need = {
        n: decide.memory.training_memory(s, "qlora_nf4", 4, 512, 16)["total_gib"]
        for n, s in decide.memory.SHAPES.items()
    }
    assert need[name] <= 4 and all(need[n] > 4 for n in need if need[n] > need[name])
    assert decide.largest_trainable(0.1) is None


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"needs": ()}, "at least one need"),
        ({"needs": "knowledge"}, "tuple"),
        ({"needs": ("facts",)}, "unknown need"),
        ({"corpus_words": -1}, "corpus_words"),
        ({"labelled_examples": 2.5}, "labelled_examples"),
        ({"gpu_gib": -4}, "gpu_gib"),
        ({"gpu_hours": float("nan")}, "gpu_hours"),
        ({"facts_change": "hourly"}, "facts_change"),
        ({"needs": ("knowledge",), "corpus_words": 0}, "corpus_words=0"),
        ({"language_mismatch_after_rag": True}, "language"),
    ],
)
def test_impossible_inputs_get_clear_errors(change, match):
    with pytest.raises(ValueError, match=match):
        decide.decide(dataclasses.replace(BASE, **change))


def test_course_numbers_reads_a_run_then_falls_back_to_the_reference(tmp_path):
    for folder, value in ((tmp_path / "ci", 0.5), (tmp_path / "reference" / "ci", 0.9)):
        folder.mkdir(parents=True)
        metrics = {"closed_book_accuracy": 0.1, "rag_accuracy": value, "update_seconds": 2}
        (folder / "03_rag.json").write_text(json.dumps({"metrics": metrics}))
    ref = {"lora_seconds": 30.0, "lora_steps": 10, "lora_schema_valid": 0.9}
    (tmp_path / "reference" / "ci" / "04_qlora_sft.json").write_text(json.dumps({"metrics": ref}))
    numbers = decide.course_numbers("ci", root=tmp_path)
    assert numbers == {
        "closed_book_accuracy": 0.1,
        "rag_accuracy": 0.5,  # the fresh run wins over the reference
        "update_seconds": 2,
        "sft_schema_valid": 0.9,  # 04 ran only in the reference
        "sft_seconds_per_step": 3.0,
        "measured_in": "this ci run and the ci reference run",  # every reason says where
    }
    assert decide.course_numbers("ci", root=tmp_path / "empty") == {}


def test_the_price_of_dapt_follows_the_sign_of_the_measured_rise():
    need = decide.Situation(
        needs=("language",), corpus_words=10_000_000, labelled_examples=0, facts_change="never",
        gpu_gib=16, gpu_hours=10, language_mismatch_after_rag=True,
    )  # fmt: skip

    def reasons(rise: float) -> str:
        ranked = decide.decide(need, {"forgetting_no_replay": rise})
        return " ".join(next(r for r in ranked if r.method == "DAPT + RAG").reasons)

    assert "+12.0" in reasons(12.0) and "replay limits it" in reasons(12.0)
    assert "did not raise general ppl" in reasons(-0.4) and "+" not in reasons(-0.4).split("ppl")[1]
