"""Reference solutions to exercises that train: they run in the `cpu` profile only.

    COURSE_PROFILE=cpu HF_HUB_OFFLINE=1 .venv/bin/python -m pytest tests/test_exercises_cpu.py

Each solution trains for real and passes its result through the exercise's own check. `make test`
(the `ci` profile) skips them: together they take about an hour on a 2-core CPU. COURSE_SMOKE=1
runs the same code at a few steps and items, to check the mechanics in a minute.
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
# the notebooks' cpu sizes (04: rows, steps and test tickets; 01: the smaller model's tokens);
# under COURSE_SMOKE=1 the code path only
SIZES = (
    {"rows": 8, "steps": 1, "tickets": 4, "tokens_a": 20_000}
    if runtime.smoke()
    else {"rows": 1000, "steps": 150, "tickets": 260, "tokens_a": 600_000}
)


def test_04_rank_and_modules_solution(monkeypatch, tmp_path):
    """04 exercise 1: rank 4, and q/v only, against the notebook's rank 16 on all projections."""
    from helpers import artifacts, domain, evaluation, models, sft, stats

    tok, schema = models.load_tokenizer(), domain.load_schema()
    train = domain.load_tickets("train")[: SIZES["rows"]]
    test = domain.load_tickets("test")[: SIZES["tickets"]]
    rows = sft.conversational(
        [{"prompt": t["ticket"], "completion": t["triage"]} for t in train],
        system=sft.TRIAGE_SYSTEM,
    )
    valid = {}
    for name, rank, modules in (
        ("rank 16, all", 16, sft.TARGET_MODULES),
        ("rank 4, all", 4, sft.TARGET_MODULES),
        ("rank 16, q/v", 16, ["q_proj", "v_proj"]),
    ):
        monkeypatch.setattr(sft, "TARGET_MODULES", list(modules))  # the exercise's edit
        runtime.seed_everything(artifacts.SEED)
        base = sft.load_for_training(models.local_path(models.LM_ID))
        trainer = sft.build_trainer(
            base, tok, rows, str(tmp_path / name), steps=SIZES["steps"],
            batch_size=artifacts.SFT_BATCH, lr=artifacts.SFT_LR, rank=rank, seed=artifacts.SEED,
        )  # fmt: skip
        trainable = sum(p.numel() for p in trainer.model.parameters() if p.requires_grad)
        assert check.ex04_trainable(rank=rank, modules=list(modules), trainable=trainable) == (
            check.RIGHT
        )
        trainer.train()
        tuned = models.LoadedLM(trainer.model.eval(), tok, name, name)
        replies = models.generate(
            tuned, [t["ticket"] for t in test], max_new_tokens=80, system=sft.TRIAGE_SYSTEM
        )
        scores = evaluation.triage_scores(replies, [t["triage"] for t in test], schema)
        valid[name] = scores.per_item["schema_valid"]
        print(f"{name}: {trainable:,} trainable, schema-valid {scores.rates['schema_valid']}")
    for name in ("rank 4, all", "rank 16, q/v"):
        d = stats.paired_difference(valid[name], valid["rank 16, all"])
        shown = d.low > 0 or d.high < 0
        print(f"{name} - rank 16, all: {d}")
        assert check.read_interval(d.low, d.high, you_say_shown=shown) == check.RIGHT
        assert check.read_interval(d.low, d.high, you_say_shown=not shown) != check.RIGHT


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
