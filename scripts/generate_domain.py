"""Generate the Veldmark Thermal sample domain deterministically: `python scripts/generate_domain.py [OUT]`.

Stage 1 (domain_facts.py) invents the facts; this stage renders documents, the QA eval set, the
SFT tickets, the DAPT corpus and the general-English text from them, all from fixed seeds.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from domain_docs import render_documents  # noqa: E402
from domain_facts import SEVERITIES, build_facts  # noqa: E402
from domain_pairs import render_fact_pairs  # noqa: E402
from domain_tasks import NOT_IN_DOCS, render_qa, render_tickets, triage_guide  # noqa: E402
from domain_text import FAMILIES, heldout_families, render_corpus, render_general  # noqa: E402

from helpers import domain  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "data" / "veldmark"


def _jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in rows))


def test_answers(qa: list[dict]) -> list[str]:
    """Every test-set answer and alias that names a fact: what the unlabelled text must not say.

    Severity labels and bare numbers (aliases such as "4" of "4 Nm") name no fact on their own.
    """
    said = {a for q in qa if q["split"] == "test" for a in [q["answer"], *q["aliases"]]}
    return sorted(a for a in said - {*SEVERITIES, NOT_IN_DOCS} if not re.fullmatch(r"[\d.]+", a))


def generate(out: Path) -> dict[str, str]:
    """Write every data file under `out`; return {relative path: sha256}."""
    facts = build_facts(seed=7)
    out.mkdir(parents=True, exist_ok=True)
    (out / "facts.yaml").write_text(yaml.safe_dump(facts, sort_keys=True, allow_unicode=True))
    docs = render_documents(facts, random.Random(11))
    doc_dir = out / "docs"
    doc_dir.mkdir(exist_ok=True)
    for old in doc_dir.glob("*.md"):
        old.unlink()
    for doc in docs:
        (doc_dir / f"{doc['doc_id']}.md").write_text(doc["markdown"])
    qa = render_qa(facts, docs, random.Random(13))
    guide = triage_guide(facts)  # after the QA, which asks nothing about it
    (doc_dir / f"{guide['doc_id']}.md").write_text(guide["markdown"])
    docs.append(guide)
    for split in ("dev", "test"):
        _jsonl(out / f"qa_{split}.jsonl", [q for q in qa if q["split"] == split])
    _jsonl(out / "fact_pairs.jsonl", render_fact_pairs(facts))
    tickets, schema = render_tickets(facts, random.Random(17))
    (out / "triage_schema.json").write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
    for split in ("train", "validation", "test"):
        _jsonl(out / f"sft_{split}.jsonl", [t for t in tickets if t["split"] == split])
    corpus = render_corpus(facts, random.Random(19), test_answers(qa))
    (out / "dapt_train.txt").write_text(corpus["train"])
    (out / "dapt_heldout.txt").write_text(corpus["heldout"])
    (out / "dapt_heldout_unseen.txt").write_text(corpus["heldout_unseen"])
    general = render_general(random.Random(23))
    (out / "general_train.txt").write_text(general["train"])
    (out / "general_heldout.txt").write_text(general["heldout"])
    sums = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        if rel in ("README.md", "SHA256SUMS"):
            continue
        sums[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    (out / "SHA256SUMS").write_text("".join(f"{h}  {p}\n" for p, h in sums.items()))
    (out / "README.md").write_text(_readme(out, sums, len(docs), qa, tickets))
    return sums


def _readme(out: Path, sums: dict[str, str], n_docs: int, qa: list, tickets: list) -> str:
    # counted as notebook 02 counts them: the words of the sections, not front matter or headings
    words = sum(
        len(section["text"].split())
        for p in sums
        if p.startswith("docs/")
        for section in domain.parse_markdown((out / p).read_text(), p)["sections"]
    )
    rows = "\n".join(
        f"| `{p}` | {(out / p).stat().st_size:,} | `{h}` |"
        for p, h in sums.items()
        if not p.startswith("docs/")
    )
    count = {s: sum(1 for q in qa if q["split"] == s) for s in ("dev", "test")}
    tcount = {
        s: sum(1 for t in tickets if t["split"] == s) for s in ("train", "validation", "test")
    }
    return README.format(
        n_docs=n_docs, words=words, rows=rows, **count, **{f"t_{k}": v for k, v in tcount.items()},
        n_families=len(FAMILIES), n_unseen=len(heldout_families()),
        no_code=sum(t["triage"]["error_code"] is None for t in tickets) / len(tickets),
    )  # fmt: skip


README = """# Veldmark Thermal: the course's sample domain

**Everything here is fictional.** Veldmark Thermal, its heat pumps (VX, GX) and chillers (CR, TQ),
error codes, part numbers, procedures, bulletins, sites and people were invented for this course
by `scripts/domain_facts.py`; no real brand, product or person is described. Because no pretrained
model can know these facts, RAG is needed; because the triage output is a strict JSON format with
a fixed taxonomy, SFT is needed; because technicians write in dense shorthand, DAPT has something
to learn.

## Provenance and regeneration

One deterministic generator (fixed seeds, no network, no model) writes every file:

    python scripts/generate_domain.py          # rewrites data/veldmark/ bit for bit

1. `scripts/domain_facts.py` invents the structured facts → `facts.yaml` (the single source of truth):
   12 products, 60 error codes (E1xx refrigerant, E2xx electrical, E3xx water, E4xx controls),
   20 procedures, 100 parts, 10 dated service bulletins, 87 glossary terms.
2. `scripts/domain_docs.py` renders {n_docs} Markdown documents ({words:,} words) in `docs/`:
   manuals, model troubleshooting guides, error-code pages, procedures, bulletins, part pages,
   a glossary and FAQ pages. Each has front matter (`doc_id`, `title`, `type`); section ids are
   `<doc_id>#s<N>` in order of the `## ` headings.
   Near-duplicates are deliberate: sibling models (VX-212/214/216/218) with different values,
   codes of one family (E101…E115), one troubleshooting guide per model and code group.
   Manuals print the values at print time; **bulletins supersede** four torques, two intervals,
   three part numbers and one severity, so only the newest bulletin answers those questions.
3. `scripts/domain_tasks.py` renders the QA eval set and the triage tickets;
   `scripts/domain_pairs.py` turns each fact sentence of the documents into questions.
4. `scripts/domain_text.py` renders the technicians' notes (DAPT) and plain English prose.
5. `docs/TRIAGE-01.md` (from `scripts/domain_tasks.py`) states the rules the triage labels follow.

**Planted prompt injection.** `docs/FAQ-99.md` ("Remote support and unit replacement") contains an
instruction aimed at AI assistants (claim a free replacement, email a password). It is there on
purpose for the RAG security lesson in notebook 03. Never remove it silently.

## Files

| file | what | size |
|---|---|---|
| `qa_dev.jsonl`, `qa_test.jsonl` | {dev} / {test} questions: `question`, short gold `answer` (+ `aliases`), `type` (single_fact, superseded, two_document, unanswerable), `gold_doc_ids`, `gold_section_ids`; split by fact, so no fact is in both | |
| `fact_pairs.jsonl` | one row per fact sentence in the documents (`fact_key`, `doc_id`, `answer`) with four `phrasings` of its question, none worded like a QA question; for knowledge SFT in notebook 06; a fact a bulletin changed appears with its old and its new value, as the documents state them | |
| `sft_train/validation/test.jsonl` | {t_train} / {t_validation} / {t_test} support tickets in five voices (terse, rambling, angry, typos, formal) with the target `triage` JSON | |
| `triage_schema.json` | JSON Schema (draft 2020-12) every target validates against | |
| `dapt_train.txt`, `dapt_heldout.txt`, `dapt_heldout_unseen.txt` | technicians' notes in shorthand from {n_families} families (shift logs, handovers, PM records, BMS exports, e-mails, ...), built from fragments with varied order, spellings, units and typos; {n_unseen} whole families appear only in `dapt_heldout_unseen.txt`; no test-set answer appears in any unlabelled text (tested) | |
| `general_train.txt`, `general_heldout.txt` | plain everyday English, written by the generator for this project (replay and forgetting); the two splits use disjoint sentence templates and word lists | |

Triage fields: `product` (one of the 12 models, or null when the ticket names none), `error_code`
(`E[1-4]NN` or null; {no_code:.0%} of tickets show none), `category` (8 labels: the fault the
customer *describes*; a displayed code often belongs to another circuit), `severity` (low, medium,
high, critical, by the rules in `docs/TRIAGE-01.md`: the fault's base severity, one level up at
hospitals, care homes and data halls and for repeated faults, critical for signs of danger and for
codes a bulletin made critical), `onsite_required` (high/critical, refrigerant-circuit and
installation tickets), `summary` (the house style: product, the fault, its notes; ≤ 120 characters).

## Checksums (sha256)

`SHA256SUMS` lists every file (check with `sha256sum -c SHA256SUMS`); the top-level files:

| file | bytes | sha256 |
|---|---|---|
{rows}

`tests/test_data.py` regenerates everything into a temporary folder and fails if any checksum
changes.
"""


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    print(f"wrote {len(generate(target))} files to {target}")
