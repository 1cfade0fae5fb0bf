import json
import math

import numpy as np
import pytest
import torch

from helpers import domain, evaluation, stats


class TinyLM(torch.nn.Module):
    """Uniform next-token distribution over V tokens: perplexity must be exactly V."""

    def __init__(self, vocab=50):
        super().__init__()
        self.vocab = vocab
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.config = type("C", (), {"max_position_embeddings": 64})()

    def forward(self, input_ids):
        logits = torch.zeros(*input_ids.shape, self.vocab) + self.w
        return type("O", (), {"logits": logits})()


class Tok:
    def __call__(self, text, add_special_tokens=False, return_tensors=None):
        ids = torch.tensor([[ord(c) % 50 for c in text]])
        return {"input_ids": ids}


def test_perplexity_of_uniform_model_is_vocab_size():
    ppl = evaluation.perplexity(TinyLM(), Tok(), "abcdefgh" * 20, block_size=16, progress=False)
    assert ppl == pytest.approx(50, rel=1e-4)


def test_block_nll_one_loss_per_block_and_perplexity_is_their_mean():
    losses = evaluation.block_nll(TinyLM(), Tok(), "abcdefgh" * 20, block_size=16, progress=False)
    assert losses.shape == (10,)  # 160 tokens / 16
    assert np.allclose(losses, np.log(50))


def test_perplexity_ratio_paired_over_blocks():
    base = np.array([2.0, 3.0, 2.5, 4.0, 3.5, 2.2, 2.8, 3.1])
    same = stats.perplexity_ratio(base, base)
    assert same.ratio == pytest.approx(1.0) and not same.shown and "not shown" in str(same)
    better = stats.perplexity_ratio(base - 0.5, base)  # every block 0.5 nats lower
    assert better.ratio == pytest.approx(np.exp(-0.5)) and better.high < 1 and better.shown
    noisy = stats.perplexity_ratio(base + np.array([0.3, -0.3] * 4), base)
    assert noisy.low < 1 < noisy.high and noisy.n == 8
    with pytest.raises(ValueError, match="same non-empty blocks"):
        stats.perplexity_ratio(base, base[:3])


def test_perplexity_bad_inputs():
    with pytest.raises(ValueError, match="fewer than one block"):
        evaluation.perplexity(TinyLM(), Tok(), "short", block_size=16, progress=False)
    with pytest.raises(ValueError, match="context"):
        evaluation.perplexity(TinyLM(), Tok(), "x" * 500, block_size=128, progress=False)
    with pytest.raises(ValueError, match=">= 2"):
        evaluation.perplexity(TinyLM(), Tok(), "x" * 500, block_size=1, progress=False)


@pytest.mark.parametrize(
    ("pred", "gold", "ok"),
    [
        ("The charge is 2.4 kg [2].", "2.4 kg", True),
        ("It is 12.4 kg", "2.4 kg", False),
        ("torque 41 Nm", "41 Nm", True),
        ("Use part vt-1511-m from now on", "VT-1511-M", True),
        ("VT-1511-MX", "VT-1511-M", False),
        ("That is not in the documentation.", "not in the documentation", True),
        ("The value is 2.45 kg", "2.4", False),
        ("\u2212115 \u00b0C", "115 \u00b0C", False),  # the Unicode minus makes it another value
        ("-115 \u00b0C", "115 \u00b0C", False),
        ("\u2212115 \u00b0C", "-115 \u00b0C", True),
        ("[4]", "4", False),  # a bare citation is not an answer
        ("See [4].", "4", False),
        ("It needs 4 [2].", "4", True),
        ("Keep it above 115\u00b0C during the test [1].", "115 \u00b0C", True),  # inside, with unit
        ("115 cm", "115 \u00b0C", False),
        ("It has 14 poles", "4", False),  # contains the gold digits, is another number
        ("It has 40 poles", "4", False),
        ("4,5 bar", "4", False),
        ("(4)", "4", True),
    ],
)
def test_contains_answer(pred, gold, ok):
    assert evaluation.contains_answer(pred, gold) is ok


def test_contains_answer_aliases():
    assert evaluation.contains_answer("about 18", "18 months", ["18"])


def test_cosine_matrix():
    m = evaluation.cosine_matrix(np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[3.0, 0.0]]))
    assert m[:, 0] == pytest.approx([1.0, 0.0])


def test_recall_and_mrr():
    ranked = [["a", "b", "c"], ["x", "y", "z"], ["q", "g", "r"]]
    gold = [["a"], ["nope"], ["g", "r"]]
    assert evaluation.recall_at_k(ranked, gold, 1) == pytest.approx(1 / 3)
    assert evaluation.recall_at_k(ranked, gold, 2) == pytest.approx(2 / 3)
    assert evaluation.mrr(ranked, gold) == pytest.approx((1 + 0 + 0.5) / 3)
    with pytest.raises(ValueError, match="one ranking per query"):
        evaluation.recall_at_k(ranked, gold[:2], 1)


def test_citations_and_abstention():
    assert evaluation.cited_numbers("It is 43 Nm [2], see also [1, 3].") == [2, 1, 3]
    assert evaluation.cited_numbers("No citation (4).") == []
    assert evaluation.abstained("That is Not in the documentation.")
    assert not evaluation.abstained("43 Nm [1]")


QS = [
    {"type": "single_fact", "answer": "43 Nm", "gold_doc_ids": ["A"]},
    {"type": "single_fact", "answer": "VT-1", "gold_doc_ids": ["B"]},
    {"type": "two_document", "answer": "2.4 kg", "gold_doc_ids": ["C"]},
    {"type": "unanswerable", "answer": "not in the documentation", "gold_doc_ids": []},
    {"type": "unanswerable", "answer": "not in the documentation", "gold_doc_ids": []},
]
PASSAGES = [[{"doc_id": "A"}, {"doc_id": "X"}], [{"doc_id": "X"}], [{"doc_id": "C"}], [], []]


def test_qa_scores_on_hand_made_cases():
    answers = [
        "43 Nm [1]",  # right, cites the gold document
        "VT-1 [1]",  # right, but cites a passage from another document
        "not in the documentation",  # false abstention on an answerable question
        "not in the documentation",  # right abstention
        "It is 12 kg [1]",  # should have abstained; a citation out of range
    ]
    s = evaluation.qa_scores(answers, QS, PASSAGES)
    assert (s["accuracy"].k, s["accuracy"].n) == (3, 5)
    assert (s["answerable_accuracy"].k, s["answerable_accuracy"].n) == (2, 3)
    assert (s["abstention_correct"].k, s["abstention_correct"].n) == (1, 2)
    assert (s["false_abstention"].k, s["false_abstention"].n) == (1, 3)
    # only answerable questions with a citation count: q1 gold, q2 not
    assert (s["citation_precision"].k, s["citation_precision"].n) == (1, 2)
    assert (s["answered_with_gold_citation"].k, s["answered_with_gold_citation"].n) == (1, 3)
    assert "citation_precision" not in evaluation.qa_scores(answers, QS)
    with pytest.raises(ValueError, match="5 answers for 4 questions"):
        evaluation.qa_scores(answers, QS[:4])


def test_rate_has_a_wilson_interval():
    r = stats.Rate(12, 60)
    low, high = r.interval()
    assert r.value == 0.2
    assert low == pytest.approx(0.1183, abs=1e-3) and high == pytest.approx(0.3183, abs=1e-3)
    assert "12/60" in str(r) and "95% CI" in str(r)
    assert stats.Rate(0, 0).n == 0 and str(stats.Rate(0, 0)) == "n=0"
    flat = stats.rate_metrics("rag_", {"accuracy": r, "empty": stats.Rate(0, 0)})
    assert flat["rag_accuracy"] == 0.2 and flat["rag_accuracy_n"] == 60
    assert flat["rag_accuracy_ci95"] == [round(low, 4), round(high, 4)] and "rag_empty" not in flat


def test_paired_difference_sees_a_real_gap_and_not_a_noise_one():
    a = [True] * 30 + [False] * 30
    b = [False] * 30 + [False] * 30
    big = stats.paired_difference(a, b)
    assert big.diff == 0.5 and big.shown and big.low > 0.3 and big.p_mcnemar < 1e-6
    small = stats.paired_difference([True, False] * 10, [False, True] * 10)
    assert small.diff == 0 and not small.shown and "not shown at this size" in str(small)
    assert stats.paired_difference(a, b) == big  # seeded: the same interval twice
    with pytest.raises(ValueError, match="same non-empty"):
        stats.paired_difference([True], [True, False])


def test_parse_json_never_evaluates():
    assert evaluation.parse_json('Sure! {"a": 1} trailing') == {"a": 1}
    assert evaluation.parse_json('```json\n{"a": [1, 2]}\n```') == {"a": [1, 2]}
    assert evaluation.parse_json("__import__('os').system('echo hi')") is None
    assert evaluation.parse_json("{'a': 1}") is None  # Python literal, not JSON
    assert evaluation.parse_json("[1, 2]") is None


def test_triage_scores():
    schema = domain.load_schema()
    gold = [t["triage"] for t in domain.load_tickets("test")[:4]]
    perfect = evaluation.triage_scores([json.dumps(g) for g in gold], gold, schema)
    assert perfect.rates["parse_rate"].value == perfect.rates["schema_valid"].value == 1.0
    assert perfect.rates["acc_category"].k == 4
    assert perfect.macro_f1["category"] == pytest.approx(1.0)
    huge = json.dumps({**gold[1], "severity": "huge"})
    broken_outputs = ["nope", huge, *map(json.dumps, gold[2:])]
    broken = evaluation.triage_scores(broken_outputs, gold, schema)
    assert broken.rates["parse_rate"].value == 0.75 and broken.rates["schema_valid"].value == 0.5
    assert broken.per_item["schema_valid"] == [False, False, True, True]
    assert broken.macro_f1["severity"] < 1.0
    low, high = broken.macro_f1_ci95["severity"]
    assert 0 <= low <= high <= 1
    assert broken.column()["schema_valid"].startswith("0.50 [")
    flat = broken.metrics("lora_")
    assert flat["lora_schema_valid_n"] == 4 and "lora_macro_f1_category_ci95" in flat
    assert evaluation.schema_errors("nope", schema) == ["not a JSON object"]
    assert any("huge" in e for e in evaluation.schema_errors(broken_outputs[1], schema))
    with pytest.raises(ValueError, match="one output per target"):
        evaluation.triage_scores(["{}"], gold, schema)


def test_word_f1_and_summary_close():
    gold = "VX-212: breaker trips on compressor start (shows E203, hospital)"
    assert evaluation.word_f1(gold, gold) == 1.0
    assert evaluation.word_f1("VX-212 breaker trips on compressor start", gold) >= 0.6
    assert evaluation.word_f1("the unit is broken", gold) == 0.0
    target = {
        "product": "VX-212", "error_code": "E203", "category": "electrical", "severity": "high",
        "onsite_required": True, "summary": gold,
    }  # fmt: skip
    close = json.dumps({**target, "summary": "VX-212: breaker trips on compressor start"})
    far = json.dumps({**target, "summary": "Customer wrote in about their heat pump."})
    scores = evaluation.triage_scores([close, far], [target, target], {"type": "object"})
    assert scores.per_item["summary_close"] == [True, False]


def test_bits_per_byte_converts_nats_per_token():
    class Chars:  # one token per character: bytes per token is 1 for ASCII
        def __call__(self, text, add_special_tokens=False):
            return {"input_ids": [ord(c) for c in text]}

        def decode(self, ids):
            return "".join(chr(i) for i in ids)

    losses = np.full(3, math.log(2))  # one bit per token
    assert evaluation.bits_per_byte(losses, Chars(), "abcdefgh" * 4, block_size=8) == pytest.approx(
        1.0
    )
    # "é" is two UTF-8 bytes: the same loss per token is half a bit per byte
    assert evaluation.bits_per_byte(losses, Chars(), "é" * 24, block_size=8) == pytest.approx(0.5)


def test_group_difference_sees_a_real_gap_and_not_a_noise_one():
    big = stats.group_difference([True] * 40 + [False] * 10, [True] * 10 + [False] * 40)
    assert big.shown and big.low > 0.4 and abs(big.diff - 0.6) < 1e-9
    assert "unpaired" in str(big) and (big.n_a, big.n_b) == (50, 50)
    small = stats.group_difference([True, False] * 10, [False, True] * 15)
    assert not small.shown and small.low < 0 < small.high
    with pytest.raises(ValueError, match="non-empty"):
        stats.group_difference([], [True])
