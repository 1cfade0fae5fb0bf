import builtins
import json

import pytest
import torch

from helpers import domain, runtime, sft


def test_conversational_shapes_and_errors():
    rows = sft.conversational([{"prompt": "p", "completion": {"a": 1}}], system="S")
    assert rows[0]["prompt"] == [
        {"role": "system", "content": "S"},
        {"role": "user", "content": "p"},
    ]
    assert json.loads(rows[0]["completion"][0]["content"]) == {"a": 1}
    with pytest.raises(ValueError, match="empty"):
        sft.conversational([])
    with pytest.raises(ValueError, match="row 1 lacks field\\(s\\) completion"):
        sft.conversational([{"prompt": "a", "completion": "b"}, {"prompt": "c"}])


def test_parse_json_never_evaluates():
    assert sft.parse_json('Sure! {"a": 1} trailing') == {"a": 1}
    assert sft.parse_json('```json\n{"a": [1, 2]}\n```') == {"a": [1, 2]}
    assert sft.parse_json("__import__('os').system('echo hi')") is None
    assert sft.parse_json("{'a': 1}") is None  # Python literal, not JSON
    assert sft.parse_json("[1, 2]") is None


def test_triage_metrics():
    schema = domain.load_schema()
    gold = [t["triage"] for t in domain.load_tickets("test")[:4]]
    perfect = sft.triage_metrics([json.dumps(g) for g in gold], gold, schema)
    assert perfect["parse_rate"] == perfect["schema_valid"] == perfect["acc_category"] == 1.0
    assert perfect["macro_f1_category"] == pytest.approx(1.0)
    broken = sft.triage_metrics(
        ["nope", json.dumps({**gold[1], "severity": "huge"}), *map(json.dumps, gold[2:])],
        gold,
        schema,
    )
    assert broken["parse_rate"] == 0.75 and broken["schema_valid"] == 0.5
    assert broken["macro_f1_severity"] < 1.0
    with pytest.raises(ValueError, match="one output per target"):
        sft.triage_metrics(["{}"], gold, schema)


def test_quantized_load_without_bitsandbytes_names_the_fix(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "bitsandbytes":
            raise ImportError("no bitsandbytes here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(RuntimeError, match="quantized=False"):
        sft.quantization_config()


def test_quantized_on_mps_is_refused(monkeypatch):
    monkeypatch.setattr(runtime, "get_device", lambda: torch.device("mps"))
    with pytest.raises(RuntimeError, match="MPS"):
        sft.load_for_training("unused", quantized=True)


def _trainable_dtypes(trainer):
    return {p.dtype for p in trainer.model.parameters() if p.requires_grad}


def test_qlora_adapters_stay_fp32_regression(tiny_checkpoint, tmp_path, monkeypatch):
    """trl casts 4-bit models' adapters to bf16, which crashes fp16 training on a T4 (STACK.md)."""
    path, tokenizer = tiny_checkpoint
    rows = sft.conversational([{"prompt": "ticket", "completion": {"a": 1}}] * 4, system="S")

    def build(name: str):
        model = sft.load_for_training(path, quantized=True)
        return sft.build_trainer(
            model, tokenizer, rows, str(tmp_path / name), steps=1, batch_size=2
        )

    trainer = build("a")
    assert _trainable_dtypes(trainer) == {torch.float32}
    # Without our cast, trl leaves bf16 adapters: proof that this test guards a real hazard.
    monkeypatch.setattr(sft, "keep_adapters_fp32", lambda model: 0)
    raw = build("b")
    assert torch.bfloat16 in _trainable_dtypes(raw)


def test_lora_trains_and_loss_is_on_completion_only(tiny_checkpoint, tmp_path):
    path, tokenizer = tiny_checkpoint
    rows = sft.conversational([{"prompt": "a long customer ticket " * 5, "completion": "ok"}] * 8)
    trainer = sft.build_trainer(
        sft.load_for_training(path), tokenizer, rows, str(tmp_path), steps=2, batch_size=4
    )
    batch = next(iter(trainer.get_train_dataloader()))
    labels = batch["labels"][0]
    assert (labels == -100).sum() > (labels != -100).sum()  # the prompt is masked out
    trainer.train()
    assert trainer.state.global_step == 2
    with pytest.raises(ValueError, match="steps"):
        sft.build_trainer(trainer.model, tokenizer, rows, str(tmp_path), steps=0)
