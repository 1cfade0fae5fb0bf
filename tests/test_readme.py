"""README and workshop minutes are rendered from results/reference/, never typed by hand."""

from __future__ import annotations

import json
import re

from helpers import REPO_ROOT, scaling

README = (REPO_ROOT / "README.md").read_text()
WORKSHOP = (REPO_ROOT / "docs" / "WORKSHOP.md").read_text()
ESTIMATE = json.loads((REPO_ROOT / "results/reference/gpu/t4_estimate.json").read_text())
TIMINGS = json.loads((REPO_ROOT / "results/reference/ci/timings.json").read_text())


def test_readme_minutes_come_from_the_reference_run(script):
    """Fails when README disagrees with results/reference/: run scripts/render_docs.py."""
    assert script("render_docs").render_readme(README, TIMINGS, ESTIMATE) == README
    rows = [line for line in README.splitlines() if re.match(r"\| \[\d\d_", line)]
    assert len(rows) == len(TIMINGS) == len(ESTIMATE["notebooks"])
    assert all("| not measured¹ |" in row for row in rows), "until a real GPU run is committed"


def test_checklist_page_comes_from_the_reference_runs(script):
    """docs/CHECKLIST.md is rendered, never edited: run scripts/render_docs.py."""
    page = (REPO_ROOT / "docs" / "CHECKLIST.md").read_text()
    assert script("render_docs").render_checklist() == page
    assert "## Four questions" in page and "| triage schema-valid, LoRA SFT |" in page


def test_scaling_page_tables_come_from_the_code(script):
    """docs/SCALING.md's tables are computed by helpers.memory / helpers.scaling, never typed."""
    page = (REPO_ROOT / "docs" / "SCALING.md").read_text()
    assert script("render_docs").render_scaling(page) == page
    assert "| Mistral-7B | 10B |" in page and "computed, not" in page
    assert "(docs/SCALING.md)" in README
    for path in re.findall(r"`((?:docs|configs)/[\w/.]+\.(?:yaml|json))`", page):
        assert (REPO_ROOT / path).is_file(), path


def test_workshop_minutes_come_from_the_reference_run(script):
    assert script("render_docs").render_workshop(WORKSHOP, TIMINGS, ESTIMATE) == WORKSHOP
    assert sum(f"| {nb} |" in WORKSHOP for nb in TIMINGS) == len(TIMINGS)


def test_estimate_assumptions_in_the_text_match_the_code():
    text = re.sub(r"\s+", " ", README)
    assert f"at {scaling.T4_UTILIZATION:.0%} of the T4's" in text.replace("5 %", "5%")
    assert f"{scaling.GPUS['T4'].peak_tflops:.0f} TFLOP/s fp16 peak" in text
    assert f"adds {scaling.DECODE_STEP_SECONDS * 1000:.0f} ms per batched decoding step" in text


def test_notebook_minutes_come_from_the_reference_run(script):
    """Each notebook's "Time:" line is rendered: run scripts/render_docs.py after a new run."""
    render = script("render_docs").render_notebook
    for name in TIMINGS:
        text = (REPO_ROOT / "notebooks" / f"{name}.ipynb").read_text()
        assert render(text, name, TIMINGS, ESTIMATE) == text, f"{name}: its Time line is stale"


def test_markdown_cells_type_no_minutes_or_percentages():
    """Measured numbers reach Markdown only through rendering, never typed by hand."""
    # a percentage that is a setting (a replay share, a GPU's utilisation) is not a measurement
    typed = re.compile(r"(?<![\w.])\d+(?:\.\d+)? ?(?:%(?! ?(?:replay|share|util))|min\b|minutes)")
    for name in TIMINGS:
        cells = json.loads((REPO_ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"]
        for i, cell in enumerate(cells):
            text = "".join(cell["source"])
            if cell["cell_type"] != "markdown":
                continue
            text = "\n".join(x for x in text.splitlines() if not x.startswith("**Time:**"))
            text = re.sub(r"95 ?%", "", text)  # the confidence level, not a measurement
            assert not typed.findall(text), f"{name} cell {i} types {typed.findall(text)}"
