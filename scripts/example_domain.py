"""Write the second sample domain, a water utility's handbook: `python scripts/example_domain.py`.

Not Veldmark on purpose: another field, other writing, other formats (Markdown, text, HTML, PDF,
Word) and no front matter, so the bring-your-own-documents path (helpers.ingest, issue 16) is tried
on files that look like a real team's. Every fact is invented. Writes data/example_utility/ with
docs/ and qa.csv (question, answer, source); PDFs and .docx carry a fixed timestamp, so the
files are the same on every run.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIONS = [  # id, name, pumps, design flow l/s, max pressure bar, generator kW
    ("PS-1", "Mill Creek", 3, 85, 6.5, 250),
    ("PS-2", "Harrow Hill", 2, 40, 7.2, 150),
    ("PS-3", "Eastgate", 4, 120, 5.8, 400),
    ("PS-4", "Quarry Road", 2, 30, 8.1, 120),
]
ALARMS = [  # code, meaning, first action
    ("A-11", "wet well level low", "check the inlet valve and stop the duty pump"),
    ("A-12", "wet well level high", "start the standby pump and check for a blocked outlet"),
    ("A-21", "pump motor fault", "switch to the standby pump and call the electrician on duty"),
    ("A-31", "free chlorine low", "check the dosing pump and the hypochlorite day tank"),
    ("A-32", "free chlorine high", "stop the dosing pump and sample at the outlet"),
    ("A-41", "turbidity above 1 NTU", "divert to waste and inform the shift supervisor"),
]
SAMPLING = [  # point, location, every n days
    ("SP-01", "Mill Creek outlet", 1),
    ("SP-02", "Harrow Hill reservoir", 7),
    ("SP-03", "Eastgate school tap", 7),
    ("SP-04", "Quarry Road dead end", 14),
    ("SP-05", "Hospital connection", 1),
    ("SP-06", "Old Town hydrant 17", 14),
]


def _md_files() -> dict[str, str]:
    files = {}
    for sid, name, pumps, flow, bar, kw in STATIONS:
        files[f"stations/{sid.lower()}.md"] = (
            f"# Pump station {sid} {name}\n\nRevised: 2024-11-04\n\n## Equipment\n\n"
            f"{name} ({sid}) runs {pumps} pumps, one of them standby. Design flow: {flow} l/s.\n\n"
            f"## Limits\n\nMaximum outlet pressure: {bar} bar. Above it the duty pump trips.\n\n"
            f"## Power\n\nBackup generator: {kw} kW, tested under load every month.\n"
        )
    rows = "\n".join(
        f"| {p} | {loc} | every {d} day{'s' if d > 1 else ''} |" for p, loc, d in SAMPLING
    )
    files["sampling-plan.md"] = (
        "# Sampling plan\n\nRevised: 2024-09-30\n\n## Points\n\n| point | location | frequency |\n"
        f"|---|---|---|\n{rows}\n\n## Method\n\nRun the tap for 3 minutes before filling the "
        "sterile bottle. Samples reach the lab within 6 hours, kept below 8 °C.\n"
    )
    files["notices/n-2025-04.md"] = (
        "# Notice N-2025-04: chlorine target\n\nEffective: 2025-06-01\n\n## Change\n\nThe free "
        "chlorine target at the plant outlet rises from 0.8 mg/L to 1.0 mg/L. The minimum at "
        "the network extremity stays 0.2 mg/L. This notice supersedes the dosing SOP's target.\n"
    )
    files["glossary.md"] = (
        "# Glossary\n\n## Terms\n\nDMA: district metered area. PRV: pressure reducing valve. "
        "NTU: nephelometric turbidity unit. Wet well: the chamber a station's pumps draw from. "
        "Duty pump: the pump running now; standby: the one that takes over.\n"
    )
    return files


def _text_files() -> dict[str, str]:
    return {
        "valve-exercise.txt": (
            "VALVE EXERCISE PROGRAMME\nRevised: 2023-05-15\n\nEvery network valve is exercised "
            "(closed fully and reopened) every 24 months. Valves larger than 300 mm are turned "
            "by two operators. Record the number of turns on the valve card.\n"
        ),
        "notices/n-2025-09.txt": (
            "Notice N-2025-09: valve exercise interval\nEffective: 2025-10-01\n\nThe valve "
            "exercise interval is shortened from 24 months to 18 months for all valves in DMA 3 "
            "and DMA 4. Other districts keep 24 months.\n"
        ),
        "customer-contact.txt": (
            "Customer contact\n\nThe service desk answers calls from 07:00 to 19:00 on working "
            "days. Outside those hours, burst mains are reported to the emergency line, which is "
            "staffed around the clock. A discoloured-water complaint gets a visit within 24 hours.\n"
        ),
    }


def _html() -> str:
    rows = "".join(f"<h2>{c}</h2><p>Meaning: {m}. First action: {a}.</p>" for c, m, a in ALARMS)
    return (
        "<html><head><title>Alarm codes</title><style>h2{color:navy}</style></head><body>"
        f"<h1>SCADA alarm codes</h1><p>Revised: 2024-02-12</p>{rows}</body></html>\n"
    )


def _pdf(lines: list[str], password: str | None = None) -> bytes:
    """A one-page text PDF with a fixed identity, so the bytes never change (tests encrypt it)."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    escaped = [t.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for t in lines]
    ops = "".join(f"BT /F1 11 Tf 60 {740 - 16 * i} Td ({t}) Tj ET\n" for i, t in enumerate(escaped))
    stream = DecodedStreamObject()
    stream.set_data(ops.encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    if password:  # an encrypted file for tests: pypdf derives its own id for the key
        writer.encrypt(password)
    else:
        writer._ID = ArrayObject([TextStringObject("example"), TextStringObject("example")])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx(title: str, sections: list[tuple[str, str]]) -> bytes:
    """A Word file, rezipped with a fixed timestamp so the bytes never change."""
    import docx

    document = docx.Document()
    fixed_time = datetime(2025, 1, 1, tzinfo=UTC)
    document.core_properties.created = document.core_properties.modified = fixed_time
    document.add_heading(title, level=0)
    for heading, text in sections:
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    raw = io.BytesIO()
    document.save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in sorted(src.namelist()):
            info = zipfile.ZipInfo(item, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED  # a ZipInfo would otherwise store it raw
            dst.writestr(info, src.read(item))
    return fixed.getvalue()


QA = [  # question, answer, source (a file name in docs/)
    *[(f"How many pumps does the {n} station run?", str(p), f"{s.lower()}.md")
      for s, n, p, _, _, _ in STATIONS],
    *[(f"What is the design flow of pump station {s}?", f"{f} l/s", f"{s.lower()}.md")
      for s, _, _, f, _, _ in STATIONS],
    *[(f"What is the maximum outlet pressure at {n}?", f"{b} bar", f"{s.lower()}.md")
      for s, n, _, _, b, _ in STATIONS],
    *[(f"How big is the backup generator at {s}?", f"{k} kW", f"{s.lower()}.md")
      for s, _, _, _, _, k in STATIONS],
    *[(f"What does SCADA alarm {c} mean?", m, "alarm-codes.html") for c, m, _ in ALARMS],
    *[(f"How often is sampling point {p} sampled?", f"every {d} day" + ("s" if d > 1 else ""),
       "sampling-plan.md") for p, _, d in SAMPLING],
    ("What is the free chlorine target at the plant outlet now?", "1.0 mg/L", "n-2025-04.md"),
    ("What is the minimum free chlorine at the network extremity?", "0.2 mg/L", "n-2025-04.md"),
    ("How long must the network be flushed after a main repair?", "30 minutes",
     "main-break-procedure.docx"),
    ("Below what pressure, held for over 2 hours, is a boil-water advisory issued?", "1.4 bar",
     "main-break-procedure.docx"),
    ("How often are valves in DMA 3 exercised?", "18 months", "n-2025-09.txt"),
    ("How often are valves outside DMA 3 and DMA 4 exercised?", "24 months", "n-2025-09.txt"),
    ("How long is the tap run before a sample bottle is filled?", "3 minutes", "sampling-plan.md"),
    ("Within how many hours must samples reach the lab?", "6 hours", "sampling-plan.md"),
    ("How much hypochlorite does the day tank hold?", "400 litres", "chlorine-dosing-sop.pdf"),
    ("What does PRV stand for?", "pressure reducing valve", "glossary.md"),
    ("What is the water utility's annual budget?", "", ""),
    ("Who is the mayor of the city the utility serves?", "", ""),
]  # fmt: skip


def write(out: Path) -> int:
    """Write the docs and qa.csv under `out`; returns the number of documents."""
    docs = out / "docs"
    files: dict[str, bytes] = {k: v.encode() for k, v in {**_md_files(), **_text_files()}.items()}
    files["alarm-codes.html"] = _html().encode()
    files["chlorine-dosing-sop.pdf"] = _pdf([
        "Chlorine dosing SOP", "Revised: 2024-01-20",
        "Target free chlorine at the plant outlet: 0.8 mg/L (see notices for changes).",
        "The hypochlorite day tank holds 400 litres; refill it below 25 % (alarm A-31).",
        "Check the dosing pump stroke every shift and log it.",
    ])  # fmt: skip
    files["main-break-procedure.docx"] = _docx("Main break procedure", [
        ("Isolate", "Close the nearest valves upstream and downstream and notify the control room."),
        ("Repair and flush", "After the repair, flush the section for 30 minutes at a hydrant."),
        ("Restore", "Take a bacteriological sample before restoring supply. If pressure stayed "
                    "below 1.4 bar for more than 2 hours, issue a boil-water advisory."),
    ])  # fmt: skip
    for name, data in files.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    with open(out / "qa.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "question", "answer", "source"])
        for i, (q, a, s) in enumerate(QA, start=1):
            writer.writerow([f"u{i:03d}", q, a, s])
    return len(files)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "example_utility"
    print(f"wrote {write(target)} documents and {len(QA)} questions to {target}")
