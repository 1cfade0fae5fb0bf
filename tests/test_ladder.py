"""The rungs below SFT: the hand rule, the embedding classifier and schema-constrained decoding."""

import json

import jsonschema
import numpy as np
import pytest

from helpers import domain, evaluation, ladder, models

PRODUCTS = ["VX-212", "GX-308", "CR-50"]


def test_extract_reads_the_spellings_tickets_use():
    assert ladder.extract("our vx 212 shows e-101", PRODUCTS) == ("VX-212", "E101")
    assert ladder.extract("Veldmark GX308, error E4071", PRODUCTS) == ("GX-308", None)
    assert ladder.extract("the TQ-999 stopped", PRODUCTS) == (None, None)  # not a product we make


@pytest.mark.parametrize(
    ("ticket", "category", "severity"),
    [
        ("VX-212 - the breaker trips every time the compressor starts.", "electrical", "high"),
        ("the breaker trips. It is at our hospital. Same fault again.", "electrical", "critical"),
        (
            "there is a slight hum from the unit at night. It is at our office.",
            "noise_vibration",
            "low",
        ),
        ("a slight hum. There is a burning smell from the panel.", "noise_vibration", "critical"),
        ("Dear service team, is the repair covered by the warranty?", "warranty_billing", "low"),
        ("the pressure gauge keeps falling (E307)", "water_hydraulics", "critical"),  # bulletin
    ],
)
def test_hand_rule_follows_the_documented_rules(ticket, category, severity):
    out = ladder.hand_rule(ticket, PRODUCTS, {"E307": "critical"})
    assert (out["category"], out["severity"]) == (category, severity)
    assert out["onsite_required"] == (severity in ("high", "critical"))
    jsonschema.validate(out, domain.load_schema())  # valid by construction


def test_hand_rule_is_not_fooled_by_words_inside_words():
    out = ladder.hand_rule("Dear service team, the timer settings keep resetting", PRODUCTS, {})
    assert out["category"] == "controls_software"  # "ice" in "service" is not ice on the coil


def test_embedding_classifier_learns_separable_labels():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(2, 8))
    x = np.vstack([centres[i] + 0.1 * rng.normal(size=(20, 8)) for i in (0, 1)])
    targets = [
        {"category": c, "severity": s, "onsite_required": o}
        for c, s, o in [("electrical", "high", True)] * 20 + [("installation", "low", False)] * 20
    ]
    classifiers = ladder.fit_classifiers(x, targets)
    out = ladder.classify(["VX-212 E101"] * 40, x, classifiers, PRODUCTS)
    assert [o["category"] for o in out] == [t["category"] for t in targets]
    assert out[0]["product"] == "VX-212" and out[0]["error_code"] == "E101"
    assert isinstance(out[0]["onsite_required"], bool)  # JSON's true, not numpy's
    json.dumps(out)
    assert ladder.trainable_parameters(classifiers) == 3 * (8 + 1)  # binary: one row each


def test_constrained_decoding_gives_schema_valid_json(tiny_checkpoint):
    from transformers import AutoModelForCausalLM

    path, tokenizer = tiny_checkpoint
    model = AutoModelForCausalLM.from_pretrained(path)  # random weights: free decoding is noise
    lm = models.LoadedLM(model, tokenizer, "tiny", "tiny")
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["category", "urgent"],
        "properties": {
            "category": {"enum": ["electrical", "installation"]},
            "urgent": {"type": "boolean"},
        },
    }
    free = models.generate(lm, ["a ticket", "another ticket"], max_new_tokens=40, system=None)
    forced = models.generate(
        lm, ["a ticket", "another ticket"], max_new_tokens=80, system=None, schema=schema
    )
    assert not all(evaluation.parse_json(f) for f in free)
    for reply in forced:
        jsonschema.validate(json.loads(reply), schema)


def test_the_schema_mask_equals_transformers_prefix_constrained_processor():
    import torch
    from transformers.generation.logits_process import PrefixConstrainedLogitsProcessor

    from helpers.constrained import AllowedTokens

    gen = torch.Generator().manual_seed(0)
    scores = torch.randn(3, 50, generator=gen)
    scores[2, :10] = -float("inf")  # row 2: the model rules out every token the schema allows
    allowed = {0: list(range(0, 50, 3)), 1: [7], 2: list(range(10))}

    def fn(row, sent):
        return allowed[row]

    ids = torch.zeros(3, 4, dtype=torch.long)
    ours = AllowedTokens(fn)(ids, scores.clone())
    theirs = PrefixConstrainedLogitsProcessor(fn, num_beams=1)(ids, scores.clone())
    assert torch.equal(ours, theirs)
    assert ours[1].argmax() == 7 and torch.equal(ours[2, :10], torch.zeros(10))
    with pytest.raises(ValueError, match="allows no next token for row 0"):
        AllowedTokens(lambda row, sent: [])(ids, scores)


def test_cheapest_takes_the_first_rung_not_shown_worse():
    ok, bad = [True] * 40, [True] * 20 + [False] * 20
    near = [True] * 38 + [False] * 2  # 2 of 40 worse: the paired interval reaches 0
    per_item = {
        "rule": {"schema_valid": ok, "acc_category": bad, "acc_severity": ok, "summary_close": bad},
        "sft": {"schema_valid": near, "acc_category": ok, "acc_severity": ok, "summary_close": ok},
    }
    picked = ladder.cheapest(per_item)
    assert picked["format"]["rung"] == "rule"  # best, and cheapest
    assert picked["labels"]["rung"] == "sft"  # the rule's category is shown worse
    assert picked["summary"]["rung"] == "sft"
    per_item["rule"]["acc_category"] = near
    assert ladder.cheapest(per_item)["labels"]["rung"] == "rule"
