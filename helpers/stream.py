"""Stream a corpus too big for memory: shards on disk -> packed blocks -> one process's share.

Groundwork for training on many processes (`accelerate launch`): every process reads the same
shards in the same seeded order, packs documents into fixed blocks, and keeps every N-th block,
so no block is seen twice in an epoch and a resumed run can skip exactly the blocks it has seen.
`python -m helpers.train` reads the stream on one process instead: accelerate's dataloader then
sends each process its slice of every global batch (the same guarantee, one reader).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StreamConfig:
    """Where the text is and how it is cut and shared out (05_dapt at scale)."""

    shards: tuple[str, ...]  # text files; documents are separated by a blank line
    block_size: int  # tokens per training block
    global_batch: int  # blocks per optimizer step, over all processes
    micro_batch: int  # blocks per forward pass on one process
    processes: int = 1
    seed: int = 0


def validate(cfg: StreamConfig, context: int) -> int:
    """Check a config before any work; returns the gradient-accumulation steps (05_dapt)."""
    if not cfg.shards:
        raise ValueError("no corpus shards given: pass the text files to train on")
    missing = [s for s in cfg.shards if not Path(s).is_file()]
    if missing:
        raise FileNotFoundError(f"corpus shard(s) not found: {', '.join(missing)}")
    if cfg.block_size > context:
        raise ValueError(
            f"block_size {cfg.block_size} exceeds the model's context of {context} tokens: "
            f"use at most {context}"
        )
    if min(cfg.block_size, cfg.global_batch, cfg.micro_batch, cfg.processes) < 1:
        raise ValueError("block_size, global_batch, micro_batch and processes must be >= 1")
    per_step = cfg.micro_batch * cfg.processes
    if cfg.global_batch % per_step:
        nearest = per_step * max(1, cfg.global_batch // per_step)
        raise ValueError(
            f"global_batch {cfg.global_batch} is not divisible by micro_batch x processes = "
            f"{per_step}: choose a multiple of {per_step}, e.g. {nearest}"
        )
    return cfg.global_batch // per_step


def documents(path: str | Path) -> Iterator[str]:
    """The documents of one shard, read line by line, never the whole file (05_dapt)."""
    lines: list[str] = []
    with open(path, encoding="utf-8", errors="replace") as f:  # undecodable bytes become U+FFFD
        for line in f:
            if line.strip():
                lines.append(line.rstrip("\n"))
            elif lines:
                yield "\n".join(lines)
                lines = []
    if lines:
        yield "\n".join(lines)


def shard_order(cfg: StreamConfig, epoch: int) -> list[str]:
    """The shards in this epoch's order: seeded, the same on every process (05_dapt)."""
    order = list(cfg.shards)
    random.Random(f"{cfg.seed}-{epoch}").shuffle(order)
    return order


def packed_blocks(
    cfg: StreamConfig,
    encode: Callable[[str], list[int]],
    eos_id: int,
    rank: int = 0,
    epoch: int = 0,
    skip: int = 0,
) -> Iterator[list[int]]:
    """This process's blocks of one epoch: every processes-th block, after `skip` (05_dapt)."""
    if not 0 <= rank < cfg.processes:
        raise ValueError(f"rank {rank} is outside 0..{cfg.processes - 1}")
    buffer: list[int] = []
    index, mine = 0, 0
    for shard in shard_order(cfg, epoch):
        for doc in documents(shard):
            buffer += encode(doc) + [eos_id]  # EOS marks where one document ends
            while len(buffer) >= cfg.block_size:
                block, buffer = buffer[: cfg.block_size], buffer[cfg.block_size :]
                if index % cfg.processes == rank:
                    if mine >= skip:
                        yield block
                    mine += 1
                index += 1
