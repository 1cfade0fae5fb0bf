"""The README's course map is rendered from results/reference/, never typed by hand."""

from __future__ import annotations

import json
import re

import pytest

from helpers import REPO_ROOT, scaling

README = (REPO_ROOT / "README.md").read_text()
ESTIMATE = json.loads((REPO_ROOT / "results/reference/gpu/t4_estimate.json").read_text())
TIMINGS = json.loads((REPO_ROOT / "results/reference/ci/timings.json").read_text())


def _row(notebook: str) -> list[str]:
    line = next(x for x in README.splitlines() if x.startswith(f"| [{notebook}]"))
    return [cell.strip() for cell in line.strip("|").split("|")]


@pytest.mark.parametrize("notebook", sorted(ESTIMATE["notebooks"]))
def test_course_map_row(notebook):
    _, _, cpu, measured, estimate, _ = _row(notebook)
    assert cpu == f"{TIMINGS[notebook] / 60:.1f} min"
    assert measured == "not measured¹", "stays so until a real GPU run is committed"
    minutes = ESTIMATE["notebooks"][notebook]["minutes"]
    assert estimate == ("< 0.1 min" if minutes < 0.05 else f"≈ {minutes:.1f} min")


def test_estimate_assumptions_in_the_text_match_the_code():
    text = re.sub(r"\s+", " ", README)
    assert f"at {scaling.T4_UTILIZATION:.0%} of the T4's" in text.replace("5 %", "5%")
    assert f"{scaling.GPUS['T4'].peak_tflops:.0f} TFLOP/s fp16 peak" in text
    assert f"adds {scaling.DECODE_STEP_SECONDS * 1000:.0f} ms per batched decoding step" in text


@pytest.mark.parametrize("notebook", sorted(ESTIMATE["notebooks"]))
def test_workshop_minutes_row(notebook):
    text = (REPO_ROOT / "docs" / "WORKSHOP.md").read_text()
    line = next(x for x in text.splitlines() if x.startswith(f"| {notebook} |"))
    _, cpu, measured, estimate = [c.strip() for c in line.strip("|").split("|")]
    assert cpu == f"{TIMINGS[notebook] / 60:.1f}" and measured == "not measured"
    minutes = ESTIMATE["notebooks"][notebook]["minutes"]
    assert estimate == ("< 0.1" if minutes < 0.05 else f"≈ {minutes:.1f}")
