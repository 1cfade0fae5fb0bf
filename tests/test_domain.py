import json
import shutil

import pytest

from helpers import domain


def _copy_domain(tmp_path):
    root = tmp_path / "veldmark"
    shutil.copytree(domain.DOMAIN_DIR, root, ignore=shutil.ignore_patterns("dapt_*", "general_*"))
    return root


def test_loaders_return_validated_data():
    assert len(domain.load_documents()) >= 150
    assert {q["type"] for q in domain.load_qa("dev")} == set(domain.QA_TYPES)
    rows = domain.load_tickets("test")
    assert len(rows) >= 200 and all("triage" in r for r in rows)


def test_malformed_line_reports_file_and_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": 1}\n{"id": 2,,}\n')
    with pytest.raises(ValueError, match=r"x\.jsonl:2: malformed JSON"):
        domain.read_jsonl(path)


def test_missing_field_reports_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": 1, "ticket": "a", "triage": {}}\n{"id": 2, "ticket": "b"}\n')
    with pytest.raises(ValueError, match=r"x\.jsonl:2: missing field\(s\) triage"):
        domain.read_jsonl(path, domain.TICKET_FIELDS)


def test_non_object_and_empty(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text("[1, 2]\n")
    with pytest.raises(ValueError, match="JSON object"):
        domain.read_jsonl(path)
    path.write_text("\n\n")
    with pytest.raises(ValueError, match="empty"):
        domain.read_jsonl(path)
    with pytest.raises(FileNotFoundError, match="generate_domain"):
        domain.read_jsonl(tmp_path / "missing.jsonl")


def test_schema_breaking_target_reported(tmp_path):
    root = _copy_domain(tmp_path)
    path = root / "sft_test.jsonl"
    lines = path.read_text().splitlines()
    row = json.loads(lines[2])
    row["triage"]["severity"] = "apocalyptic"
    lines[2] = json.dumps(row)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"sft_test\.jsonl:3: target breaks the schema"):
        domain.load_tickets("test", root=root)


def test_bad_split_and_qa_type(tmp_path):
    with pytest.raises(ValueError, match="dev, test"):
        domain.load_qa("train")
    root = _copy_domain(tmp_path)
    path = root / "qa_dev.jsonl"
    row = json.loads(path.read_text().splitlines()[0])
    row["type"] = "trivia"
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(ValueError, match="unknown type 'trivia'"):
        domain.load_qa("dev", root=root)


def test_markdown_parsing_and_errors(tmp_path):
    doc = domain.parse_markdown(
        '---\ndoc_id: D1\ntitle: "A: b"\ntype: faq\n---\n## One\n\nx\n\n## Two\n\ny\n'
    )
    assert [s["section_id"] for s in doc["sections"]] == ["D1#s1", "D1#s2"]
    assert doc["sections"][1]["text"] == "y"
    with pytest.raises(ValueError, match="front matter"):
        domain.parse_markdown("# no front matter\n")
    with pytest.raises(ValueError, match="lacks 'type'"):
        domain.parse_markdown("---\ndoc_id: D1\ntitle: t\n---\n## s\n\nx\n")
    with pytest.raises(ValueError, match="no text after the front matter"):
        domain.parse_markdown("---\ndoc_id: D1\ntitle: t\ntype: faq\n---\n# Title only\n\n")
    (tmp_path / "docs").mkdir()
    with pytest.raises(ValueError, match="corpus is empty"):
        domain.load_documents(tmp_path)


def test_text_loader_names():
    assert domain.load_text("general_heldout").strip()
    with pytest.raises(ValueError, match="dapt_train"):
        domain.load_text("wiki")


def test_markdown_from_other_editors_parses_the_same():
    """A BOM, CRLF line endings and a date-like doc_id (issue 16) parse like plain LF text."""
    plain = "---\ndoc_id: D1\ntitle: t\ntype: faq\n---\n# t\n\n## One\n\nx\n"
    expected = domain.parse_markdown(plain)
    assert domain.parse_markdown("\ufeff" + plain.replace("\n", "\r\n")) == expected
    dated = domain.parse_markdown(plain.replace("doc_id: D1", "doc_id: 2024-05-01"))
    assert dated["doc_id"] == "2024-05-01" and dated["sections"][0]["section_id"] == "2024-05-01#s1"
    json.dumps(dated)  # an index saves it: a date object would not serialise


def test_text_before_the_first_section_is_kept_and_a_title_line_is_not():
    text = (
        "---\ndoc_id: N7\ntitle: Notice 7\ntype: notice\n---\n# Notice 7\n\nEffective 2026-03-01.\n"
    )
    doc = domain.parse_markdown(text + "\n## Change\n\nNew value.\n")
    assert [(s["section_id"], s["heading"], s["text"]) for s in doc["sections"]] == [
        ("N7#s0", "Notice 7", "Effective 2026-03-01."),
        ("N7#s1", "Change", "New value."),
    ]
    only_title = domain.parse_markdown(text.replace("Effective 2026-03-01.\n", "") + "## A\n\nx\n")
    assert [s["section_id"] for s in only_title["sections"]] == ["N7#s1"]  # ids as before
