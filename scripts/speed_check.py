"""Training throughput (tokens/s) of the course's SFT settings: `make speed-check`.

Compares, on the triage SFT data and the course model: SFT with and without packing, LoRA vs
QLoRA, and fp16 vs bf16 where the GPU supports them (fp32 and bf16 on CPU). Small-batch SFT is
overhead-bound (see the README's hardware notes); the table shows which settings close the gap.
Writes results/<profile>/speed_check.json. Runs on CPU too (use --steps 3 for a quick look).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from helpers import RESULTS_DIR, domain, models, runtime, sft  # noqa: E402


def settings(device: torch.device, batches: list[int]) -> list[dict]:
    """Which (dtype, method, packing, batch) combinations this device can run."""
    if device.type == "cuda":
        dtypes = ["fp16"] + (["bf16"] if torch.cuda.is_bf16_supported() else [])
    else:
        dtypes = ["fp32"] + (["bf16"] if device.type == "cpu" else [])
    out = []
    for dtype in dtypes:
        for quantized in (False, True):
            for packing in (False, True):
                for batch in batches:
                    out.append(
                        {"dtype": dtype, "quantized": quantized, "packing": packing, "batch": batch}
                    )
    return out


def measure(setting: dict, rows: list[dict], tokenizer, path: str, steps: int) -> dict:
    """Train `steps` steps after one warm-up step; tokens/s counts non-padding tokens."""
    from transformers import TrainerCallback

    dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[setting["dtype"]]
    device = runtime.get_device()
    # fp16 autocast needs fp32 master weights; bf16 and fp32 can load the base in their own dtype
    # the base in the setting's dtype, as the notebooks load it; adapters stay fp32 (build_trainer)
    model = sft.load_for_training(path, quantized=setting["quantized"], dtype=dtype)
    seen = {"start": 0.0, "tokens0": 0}

    class Clock(TrainerCallback):
        def on_step_begin(self, args, state, control, **kwargs):
            if state.global_step == 1:  # after one warm-up step
                if device.type == "cuda":
                    torch.cuda.synchronize()
                seen["start"], seen["tokens0"] = time.perf_counter(), state.num_input_tokens_seen

    config = {"fp16": setting["dtype"] == "fp16", "bf16": setting["dtype"] == "bf16"}
    config["include_num_input_tokens_seen"] = "non_padding"  # tokens/s counts real tokens only
    if device.type == "cpu" and config["bf16"]:
        config["use_cpu"] = True  # transformers refuses bf16 on CPU without it
    if setting["packing"]:
        config.update(packing=True, max_length=512)
    trainer = sft.build_trainer(
        model, tokenizer, rows, "/tmp/course-speed-check", steps=steps + 1,
        batch_size=setting["batch"], lr=1e-4, callbacks=[Clock()], **config,
    )  # fmt: skip
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    trainer.train()
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - seen["start"]
    peak = torch.cuda.max_memory_allocated() / 2**30 if device.type == "cuda" else None
    tokens = trainer.state.num_input_tokens_seen - seen["tokens0"]
    return {**setting, "s_per_step": seconds / steps, "tokens_per_s": tokens / seconds,
            "peak_gib": peak}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=20, help="timed steps per setting")
    parser.add_argument("--batches", default="4,16", help="per-device batch sizes to compare")
    parser.add_argument("--rows", type=int, default=512, help="training tickets to draw from")
    args = parser.parse_args()
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    runtime.seed_everything(0)
    device = runtime.get_device()
    tokenizer = models.load_tokenizer()
    path = models.local_path(models.LM_ID)
    tickets = domain.load_tickets("train")[: args.rows]
    rows = sft.conversational(
        [{"prompt": t["ticket"], "completion": t["triage"]} for t in tickets], system=None
    )
    batches = [int(b) for b in args.batches.split(",")]
    table = []
    for setting in settings(device, batches):
        try:
            table.append(measure(setting, rows, tokenizer, path, args.steps))
        except Exception as exc:  # noqa: BLE001 - report the setting that fails, go on
            table.append({**setting, "error": f"{type(exc).__name__}: {exc}"[:200]})
        row = table[-1]
        shown = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in row.items()}
        print(json.dumps(shown), flush=True)
    name = torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu"
    out = RESULTS_DIR / runtime.profile() / "speed_check.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"device": name, "steps": args.steps, "rows": table}, indent=2))
    print(f"wrote {out}")
    return 0 if all("error" not in r for r in table) else 1


if __name__ == "__main__":
    raise SystemExit(main())
