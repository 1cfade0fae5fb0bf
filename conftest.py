"""Shared test setup: offline, ci profile, and a per-notebook duration summary."""

from __future__ import annotations

import collections
import os

# Set before any kernel starts: notebooks run offline in the small profile even under bare pytest.
os.environ.setdefault("COURSE_PROFILE", "ci")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

_durations: dict[str, float] = collections.defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _durations[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _durations:
        return
    terminalreporter.section("notebook durations (ci profile)")
    for name, seconds in sorted(_durations.items()):
        terminalreporter.write_line(f"{seconds:7.1f} s  {name}")
    terminalreporter.write_line(f"{sum(_durations.values()) / 60:7.1f} min total")
