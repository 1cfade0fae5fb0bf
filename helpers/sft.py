"""Supervised fine-tuning with trl: data, LoRA/QLoRA, T4-safe dtypes (04_qlora_sft)."""

from __future__ import annotations

import json
import warnings
from typing import Any

import torch

from helpers import models, runtime

TRIAGE_SYSTEM = (
    "You triage support tickets for Veldmark Thermal heat pumps and chillers. Reply with one JSON "
    'object and nothing else, with keys: product (a model like "VX-214", or null), error_code '
    '(like "E301", or null), category (one of refrigerant_circuit, electrical, water_hydraulics, '
    "controls_software, noise_vibration, installation, maintenance_request, warranty_billing), "
    "severity (low, medium, high or critical), onsite_required (true or false), summary (one line)."
)
TARGET_MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def conversational(
    rows: list[dict[str, Any]],
    prompt_key: str = "prompt",
    completion_key: str = "completion",
    system: str | None = None,
) -> list[dict]:
    """Rows -> trl prompt/completion messages; loss falls on the completion only (04_qlora_sft)."""
    if not rows:
        raise ValueError("the dataset is empty; SFT needs at least one example")
    out = []
    for i, row in enumerate(rows):
        missing = [k for k in (prompt_key, completion_key) if k not in row]
        if missing:
            raise ValueError(
                f"row {i} lacks field(s) {', '.join(missing)}; each row needs "
                f"{prompt_key!r} and {completion_key!r}"
            )
        completion = row[completion_key]
        if not isinstance(completion, str):
            completion = json.dumps(completion, separators=(", ", ": "))
        prompt = [{"role": "system", "content": system}] if system else []
        prompt.append({"role": "user", "content": row[prompt_key]})
        out.append({"prompt": prompt, "completion": [{"role": "assistant", "content": completion}]})
    return out


def quantization_config(compute_dtype: torch.dtype | None = None) -> Any:
    """4-bit NF4 with double quantization, the QLoRA recipe (04_qlora_sft)."""
    try:
        import bitsandbytes  # noqa: F401
        from transformers import BitsAndBytesConfig
    except ImportError as exc:
        raise RuntimeError(
            "QLoRA needs bitsandbytes, which did not import here. Install bitsandbytes==0.50.2, "
            "or train plain LoRA (quantized=False)."
        ) from exc
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=compute_dtype or runtime.train_dtype(),
    )


def load_for_training(path: str, quantized: bool = False, dtype: torch.dtype | None = None) -> Any:
    """Load the base model on the best device, 16-bit on a GPU or 4-bit (04_qlora_sft)."""
    from transformers import AutoModelForCausalLM

    device = runtime.get_device()
    if quantized and device.type == "mps":
        raise RuntimeError("bitsandbytes 4-bit does not run on Apple MPS; use quantized=False")
    dtype = dtype or runtime.train_dtype(device)  # fp16 on a T4; bf16 on new GPUs/CPUs; else fp32
    kwargs: dict[str, Any] = {"dtype": dtype}
    if quantized:
        kwargs["quantization_config"] = quantization_config(
            None if dtype == torch.float32 else dtype
        )
        kwargs["device_map"] = {"": "cpu" if device.type == "cpu" else 0}
    with models.quiet_weight_loading():
        model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    # the frozen base may be 16-bit; whatever trains becomes fp32 in build_trainer
    return model if quantized else model.to(device)


def keep_adapters_fp32(model: Any) -> int:
    """Cast every trainable weight to fp32, the master weights of fp16 training (04_qlora_sft)."""
    # LoRA adapters (trl casts them to bf16 on a 4-bit base) and, in full fine-tuning, all weights:
    # fp16's grad scaler refuses fp16 gradients; autocast still runs the compute in fp16.
    changed = 0
    for param in model.parameters():
        if param.requires_grad and param.dtype != torch.float32:
            param.data = param.data.float()
            changed += 1
    return changed


def training_config(
    output_dir: str,
    steps: int,
    batch_size: int,
    lr: float,
    max_length: int,
    seed: int,
    **extra: Any,
) -> Any:
    """trl SFTConfig shared by SFT and DAPT: cosine schedule, hardware dtypes (04_qlora_sft)."""
    from trl import SFTConfig

    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    settings: dict[str, Any] = {
        "output_dir": output_dir,
        "max_steps": steps,
        "per_device_train_batch_size": batch_size,
        "learning_rate": lr,
        "lr_scheduler_type": "cosine",
        "warmup_steps": max(1, steps // 10),
        "logging_steps": max(1, steps // 20),
        "save_strategy": "no",
        "report_to": [],
        "seed": seed,
        "max_length": max_length,
        "activation_checkpointing": False,  # trl turns it on by default; 135M does not need it
        "dataloader_pin_memory": runtime.get_device().type == "cuda",  # no pinned memory on CPU
        **runtime.mixed_precision_flags(),  # fp16 on a T4, bf16 on newer GPUs and bf16 CPUs
    }
    settings.update(extra)  # e.g. packing=True, or bf16=True + use_cpu=True for a speed check
    return SFTConfig(**settings)


def lora_config(rank: int) -> Any:
    """LoRA on all seven projections of every layer, alpha = 2r (04_qlora_sft)."""
    from peft import LoraConfig

    return LoraConfig(
        r=rank,
        lora_alpha=2 * rank,
        lora_dropout=0.0,
        target_modules=TARGET_MODULES,
        task_type="CAUSAL_LM",
    )


def build_trainer(
    model: Any,
    tokenizer: Any,
    rows: list[dict] | Any,
    output_dir: str,
    steps: int,
    batch_size: int = 8,
    lr: float = 2e-4,
    rank: int | None = 16,
    max_length: int = 384,
    seed: int = 0,
    callbacks: list | None = None,
    **config: Any,
) -> Any:
    """An SFTTrainer, LoRA on all projections unless rank=None, hardware dtypes (04_qlora_sft).

    `rows` is a list of rows, or a `datasets` dataset: helpers.train streams one from disk.
    """
    import datasets
    from trl import SFTTrainer

    args = training_config(output_dir, steps, batch_size, lr, max_length, seed, **config)
    peft_config = None if rank is None else lora_config(rank)
    bars = not datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()  # trl's four tokenizing passes: bars that teach nothing
    try:
        with warnings.catch_warnings():  # peft asks transformers a deprecated attribute name
            warnings.filterwarnings("ignore", message=".*checkpointing.*", category=FutureWarning)
            trainer = SFTTrainer(
                model=model,
                args=args,
                train_dataset=datasets.Dataset.from_list(rows) if isinstance(rows, list) else rows,
                processing_class=tokenizer,
                peft_config=peft_config,
                callbacks=callbacks,
            )
    finally:
        if bars:
            datasets.enable_progress_bars()
    quiet_progress(trainer)
    keep_adapters_fp32(trainer.model)
    return trainer


def quiet_progress(trainer: Any) -> Any:
    """One progress bar with the latest loss, not a printed dict per log step (04_qlora_sft)."""
    from tqdm.auto import tqdm
    from transformers import trainer_callback
    from transformers.utils.notebook import NotebookProgressCallback

    class LossBar(trainer_callback.TrainerCallback):
        bar: Any = None

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.bar = tqdm(total=state.max_steps, desc="training", leave=False)

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.bar.update(state.global_step - self.bar.n)

        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            if self.bar is not None and logs and "loss" in logs:
                self.bar.set_postfix(loss=f"{float(logs['loss']):.3f}")
                step, total, loss = state.global_step, state.max_steps, float(logs["loss"])
                runtime.report_progress(f"training step {step}/{total}, loss {loss:.3f}")

        def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.bar.close()

    for kind in (
        trainer_callback.ProgressCallback,
        trainer_callback.PrinterCallback,
        NotebookProgressCallback,
    ):
        trainer.remove_callback(kind)
    trainer.add_callback(LossBar())
    return trainer


def load_adapter(base: Any, path: str | Any) -> Any:
    """A saved LoRA adapter on a base model, for inference (04_qlora_sft)."""
    from peft import PeftModel

    with warnings.catch_warnings():  # peft asks transformers a deprecated attribute name
        warnings.filterwarnings("ignore", message=".*checkpointing.*", category=FutureWarning)
        return PeftModel.from_pretrained(base, path).eval()


def reader_targets(questions: list[dict], passages: list[list[dict]]) -> list[dict]:
    """Reader rows: passages + question -> "value [n]" or "not in the docs" (04_qlora_sft)."""
    from helpers import evaluation, rag

    rows = []
    for q, ps in zip(questions, passages, strict=True):
        target = "not in the documentation"
        if q["type"] != "unanswerable":
            for n, p in enumerate(ps, start=1):
                if evaluation.contains_answer(p["text"], q["answer"], q.get("aliases")):
                    target = f"{q['answer']} [{n}]"
                    break
        rows.append({"prompt": rag.rag_prompt(q["question"], ps), "completion": target})
    return rows
