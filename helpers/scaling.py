"""Scaling-law arithmetic: tokens per parameter, C = 6ND, Chinchilla loss (01_scaling_laws)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Hoffmann et al. 2022 ("Chinchilla", arXiv:2203.15556): compute-optimal is ~20 tokens/param.
TOKENS_PER_PARAM = 20.0
FLOPS_PER_PARAM_TOKEN = 6.0  # forward 2ND + backward 4ND


@dataclass(frozen=True)
class LossFit:
    """Parametric loss L(N, D) = E + A / N**alpha + B / D**beta."""

    E: float
    A: float
    B: float
    alpha: float
    beta: float


# Approach 3 of Hoffmann et al. 2022, their fitted constants (Section 3.3, Eq. 10).
CHINCHILLA = LossFit(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
# Besiroglu et al. 2024 ("Chinchilla Scaling: A replication attempt", arXiv:2404.10102) refit the
# same data; their constants put the frontier back at ~20 tokens/param, as approaches 1 and 2 did.
CHINCHILLA_REFIT = LossFit(E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)


@dataclass(frozen=True)
class GPU:
    """A GPU's dense peak throughput for training (tensor cores) and an assumed hourly price."""

    name: str
    peak_tflops: float  # dense fp16/bf16 tensor-core peak from the vendor datasheet
    usd_per_hour: float  # an assumed cloud on-demand price; edit to yours


GPUS = {
    "T4": GPU("T4", peak_tflops=65.0, usd_per_hour=0.35),  # fp16 only: no bf16
    "A100": GPU("A100", peak_tflops=312.0, usd_per_hour=1.50),  # bf16
    "H100": GPU("H100", peak_tflops=989.0, usd_per_hour=2.50),  # SXM, bf16
}

# (name, parameters, training tokens, source): published figures, nominal sizes.
NOTABLE_MODELS = [
    ("Chinchilla 70B", 70e9, 1.4e12, "Hoffmann et al. 2022, arXiv:2203.15556"),
    ("LLaMA 65B", 65e9, 1.4e12, "Touvron et al. 2023, arXiv:2302.13971"),
    ("LLaMA 7B", 7e9, 1.0e12, "Touvron et al. 2023, arXiv:2302.13971"),
    ("Llama 2 7B", 7e9, 2.0e12, "Touvron et al. 2023, arXiv:2307.09288"),
    ("TinyLlama 1.1B", 1.1e9, 3.0e12, "Zhang et al. 2024, arXiv:2401.02385"),
    ("Phi-3-mini 3.8B", 3.8e9, 3.3e12, "Abdin et al. 2024, arXiv:2404.14219"),
    ("Gemma 2 9B", 9e9, 8.0e12, "Gemma Team 2024, arXiv:2408.00118"),
    ("Llama 3 8B", 8e9, 15.0e12, "Llama Team 2024, arXiv:2407.21783"),
    ("Qwen2.5 7B", 7.6e9, 18.0e12, "Qwen Team 2024, arXiv:2412.15115"),
    ("SmolLM2 1.7B", 1.7e9, 11.0e12, "Allal et al. 2025, arXiv:2502.02737"),
    ("SmolLM2 135M", 135e6, 2.0e12, "Allal et al. 2025, arXiv:2502.02737"),
]


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}; a model or corpus has positive size")
    return float(value)


def compute_optimal_tokens(n_params: float, tokens_per_param: float = TOKENS_PER_PARAM) -> float:
    """Training tokens a model of n_params needs to be compute-optimal (01_scaling_laws)."""
    return _positive("n_params", n_params) * _positive("tokens_per_param", tokens_per_param)


def compute_optimal_params(n_tokens: float, tokens_per_param: float = TOKENS_PER_PARAM) -> float:
    """Largest model a corpus of n_tokens trains compute-optimally (01_scaling_laws)."""
    return _positive("n_tokens", n_tokens) / _positive("tokens_per_param", tokens_per_param)


def training_flops(n_params: float, n_tokens: float) -> float:
    """Training compute C ~= 6 * N * D in FLOPs (01_scaling_laws)."""
    return FLOPS_PER_PARAM_TOKEN * _positive("n_params", n_params) * _positive("n_tokens", n_tokens)


def gpu_hours(flops: float, gpu: str = "A100", utilization: float = 0.4) -> float:
    """Wall-clock GPU-hours for `flops` at a model-FLOPs utilisation (01_scaling_laws)."""
    if gpu not in GPUS:
        raise ValueError(f"unknown GPU {gpu!r}; choose one of {sorted(GPUS)} or add it to GPUS")
    if not 0 < _positive("utilization", utilization) <= 1:
        raise ValueError(
            f"utilization is a fraction in (0, 1], got {utilization}; 0.3-0.5 is typical"
        )
    seconds = _positive("flops", flops) / (GPUS[gpu].peak_tflops * 1e12 * utilization)
    return seconds / 3600.0


def training_cost(
    n_params: float, n_tokens: float, gpu: str = "A100", utilization: float = 0.4
) -> dict[str, float]:
    """FLOPs, GPU-hours, GPU-years and dollars to train N params on D tokens (01_scaling_laws)."""
    flops = training_flops(n_params, n_tokens)
    hours = gpu_hours(flops, gpu=gpu, utilization=utilization)
    return {
        "flops": flops,
        "gpu_hours": hours,
        "gpu_years": hours / (24 * 365),
        "usd": hours * GPUS[gpu].usd_per_hour,
    }


def chinchilla_loss(
    n_params: np.ndarray | float, n_tokens: np.ndarray | float, fit: LossFit = CHINCHILLA
) -> np.ndarray | float:
    """Predicted pretraining loss L(N, D) = E + A/N^alpha + B/D^beta (01_scaling_laws)."""
    n, d = np.asarray(n_params, dtype=float), np.asarray(n_tokens, dtype=float)
    if np.any(~np.isfinite(n)) or np.any(n <= 0) or np.any(~np.isfinite(d)) or np.any(d <= 0):
        raise ValueError("n_params and n_tokens must be finite and > 0")
    loss = fit.E + fit.A / n**fit.alpha + fit.B / d**fit.beta
    return float(loss) if loss.ndim == 0 else loss


def chinchilla_optimal(flops: float, fit: LossFit = CHINCHILLA) -> tuple[float, float]:
    """(N_opt, D_opt) minimising L(N, D) subject to 6ND = C (01_scaling_laws)."""
    c = _positive("flops", flops) / FLOPS_PER_PARAM_TOKEN
    s = fit.alpha + fit.beta
    g = (fit.alpha * fit.A / (fit.beta * fit.B)) ** (1.0 / s)
    return g * c ** (fit.beta / s), c ** (fit.alpha / s) / g


def tokens_per_word(tokenizer, texts: list[str]) -> float:
    """Tokens the tokenizer makes per whitespace word of `texts` (01_scaling_laws)."""
    words = sum(len(t.split()) for t in texts)
    if words == 0:
        raise ValueError("texts contain no words; pass a non-empty sample of your corpus")
    tokens = sum(len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts)
    return tokens / words


def corpus_verdict(
    words: float,
    tokens_per_word: float,
    base_params: float,
    base_tokens: float,
    tokens_per_param: float = TOKENS_PER_PARAM,
) -> dict[str, float]:
    """What a W-word corpus supports from scratch vs what a base model saw (01_scaling_laws)."""
    tokens = _positive("words", words) * _positive("tokens_per_word", tokens_per_word)
    optimal = compute_optimal_params(tokens, tokens_per_param)
    return {
        "corpus_tokens": tokens,
        "compute_optimal_params": optimal,
        "tokens_needed_for_base_size": compute_optimal_tokens(base_params, tokens_per_param),
        "corpus_share_of_needed": tokens / compute_optimal_tokens(base_params, tokens_per_param),
        "base_pretraining_tokens": _positive("base_tokens", base_tokens),
        "corpus_share_of_base_pretraining": tokens / base_tokens,
    }


def human(x: float) -> str:
    """Format a count with K/M/B/T suffix, e.g. 1.4e12 -> '1.4T' (01_scaling_laws)."""
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(x) >= div:
            return f"{x / div:.3g}{suffix}"
    return f"{x:.3g}"


# Assumptions of the T4 estimate (README): small-batch SFT of a 135M model is overhead-bound. The
# H200 speed check reached 3,220 tokens/s on a 360M LoRA (~7 TFLOP/s in the 6N model); a T4 is
# assumed to reach about half of that, 5 % of its 65 TFLOP/s fp16 peak.
T4_UTILIZATION = 0.05
DECODE_STEP_SECONDS = 0.03  # assumed: one batched greedy decoding step of a 135M model on a T4


def run_minutes_estimate(
    flops: float,
    decode_steps: int,
    gpu: str = "T4",
    utilization: float = T4_UTILIZATION,
    decode_step_seconds: float = DECODE_STEP_SECONDS,
) -> float:
    """Computed, not measured: compute at a utilisation plus decoding steps (01_scaling_laws)."""
    if decode_steps < 0:
        raise ValueError(f"decode_steps must be >= 0, got {decode_steps}")
    compute = gpu_hours(flops, gpu, utilization) * 60 if flops > 0 else 0.0
    return compute + decode_steps * _positive("decode_step_seconds", decode_step_seconds) / 60
