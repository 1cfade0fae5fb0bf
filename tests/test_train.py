"""helpers.train: the same run on 1 and 2 processes (gloo, CPU), exact resume, clear refusals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from helpers import REPO_ROOT, train

STEPS, GLOBAL_BATCH, BLOCK = 6, 8, 32
TOLERANCE = 1e-4  # relative: 2 processes average gradients in another order than accumulation


@pytest.fixture(scope="module")
def setup(tiny_checkpoint, tmp_path_factory):
    """A tiny model with its tokenizer in one folder, 3 text shards and a config for them."""
    path, tokenizer = tiny_checkpoint
    root = tmp_path_factory.mktemp("train")
    model = root / "model"
    shutil.copytree(path, model)
    tokenizer.save_pretrained(model)
    for s in range(3):  # every document distinct, so no two blocks are equal by chance
        docs = [f"Unit {s}-{d}: strainer {d * 7 % 13} checked, coil {d % 5} replaced, code E{d}."
                for d in range(40)]  # fmt: skip
        (root / f"shard{s}.txt").write_text("\n\n".join(docs))
    config = {
        "corpus": [f"shard{s}.txt" for s in range(3)], "model": str(model), "steps": STEPS,
        "global_batch": GLOBAL_BATCH, "micro_batch": 4, "block_size": BLOCK, "lr": 1e-3,
        "lora_rank": 4, "save_steps": 3, "log_steps": 1, "precision": "fp32", "trace": True,
    }  # fmt: skip
    return root, config


def _config(root, config: dict, name: str, **changes) -> str:
    path = root / f"{name}.json"
    path.write_text(json.dumps(config | {"output_dir": name} | changes))
    return str(path)


@pytest.fixture(scope="module")
def one_process(setup):
    root, config = setup
    return train.run("dapt", train.load_config(_config(root, config, "one"))), root / "one"


def _trace(folder, rank: int) -> list[int]:
    return json.loads((folder / f"trace-rank{rank}.json").read_text())


def test_two_processes_match_one_and_share_the_blocks(setup, one_process):
    root, config = setup
    single, single_dir = one_process
    env = os.environ | {"PYTHONPATH": str(REPO_ROOT), "OMP_NUM_THREADS": "1"}
    # torchrun, which `accelerate launch --multi_gpu` wraps on GPUs; on CPU it uses gloo
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
               "-m", "helpers.train", "dapt", _config(root, config, "two")]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    two = json.loads((root / "two" / "train_summary.json").read_text())
    assert (single["processes"], two["processes"]) == (1, 2)
    assert (single["gradient_accumulation"], two["gradient_accumulation"]) == (2, 1)
    losses = {int(step): loss for step, loss in two["losses"].items()}
    assert single["losses"].keys() == losses.keys() == set(range(1, STEPS + 1))
    for step, loss in single["losses"].items():
        assert abs(loss - losses[step]) <= TOLERANCE * loss, (
            f"step {step}: {loss} vs {losses[step]}"
        )
    ranks = [_trace(root / "two", r) for r in (0, 1)]
    seen = _trace(single_dir, 0)
    assert len(seen) == len(set(seen)) == STEPS * GLOBAL_BATCH  # one epoch, no block twice
    assert not set(ranks[0]) & set(ranks[1])  # the processes share no block
    assert sorted(ranks[0] + ranks[1]) == sorted(seen)  # and together see exactly those blocks
    assert two["tokens_per_s"] > 0 and two["peak_memory_mib"] > 0


def test_resume_from_a_checkpoint_gives_the_same_losses(setup, one_process):
    root, config = setup
    single, single_dir = one_process
    assert (single_dir / "checkpoint-3").is_dir() and (single_dir / "checkpoint-6").is_dir()
    again = root / "resumed"
    shutil.copytree(single_dir / "checkpoint-3", again / "checkpoint-3")  # stopped at step 3
    path = _config(root, config, "resumed")
    with pytest.raises(FileExistsError, match="pass --resume"):  # never trains over a run
        train.run("dapt", train.load_config(path))
    resumed = train.run("dapt", train.load_config(path), resume=True)
    assert resumed["resumed_from"] == "checkpoint-3"
    after = {s: loss for s, loss in single["losses"].items() if s > 3}
    assert resumed["losses"].keys() >= after.keys()
    for step, loss in after.items():
        assert resumed["losses"][step] == pytest.approx(loss, rel=1e-6), f"step {step}"
    assert _trace(again, 0) == _trace(single_dir, 0)[3 * GLOBAL_BATCH :]  # the data position too


def test_bad_configs_fail_before_training_with_the_fix(setup, tmp_path, caplog):
    root, config = setup
    cfg = train.load_config(_config(root, config, "bad"))
    with pytest.raises(ValueError, match="not divisible by micro_batch x processes = 12"):
        train.check(cfg, "dapt", context=256, processes=3)
    with pytest.raises(ValueError, match="exceeds the model's context of 256"):
        train.run("dapt", train.load_config(_config(root, config, "bad", block_size=512)))
    with pytest.raises(FileNotFoundError, match="gone.txt"):
        train.run("dapt", train.load_config(_config(root, config, "bad", corpus=["gone.txt"])))
    with pytest.raises(ValueError, match="unknown key.*'stpes'"):
        train.load_config(_config(root, config, "bad", stpes=3))
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        train.run("dapt", train.load_config(_config(root, config, "fresh")), resume=True)
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"prompt": "a", "completion": "b"}\n{"prompt": "a",\n')
    with pytest.raises(ValueError, match="rows.jsonl:2: not a JSON object"):
        train.run("sft", train.load_config(_config(tmp_path, config, "sft", corpus=["rows.jsonl"])))
    broken = tmp_path / "broken.json"
    broken.write_text('{"steps": 3,}')
    assert train.main(["dapt", str(broken)]) == 2  # the command says what is wrong, no traceback
    assert "not valid JSON: line 1" in caplog.text


@pytest.mark.parametrize("name", ["dapt", "sft"])
def test_example_configs_are_valid(name):
    cfg = train.load_config(REPO_ROOT / "configs" / f"{name}.json")
    assert all(os.path.isfile(path) for path in cfg.corpus)
    assert train.check(cfg, name, context=8192, processes=1) >= 1  # SmolLM2's context
    assert cfg.output_dir.startswith(str(REPO_ROOT / "configs" / ".." / "results"))  # git-ignored


def test_accelerate_configs_name_8_processes_and_their_sharding():
    import yaml

    ddp, fsdp = (
        yaml.safe_load((REPO_ROOT / "docs" / "accelerate" / f"{n}_8gpu.yaml").read_text())
        for n in ("ddp", "fsdp")
    )
    assert ddp["distributed_type"] == "MULTI_GPU" and fsdp["distributed_type"] == "FSDP"
    assert ddp["num_processes"] == fsdp["num_processes"] == 8
    assert fsdp["fsdp_config"]["fsdp_reshard_after_forward"] is True  # FULL_SHARD, as SCALING.md
    assert fsdp["fsdp_config"]["fsdp_auto_wrap_policy"] == "TRANSFORMER_BASED_WRAP"


def test_sft_mode_trains_on_prompt_completion_rows(setup, tmp_path):
    root, config = setup
    rows = [
        {"ticket": f"Unit {i} shows E{i}.", "triage": {"error_code": f"E{i}"}} for i in range(16)
    ]
    (tmp_path / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    changes = {
        "corpus": ["rows.jsonl"],
        "prompt_key": "ticket",
        "completion_key": "triage",
        "system": "Reply with JSON.",
        "steps": 2,
        "save_steps": 0,
        "trace": False,
    }
    summary = train.run("sft", train.load_config(_config(tmp_path, config, "sft-run", **changes)))
    assert summary["steps"] == 2 and summary["losses"][2] > 0
    assert (tmp_path / "sft-run" / "final" / "adapter_config.json").is_file()
