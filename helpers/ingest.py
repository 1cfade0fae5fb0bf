"""Read a folder of your own documents into the course's document format (issue 16, 03_rag).

Markdown, plain text, HTML, PDF (pypdf) and Word .docx (python-docx) become documents with `## `
sections, as `domain.load_documents` returns them; every other file is skipped and listed, with
the reason. Nothing is written into the folder. pypdf + python-docx were chosen over markitdown:
about 6 MB of wheels against 87 MB (markitdown[pdf,docx] pulls onnxruntime, magika, pdfminer).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from helpers import domain

SUPPORTED = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")  # tried in order; latin-1 decodes any byte
_DATE = re.compile(
    r"^(?:date|effective|revised|revision date)\s*:\s*(\d{4}-\d{2}-\d{2})", re.I | re.M
)


@dataclass
class Folder:
    """What a folder held: documents, files skipped with the reason, and notes (03_rag)."""

    documents: list[dict[str, Any]]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_text(path: Path) -> tuple[str, str]:
    """A text file's content and the encoding that decoded it (03_rag)."""
    raw = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


class _HtmlText(HTMLParser):
    """Headings become Markdown headings, block elements new lines; scripts and styles go."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif re.fullmatch(r"h[1-6]", tag):  # h1 is the title; every other level a section
            self.parts.append("\n\n" + ("# " if tag == "h1" else "## "))
        elif tag in ("p", "div", "li", "br", "tr", "table"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def to_markdown(path: Path) -> tuple[str, str]:
    """The file as Markdown text, and how it was read (03_rag)."""
    kind = SUPPORTED[path.suffix.lower()]
    if kind in ("markdown", "text"):
        return read_text(path)
    if kind == "html":
        html, encoding = read_text(path)
        parser = _HtmlText()
        parser.feed(html)
        return "".join(parser.parts), f"HTML, {encoding}"
    if kind == "pdf":
        from pypdf import PdfReader

        reader = PdfReader(path)
        if reader.is_encrypted:
            raise ValueError("encrypted PDF: decrypt it or export it as text")
        return "\n\n".join(page.extract_text() or "" for page in reader.pages), "pypdf"
    import docx  # python-docx

    lines = []
    for para in docx.Document(str(path)).paragraphs:
        style = para.style.name if para.style is not None else ""
        heading = "# " if style == "Title" else "## " if style.startswith("Heading") else ""
        lines.append(heading + para.text)  # a title, or a section heading at any level
    return "\n\n".join(lines), "python-docx"


def doc_id(path: Path, root: Path) -> str:
    """A stable id from the file's path inside the folder: 'manuals__pump-a' (03_rag)."""
    rel = path.relative_to(root).with_suffix("")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", "__".join(rel.parts)).strip("-") or "doc"


def _document(path: Path, root: Path, text: str) -> dict[str, Any]:
    if text.lstrip("\ufeff").startswith("---"):
        try:  # the course's own front matter: doc_id, title and type
            return {**domain.parse_markdown(text, str(path)), "date_source": "front matter"}
        except ValueError:
            pass  # some other front matter: treat the file as plain text
    heading = re.search(r"^#{1,2} +(.+)$", text, re.M)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    short = first if len(first) <= 80 else ""  # a plain file's first line is usually its title
    title = heading.group(1).strip() if heading else short or path.stem.replace("_", " ")
    found = _DATE.search(text)
    if found:
        date, source = found.group(1), "a date line"
    else:
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        date, source = modified.strftime("%Y-%m-%d"), "file modification time"
    head = f"---\ndoc_id: {json.dumps(doc_id(path, root))}\ntitle: {json.dumps(title)}\n"
    head += f"type: {json.dumps(SUPPORTED[path.suffix.lower()])}\n---\n"
    parsed = domain.parse_markdown(head + text.replace("\r\n", "\n"), str(path))
    return {**parsed, "date": date, "date_source": source}


def read_folder(root: str | Path) -> Folder:
    """Every supported file under `root` as a document; the rest listed as skipped (03_rag)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder: point at the folder of your documents")
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise ValueError(
            f"{root} is empty: put your documents (.md, .txt, .html, .pdf, .docx) in it"
        )
    folder = Folder(documents=[])
    for path in files:
        name = str(path.relative_to(root))
        if path.suffix.lower() not in SUPPORTED:
            folder.skipped.append((name, f"unsupported type '{path.suffix or 'none'}'"))
            continue
        try:
            text, how = to_markdown(path)
        except Exception as exc:  # a broken or encrypted file must not stop the other files
            folder.skipped.append((name, f"unreadable: {exc}"))
            continue
        if not text.strip():
            folder.skipped.append((name, "no text (empty, or a scanned PDF without a text layer)"))
            continue
        if how in ("cp1252", "latin-1", "HTML, cp1252", "HTML, latin-1"):
            folder.notes.append(f"{name}: not UTF-8, decoded as {how.split(', ')[-1]}")
        folder.documents.append({**_document(path, root, text), "path": name})
    if not folder.documents:
        listed = "; ".join(f"{n} ({why})" for n, why in folder.skipped)
        raise ValueError(f"no readable documents in {root}; skipped: {listed}")
    return folder


def read_qa(path: str | Path, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Your questions (JSONL or CSV: question, answer, source?) as the course's QA (03_rag).

    `source` names a document by its doc_id or its file name; an empty answer, or "not in the
    documentation", marks a question the documents cannot answer.
    """
    import csv

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: pass your QA file (JSONL or CSV)")
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = [(n, row) for n, row in enumerate(csv.DictReader(f), start=2)]  # 1 = header
    else:
        rows = list(enumerate(domain.read_jsonl(path), start=1))  # it names a malformed line
    ids = {}  # every name a source may use: doc_id, path in the folder, file name, stem
    for d in documents:
        names = [d["doc_id"]] + (
            [d["path"], Path(d["path"]).name, Path(d["path"]).stem] if "path" in d else []
        )
        ids.update(dict.fromkeys(names, d["doc_id"]))
    out = []
    for number, row in rows:
        question, answer = (str(row.get(k) or "").strip() for k in ("question", "answer"))
        if not question:
            raise ValueError(f"{path}:{number}: missing field 'question'")
        source = str(row.get("source") or "").strip()
        if source and source not in ids:
            raise ValueError(
                f"{path}:{number}: source {source!r} is not among the documents read; use a "
                "doc_id or a file name from the folder"
            )
        aliases = row.get("aliases") or []
        if isinstance(aliases, str):  # a CSV cell: "41 Nm|41 N·m"
            aliases = [a.strip() for a in aliases.split("|") if a.strip()]
        unanswerable = not answer or answer.lower() == domain.NOT_IN_DOCS
        gold = [ids[source]] if source else []
        out.append(
            {
                "id": str(row.get("id") or f"q{number:04d}"),
                "question": question,
                "answer": domain.NOT_IN_DOCS if unanswerable else answer,
                "aliases": list(aliases),
                "type": "unanswerable" if unanswerable else "single_fact",
                "gold_doc_ids": gold,
                "gold_section_ids": [],
                "fact_key": str(row.get("id") or f"line{number}"),
            }
        )
    if not out:
        raise ValueError(f"{path} has no questions")
    return out
