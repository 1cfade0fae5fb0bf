"""Reference solutions to exercises that train: they run in the `cpu` profile only.

    COURSE_PROFILE=cpu HF_HUB_OFFLINE=1 .venv/bin/python -m pytest tests/test_exercises_cpu.py

Each solution trains for real and passes its result through the exercise's own check. `make test`
(the `ci` profile) skips them: together they take a few hours on a 2-core CPU (06's two are the
longest). COURSE_SMOKE=1 runs the same code at a few steps and items, to check the mechanics in
minutes. Each prints what it found: `pytest -rA -s` shows it.
"""

from __future__ import annotations

import pytest

from helpers import check, runtime

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(
        runtime.profile() != "cpu",
        reason="trains for tens of minutes: COURSE_PROFILE=cpu pytest tests/test_exercises_cpu.py",
    ),
]
# the notebooks' cpu sizes (04: rows, steps and test tickets; 01: the smaller model's tokens;
# 06: knowledge steps and facts, reader and DAPT steps); under COURSE_SMOKE=1 the code path only
SIZES = (
    {"rows": 8, "steps": 1, "tickets": 4, "tokens_a": 20_000, "new_label": (6, 2),
     "reworded": 4, "knowledge_steps": 1, "inject_facts": 2, "knowledge_dev": 4,
     "reader_steps": 1, "dapt_steps": 1, "questions": 6}
    if runtime.smoke()
    else {"rows": 1000, "steps": 150, "tickets": 260, "tokens_a": 600_000, "new_label": (30, 10),
          "reworded": 20, "knowledge_steps": 150, "inject_facts": 60, "knowledge_dev": 177,
          "reader_steps": 120, "dapt_steps": 40, "questions": 179}
)  # fmt: skip


def _base():
    """A fresh copy of the course model, loaded for training."""
    from helpers import models, sft

    return sft.load_for_training(models.local_path(models.LM_ID))


def _trainer(rows: list[dict], out, steps: int, rank: int = 16, batch: int = 0):
    """A LoRA trainer on the course model, built as the notebooks build theirs."""
    from helpers import artifacts, models, sft

    runtime.seed_everything(artifacts.SEED)
    return sft.build_trainer(
        _base(), models.load_tokenizer(), rows, str(out), steps=steps,
        batch_size=batch or artifacts.SFT_BATCH, lr=artifacts.SFT_LR, rank=rank,
        seed=artifacts.SEED,
    )  # fmt: skip


def _triage_rows(tickets: list[dict], system: str) -> list[dict]:
    from helpers import sft

    pairs = [{"prompt": t["ticket"], "completion": t["triage"]} for t in tickets]
    return sft.conversational(pairs, system=system)


def _replies(model, tickets: list[str], system: str, new_tokens: int = 80) -> list[str]:
    from helpers import models

    tuned = models.LoadedLM(model.eval(), models.load_tokenizer(), "tuned", "tuned")
    return models.generate(tuned, tickets, max_new_tokens=new_tokens, system=system)


def _categories(replies: list[str]) -> list[str | None]:
    """The category each reply's JSON names (None where it does not parse)."""
    from helpers import evaluation

    return [(evaluation.parse_json(r) or {}).get("category") for r in replies]


def _read(name: str, d) -> None:
    """Print a paired difference and pass the reading of its interval through the check."""
    shown = d.low > 0 or d.high < 0
    print(f"{name}: {d}")
    assert check.read_interval(d.low, d.high, you_say_shown=shown) == check.RIGHT
    assert check.read_interval(d.low, d.high, you_say_shown=not shown) != check.RIGHT


@pytest.fixture(scope="module")
def triage_adapter(tmp_path_factory):
    """04's triage LoRA at the cpu sizes (rank 16, all projections), trained once per module."""
    from helpers import domain, sft

    train = domain.load_tickets("train")[: SIZES["rows"]]
    trainer = _trainer(_triage_rows(train, sft.TRIAGE_SYSTEM), tmp_path_factory.mktemp("lora"),
                       SIZES["steps"])  # fmt: skip
    trainable = sum(p.numel() for p in trainer.model.parameters() if p.requires_grad)
    trainer.train()
    return trainer.model, trainable


def test_04_rank_and_modules_solution(monkeypatch, tmp_path, triage_adapter):
    """04 exercise 1: rank 4, and q/v only, against the notebook's rank 16 on all projections."""
    from helpers import domain, evaluation, sft, stats

    schema = domain.load_schema()
    train = domain.load_tickets("train")[: SIZES["rows"]]
    test = domain.load_tickets("test")[: SIZES["tickets"]]
    rows = _triage_rows(train, sft.TRIAGE_SYSTEM)
    valid = {}
    for name, rank, modules in (
        ("rank 16, all", 16, sft.TARGET_MODULES),
        ("rank 4, all", 4, sft.TARGET_MODULES),
        ("rank 16, q/v", 16, ["q_proj", "v_proj"]),
    ):
        if name == "rank 16, all":  # the notebook's own setting, shared with exercise 3
            model, trainable = triage_adapter
        else:
            monkeypatch.setattr(sft, "TARGET_MODULES", list(modules))  # the exercise's edit
            trainer = _trainer(rows, tmp_path / name, SIZES["steps"], rank=rank)
            trainable = sum(p.numel() for p in trainer.model.parameters() if p.requires_grad)
            trainer.train()
            model = trainer.model
        assert check.ex04_trainable(rank=rank, modules=list(modules), trainable=trainable) == (
            check.RIGHT
        )
        replies = _replies(model, [t["ticket"] for t in test], sft.TRIAGE_SYSTEM)
        scores = evaluation.triage_scores(replies, [t["triage"] for t in test], schema)
        valid[name] = scores.per_item["schema_valid"]
        print(f"{name}: {trainable:,} trainable, schema-valid {scores.rates['schema_valid']}")
    for name in ("rank 4, all", "rank 16, q/v"):
        _read(f"{name} - rank 16, all", stats.paired_difference(valid[name], valid["rank 16, all"]))


SPARE_PARTS = (
    "fan motor",
    "display board",
    "air filter",
    "circulation pump",
    "pressure sensor",
    "expansion valve",
    "remote control",
    "condensate hose",
    "front panel",
    "outdoor probe",
)
ORDER_WORDINGS = (
    "please send a replacement {part} for our {product}, we will fit it ourselves",
    "can we order a spare {part} for the {product}? delivery to site please",
    "{product} - quote and ship one {part}, the old one is worn",
    "we would like to buy two {part}s for our {product} to keep in stock",
    "order request: {part} for {product}, our technician installs it next week",
)  # fmt: skip


def _spare_part_tickets(n: int, seed: int) -> list[dict]:
    """Tickets of a new category, spare_parts_order: a part ordered, nothing broken, no visit."""
    import random

    from helpers import domain

    rng = random.Random(seed)
    products = [p["model"] for p in domain.load_facts()["products"]]
    tickets = []
    for _ in range(n):
        part, product = rng.choice(SPARE_PARTS), rng.choice(products)
        text = rng.choice(ORDER_WORDINGS).format(part=part, product=product)
        triage = {
            "category": "spare_parts_order",
            "error_code": None,
            "onsite_required": False,
            "product": product,
            "severity": "low",
            "summary": f"{product}: {part} ordered",
        }
        tickets.append({"ticket": text[0].upper() + text[1:], "triage": triage})  # fmt: skip
    return tickets


def test_04_new_label_solution(tmp_path):
    """04 exercise 2: 30 rows of a new category, then how many of 10 held-out ones get it."""
    import copy

    import jsonschema

    from helpers import domain, sft, stats

    n_train, n_held_out = SIZES["new_label"]
    schema = copy.deepcopy(domain.load_schema())
    assert check.ex04_new_label(schema) != check.RIGHT  # before the edit
    schema["properties"]["category"]["enum"].append("spare_parts_order")
    assert check.ex04_new_label(schema) == check.RIGHT
    new = _spare_part_tickets(n_train, seed=1)
    held_out = [t for t in _spare_part_tickets(4 * n_held_out, seed=2) if t not in new]
    held_out = held_out[:n_held_out]
    assert len(held_out) == n_held_out  # none of them is a training row
    for t in new + held_out:
        jsonschema.validate(t["triage"], schema)
    system = sft.TRIAGE_SYSTEM.replace("warranty_billing)", "warranty_billing, spare_parts_order)")
    assert system != sft.TRIAGE_SYSTEM  # the prompt names the new category too
    train = domain.load_tickets("train")[: SIZES["rows"]] + new
    trainer = _trainer(_triage_rows(train, system), tmp_path / "new-label", SIZES["steps"])
    trainer.train()
    test = domain.load_tickets("test")[: SIZES["tickets"]]
    replies = _replies(trainer.model, [t["ticket"] for t in held_out + test], system)
    got = _categories(replies)
    hits = stats.rate([c == "spare_parts_order" for c in got[:n_held_out]])
    false_alarms = stats.rate([c == "spare_parts_order" for c in got[n_held_out:]])
    print(
        f"{n_train} new-label rows among {len(train)}, {SIZES['steps']} steps: held-out "
        f"spare-part orders labelled so {hits}; other test tickets labelled so {false_alarms}"
    )
    print("answers on the held-out orders:", got[:n_held_out])
    assert hits.n == n_held_out and false_alarms.n == len(test)


REWORDINGS = (  # the rule's words -> the same symptom in words the rule does not know
    ("covered in ice", "caked in a white crust"),
    ("ice building up", "a white crust building up"),
    ("thick frost", "a thick white layer"),
    ("circuit breaker in the board goes off", "trip switch in the board goes"),
    ("breaker trips", "trip switch goes"),
    ("rcd trips", "trip switch goes"),
    ("there is a puddle under", "water is collecting under"),
    ("water is dripping under", "water keeps running out under"),
    ("is the repair covered by the warranty?", "do we have to pay for this repair?"),
    ("i was charged twice for", "we paid twice for"),
    ("is installed and needs commissioning", "is in place and must be set up for first use"),
    ("gets very hot", "runs scorching"),
    ("too hot to touch", "scorching"),
    ("slight hum", "faint drone"),
    ("low humming noise", "low droning noise"),
    ("loud banging and vibration", "loud knocking and shaking"),
    ("rattles and shakes", "clatters and shakes"),
    ("lights flicker", "lamps blink"),
    ("pressure gauge keeps falling and i have to top up", "needle keeps falling and i refill"),
    ("radiators are lukewarm", "the rooms stay cool"),
)  # fmt: skip


def _reworded(tickets: list[dict], n: int) -> list[dict]:
    """Up to n tickets with one symptom phrase rewritten; categories other than the fallback."""
    out = []
    for t in tickets:
        text = t["ticket"]
        for old, new in REWORDINGS:
            if old in text.lower() and t["triage"]["category"] != "controls_software":
                start = text.lower().index(old)
                out.append({**t, "ticket": text[:start] + new + text[start + len(old) :]})
                break
    return out[:n]


def test_04_reworded_tickets_solution(triage_adapter):
    """04 exercise 3: the hand rule and the LoRA adapter on tickets reworded past the rule."""
    from helpers import domain, ladder, sft, stats

    facts = domain.load_facts()
    products = [p["model"] for p in facts["products"]]
    raised = {b["code"]: b["new"] for b in facts["bulletins"] if b["kind"] == "severity"}
    reworded = _reworded(domain.load_tickets("test"), SIZES["reworded"])
    assert len(reworded) == SIZES["reworded"]
    want = [t["triage"]["category"] for t in reworded]

    def rule_right(text_key: str, tickets: list[dict]) -> list[bool]:
        return [
            ladder.hand_rule(t[text_key], products, raised)["category"] == w
            for t, w in zip(tickets, want, strict=True)
        ]

    originals = {t["id"]: t for t in domain.load_tickets("test")}
    before = rule_right("ticket", [originals[t["id"]] for t in reworded])
    rule = rule_right("ticket", reworded)
    model, _ = triage_adapter
    replies = _replies(model, [t["ticket"] for t in reworded], sft.TRIAGE_SYSTEM)
    adapter = [c == w for c, w in zip(_categories(replies), want, strict=True)]
    print(f"hand rule, original wording: {stats.rate(before)}; reworded: {stats.rate(rule)}")
    print(f"LoRA adapter, reworded: {stats.rate(adapter)}")
    _read("adapter - hand rule, category on reworded tickets",
          stats.paired_difference(adapter, rule))  # fmt: skip
    assert sum(rule) < sum(before)  # the new words are past the rule: it falls back or misfires


def test_06_steps_or_paraphrases_solution(tmp_path):
    """06 exercise 5: one phrasing at four times the steps, against four paraphrases."""
    from helpers import artifacts, domain, evaluation, knowledge, models, sft, stats

    qa = domain.load_qa("test")
    pairs = knowledge.load_fact_pairs()
    injected, _ = knowledge.split_facts(qa, SIZES["inject_facts"], artifacts.SEED)
    changed = {q["fact_key"] for q in qa if q["type"] == "superseded"}
    trained = injected | knowledge.old_value_keys(domain.load_facts(), changed)  # as 06 trains
    dev_pairs = domain.load_qa("dev")[: SIZES["knowledge_dev"]]
    asked = [q for q in qa if q["type"] == "single_fact" and q["fact_key"] in injected]
    steps = SIZES["knowledge_steps"]
    right, seen = {}, {}
    for arm, phrasings, arm_steps in (("four paraphrases", 4, steps),
                                      ("one phrasing, 4x steps", 1, 4 * steps)):  # fmt: skip
        rows = knowledge.training_rows(pairs, trained, phrasings, dev_pairs, artifacts.SEED)
        chats = sft.conversational(rows, system=models.DEFAULT_SYSTEM)
        trainer = _trainer(chats, tmp_path / str(phrasings), arm_steps, batch=16)  # 06's batch
        trainer.train()
        seen[arm] = arm_steps * 16 / len(rows)
        answers = _replies(trainer.model, [q["question"] for q in asked], models.DEFAULT_SYSTEM, 24)
        right[arm] = evaluation.qa_correct(answers, asked)
        print(f"{arm}: {arm_steps} steps, {seen[arm]:.1f} epochs, injected facts "
              f"{stats.rate(right[arm])}")  # fmt: skip
    _read(
        "four paraphrases - one phrasing at 4x steps, injected facts",
        stats.paired_difference(right["four paraphrases"], right["one phrasing, 4x steps"]),
    )
    assert seen["one phrasing, 4x steps"] > seen["four paraphrases"]  # each row seen more often


def test_06_dapt_then_sft_solution(tmp_path):
    """06 exercise 2: the reader LoRA trained on the merged DAPT model, against each alone."""
    from helpers import artifacts, domain, evaluation, models, rag, stats

    tok = models.load_tokenizer()
    embedder, _ = models.load_embedder()
    index, _ = artifacts.load_or_build_index(embedder)
    reader_input, _ = artifacts.chosen_reader_input()
    qa = domain.load_qa("test")[: SIZES["questions"]]
    passages = artifacts.reader_passages(index, embedder, qa, reader_input)
    prompts = [rag.rag_prompt(q["question"], p) for q, p in zip(qa, passages, strict=True)]
    answerable = [i for i, q in enumerate(qa) if q["type"] != "unanswerable"]

    def right(model) -> list[bool]:
        ok = evaluation.qa_correct(_replies(model, prompts, rag.SYSTEM, 32), qa)
        return [ok[i] for i in answerable]

    def reader(base):  # 04's reader LoRA, trained as 04 trains it
        runtime.seed_everything(artifacts.SEED)
        trainer = artifacts.reader_trainer(base, tok, index, embedder, SIZES["reader_steps"],
                                           reader_input)  # fmt: skip
        trainer.train()
        return trainer.model

    base = _base()
    context = base.config.max_position_embeddings
    runtime.seed_everything(artifacts.SEED)  # 05's DAPT LoRA, trained as artifacts.dapt_adapter
    blocks = artifacts.dapt_data(artifacts.dapt_blocks(tok, "dapt_train", context),
                                 artifacts.dapt_blocks(tok, "general_train", context), 0.0,
                                 SIZES["dapt_steps"])  # fmt: skip
    dapt = artifacts.dapt_trainer(base, tok, blocks, SIZES["dapt_steps"], rank=artifacts.LORA_RANK)
    dapt.train()
    ok = {"DAPT + RAG": right(dapt.model)}
    merged = dapt.model.merge_and_unload()  # the DAPT weights folded into the base
    ok["DAPT → SFT + RAG"] = right(reader(merged))
    ok["SFT + RAG"] = right(reader(_base()))
    for name, flags in ok.items():
        print(f"{name}: answerable questions {stats.rate(flags)}")
    for other in ("SFT + RAG", "DAPT + RAG"):
        _read(f"DAPT → SFT + RAG - {other}",
              stats.paired_difference(ok["DAPT → SFT + RAG"], ok[other]))  # fmt: skip


def test_01_equal_compute_experiment_solution():
    """01 exercise 5: two byte-level GPT-2s with the same 6ND, 4x parameters on 1/4 the tokens."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from helpers import domain

    block, batch = 128, 16

    def ids(name: str) -> torch.Tensor:  # bytes as tokens: no tokenizer, a 256-entry vocabulary
        return torch.tensor(list(domain.load_text(name).encode("utf-8")), dtype=torch.long)

    train, held_out = ids("general_train"), ids("general_heldout")
    torch.manual_seed(0)
    models = {
        width: GPT2LMHeadModel(
            GPT2Config(
                vocab_size=256,
                n_positions=block,
                n_embd=width,
                n_layer=2,
                n_head=4,
                bos_token_id=0,
                eos_token_id=0,
            )
        )
        for width in (48, 104)  # about 4x the parameters at twice the width
    }
    params = {w: m.num_parameters() for w, m in models.items()}
    tokens = {48: SIZES["tokens_a"]}
    tokens[104] = round(tokens[48] * params[48] / params[104])  # the same C = 6ND
    assert check.ex01_equal_compute(params[48], tokens[48], params[104], tokens[104]) == (
        check.RIGHT
    )
    losses = {}
    for width, model in models.items():
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
        steps = max(1, tokens[width] // (block * batch))
        gen = torch.Generator().manual_seed(0)
        for _ in range(steps):
            starts = torch.randint(0, len(train) - block, (batch,), generator=gen)
            x = torch.stack([train[s : s + block] for s in starts])
            loss = model(input_ids=x, labels=x).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        model.eval()
        with torch.no_grad():
            chunks = held_out[: (len(held_out) // block) * block].view(-1, block)[:64]
            losses[width] = model(input_ids=chunks, labels=chunks).loss.item()
    assert all(0 < loss < 6 for loss in losses.values())  # below log(256) = 5.5 once it learns
    if not runtime.smoke():  # the finding: the model nearer 20 tokens/parameter reaches lower loss
        assert losses[48] < losses[104], losses
