"""Load and validate the Veldmark sample domain (02_domain_data)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from helpers import DATA_DIR

DOMAIN_DIR = DATA_DIR / "veldmark"
QA_FIELDS = ("id", "question", "answer", "type", "gold_doc_ids", "gold_section_ids")
QA_TYPES = ("single_fact", "superseded", "two_document", "unanswerable")
TICKET_FIELDS = ("id", "ticket", "triage")
NOT_IN_DOCS = "not in the documentation"


def _check_split(split: str, allowed: tuple[str, ...]) -> None:
    if split not in allowed:
        raise ValueError(f"split {split!r} does not exist; use one of {', '.join(allowed)}")


def read_jsonl(path: Path, required: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Read JSONL; a bad line or missing field raises with file and line (02_domain_data)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found; regenerate with `python scripts/generate_domain.py`"
        )
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"{path}:{number}: malformed JSON ({exc.msg}); fix or delete the line"
            ) from exc
        if not isinstance(row, dict):
            raise ValueError(f"{path}:{number}: expected a JSON object, got {type(row).__name__}")
        missing = [f for f in required if f not in row]
        if missing:
            raise ValueError(f"{path}:{number}: missing field(s) {', '.join(missing)}")
        rows.append(row)
    if not rows:
        raise ValueError(f"{path} is empty; it needs at least one JSON line")
    return rows


def load_facts(root: Path = DOMAIN_DIR) -> dict[str, Any]:
    """The structured facts every other file is generated from (02_domain_data)."""
    path = Path(root) / "facts.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; run `python scripts/generate_domain.py`")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def parse_markdown(text: str, name: str = "<text>") -> dict[str, Any]:
    """Split a document into front matter and `## ` sections with stable ids (03_rag)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")  # BOM, CRLF
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        raise ValueError(f"{name}: missing the '---' front matter with doc_id, title and type")
    head, body = text[4:].split("\n---\n", 1)
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{name}: front matter is not valid YAML ({exc})") from exc
    for key in ("doc_id", "title", "type"):
        if key not in meta:
            raise ValueError(f"{name}: front matter lacks {key!r}")
        meta[key] = str(meta[key])  # YAML reads `doc_id: 2024-05-01` as a date
    preamble, *parts = ("\n" + body).split("\n## ")
    sections = []
    intro = "\n".join(x for x in preamble.split("\n") if not x.startswith("# ")).strip()
    if intro:  # text before the first `## ` (a revision date, an effective date) is content too
        sections.append(
            {"section_id": f"{meta['doc_id']}#s0", "heading": meta["title"], "text": intro}
        )
    for i, chunk in enumerate(parts, start=1):
        heading, _, content = chunk.partition("\n")
        sections.append(
            {
                "section_id": f"{meta['doc_id']}#s{i}",
                "heading": heading.strip(),
                "text": content.strip(),
            }
        )
    if not sections:
        raise ValueError(f"{name}: no text after the front matter; every document needs some")
    return {**meta, "sections": sections}


def load_documents(root: Path = DOMAIN_DIR) -> list[dict[str, Any]]:
    """Every Markdown document, parsed into sections, sorted by doc_id (03_rag)."""
    paths = sorted((Path(root) / "docs").glob("*.md"))
    if not paths:
        raise ValueError(f"no documents in {Path(root) / 'docs'}; the corpus is empty")
    return [parse_markdown(p.read_text(encoding="utf-8"), name=str(p)) for p in paths]


def load_qa(split: str, root: Path = DOMAIN_DIR) -> list[dict[str, Any]]:
    """QA eval questions of one split (dev | test), validated (03_rag)."""
    _check_split(split, ("dev", "test"))
    path = Path(root) / f"qa_{split}.jsonl"
    rows = read_jsonl(path, QA_FIELDS)
    for number, row in enumerate(rows, start=1):
        if row["type"] not in QA_TYPES:
            raise ValueError(f"{path}: row {number} has unknown type {row['type']!r}")
    return rows


def load_schema(root: Path = DOMAIN_DIR) -> dict[str, Any]:
    """The JSON Schema of the triage output (04_qlora_sft)."""
    schema = json.loads((Path(root) / "triage_schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def load_tickets(split: str, root: Path = DOMAIN_DIR) -> list[dict[str, Any]]:
    """Support tickets of one split with targets checked against the schema (04_qlora_sft)."""
    _check_split(split, ("train", "validation", "test"))
    path = Path(root) / f"sft_{split}.jsonl"
    validator = jsonschema.Draft202012Validator(load_schema(root))
    rows = read_jsonl(path, TICKET_FIELDS)
    for number, row in enumerate(rows, start=1):
        error = jsonschema.exceptions.best_match(validator.iter_errors(row["triage"]))
        if error is not None:
            raise ValueError(f"{path}:{number}: target breaks the schema: {error.message}")
    return rows


def load_text(name: str, root: Path = DOMAIN_DIR) -> str:
    """An unlabelled text: dapt_train, dapt_heldout[_unseen], general_train|heldout (05_dapt)."""
    allowed = (
        "dapt_train",
        "dapt_heldout",
        "dapt_heldout_unseen",
        "general_train",
        "general_heldout",
    )
    _check_split(name, allowed)
    text = (Path(root) / f"{name}.txt").read_text(encoding="utf-8")
    if not text.strip():
        raise ValueError(f"{name}.txt is empty; regenerate the data")
    return text
