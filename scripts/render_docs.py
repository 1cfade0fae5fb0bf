"""Write the measured minutes into README.md and docs/WORKSHOP.md: `python scripts/render_docs.py`.

The minutes come from results/reference/ci/timings.json (the committed `ci` run) and
results/reference/gpu/t4_estimate.json (the computed T4 estimate); nothing is typed by hand.
tests/test_readme.py fails when the documents and those files disagree. Run it after
`make notebooks && make reference` or `python scripts/t4_estimate.py`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMINGS = ROOT / "results" / "reference" / "ci" / "timings.json"
ESTIMATE = ROOT / "results" / "reference" / "gpu" / "t4_estimate.json"


def estimate_text(minutes: float, unit: str = " min") -> str:
    """How an estimate is written: never more precise than a tenth of a minute."""
    return f"< 0.1{unit}" if minutes < 0.05 else f"≈ {minutes:.1f}{unit}"


def _cells(line: str) -> list[str]:
    return line.strip().strip("|").split("|")


def render_readme(text: str, timings: dict, estimate: dict) -> str:
    """The course map's CPU and estimate columns, and the total `ci` minutes."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"\| \[(\d\d_[a-z_]+)\]", line)
        if match and match.group(1) in timings:
            cells = _cells(line)
            cells[2] = f" {timings[match.group(1)] / 60:.1f} min "
            cells[4] = f" {estimate_text(estimate['notebooks'][match.group(1)]['minutes'])} "
            lines[i] = "|" + "|".join(cells) + "|"
    total = f"{sum(timings.values()) / 60:.1f}"
    out = "\n".join(lines) + "\n"
    out = re.sub(r"the whole `ci` course takes \*\*[\d.]+ minutes\*\*",
                 f"the whole `ci` course takes **{total} minutes**", out)  # fmt: skip
    return re.sub(
        r"target ≤ 15 min, measured [\d.]+ min", f"target ≤ 15 min, measured {total} min", out
    )


def render_workshop(text: str, timings: dict, estimate: dict) -> str:
    """The workshop guide's minutes-per-notebook table."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        name = _cells(line)[0].strip() if line.startswith("| ") else ""
        if name in timings:
            m = estimate["notebooks"][name]["minutes"]
            lines[i] = (
                f"| {name} | {timings[name] / 60:.1f} | not measured | {estimate_text(m, '')} |"
            )
        elif name == "**all**":
            total = sum(timings.values()) / 60
            lines[i] = (
                f"| **all** | **{total:.1f}** | not measured | ≈ {estimate['total_minutes']:.1f} |"
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    timings = json.loads(TIMINGS.read_text())
    estimate = json.loads(ESTIMATE.read_text())
    for path, render in (
        (ROOT / "README.md", render_readme),
        (ROOT / "docs" / "WORKSHOP.md", render_workshop),
    ):
        path.write_text(render(path.read_text(), timings, estimate))
        print(f"rendered {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
