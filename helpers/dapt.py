"""Domain-adaptive continued pretraining: packing, replay mixing, LoRA or full (05_dapt)."""

from __future__ import annotations

import random
from typing import Any


def pack_blocks(
    tokenizer: Any, text: str, block_size: int, max_context: int | None = None
) -> list[list[int]]:
    """Tokenize a corpus, join documents with EOS and cut into full blocks (05_dapt)."""
    if block_size < 2:
        raise ValueError(f"block_size must be >= 2, got {block_size}")
    if max_context is not None and block_size > max_context:
        raise ValueError(
            f"block_size {block_size} is larger than the model's context of {max_context} tokens; "
            "use a smaller block"
        )
    docs = [d for d in text.split("\n\n") if d.strip()]
    ids: list[int] = []
    for doc in docs:
        ids += tokenizer(doc, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    n = len(ids) // block_size
    if n == 0:
        raise ValueError(
            f"the corpus has {len(ids)} tokens, shorter than one block of {block_size}; "
            "add text or use a smaller block_size"
        )
    return [ids[i * block_size : (i + 1) * block_size] for i in range(n)]


def mix_replay(
    domain_blocks: list[list[int]],
    general_blocks: list[list[int]],
    share: float,
    n_blocks: int,
    seed: int = 0,
) -> list[list[int]]:
    """n_blocks of training data with `share` of them general text (replay) (05_dapt)."""
    if not 0 <= share < 1:
        raise ValueError(f"replay share must be in [0, 1), got {share}")
    if not domain_blocks:
        raise ValueError("no domain blocks: pack the domain corpus first")
    n_general = round(share * n_blocks)
    if n_general and not general_blocks:
        raise ValueError("the replay corpus is empty; pack some general text or set share=0")
    rng = random.Random(seed)
    mixed = [rng.choice(domain_blocks) for _ in range(n_blocks - n_general)]
    mixed += [rng.choice(general_blocks) for _ in range(n_general)]
    rng.shuffle(mixed)
    return mixed


def build_trainer(
    model: Any,
    tokenizer: Any,
    blocks: list[list[int]],
    output_dir: str,
    steps: int,
    batch_size: int = 4,
    lr: float = 1e-3,
    lora_rank: int | None = 16,
    seed: int = 0,
) -> Any:
    """A trl trainer for causal-LM loss on packed blocks; LoRA unless lora_rank=None (05_dapt)."""
    from helpers import sft

    rows = [{"input_ids": b} for b in blocks]  # already tokenized: trl trains on every token
    return sft.build_trainer(
        model, tokenizer, rows, output_dir, steps, batch_size, lr, rank=lora_rank,
        max_length=len(blocks[0]), seed=seed, packing=False,
    )  # fmt: skip
