"""One training entry point: one CPU, one GPU, or many under `accelerate launch` (05_dapt).

    python -m helpers.train dapt CONFIG.json              # continued pretraining on text shards
    python -m helpers.train sft CONFIG.json               # prompt/completion JSONL rows
    accelerate launch --multi_gpu --num_processes 8 -m helpers.train dapt CONFIG.json  # DDP

The trainer is `sft.build_trainer`, the one the notebooks use (trl on top of transformers'
Trainer, which runs DDP or FSDP under accelerate). This module adds what a long run needs:
a corpus streamed from disk, checkpoints that resume exactly, and throughput in the log.
The keys of CONFIG.json are the fields of `TrainConfig`; docs/SCALING.md shows them in use.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from helpers import scaling, stream

MODES = ("dapt", "sft")
# dense peak TFLOP/s in 16-bit, the denominator of MFU: helpers.scaling's GPUs, plus three more
# from the vendors' data sheets
PEAK_TFLOPS = {name: gpu.peak_tflops for name, gpu in scaling.GPUS.items()} | {
    "L4": 121.0, "A10G": 125.0, "H200": 989.0,
}  # fmt: skip
log = logging.getLogger("helpers.train")


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """What one run trains, on what, and how it is cut up (05_dapt at scale)."""

    corpus: tuple[str, ...]  # dapt: text shards (blank line between documents); sft: JSONL
    output_dir: str  # checkpoints, the adapter and train_summary.json go here
    steps: int  # optimizer steps
    global_batch: int = 16  # sequences per optimizer step, over all processes
    micro_batch: int = 4  # sequences per forward pass on one process
    block_size: int = 256  # tokens per sequence (dapt packs to exactly this; sft truncates)
    lr: float = 1e-3  # LoRA on a small model; 2e-4 is usual for 1B+, 1e-5 for full fine-tuning
    lora_rank: int | None = 16  # None: full fine-tuning
    model: str | None = None  # a local checkpoint or hub id; None: the course model
    seed: int = 0
    save_steps: int = 0  # 0: one checkpoint at the end only
    log_steps: int = 10
    precision: str = "auto"  # auto: bf16/fp16 where the hardware has it (runtime); or fp32
    gradient_checkpointing: bool = False  # trade ~30 % more compute for a layer's activations
    peak_tflops: float | None = None  # for MFU; None: looked up from the GPU's name
    prompt_key: str = "prompt"  # sft: the fields of a row that hold the prompt and the answer
    completion_key: str = "completion"
    system: str | None = None  # sft: a system prompt put before every prompt
    trace: bool = False  # record a hash of every sequence each process trains on (tests)


def load_config(path: str | Path, **overrides: Any) -> TrainConfig:
    """Read a JSON config; unknown keys are an error that lists the known ones (05_dapt)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"config file {path} not found") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: line {exc.lineno}: {exc.msg}") from None
    raw |= overrides
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"{path}: unknown key(s) {unknown}; known keys: {sorted(known)}")
    if isinstance(raw.get("corpus"), str):
        raw["corpus"] = [raw["corpus"]]
    here = Path(path).parent  # paths in a config are relative to the config file
    raw["corpus"] = tuple(str(here / c) for c in raw.get("corpus", ()))
    raw["output_dir"] = str(here / raw.get("output_dir", "train-run"))
    return TrainConfig(**raw)


def world() -> tuple[int, int]:
    """(this process's rank, number of processes), from the launcher's environment (05_dapt)."""
    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))


def check(cfg: TrainConfig, mode: str, context: int, processes: int) -> int:
    """Refuse a bad run before any work; returns gradient-accumulation steps (05_dapt)."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not one of {MODES}")
    if cfg.steps < 1:
        raise ValueError(f"steps must be >= 1, got {cfg.steps}")
    if cfg.precision not in ("auto", "fp32"):
        raise ValueError(f"precision {cfg.precision!r}: use 'auto' or 'fp32'")
    plan = stream.StreamConfig(
        cfg.corpus, cfg.block_size, cfg.global_batch, cfg.micro_batch, processes, cfg.seed
    )
    return stream.validate(plan, context)


def block_dataset(cfg: TrainConfig, tokenizer: Any) -> Any:
    """The text shards as a stream of packed blocks, read lazily from disk (05_dapt)."""
    import datasets

    # accelerate's dataloader reads an iterable dataset on the main process and sends each
    # process its own slice of every global batch: no block twice, one reproducible order
    plan = stream.StreamConfig(cfg.corpus, cfg.block_size, cfg.global_batch, cfg.micro_batch)

    def encode(text: str) -> list[int]:
        return tokenizer(text, add_special_tokens=False)["input_ids"]

    def blocks() -> Any:  # every epoch repeats the seeded order of stream.shard_order(plan, 0)
        for block in stream.packed_blocks(plan, encode, tokenizer.eos_token_id):
            yield {"input_ids": block}

    features = datasets.Features({"input_ids": datasets.Sequence(datasets.Value("int32"))})
    return datasets.IterableDataset.from_generator(blocks, features=features)


def sft_dataset(cfg: TrainConfig) -> Any:
    """Prompt/completion rows from JSONL files, with the line of any bad row (04_qlora_sft)."""
    import datasets

    from helpers import sft

    rows = []
    for path in cfg.corpus:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not a JSON object ({exc.msg})") from None
    rows = sft.conversational(rows, cfg.prompt_key, cfg.completion_key, system=cfg.system)
    return datasets.Dataset.from_list(rows)


def peak_flops(cfg: TrainConfig) -> float | None:
    """Peak FLOP/s for MFU: the config's, else the GPU's from PEAK_TFLOPS (05_dapt)."""
    import torch

    if cfg.peak_tflops:
        return cfg.peak_tflops * 1e12
    if not torch.cuda.is_available():
        return None  # a CPU has no agreed peak: give peak_tflops to get an MFU
    name = torch.cuda.get_device_name().upper()
    return next((v * 1e12 for k, v in PEAK_TFLOPS.items() if k in name), None)


def throughput_callback(n_params: int, tokens_per_step: int, peak: float | None) -> Any:
    """Adds tokens/s, MFU (6 N tokens/s over peak) and memory to every log (05_dapt)."""
    import torch
    from transformers import TrainerCallback

    from helpers.memory import PeakMemory

    class Throughput(TrainerCallback):
        def on_train_begin(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            self.start, self.first = time.perf_counter(), state.global_step
            self.memory = PeakMemory("cuda" if torch.cuda.is_available() else "cpu").__enter__()

        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            seconds = time.perf_counter() - self.start
            tokens = (state.global_step - self.first) * tokens_per_step
            if logs is None or not seconds or not tokens:
                return
            rates = {"tokens_per_s": round(tokens / seconds, 1)}
            if peak:
                rates["mfu"] = round(6 * n_params * tokens / seconds / peak, 4)
            rates["peak_memory_mib"] = round(self.memory.peak / 2**20)
            state.log_history[-1] |= rates  # the Trainer has just appended this step's entry
            if state.is_world_process_zero:  # shown by the command; a notebook stays quiet
                loss = f"loss {logs['loss']:.4f} " if "loss" in logs else ""
                log.info("step %d/%d %s%s", state.global_step, state.max_steps, loss, rates)

        def on_train_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            self.memory.__exit__(None, None, None)

    return Throughput()


def _trace_hook(model: Any, sink: list[int]) -> Any:
    """Record a hash of every sequence this process trains on (tests/test_train.py)."""

    def hook(module: Any, args: tuple, kwargs: dict) -> None:
        if module.training:
            sink.extend(hash(tuple(row.tolist())) for row in kwargs["input_ids"])

    return model.register_forward_pre_hook(hook, with_kwargs=True)


def run(mode: str, cfg: TrainConfig, resume: bool = False) -> dict[str, Any]:
    """Train as `cfg` says, resuming from its last checkpoint if asked (05_dapt)."""
    import torch
    from transformers import AutoConfig
    from transformers.trainer_utils import get_last_checkpoint

    from helpers import models, runtime, sft

    rank, processes = world()
    out = Path(cfg.output_dir)
    last = get_last_checkpoint(str(out)) if out.is_dir() else None
    if resume and last is None:
        raise FileNotFoundError(f"--resume: no checkpoint-* folder in {out} to resume from")
    if last and not resume:
        raise FileExistsError(
            f"{out} holds {Path(last).name} from an earlier run: pass --resume to continue it, "
            "or choose another output_dir (nothing was overwritten)"
        )
    path = cfg.model or models.local_path(models.LM_ID)
    context = AutoConfig.from_pretrained(path).max_position_embeddings  # no weights read yet
    accumulation = check(cfg, mode, context, processes)
    tokenizer = models.load_tokenizer(cfg.model or models.LM_ID)
    dtype = None if cfg.precision == "auto" else torch.float32
    model = sft.load_for_training(path, dtype=dtype)
    runtime.seed_everything(cfg.seed)
    data = block_dataset(cfg, tokenizer) if mode == "dapt" else sft_dataset(cfg)
    flags = {"bf16": False, "fp16": False} if cfg.precision == "fp32" else {}
    trainer = sft.build_trainer(
        model, tokenizer, data, str(out), cfg.steps, cfg.micro_batch, cfg.lr,
        rank=cfg.lora_rank, max_length=cfg.block_size, seed=cfg.seed,
        gradient_accumulation_steps=accumulation, logging_steps=cfg.log_steps,
        save_strategy="steps", save_steps=cfg.save_steps or cfg.steps,
        activation_checkpointing=cfg.gradient_checkpointing, **flags,
    )  # fmt: skip
    n_params = sum(p.numel() for p in trainer.model.parameters())
    # dapt blocks are always full; for sft (rows shorter than block_size) an upper bound
    tokens_per_step = cfg.global_batch * cfg.block_size
    peak = peak_flops(cfg)  # one device's; the run's is that times the processes
    trainer.add_callback(throughput_callback(n_params, tokens_per_step, peak and peak * processes))
    seen: list[int] = []
    hook = _trace_hook(trainer.model, seen) if cfg.trace else None
    start = time.perf_counter()
    with runtime.oom_advice():
        trainer.train(resume_from_checkpoint=last if resume else None)
    seconds = time.perf_counter() - start
    if hook:
        hook.remove()
        (out / f"trace-rank{rank}.json").write_text(json.dumps(seen))
    trainer.save_model(str(out / "final"))
    losses = {r["step"]: r["loss"] for r in trainer.state.log_history if "loss" in r}
    throughput = [r for r in trainer.state.log_history if "tokens_per_s" in r]
    summary = {
        "mode": mode, "processes": processes, "steps": trainer.state.global_step,
        "resumed_from": Path(last).name if resume else None, "seconds": round(seconds, 2),
        "gradient_accumulation": accumulation, "parameters": n_params, "losses": losses,
        **({k: throughput[-1][k] for k in ("tokens_per_s", "mfu", "peak_memory_mib")
            if k in throughput[-1]} if throughput else {}),
    }  # fmt: skip
    if rank == 0:
        (out / "train_summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def main(argv: list[str] | None = None) -> int:
    """`python -m helpers.train dapt|sft CONFIG.json [--resume]` (05_dapt)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m helpers.train", description=__doc__)
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("config", help="a JSON file with TrainConfig's keys")
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        summary = run(args.mode, load_config(args.config), resume=args.resume)
    except (ValueError, FileNotFoundError, FileExistsError) as exc:
        log.error("error: %s", exc)
        return 2
    if world()[0] == 0:
        log.info(json.dumps({k: v for k, v in summary.items() if k != "losses"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
