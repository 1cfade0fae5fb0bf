"""Your documents through the course's pipeline: `python -m helpers.yourdomain DOCS [--qa QA]`.

Reads a folder (helpers.ingest), does the from-scratch arithmetic on its size, chunks and indexes it
with notebook 03's settings, measures retrieval (and, with --answer, answers) on your questions or,
without a QA file, on each section's own heading, measures how the model's tokenizer takes your
language, and writes a report with numbers and intervals. Nothing is written into DOCS.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import artifacts, domain, evaluation, ingest, models, rag, results, scaling, stats
from helpers.superseding import newest_first

SYSTEM = rag.SYSTEM.replace("about Veldmark Thermal equipment ", "")  # no sample company
BASE_PARAMS, BASE_TOKENS = 135e6, 2e12  # SmolLM2-135M and its published pretraining tokens
# Consider DAPT at twice plain English's bits per byte: about the geometric middle between plain
# English (1x) and the sample domain's shorthand logs (3.9x, 02_domain_data), which 05 adapts to.
LANGUAGE_BPB_RATIO = 2.0


def duplicates(documents: list[dict[str, Any]]) -> list[list[str]]:
    """Groups of documents whose text is identical after whitespace is normalised (03_rag)."""
    groups: dict[str, list[str]] = {}
    for d in documents:
        text = " ".join(" ".join(s["text"] for s in d["sections"]).split()).lower()
        groups.setdefault(hashlib.sha256(text.encode()).hexdigest(), []).append(d["doc_id"])
    return [ids for ids in groups.values() if len(ids) > 1]


def near_duplicates(
    documents: list[dict[str, Any]], threshold: float = 0.8, n: int = 5
) -> list[tuple[str, str, float]]:
    """Pairs of documents whose word n-gram sets overlap by Jaccard >= threshold (03_rag)."""
    shingles = {}
    for d in documents:
        words = " ".join(s["text"] for s in d["sections"]).lower().split()
        shingles[d["doc_id"]] = {tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}
    ids = sorted(shingles)
    pairs = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            union = len(shingles[a] | shingles[b])
            score = len(shingles[a] & shingles[b]) / union if union else 0.0
            if score >= threshold:
                pairs.append((a, b, round(score, 3)))
    return pairs


def language(tokenizer: Any, texts: list[str], top: int = 10) -> dict[str, Any]:
    """Tokens per word vs plain English, and the words split into most tokens (02_domain_data)."""
    general = domain.load_text("general_heldout").split("\n\n")
    words = Counter(w for t in texts for w in re.findall(r"[^\W\d_][\w'/-]*", t))  # from a letter
    pieces = {w: len(tokenizer(" " + w, add_special_tokens=False)["input_ids"]) for w in words}
    common = [w for w, n in words.most_common() if n >= 2]
    return {
        "tokens_per_word": scaling.tokens_per_word(tokenizer, texts),
        "tokens_per_word_general": scaling.tokens_per_word(tokenizer, general),
        "most_fragmented": sorted(common, key=lambda w: (-pieces[w], w))[:top],
    }


def bits_per_byte(lm: Any, texts: list[str], max_tokens: int = 4096) -> dict[str, float]:
    """Bits per byte of your text and of plain English, same blocks and cap (02_domain_data)."""
    yours, tok = "\n\n".join(texts), lm.tokenizer
    block = min(256, max(2, len(tok(yours)["input_ids"]) // 2))  # two blocks of a small folder
    general = domain.load_text("general_heldout")
    out = {}
    for name, text in (("bits_per_byte", yours), ("bits_per_byte_general", general)):
        losses = evaluation.block_nll(lm.model, tok, text, block, max_tokens, progress=False)
        out[name] = evaluation.bits_per_byte(losses, tok, text, block, max_tokens)
    return out


def retrieval(index: rag.RagIndex, ranked: list[list[int]], gold: list[list[str]]) -> dict:
    """Document-level recall@1/5 and MRR of hybrid rankings of chunk ids (03_rag)."""
    docs = [rag.dedupe_docs(r, index.chunks) for r in ranked]
    hits = [bool(set(d[:5]) & set(g)) for d, g in zip(docs, gold, strict=True)]
    return {
        "queries": len(ranked),
        "recall@1": evaluation.recall_at_k(docs, gold, 1),
        "recall@5": stats.rate(hits),
        "mrr": evaluation.mrr(docs, gold),
    }


@dataclass
class Yours:
    """Your folder read, indexed with 03's settings, the course models loaded (07_your_domain)."""

    folder: ingest.Folder
    texts: list[str]  # each document's text, sections joined
    lm: Any
    embedder: Any
    index: rag.RagIndex


def load(docs_dir: Path) -> Yours:
    """Read the folder, load the course LM and embedder, chunk and index (07_your_domain)."""
    folder = ingest.read_folder(docs_dir)
    texts = [" ".join(s["text"] for s in d["sections"]) for d in folder.documents]
    lm = models.load_lm()
    embedder, _ = models.load_embedder()
    count = artifacts.token_counter(embedder)
    chunks = rag.chunk_sections(
        folder.documents, artifacts.CHUNK_TOKENS, artifacts.CHUNK_OVERLAP, count
    )
    vectors = rag.embed(embedder, [rag.chunk_text(c) for c in chunks], progress=False)
    return Yours(folder, texts, lm, embedder, rag.RagIndex.build(chunks, vectors))


def heading_check(yours: Yours) -> dict[str, Any]:
    """Retrieval scored by finding each section's document from its heading (07_your_domain)."""
    sections = [(s["heading"], d["doc_id"]) for d in yours.folder.documents for s in d["sections"]]
    ranked = artifacts.retrieve(yours.index, yours.embedder, [h for h, _ in sections], "hybrid")
    return retrieval(yours.index, ranked, [[i] for _, i in sections])


def consider_dapt(language: dict[str, Any]) -> bool:
    """Rule: text costs >= LANGUAGE_BPB_RATIO x English's bits (07_your_domain)."""
    return language["bits_per_byte"] >= LANGUAGE_BPB_RATIO * language["bits_per_byte_general"]


def measure(
    yours: Yours, qa: list[dict[str, Any]] | None = None, answer: bool = False
) -> dict[str, Any]:
    """Every number of the report, from your folder and questions (07_your_domain)."""
    docs, texts, index = yours.folder.documents, yours.texts, yours.index
    lang = language(yours.lm.tokenizer, texts)
    lang.update(bits_per_byte(yours.lm, texts))  # tokenizer-free: comparable across texts
    lang["consider_dapt"] = consider_dapt(lang)
    words = sum(len(t.split()) for t in texts)
    out: dict[str, Any] = {
        "documents": len(docs),
        "skipped": yours.folder.skipped,
        "notes": yours.folder.notes,
        "undated": [d["doc_id"] for d in docs if d["date_source"] == "file modification time"],
        "duplicates": duplicates(docs),
        "near_duplicates": near_duplicates(docs),
        "words": words,
        "chunks": len(index.chunks),
        "language": lang,
        "scratch": scaling.corpus_verdict(words, lang["tokens_per_word"], BASE_PARAMS, BASE_TOKENS),
    }
    if qa is None:  # weaker evidence: each section found from its own heading
        out["retrieval"] = heading_check(yours)
        out["retrieval_from"] = "section headings (no QA file: weaker evidence than real questions)"
        return out
    ranked = artifacts.retrieve(index, yours.embedder, [q["question"] for q in qa], "hybrid")
    answerable = [i for i, q in enumerate(qa) if q["gold_doc_ids"]]  # once, for every question
    out["retrieval"] = retrieval(
        index, [ranked[i] for i in answerable], [qa[i]["gold_doc_ids"] for i in answerable]
    )
    out["retrieval_from"] = f"{len(answerable)} of your {len(qa)} questions with a source"
    dated = {d["doc_id"]: d["date"] for d in docs if d["date_source"] != "file modification time"}
    lead = [
        newest_first(r, index.chunks, dated, 1, query=q["question"])
        for q, r in zip(qa, ranked, strict=True)
    ]
    out["newest_first_moved"] = sum(a[:1] != r[:1] for a, r in zip(lead, ranked, strict=True))
    out["ranked"], out["lead"] = ranked, lead  # chunk ids, before and after newest-first
    passages = [[index.chunks[i] for i in ids] for ids in lead]  # the reader's input: top 1
    out["passages"] = passages
    if answer:
        prompts = [rag.rag_prompt(q["question"], p) for q, p in zip(qa, passages, strict=True)]
        answers = models.generate(yours.lm, prompts, max_new_tokens=32, system=SYSTEM)
        out["qa"] = evaluation.qa_scores(answers, qa, passages)
        out["answers"] = [
            {"question": q["question"], "answer": a} for q, a in zip(qa, answers, strict=True)
        ]
    return out


def render(m: dict[str, Any], name: str) -> str:
    """The report as Markdown (07_your_domain)."""
    s, r, lang = m["scratch"], m["retrieval"], m["language"]
    lines = [
        f"# Your domain: {name}", "",
        f"**Documents:** {m['documents']} read, {len(m['skipped'])} skipped"
        + "".join(f"\n- skipped `{f}`: {why}" for f, why in m["skipped"]),
        *[f"- note: {n}" for n in m["notes"]],
        f"- without a date in the text (the file's modification time is used): {len(m['undated'])}",
        f"- identical documents: {m['duplicates'] or 'none'}",
        "- near-duplicates (5-word shingles, Jaccard >= 0.8; one may be an old version): "
        + (", ".join(f"{a} ~ {b} ({j:.2f})" for a, b, j in m["near_duplicates"]) or "none"), "",
        f"**From scratch?** {m['words']:,} words ≈ {scaling.human(s['corpus_tokens'])} tokens: "
        f"compute-optimal for a {scaling.human(s['compute_optimal_params'])}-parameter model, "
        f"{1 / s['corpus_share_of_base_pretraining']:,.0f} times less text than the course model "
        "was pretrained on.", "",
        f"**Retrieval** ({m['retrieval_from']}; {m['chunks']} chunks, hybrid): recall@1 "
        f"{r['recall@1']:.2f}, recall@5 {r['recall@5']}, MRR {r['mrr']:.2f}.", "",
        f"**Language:** {lang['tokens_per_word']:.2f} tokens per word against "
        f"{lang['tokens_per_word_general']:.2f} for plain English; bits per byte "
        f"{lang['bits_per_byte']:.2f} against {lang['bits_per_byte_general']:.2f} (the course "
        "model's surprise per byte, comparable across tokenizers); most fragmented: "
        + ", ".join(f"`{w}`" for w in lang["most_fragmented"]) + ". Consider DAPT? "
        + ("yes: " if lang["consider_dapt"] else "no: ")
        + f"the course considers it from {LANGUAGE_BPB_RATIO:g}x English's bits per byte, and "
        "only keeps it if answers improve on held-out questions (notebook 05).",
    ]  # fmt: skip
    if "newest_first_moved" in m:
        lines += ["", f"**Newest first:** a later dated document that changes the top passage "
                  f"replaced it for {m['newest_first_moved']} of your questions "
                  f"(`helpers.superseding`; undated documents never win on date)."]  # fmt: skip
    if "qa" in m:
        lines += ["", "**Answers with the course model + RAG** (top-1 passage, newest first): "
                  + "; ".join(f"{k} {v}" for k, v in m["qa"].items())]  # fmt: skip
    return "\n".join(lines) + "\n"


def folder_name(docs: Path) -> str:
    """The name a report gives your folder: its parent's when it is called docs (07_your_domain)."""
    docs = Path(docs).resolve()
    return docs.parent.name if docs.name == "docs" else docs.name


def main(argv: list[str] | None = None) -> int:
    """The command line: measure, write report.md and metrics.json to --out (07_your_domain)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", type=Path, help="the folder of your documents")
    parser.add_argument("--qa", type=Path, help="JSONL or CSV: question, answer, optional source")
    parser.add_argument("--out", type=Path, help="default: results/<profile>/yourdomain")
    parser.add_argument("--answer", action="store_true", help="also answer with the course model")
    args = parser.parse_args(argv)
    out = args.out or results.run_dir() / "yourdomain"
    if out.resolve().is_relative_to(args.docs.resolve()):
        parser.error("--out must not be inside the documents folder: nothing is written there")
    yours = load(args.docs)
    qa = ingest.read_qa(args.qa, yours.folder.documents) if args.qa else None
    measured = measure(yours, qa, args.answer)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(render(measured, folder_name(args.docs)))
    objects = ("qa", "retrieval", "ranked", "lead", "passages")  # Rates and chunk lists
    plain = {k: v for k, v in measured.items() if k not in objects}
    plain["retrieval"] = {
        k: (v.value if isinstance(v, stats.Rate) else v) for k, v in measured["retrieval"].items()
    }
    plain["qa"] = {k: v.value for k, v in measured.get("qa", {}).items()}
    (out / "metrics.json").write_text(json.dumps(plain, indent=1, default=str))
    sys.stdout.write(f"wrote {out / 'report.md'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
