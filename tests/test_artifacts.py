"""helpers.artifacts: reader inputs are named, parsed and chosen in one place."""

from __future__ import annotations

import pytest

from helpers import artifacts, results


class FakeIndex:
    def __init__(self):
        def chunk(doc, kind, heading, text):
            return {"doc_id": doc, "type": kind, "heading": heading, "text": text}

        self.chunks = {
            0: chunk("PR-09", "procedure", "Steps", "PR-09 43 Nm"),
            1: chunk("SB-2024-01", "bulletin", "Change", "PR-09 45 Nm"),
            2: chunk("MAN-X", "manual", "Specs", "other"),
        }


def test_reader_input_names_round_trip():
    name = artifacts.reader_input("dense", 3, True)
    assert name == "dense top-3 + newest bulletin"
    assert artifacts._parse_input(name) == ("dense", 3, True)
    with pytest.raises(ValueError, match="must look like"):
        artifacts._parse_input("sparse top-1")
    with pytest.raises(ValueError, match="not one of"):
        artifacts.retrieve(None, None, ["q"], "bm42")


def test_select_applies_the_superseding_step_only_when_named():
    index = FakeIndex()
    plain = artifacts.select(index, [0, 2, 1], "hybrid top-1")
    linked = artifacts.select(index, [0, 2, 1], "hybrid top-1" + artifacts.BULLETIN)
    assert [p["doc_id"] for p in plain] == ["PR-09"]
    assert [p["doc_id"] for p in linked] == ["SB-2024-01", "PR-09"]  # the bulletin in front
    assert len(artifacts.select(index, [0, 2, 1], "hybrid top-3")) == 3


def test_chosen_reader_input_comes_from_notebook_03(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_RESULTS", str(tmp_path))
    monkeypatch.setenv("COURSE_PROFILE", "ci")
    monkeypatch.delenv("COURSE_SMOKE", raising=False)
    results.save("03_rag", {"reader_input_chosen_on_dev": "dense top-1"}, "ci", tmp_path)
    assert artifacts.chosen_reader_input() == ("dense top-1", "this ci run")


def test_the_reference_run_names_a_valid_reader_input():
    metrics = results.load("03_rag", "ci", reference=True)
    artifacts._parse_input(metrics["reader_input_chosen_on_dev"])


def test_reuse_or_generate_prefers_this_runs_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_RESULTS", str(tmp_path))
    monkeypatch.setenv("COURSE_PROFILE", "ci")
    monkeypatch.delenv("COURSE_SMOKE", raising=False)
    qs = [{"id": "q1"}, {"id": "q2"}]
    fresh, how = artifacts.reuse_or_generate("03_rag", "closed-book", qs, lambda: ["x", "y"])
    assert (fresh, how) == (["x", "y"], "generated here")
    results.save_answers("03_rag", "closed-book", ["q1", "q2"], ["a", "b"])
    saved, how = artifacts.reuse_or_generate("03_rag", "closed-book", qs, lambda: ["x", "y"])
    assert saved == ["a", "b"] and "reused 03_rag's answers" in how
