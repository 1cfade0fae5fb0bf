"""What notebooks hand each other: the index, retrieval and adapters, and their settings (03-06).

The notebook that owns an artifact (03 the index, 04 the reader adapter, 05 the DAPT adapter)
builds it with these functions and constants; a later notebook that finds it missing (a fresh
Colab VM) rebuilds it with the very same ones, so a rebuild never drifts from the original.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import domain, rag, results

SEED = 0  # every notebook's seed
CHUNK_TOKENS, CHUNK_OVERLAP = 128, 32  # MiniLM reads 256 word pieces; 128 keeps one idea per chunk
TOP_K = 50  # candidates per retriever before fusion
SFT_BATCH, SFT_LR, LORA_RANK = 4, 1e-3, 16  # notebook 04's LoRA recipe, reused by 06's rebuilds
# notebook 05: learning rates in the usual ranges, LoRA 1e-4..1e-3, full fine-tuning <= 5e-5
DAPT_BLOCK, DAPT_BATCH, DAPT_LR, DAPT_LR_FULL = 256, 4, 1e-3, 5e-5
READER_STEPS = {"ci": 30, "cpu": 120, "gpu": 400}  # 04's reader LoRA, per profile
DAPT_STEPS = {"ci": 12, "cpu": 40, "gpu": 300}  # 05's DAPT runs, per profile
SMOKE_STEPS = 1  # every training under COURSE_SMOKE=1: the code path, not the quality


def token_counter(embedder: Any) -> Callable[[str], int]:
    """Count tokens with the embedder's own tokenizer, as chunking does (03_rag)."""
    return lambda text: len(embedder.tokenizer(text, add_special_tokens=False)["input_ids"])


def build_index(embedder: Any, progress: bool = True) -> rag.RagIndex:
    """Chunk every document and index it: notebook 03's index, rebuilt the same way (03_rag)."""
    chunks = rag.chunk_sections(
        domain.load_documents(),
        max_tokens=CHUNK_TOKENS,
        overlap=CHUNK_OVERLAP,
        count=token_counter(embedder),
    )
    vectors = rag.embed(embedder, [rag.chunk_text(c) for c in chunks], progress=progress)
    return rag.RagIndex.build(chunks, vectors)


def index_dir() -> Path:
    """Where notebook 03 saves its index for this run (03_rag)."""
    return results.run_dir() / "rag_index"


def load_or_build_index(embedder: Any) -> tuple[rag.RagIndex, str]:
    """Notebook 03's saved index, or a fresh build; says which (04_qlora_sft)."""
    folder = index_dir()
    if (folder / "index.faiss").is_file():
        return rag.RagIndex.load(folder), f"loaded the notebook-03 index from {folder}"
    return build_index(embedder), "no saved index: rebuilt it (run 03_rag first to skip this)"


RETRIEVERS = ("dense", "bm25", "hybrid")
BULLETIN = " + newest bulletin"  # the superseding step of rag.with_superseding


def retrieve(
    index: rag.RagIndex, embedder: Any, questions: list[str], method: str = "hybrid"
) -> list[list[int]]:
    """Chunk ids best first: dense, BM25, or both fused by RRF ("hybrid") (03_rag)."""
    if method not in RETRIEVERS:
        raise ValueError(f"retriever {method!r} is not one of {', '.join(RETRIEVERS)}")
    dense = index.dense(rag.embed(embedder, questions, progress=False), TOP_K)
    if method == "dense":
        return dense
    sparse = index.sparse(questions, TOP_K)
    if method == "bm25":
        return sparse
    return [rag.rrf([d, s]) for d, s in zip(dense, sparse, strict=True)]


def reader_input(retriever: str, k: int, superseding: bool) -> str:
    """The name of one reader input, e.g. "hybrid top-1 + newest bulletin" (03_rag)."""
    return f"{retriever} top-{k}" + (BULLETIN if superseding else "")


def _parse_input(name: str) -> tuple[str, int, bool]:
    match = re.fullmatch(rf"(\w+) top-(\d+)({re.escape(BULLETIN)})?", name)
    if not match or match[1] not in RETRIEVERS:
        raise ValueError(
            f"reader input {name!r} must look like {reader_input('hybrid', 1, True)!r}"
        )
    return match[1], int(match[2]), bool(match[3])


def select(index: rag.RagIndex, ranked: list[int], name: str) -> list[dict[str, Any]]:
    """The passages a reader input `name` takes from one ranking (03_rag)."""
    _, k, superseding = _parse_input(name)
    ids = rag.with_superseding(ranked, index.chunks, k) if superseding else ranked[:k]
    return [index.chunks[i] for i in ids]


def reader_passages(
    index: rag.RagIndex, embedder: Any, questions: list[dict[str, Any]], name: str
) -> list[list[dict[str, Any]]]:
    """The reader's passages for each question, for reader input `name` (03_rag)."""
    retriever, _, _ = _parse_input(name)
    ranked = retrieve(index, embedder, [q["question"] for q in questions], retriever)
    return [select(index, r, name) for r in ranked]


def chosen_reader_input() -> tuple[str, str]:
    """The reader input 03_rag chose on dev, and which run said so (04_qlora_sft)."""
    metrics, where = results.load_or_reference("03_rag")
    return metrics["reader_input_chosen_on_dev"], where


def reuse_or_generate(
    notebook: str, method: str, questions: list[dict[str, Any]], generate: Callable[[], list[str]]
) -> tuple[list[str], str]:
    """A method's answers saved earlier in this run, else generate() (06_which_method)."""
    saved = results.load_answers(notebook, method, [q["id"] for q in questions])
    if saved is not None:
        return saved, f"reused {notebook}'s answers (this {results.run_name()} run)"
    return generate(), "generated here"


def adapter_dir(name: str) -> Path:
    """Where a notebook saves adapter `name` for this run (04_qlora_sft)."""
    return results.run_dir() / "adapters" / name


def reader_trainer(
    base: Any, tokenizer: Any, index: rag.RagIndex, embedder: Any, steps: int, name: str
) -> Any:
    """The reader LoRA trainer on dev questions with reader input `name` (04_qlora_sft)."""
    from helpers import sft

    dev = domain.load_qa("dev")
    rows = sft.reader_targets(dev, reader_passages(index, embedder, dev, name))
    return sft.build_trainer(
        base, tokenizer, sft.conversational(rows, system=rag.SYSTEM),
        str(adapter_dir("reader-run")), steps=steps, batch_size=SFT_BATCH, lr=SFT_LR,
        rank=LORA_RANK, seed=SEED,
    )  # fmt: skip


def reader_adapter(steps: int, reader_input: str) -> tuple[Path, str]:
    """04's reader adapter of this run, else one trained as 04 does (06_which_method, 07)."""
    path = adapter_dir("reader-lora")
    if (path / "adapter_config.json").is_file():
        return path, f"notebook 04's reader adapter from this {results.run_name()} run"
    from helpers import models, runtime, sft

    embedder, _ = models.load_embedder()
    index, _ = load_or_build_index(embedder)
    runtime.seed_everything(SEED)
    base = sft.load_for_training(models.local_path(models.LM_ID))
    trainer = reader_trainer(base, models.load_tokenizer(), index, embedder, steps, reader_input)
    trainer.train()
    trainer.model.save_pretrained(path)
    return path, f"no reader adapter in this run: trained one as 04 does ({steps} steps)"


def dapt_adapter(steps: int) -> tuple[Path, str]:
    """05's DAPT LoRA adapter of this run, else one trained as 05 does (06_which_method)."""
    path = adapter_dir("dapt-lora")
    if (path / "adapter_config.json").is_file():
        return path, f"notebook 05's DAPT adapter from this {results.run_name()} run"
    from helpers import models, runtime, sft

    tok = models.load_tokenizer()
    base = sft.load_for_training(models.local_path(models.LM_ID))
    context = base.config.max_position_embeddings
    runtime.seed_everything(SEED)
    domain_blocks = dapt_blocks(tok, "dapt_train", context)
    blocks = dapt_data(domain_blocks, dapt_blocks(tok, "general_train", context), 0.0, steps)
    trainer = dapt_trainer(base, tok, blocks, steps, rank=LORA_RANK)
    trainer.train()
    trainer.model.save_pretrained(path)
    return path, f"no DAPT adapter in this run: trained one as 05 does ({steps} steps)"


def dapt_blocks(tokenizer: Any, name: str, max_context: int) -> list[list[int]]:
    """A corpus of the sample domain packed into DAPT_BLOCK-token blocks (05_dapt)."""
    from helpers import dapt

    return dapt.pack_blocks(tokenizer, domain.load_text(name), DAPT_BLOCK, max_context)


def dapt_data(
    domain_blocks: list[list[int]], general_blocks: list[list[int]], share: float, steps: int
) -> list[list[int]]:
    """The blocks one DAPT run sees: `share` of them general text (replay) (05_dapt)."""
    from helpers import dapt

    n = steps * DAPT_BATCH
    return dapt.mix_replay(domain_blocks, general_blocks, share=share, n_blocks=n, seed=SEED)


def dapt_trainer(
    base: Any,
    tokenizer: Any,
    blocks: list[list[int]],
    steps: int,
    rank: int | None,
    lr: float | None = None,
) -> Any:
    """05's DAPT trainer: LoRA (default DAPT_LR), or full (DAPT_LR_FULL) if rank=None (05_dapt)."""
    from helpers import dapt

    lr = lr or (DAPT_LR if rank else DAPT_LR_FULL)
    return dapt.build_trainer(
        base, tokenizer, blocks, str(results.run_dir() / "dapt-run"), steps=steps,
        batch_size=DAPT_BATCH, lr=lr, lora_rank=rank, seed=SEED,
    )  # fmt: skip
