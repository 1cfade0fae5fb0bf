"""Metrics: perplexity, answer matching and embedding similarity (02_domain_data onward)."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm


@torch.no_grad()
def perplexity(
    model: Any,
    tokenizer: Any,
    text: str,
    block_size: int = 256,
    max_tokens: int | None = None,
    batch_size: int = 8,
    progress: bool = True,
) -> float:
    """Perplexity over non-overlapping blocks of `text`, up to max_tokens (02_domain_data)."""
    if block_size < 2:
        raise ValueError(f"block_size must be >= 2, got {block_size}")
    limit = getattr(model.config, "max_position_embeddings", None)
    if limit is not None and block_size > limit:
        raise ValueError(f"block_size {block_size} exceeds the model's context of {limit} tokens")
    ids = tokenizer(text, add_special_tokens=False, return_tensors="pt")["input_ids"][0]
    if max_tokens is not None:
        ids = ids[:max_tokens]
    n_blocks = len(ids) // block_size
    if n_blocks == 0:
        raise ValueError(f"text has {len(ids)} tokens, fewer than one block of {block_size}")
    blocks = ids[: n_blocks * block_size].view(n_blocks, block_size)
    total_nll, total_tokens = 0.0, 0
    device = next(model.parameters()).device
    starts = range(0, n_blocks, batch_size)
    for start in tqdm(starts, desc="perplexity", disable=not progress, leave=False):
        batch = blocks[start : start + batch_size].to(device)
        logits = model(input_ids=batch).logits[:, :-1].float()
        nll = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.size(-1)), batch[:, 1:].reshape(-1), reduction="sum"
        )
        total_nll += nll.item()
        total_tokens += batch[:, 1:].numel()
    return math.exp(total_nll / total_tokens)


def normalize(text: str) -> str:
    """Lower-case, unify dashes and spaces, drop punctuation around words (03_rag)."""
    text = text.lower().replace("\u2013", "-").replace("\u2014", "-")
    text = re.sub(r"[^\w\s.\-/()]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def contains_answer(prediction: str, gold: str, aliases: list[str] | None = None) -> bool:
    """True if the normalised gold answer (or an alias) appears in the prediction (03_rag)."""
    pred = f" {normalize(prediction)} "
    for candidate in [gold, *(aliases or [])]:
        norm = normalize(candidate)
        if norm and re.search(rf"(?<![\w.]){re.escape(norm)}(?![\w]|\.\d)", pred):
            return True
    return False


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of a with every row of b (00_start_here)."""
    a = np.asarray(a, dtype=np.float32)
    b = np.asarray(b, dtype=np.float32)
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return a @ b.T


def recall_at_k(ranked: list[list[str]], gold: list[list[str]], k: int) -> float:
    """Share of queries with any gold id in the top k (03_rag)."""
    if len(ranked) != len(gold) or not gold:
        raise ValueError("need one ranking per query and at least one query")
    return sum(bool(set(r[:k]) & set(g)) for r, g in zip(ranked, gold, strict=True)) / len(gold)


def mrr(ranked: list[list[str]], gold: list[list[str]]) -> float:
    """Mean reciprocal rank of the first gold id; 0 when it is missing (03_rag)."""
    if len(ranked) != len(gold) or not gold:
        raise ValueError("need one ranking per query and at least one query")
    total = 0.0
    for r, g in zip(ranked, gold, strict=True):
        rank = next((i for i, item in enumerate(r, start=1) if item in set(g)), None)
        total += 1.0 / rank if rank else 0.0
    return total / len(gold)
