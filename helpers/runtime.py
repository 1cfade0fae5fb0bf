"""Device, dtype, profile, seeds and the environment banner (taught in 00_start_here)."""

from __future__ import annotations

import os
import platform
import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import torch

from helpers.memory import T4_GIB

PROFILES = ("ci", "cpu", "gpu")
PROFILE_ENV = "COURSE_PROFILE"
EMULATE_T4_ENV = "COURSE_EMULATE_T4"  # "1": behave like a Colab T4 on a bigger GPU (make gpu-check)
SMOKE_ENV = "COURSE_SMOKE"  # "1": any profile's choices, 1-2 training steps, a handful of items
PROGRESS_ENV = "COURSE_PROGRESS_FILE"  # set by `make course`: long steps append a line there
SMOKE_NEW_TOKENS = 8  # under COURSE_SMOKE=1 every reply stops here: the code path, not the text
SMOKE_NOTE = (
    "SMOKE RUN ({env}=1): the {profile} profile's code paths with 1-2 training steps, a "
    "handful of evaluation items and replies cut to " + str(SMOKE_NEW_TOKENS) + " tokens. No "
    "quality is checked and no number below means anything."
)
OOM_ADVICE = (
    "Out of GPU memory. In order: turn on gradient checkpointing (gradient_checkpointing=True "
    "in the trainer's config: activations of one layer at a time, ~30 % slower); halve BATCH "
    "(and double gradient accumulation to keep the effective batch); shorten max_length; "
    "switch LoRA to QLoRA "
    "(quantized=True, a 4-bit base); restart the kernel to free what earlier cells hold "
    "(torch.cuda.empty_cache() rarely suffices); or use COURSE_PROFILE=ci."
)


def emulating_t4() -> bool:
    """True when COURSE_EMULATE_T4=1: fp16 only and a 15 GiB cap (00_start_here)."""
    return os.environ.get(EMULATE_T4_ENV, "").strip() == "1"


def emulate_t4() -> float:
    """Cap this process at 15 GiB of the GPU, as on a T4; returns the fraction (00_start_here)."""
    if not torch.cuda.is_available():
        raise RuntimeError(
            f"{EMULATE_T4_ENV}=1 needs a CUDA GPU to emulate a T4 on; unset it on this machine"
        )
    total = torch.cuda.get_device_properties(0).total_memory / 2**30
    fraction = min(1.0, T4_GIB / total)
    torch.cuda.set_per_process_memory_fraction(fraction, 0)
    return fraction


@contextmanager
def oom_advice() -> Iterator[None]:
    """Re-raise a GPU out-of-memory error with what to change, in order (04_qlora_sft)."""
    try:
        yield
    except torch.OutOfMemoryError as exc:
        raise torch.OutOfMemoryError(f"{OOM_ADVICE}\n(original error: {exc})") from exc


def report_progress(line: str) -> None:
    """Append a progress line to $COURSE_PROGRESS_FILE, which `make course` shows (04_qlora_sft)."""
    path = os.environ.get(PROGRESS_ENV, "").strip()
    if path:  # a file, not stdout: the notebook's own output stays clean
        with open(path, "a", encoding="utf-8") as f:
            f.write(line.replace("\n", " ") + "\n")


def get_device() -> torch.device:
    """Pick cuda, then mps, then cpu (00_start_here)."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def cpu_bf16() -> bool:
    """True when this CPU has bf16 matrix instructions (AVX512-BF16 or AMX) (00_start_here)."""
    # torch's own probes (private, hence getattr); without them bf16 on CPU is emulated and slow
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


def train_dtype(device: torch.device | None = None) -> torch.dtype:
    """bf16 where the hardware has it, fp16 on a T4, else fp32 (00_start_here)."""
    device = device or get_device()
    if device.type == "cuda":
        bf16 = torch.cuda.is_bf16_supported() and not emulating_t4()
        return torch.bfloat16 if bf16 else torch.float16
    if device.type == "cpu" and cpu_bf16():
        return torch.bfloat16  # measured by `make speed-check`: ~1.5x the fp32 step rate
    return torch.float32


def inference_dtype(device: torch.device | None = None) -> torch.dtype:
    """Dtype for generation: bf16 on CPU (faster, same quality), fp16 on a T4 (03_rag)."""
    device = device or get_device()
    if device.type == "cuda":
        bf16 = torch.cuda.is_bf16_supported() and not emulating_t4()
        return torch.bfloat16 if bf16 else torch.float16
    return torch.float16 if device.type == "mps" else torch.bfloat16


def mixed_precision_flags(device: torch.device | None = None) -> dict[str, bool]:
    """Trainer flags that match `train_dtype`; use_cpu too for bf16 on a CPU (04_qlora_sft)."""
    device = device or get_device()
    dtype = train_dtype(device)
    flags = {"bf16": dtype == torch.bfloat16, "fp16": dtype == torch.float16}
    if device.type == "cpu" and flags["bf16"]:
        flags["use_cpu"] = True  # transformers refuses bf16 without a GPU unless told it is on CPU
    return flags


def profile() -> str:
    """The run size from COURSE_PROFILE; default gpu with CUDA, else cpu (00_start_here)."""
    value = os.environ.get(PROFILE_ENV, "").strip().lower()
    if not value:
        return "gpu" if torch.cuda.is_available() else "cpu"
    if value not in PROFILES:
        raise ValueError(
            f"{PROFILE_ENV}={value!r} is not a profile. Use one of {', '.join(PROFILES)}, "
            f"e.g. `export {PROFILE_ENV}=ci`."
        )
    return value


def smoke() -> bool:
    """True when COURSE_SMOKE=1: exercise a profile's code paths in minutes (00_start_here)."""
    return os.environ.get(SMOKE_ENV, "").strip() == "1"


def pick_config(profiles: dict[str, dict], smoke_values: dict[str, Any]) -> dict[str, Any]:
    """This profile's config values, cut to `smoke_values` under COURSE_SMOKE=1 (every notebook)."""
    keys = {name: set(values) for name, values in profiles.items()}
    missing = sorted(set(PROFILES) - set(profiles))
    if missing:
        raise ValueError(f"PROFILES lacks {', '.join(missing)}; give every profile its values")
    union = set().union(*keys.values())
    for name, have in keys.items():
        if have != union:
            raise ValueError(
                f"profile {name!r} lacks {sorted(union - have)}: every profile needs the same keys"
            )
    unknown = sorted(set(smoke_values) - union)
    if unknown:
        raise ValueError(f"smoke values {unknown} are not config keys; use one of {sorted(union)}")
    cfg = dict(profiles[profile()])
    if smoke():
        cfg.update(smoke_values)
    return cfg


def describe(cfg: dict[str, Any]) -> str:
    """One line naming the profile, a smoke run if it is one, and the values (every notebook)."""
    head = f"profile {profile()}"
    if smoke():
        head += ". " + SMOKE_NOTE.format(env=SMOKE_ENV, profile=profile())
    return f"{head}\n{cfg}"


def expect(condition: bool, claim: str) -> str:
    """Assert a claimed effect; a smoke run only says it is unchecked (every notebook)."""
    if smoke():
        return f"smoke run, not checked: {claim}"
    if not condition:
        raise AssertionError(f"not shown on this run: {claim}")
    return f"checked: {claim}"


def seed_everything(seed: int) -> int:
    """Seed python, numpy and torch (CPU and CUDA) so a run repeats (00_start_here)."""
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    return seed


def is_colab() -> bool:
    """True inside Google Colab (00_start_here)."""
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def banner() -> str:
    """A multi-line summary of versions, device, dtype and profile (00_start_here)."""
    device = get_device()
    lines = [
        f"python                {platform.python_version()} ({platform.machine()})",
    ]
    for package in (
        "torch",
        "transformers",
        "peft",
        "trl",
        "bitsandbytes",
        "datasets",
        "sentence-transformers",
        "faiss-cpu",
    ):
        lines.append(f"{package:<22} {_version(package)}")
    gpu = torch.cuda.get_device_name(0) if device.type == "cuda" else "none"
    lines += [
        f"device                {device.type} (GPU: {gpu})",
        f"train dtype           {str(train_dtype(device)).replace('torch.', '')}",
        f"profile               {profile()} (set {PROFILE_ENV}=ci|cpu|gpu to change)",
        f"colab                 {is_colab()}",
        f"smoke run             {smoke()} ({SMOKE_ENV}=1: 1-2 steps, a handful of items)",
        f"T4 emulation          {emulating_t4()} ({EMULATE_T4_ENV}=1: fp16 only, 15 GiB cap)",
        f"cpu threads           {torch.get_num_threads()}",
    ]
    return "\n".join(lines)


def notebook_config(notebook: Path, profile_name: str) -> dict[str, Any]:
    """A course notebook's `cfg` in a profile, from its own config cell (00_start_here)."""
    import ast
    import contextlib
    import io
    import json

    cells = json.loads(Path(notebook).read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    at = next(i for i, text in enumerate(code) if "PROFILES = {" in text)
    imports = [  # the notebook's imports above its config cell, then the cell itself
        ast.get_source_segment(text, node)
        for text in code[:at]
        for node in ast.parse(text).body
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    source = "\n".join([*imports, code[at]])
    saved = dict(os.environ)
    os.environ.update(COURSE_PROFILE=profile_name, COURSE_SMOKE="0")
    try:
        namespace: dict[str, Any] = {"runtime": sys.modules[__name__]}  # 00 imports it earlier
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, str(notebook), "exec"), namespace)  # noqa: S102 - our own notebook
        return namespace["cfg"]
    finally:
        os.environ.clear()
        os.environ.update(saved)
