import builtins
import json

import pytest
import torch

from helpers import runtime, sft


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


def test_load_for_training_puts_the_model_on_the_device(tiny_checkpoint, monkeypatch):
    """Regression: the base stayed on the CPU, so 04/06 generated with it on the CPU in fp16."""
    path, _ = tiny_checkpoint
    monkeypatch.setattr(runtime, "get_device", lambda: torch.device("meta"))
    assert sft.load_for_training(path).device.type == "meta"


def _as_on_a_t4(monkeypatch):
    """CPU compute, a T4's dtypes: fp16 weights and fp16 mixed precision, never bf16."""
    monkeypatch.setattr(runtime, "train_dtype", lambda device=None: torch.float16)
    assert runtime.mixed_precision_flags() == {"bf16": False, "fp16": True}


def _course_trainer(kind: str, path: str, tokenizer, out: str):
    """Each trainer the course builds: 04 triage LoRA, QLoRA, reader; 05 DAPT LoRA, full, replay."""
    from helpers import dapt

    if kind in ("triage-lora", "triage-qlora", "reader-lora"):
        prompt = (
            "[1] E301 low water flow. Question: what is E301?" if kind == "reader-lora" else "t"
        )
        rows = sft.conversational([{"prompt": prompt, "completion": "low flow [1]"}] * 4)
        model = sft.load_for_training(path, quantized=kind == "triage-qlora")
        return sft.build_trainer(model, tokenizer, rows, out, steps=1, batch_size=2, max_length=64)
    blocks = dapt.pack_blocks(tokenizer, "chk'd strnr, SH 2K, repl EEV coil.\n\n" * 40, 16)
    general = dapt.pack_blocks(tokenizer, "The weather was mild for the season.\n\n" * 40, 16)
    share = 0.25 if kind == "dapt-replay" else 0.0
    mixed = dapt.mix_replay(blocks, general, share=share, n_blocks=4)
    rank = 4 if kind == "dapt-lora" else None
    model = sft.load_for_training(path)
    return dapt.build_trainer(model, tokenizer, mixed, out, steps=1, batch_size=2, lora_rank=rank)


def _one_scaled_step(trainer) -> None:
    """One optimizer step as the Trainer runs fp16: autocast, scale, unscale to clip, step."""
    model = trainer.model.train()
    batch = next(iter(trainer.get_train_dataloader()))
    batch = {k: v for k, v in batch.items() if k in ("input_ids", "attention_mask", "labels")}
    optimizer = trainer.create_optimizer()
    scaler = torch.amp.GradScaler("cpu")
    with torch.autocast("cpu", dtype=torch.float16):
        loss = model(**batch).loss
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)  # for gradient clipping, as the Trainer does (max_grad_norm=1.0)
    torch.nn.utils.clip_grad_norm_(model.parameters(), trainer.args.max_grad_norm)
    scaler.step(optimizer)
    scaler.update()


COURSE_TRAINERS = (
    "triage-lora",
    "triage-qlora",
    "reader-lora",
    "dapt-lora",
    "dapt-full",
    "dapt-replay",
)


@pytest.mark.parametrize("kind", COURSE_TRAINERS)
def test_every_course_trainer_is_t4_safe(kind, tiny_checkpoint, tmp_path, monkeypatch):
    """With a T4's dtypes, whatever trains is fp32 and one grad-scaled fp16 step runs."""
    path, tokenizer = tiny_checkpoint
    _as_on_a_t4(monkeypatch)
    trainer = _course_trainer(kind, path, tokenizer, str(tmp_path))
    assert trainer.args.fp16 and not trainer.args.bf16
    assert _trainable_dtypes(trainer) == {torch.float32}
    if kind in ("triage-lora", "reader-lora", "dapt-lora"):  # the frozen base stays 16-bit
        assert torch.float16 in {p.dtype for p in trainer.model.parameters()}
    _one_scaled_step(trainer)


def test_full_fine_tuning_in_fp16_fails_without_fp32_master_weights(
    tiny_checkpoint, tmp_path, monkeypatch
):
    """The hazard the test above guards: fp16 trainable weights break the grad scaler."""
    path, tokenizer = tiny_checkpoint
    _as_on_a_t4(monkeypatch)
    monkeypatch.setattr(sft, "keep_adapters_fp32", lambda model: 0)
    trainer = _course_trainer("dapt-full", path, tokenizer, str(tmp_path))
    assert _trainable_dtypes(trainer) == {torch.float16}
    with pytest.raises(ValueError, match="unscale FP16 gradients"):
        _one_scaled_step(trainer)


@pytest.mark.model
def test_lora_parameter_formula_matches_peft_for_a_subset_of_modules():
    from peft import LoraConfig, get_peft_model

    from helpers import memory, models, sft

    base = sft.load_for_training(models.local_path(models.LM_ID))
    config = LoraConfig(r=16, lora_alpha=32, target_modules=["q_proj", "v_proj"])
    model = get_peft_model(base, config)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert trainable == memory.SHAPES["SmolLM2-135M"].lora_params(16, ["q_proj", "v_proj"])
