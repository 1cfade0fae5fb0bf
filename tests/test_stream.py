"""helpers.stream: shards -> packed blocks -> each process's share, reproducible and resumable."""

from __future__ import annotations

import dataclasses

import pytest

from helpers import stream


def _corpus(tmp_path, shards: int = 3, docs: int = 40) -> tuple[str, ...]:
    paths = []
    for s in range(shards):
        path = tmp_path / f"shard{s}.txt"
        path.write_text("\n\n".join(f"doc {s}-{d} " + "word " * (d % 7 + 1) for d in range(docs)))
        paths.append(str(path))
    return tuple(paths)


def encode(text: str) -> list[int]:
    return [hash(w) % 1000 for w in text.split()]


def test_processes_share_an_epoch_without_overlap(tmp_path):
    cfg = stream.StreamConfig(_corpus(tmp_path), block_size=8, global_batch=8, micro_batch=2)
    single = list(stream.packed_blocks(cfg, encode, eos_id=-1))
    two = dataclasses.replace(cfg, processes=2)
    parts = [list(stream.packed_blocks(two, encode, eos_id=-1, rank=r)) for r in (0, 1)]
    assert sorted(parts[0] + parts[1]) == sorted(single)  # together: the whole epoch, once
    assert parts[0] == single[0::2] and parts[1] == single[1::2]  # every second block, in order
    assert all(len(b) == 8 for b in single)


def test_order_is_seeded_per_epoch_and_resume_skips_exactly(tmp_path):
    cfg = stream.StreamConfig(
        _corpus(tmp_path, shards=6), block_size=8, global_batch=4, micro_batch=4
    )
    first = list(stream.packed_blocks(cfg, encode, eos_id=-1))
    assert first == list(stream.packed_blocks(cfg, encode, eos_id=-1))  # reproducible
    assert stream.shard_order(cfg, 0) != stream.shard_order(cfg, 1)  # a new order each epoch
    resumed = list(stream.packed_blocks(cfg, encode, eos_id=-1, skip=5))
    assert resumed == first[5:]


def test_documents_are_streamed_and_bad_bytes_do_not_stop_a_run(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"one\ntwo\n\n\nthree \xff\n")
    assert list(stream.documents(path)) == ["one\ntwo", "three \ufffd"]


def test_bad_configs_fail_with_the_fix(tmp_path):
    shards = _corpus(tmp_path, shards=1)
    ok = stream.StreamConfig(shards, block_size=256, global_batch=32, micro_batch=4, processes=2)
    assert stream.validate(ok, context=8192) == 4  # gradient-accumulation steps
    cases = [
        (dataclasses.replace(ok, global_batch=30), "not divisible by micro_batch x processes = 8"),
        (dataclasses.replace(ok, block_size=9000), "exceeds the model's context of 8192"),
        (dataclasses.replace(ok, shards=(*shards, str(tmp_path / "gone.txt"))), "gone.txt"),
        (dataclasses.replace(ok, shards=()), "no corpus shards"),
    ]
    for cfg, message in cases:
        with pytest.raises((ValueError, FileNotFoundError), match=message):
            stream.validate(cfg, context=8192)
    with pytest.raises(ValueError, match="rank 2"):
        next(stream.packed_blocks(ok, encode, eos_id=-1, rank=2))
