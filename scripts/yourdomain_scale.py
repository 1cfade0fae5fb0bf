"""How long `python -m helpers.yourdomain` takes on a big folder: `python scripts/yourdomain_scale.py`.

Generates N documents (default 1,000) in a temporary folder, in the example domain's mix of
formats (Markdown, text, HTML, PDF, Word), each with four sections of generated facts, then times
the pipeline's steps on this machine's CPU: reading the folder, loading the models, chunking and
embedding into the index, and measuring (language, bits per byte, duplicates, the headings
self-check). Writes results/reference/yourdomain_scale.json, which notebook 07 prints.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
import example_domain  # noqa: E402  (its PDF and Word writers)

from helpers import ingest, results, yourdomain  # noqa: E402

FORMATS = ["md"] * 5 + ["txt"] * 2 + ["html", "pdf", "docx"]  # the example's mix, 10 files
THINGS = ["pump", "valve", "reservoir", "hydrant", "meter", "main", "sampler", "generator"]
UNITS = ["l/s", "bar", "kW", "mg/L", "mm", "days", "hours", "m3"]


def sections(rng: random.Random, i: int) -> list[tuple[str, str]]:
    """Four sections of about 60 words of generated facts each."""
    out = []
    for s in range(4):
        facts = []
        for _ in range(6):
            thing, unit = rng.choice(THINGS), rng.choice(UNITS)
            facts.append(
                f"The {thing} at site {i}-{s} is rated {rng.randint(1, 900)} {unit} and is "
                f"checked every {rng.randint(2, 36)} months by crew {rng.randint(1, 40)}."
            )
        out.append((f"Site {i}-{s} {rng.choice(THINGS)} record", " ".join(facts)))
    return out


def write_document(folder: Path, i: int, rng: random.Random) -> None:
    """One generated document in the format its number picks."""
    kind, title = FORMATS[i % len(FORMATS)], f"Asset record {i}"
    parts, date = sections(rng, i), f"Revised: 2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
    path = folder / f"record-{i:04d}.{kind}"
    if kind == "pdf":  # one text line per sentence, as a simple export would
        lines = [title, date] + [f"{h}: {t}" for h, t in parts]
        path.write_bytes(example_domain._pdf([w[:110] for w in lines]))
    elif kind == "docx":
        path.write_bytes(example_domain._docx(title, parts))
    elif kind == "html":
        body = "".join(f"<h2>{h}</h2><p>{t}</p>" for h, t in parts)
        path.write_text(f"<html><body><h1>{title}</h1><p>{date}</p>{body}</body></html>")
    else:
        marker = "## " if kind == "md" else ""
        body = "\n\n".join(f"{marker}{h}\n\n{t}" for h, t in parts)
        path.write_text(f"# {title}\n\n{date}\n\n{body}\n")


def main() -> int:
    """Generate, time each step, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "reference")
    args = parser.parse_args()
    rng, seconds = random.Random(0), {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(args.documents):
            write_document(folder, i, rng)
        start = time.perf_counter()
        documents = len(ingest.read_folder(folder).documents)
        seconds["read the folder"] = time.perf_counter() - start
        start = time.perf_counter()
        yours = yourdomain.load(folder)  # reads again, loads the models, chunks, embeds, indexes
        seconds["read, load models, chunk and embed"] = time.perf_counter() - start
        start = time.perf_counter()
        measured = yourdomain.measure(yours)
        seconds["measure (no QA file)"] = time.perf_counter() - start
    result = {
        "what": "python -m helpers.yourdomain on generated documents, timed on CPU",
        "documents": documents,
        "words": measured["words"],
        "chunks": measured["chunks"],
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "total_minutes": round(
            (seconds["read, load models, chunk and embed"] + seconds["measure (no QA file)"]) / 60,
            1,
        ),  # fmt: skip
        "cpus": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
    }
    path = results.write_measurement(args.out, "yourdomain_scale", result)
    print(path.read_text(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
