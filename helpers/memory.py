"""Training-memory arithmetic from first principles: full FT, LoRA, QLoRA (04_qlora_sft)."""

from __future__ import annotations

from dataclasses import dataclass

GIB = 2**30
T4_GIB = 15.0  # a free Colab T4 shows ~15 GiB usable


@dataclass(frozen=True)
class Shape:
    """The dimensions that decide a decoder's parameter count and activation memory."""

    hidden: int
    intermediate: int
    layers: int
    heads: int
    kv_heads: int
    vocab: int
    tied: bool = True

    @property
    def linear_params(self) -> int:
        """Parameters in attention + MLP projections: the part QLoRA quantizes."""
        head = self.hidden // self.heads
        attn = self.hidden * (self.hidden + 2 * self.kv_heads * head) + self.hidden * self.hidden
        mlp = 3 * self.hidden * self.intermediate  # gate, up, down
        return self.layers * (attn + mlp)

    @property
    def other_params(self) -> int:
        """Embeddings, output head and norms: kept in 16-bit even under QLoRA."""
        heads = 1 if self.tied else 2
        return heads * self.vocab * self.hidden + (2 * self.layers + 1) * self.hidden

    @property
    def params(self) -> int:
        return self.linear_params + self.other_params

    def lora_params(self, rank: int, modules: tuple[str, ...] | list[str] | None = None) -> int:
        """Adapter parameters r * (d_in + d_out) per adapted matrix, all seven by default."""
        kv = self.kv_heads * (self.hidden // self.heads)
        shapes = {  # d_in, d_out of each projection of one layer
            "q_proj": (self.hidden, self.hidden),
            "k_proj": (self.hidden, kv),
            "v_proj": (self.hidden, kv),
            "o_proj": (self.hidden, self.hidden),
            "gate_proj": (self.hidden, self.intermediate),
            "up_proj": (self.hidden, self.intermediate),
            "down_proj": (self.intermediate, self.hidden),
        }
        unknown = set(modules or ()) - set(shapes)
        if unknown:
            raise ValueError(f"unknown modules {sorted(unknown)}; use any of {', '.join(shapes)}")
        chosen = shapes if modules is None else {m: shapes[m] for m in modules}
        return self.layers * rank * sum(a + b for a, b in chosen.values())


# Published configs (config.json of each model on the Hugging Face Hub).
SHAPES = {
    "SmolLM2-135M": Shape(576, 1536, 30, 9, 3, 49152),
    "SmolLM2-360M": Shape(960, 2560, 32, 15, 5, 49152),
    "SmolLM2-1.7B": Shape(2048, 8192, 24, 32, 32, 49152),
    "Llama-3.2-3B": Shape(3072, 8192, 28, 24, 8, 128256),
    "Mistral-7B": Shape(4096, 14336, 32, 32, 8, 32000, tied=False),
    "LLaMA-65B": Shape(8192, 22016, 80, 64, 64, 32000, tied=False),  # the QLoRA paper's model
}
METHODS = ("full_fp32", "full_bf16_mixed", "lora_fp32", "lora_16bit", "qlora_nf4")
# NF4 with double quantization: 4 bits + 8-bit absmax per 64 weights + fp32 per 256 blocks.
NF4_BYTES_PER_PARAM = 0.5 + 1 / 64 + 4 / (64 * 256)


def activation_bytes(
    shape: Shape, batch: int, seq_len: int, bytes_per_value: int = 2, checkpointing: bool = False
) -> float:
    """Activations kept for backward: ~34*h per token per layer, plus fp32 logits (04_qlora_sft)."""
    if batch < 1 or seq_len < 1:
        raise ValueError("batch and seq_len must be >= 1")
    per_layer = 34 * shape.hidden * batch * seq_len * bytes_per_value / 2  # 34 counted at 16-bit
    layers = per_layer * (1 if checkpointing else shape.layers)
    if checkpointing:
        layers += shape.layers * shape.hidden * batch * seq_len * bytes_per_value
    logits = 2 * batch * seq_len * shape.vocab * 4  # logits and their gradient, fp32
    return layers + logits


def training_memory(
    shape: Shape,
    method: str,
    batch: int = 8,
    seq_len: int = 512,
    rank: int = 16,
    checkpointing: bool = False,
) -> dict[str, float]:
    """Predicted bytes for weights, grads + optimizer, adapters and activations (04_qlora_sft).

    Full fine-tuning in mixed precision counts an fp32 master copy of the weights (16 bytes per
    parameter with Adam); papers that quote 12 bytes (e.g. QLoRA's "> 780 GB" for 65B) leave it out.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {METHODS}")
    if rank < 1:
        raise ValueError(f"LoRA rank must be >= 1, got {rank}")
    n = shape.params
    if method == "full_fp32":  # fp32 weights 4 + grads 4 + Adam m and v 8
        weights, states, act_bytes = 4 * n, 12 * n, 4
    elif method == "full_bf16_mixed":  # bf16 weights 2 + grads 2 + fp32 master 4 + Adam 8
        weights, states, act_bytes = 2 * n, 14 * n, 2
    else:
        lora, act_bytes = shape.lora_params(rank), 2
        if method == "lora_fp32":  # what CPU training does: fp32 base, fp32 activations
            weights, act_bytes = 4 * n, 4
        elif method == "lora_16bit":
            weights = 2 * n
        else:
            weights = NF4_BYTES_PER_PARAM * shape.linear_params + 2 * shape.other_params
        states = 16 * lora  # fp32 adapter weights 4 + grads 4 + Adam 8
    activations = activation_bytes(shape, batch, seq_len, act_bytes, checkpointing)
    total = weights + states + activations
    return {
        "weights": weights,
        "grads_optimizer_adapters": states,
        "activations": activations,
        "total": total,
        "total_gib": total / GIB,
        "fits_t4": total / GIB <= T4_GIB,
    }


class PeakMemory:
    """Context manager: peak memory in bytes, GPU on cuda, process RSS otherwise (04_qlora_sft)."""

    def __init__(self, device: str | object = "cpu", interval: float = 0.05) -> None:
        self.device = str(device).split(":")[0]  # "cuda", "cuda:0", torch.device("cuda") -> "cuda"
        self.interval = interval
        self.peak = 0
        self.start = 0

    def __enter__(self) -> PeakMemory:
        import threading

        import psutil
        import torch

        if self.device == "cuda":
            torch.cuda.reset_peak_memory_stats()
            self.start = torch.cuda.memory_allocated()
            return self
        self._process = psutil.Process()
        self.start = self.peak = self._process.memory_info().rss
        self._stop = threading.Event()

        def sample() -> None:
            while not self._stop.wait(self.interval):
                self._sample()

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        self.peak = max(self.peak, self._process.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        import torch

        if self.device == "cuda":
            self.peak = torch.cuda.max_memory_allocated()
        else:
            self._stop.set()
            self._thread.join()
            self._sample()  # a block shorter than one interval is still measured

    @property
    def added(self) -> int:
        """Peak minus the level at entry: what the block itself needed."""
        return self.peak - self.start
