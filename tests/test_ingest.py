"""helpers.ingest: a folder of mixed files becomes documents; unreadable files are listed."""

from __future__ import annotations

import pytest

from helpers import ingest


def _docx(path):
    import docx

    document = docx.Document()
    document.add_heading("Pump B manual", level=0)
    document.add_heading("Limits", level=1)
    document.add_paragraph("The maximum flow is 30 l/min.")
    document.save(str(path))


def test_a_mixed_folder(tmp_path, script):
    pdf = script("example_domain")._pdf  # the sample domain's own PDF writer
    (tmp_path / "manuals").mkdir()
    (tmp_path / "manuals" / "pump a.md").write_bytes(
        b"# Pump A\r\nRevised: 2024-03-01\r\n\r\n## Limits\r\n\r\nMax 12 l/min.\r\n"
    )
    (tmp_path / "notes.txt").write_bytes("Caf\xe9 notes: flow check every week.".encode("cp1252"))
    (tmp_path / "page.html").write_text(
        "<html><style>p{}</style><h1>Valve C</h1><h2>Torque</h2><p>Tighten to 41 Nm.</p></html>"
    )
    (tmp_path / "sheet.pdf").write_bytes(pdf(["Filter D", "Change the filter every 6 months."]))
    _docx(tmp_path / "pump_b.docx")
    (tmp_path / "locked.pdf").write_bytes(pdf(["secret"], password="x"))
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    folder = ingest.read_folder(tmp_path)
    docs = {d["doc_id"]: d for d in folder.documents}
    assert sorted(docs) == ["manuals__pump-a", "notes", "page", "pump_b", "sheet"]
    pump = docs["manuals__pump-a"]
    assert pump["title"] == "Pump A" and pump["date"] == "2024-03-01"
    assert pump["date_source"] == "a date line"
    assert [s["heading"] for s in pump["sections"]] == ["Pump A", "Limits"]  # s0 keeps the date
    assert docs["notes"]["date_source"] == "file modification time"
    assert "Café" in docs["notes"]["sections"][0]["text"]
    assert any("notes.txt: not UTF-8, decoded as cp1252" in n for n in folder.notes)
    page = docs["page"]
    assert page["title"] == "Valve C" and page["sections"][-1]["text"] == "Tighten to 41 Nm."
    assert "p{}" not in str(page)  # styles are not text
    assert "Change the filter every 6 months." in docs["sheet"]["sections"][0]["text"]
    assert [s["heading"] for s in docs["pump_b"]["sections"]] == ["Limits"]
    skipped = dict(folder.skipped)
    assert "encrypted PDF" in skipped["locked.pdf"] and "no text" in skipped["empty.txt"]
    assert "unsupported type '.jpg'" in skipped["photo.jpg"]


def test_course_front_matter_is_kept(tmp_path):
    (tmp_path / "x.md").write_text(
        "---\ndoc_id: ERR-1\ntitle: Error 1\ntype: error_code\n---\n## A\n\nb\n"
    )
    doc = ingest.read_folder(tmp_path).documents[0]
    assert (doc["doc_id"], doc["type"], doc["date_source"]) == (
        "ERR-1",
        "error_code",
        "front matter",
    )


def test_bad_folders_get_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a folder"):
        ingest.read_folder(tmp_path / "missing")
    with pytest.raises(ValueError, match="is empty"):
        ingest.read_folder(tmp_path)
    (tmp_path / "a.jpg").write_bytes(b"x")
    (tmp_path / "b.xlsx").write_bytes(b"x")
    with pytest.raises(ValueError, match=r"no readable documents .*a\.jpg .*b\.xlsx"):
        ingest.read_folder(tmp_path)


def test_your_questions_in_jsonl_or_csv(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "pump a.md").write_text("# Pump A\n\n## Limits\n\nMax 12 l/min.\n")
    folder = ingest.read_folder(docs)
    csv_path = tmp_path / "qa.csv"
    csv_path.write_text(
        "question,answer,source,aliases\n"
        "What is pump A's flow limit?,12 l/min,pump a.md,12 l per min|12 L/min\n"
        "Who painted the Mona Lisa?,,,\n"
    )
    qa = ingest.read_qa(csv_path, folder.documents)
    assert qa[0]["gold_doc_ids"] == ["pump-a"] and qa[0]["aliases"] == ["12 l per min", "12 L/min"]
    assert (qa[1]["type"], qa[1]["answer"]) == ("unanswerable", "not in the documentation")
    jsonl = tmp_path / "qa.jsonl"
    jsonl.write_text(
        '{"question": "Limit?", "answer": "12", "source": "pump-a"}\n{"answer": "x"}\n'
    )
    with pytest.raises(ValueError, match=r"qa\.jsonl:2: missing field 'question'"):
        ingest.read_qa(jsonl, folder.documents)
    jsonl.write_text('{"question": "Limit?", "answer": "12", "source": "pump-b.pdf"}\n')
    with pytest.raises(ValueError, match=r":1: source 'pump-b.pdf' is not among the documents"):
        ingest.read_qa(jsonl, folder.documents)


def test_near_duplicates_find_an_old_version_and_nothing_else():
    from helpers.yourdomain import near_duplicates

    words = [f"w{i}" for i in range(200)]
    edited = words[:100] + ["changed"] + words[101:]

    def doc(doc_id, ws):
        return {"doc_id": doc_id, "sections": [{"text": " ".join(ws)}]}

    other = [f"x{i}" for i in range(200)]
    docs = [doc("v1", words), doc("v2", edited), doc("other", other), doc("tiny", ["a"])]
    pairs = near_duplicates(docs)
    assert [(a, b) for a, b, _ in pairs] == [("v1", "v2")]
    assert 0.9 < pairs[0][2] < 1.0
