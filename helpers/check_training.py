"""Checks for the exercises of notebooks 04-07 (training, DAPT, the decision, your domain).

Learners call them as `check.ex04_...` (helpers.check imports them); the same rules hold: each
recomputes its answer from the course's helpers and says "right" or where to look.
"""

from __future__ import annotations

from pathlib import Path

from helpers import REPO_ROOT, decide, domain, ingest, memory, results
from helpers.check import RIGHT, _close, _tokenizer


def ex04_memory(total_gib_qlora_7b: float, total_gib_lora_7b: float) -> str:
    """04_qlora_sft exercise 4: 7B at batch 4 x 512 tokens, QLoRA vs LoRA on a 16-bit base."""
    shape = memory.SHAPES["Mistral-7B"]
    q = memory.training_memory(shape, "qlora_nf4", batch=4, seq_len=512, rank=16)["total_gib"]
    lo = memory.training_memory(shape, "lora_16bit", batch=4, seq_len=512, rank=16)["total_gib"]
    if not _close(total_gib_qlora_7b, q, 0.02):
        return "✗ QLoRA: memory.training_memory(shape, 'qlora_nf4', batch=4, seq_len=512)"
    if not _close(total_gib_lora_7b, lo, 0.02):
        return "✗ LoRA: the frozen base in 16-bit, method 'lora_16bit'"
    return RIGHT


def ex04_new_label(schema: dict) -> str:
    """04_qlora_sft exercise 2: the schema's category enum gains spare_parts_order, nothing else."""
    old = domain.load_schema()["properties"]["category"]["enum"]
    new = schema.get("properties", {}).get("category", {}).get("enum", [])
    if "spare_parts_order" not in new:
        return "✗ add 'spare_parts_order' to schema['properties']['category']['enum']"
    if sorted(new) != sorted([*old, "spare_parts_order"]):
        return "✗ keep every existing category: copy the schema, then append the new one"
    return RIGHT


def ex04_trainable(rank: int, modules: list[str], trainable: int) -> str:
    """04_qlora_sft exercise 1: trainable parameters of a LoRA of this rank on these modules."""
    want = memory.SHAPES["SmolLM2-135M"].lora_params(rank, modules)
    if trainable == want:
        return RIGHT
    return "✗ read trainer.model.print_trainable_parameters() after the change, or r*(d_in+d_out)"


def ex05_full_vs_lora(ratio: float) -> str:
    """05_dapt exercise 4: trainable parameters of full fine-tuning over the LoRA's."""
    from helpers import artifacts

    shape = memory.SHAPES["SmolLM2-135M"]
    if _close(ratio, shape.params / shape.lora_params(artifacts.LORA_RANK), 0.03):
        return RIGHT
    return "✗ every parameter of the model, over the LoRA's r*(d_in+d_out) summed over matrices"


def ex05_new_tokens(vocab_size: int, embedding_rows: int, added: int) -> str:
    """05_dapt exercise 3: the tokenizer gains tokens and the model's embeddings follow it."""
    base = len(_tokenizer())
    if vocab_size != base + added:
        return "✗ len(tok) should grow by exactly the tokens tok.add_tokens(...) reports it added"
    if embedding_rows != vocab_size:
        return "✗ model.resize_token_embeddings(len(tok)), then read get_input_embeddings().weight"
    return RIGHT


def ex06_flip(rows: int) -> str:
    """06_which_method exercise 3: the fewest labelled rows at which SFT still ranks first."""
    ops = decide.Situation(
        needs=("behaviour",), corpus_words=50_000, labelled_examples=3_000,
        facts_change="never", gpu_gib=15, gpu_hours=10,
    )  # fmt: skip

    def first(n: int) -> str:
        return decide.decide(decide.Situation(**{**ops.__dict__, "labelled_examples": n}))[0].method

    lowest = min(n for n in range(1, 1001) if first(n) == "LoRA / QLoRA SFT")
    if rows == lowest:
        return RIGHT
    return "✗ lower the rows one at a time and watch ranked[0].method; look for the first flip"


def ex06_fresh(passages_by_method: dict[str, list[dict]], bulletin_id: str) -> str:
    """06_which_method exercise 4: the new bulletin reaches every reader that sees passages."""
    if not passages_by_method:
        return "✗ pass {method: the passages it was shown} for 'RAG' and 'SFT + RAG'"
    missing = [
        m for m, ps in passages_by_method.items() if bulletin_id not in {p["doc_id"] for p in ps}
    ]
    if missing:
        return f"✗ not among the passages of {', '.join(missing)}: upsert it, then retrieve again"
    return RIGHT


def ex06_own_numbers(numbers: dict) -> str:
    """06_which_method exercise 1: decide quotes the profile you ran, not the reference."""
    if not numbers.get("measured_in"):
        return "✗ pass decide.course_numbers(), the dict with 'measured_in'"
    if f"this {results.run_name()} run" not in numbers["measured_in"]:
        return "✗ it still quotes another run: run 03-05 in this profile first"
    return RIGHT


def ex07_held_out(train: list[dict], test: list[dict]) -> str:
    """07_your_domain exercise 3: reader pairs and the questions that score them do not overlap."""
    if not train or not test:
        return "✗ split your questions into two non-empty halves"
    if {q["question"] for q in train} & {q["question"] for q in test}:
        return "✗ a question is in both halves: score only on questions the reader never saw"
    return RIGHT


def ex07_report(report: Path, docs: Path) -> str:
    """07_your_domain exercise 4: a report on your folder, written outside it."""
    report, docs = Path(report), Path(docs)
    if not report.is_file():
        return "✗ run the report cell, then pass OUT / 'report.md'"
    if report.resolve().is_relative_to(docs.resolve()):
        return "✗ the report must not be inside your documents folder"
    from helpers import yourdomain

    first = report.read_text().splitlines()[0]
    named = first == f"# Your domain: {yourdomain.folder_name(docs)}"
    return RIGHT if named else "✗ re-run the notebook on your folder"


def ex07_skipped(skipped: list[tuple[str, str]], documents: int) -> str:
    """07_your_domain exercise 1: an unsupported file is listed as skipped, the rest still read."""
    example = len(ingest.read_folder(REPO_ROOT / "data" / "example_utility" / "docs").documents)
    if not skipped:
        return "✗ nothing was skipped: add a file the course cannot read to your copy of the folder"
    if documents != example:
        return "✗ the skipped file should not change how many documents are read: count them again"
    return RIGHT


def ex07_undated(undated: list[str], documents: int) -> str:
    """07_your_domain exercise 2: every document of your copy states its date in its text."""
    if documents < 2:
        return "✗ measure the whole copy of the folder, not one file"
    if undated:
        return f"✗ {len(undated)} use the file time: add a 'Revised: YYYY-MM-DD' line"
    return RIGHT
