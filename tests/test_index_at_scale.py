"""scripts/index_at_scale.py at a tiny size: every number in its JSON is measured, none typed."""

from __future__ import annotations

import json
import sys


def test_the_scale_measurement_runs_and_reports_what_it_measured(script, tmp_path, monkeypatch):
    scale = script("index_at_scale")
    out = tmp_path / "out"
    argv = ["index_at_scale.py", "--vectors", "20000", "--queries", "200", "--out", str(out)]
    monkeypatch.setattr(sys, "argv", argv)
    assert scale.main() == 0
    result = json.loads((out / "index_at_scale.json").read_text())
    assert result["vectors"] == 20_000 and result["dim"] == 384
    assert 0.3 < result["neighbour_cosine"]["top10"] < result["neighbour_cosine"]["top1"] < 0.95
    for kind in ("ivf", "hnsw"):
        row = result[kind]
        recalls = [p["dev_recall"] for p in row["curve"]]
        assert recalls == sorted(recalls), "more effort, more recall"
        assert row["file_mib"] > 0 and row["build_s"] > 0
        if "chosen_effort" in row:  # tuned on dev, scored once on test
            assert row["curve"][-1]["effort"] == row["chosen_effort"]
            assert row["curve"][-1]["dev_recall"] >= result["target_recall"]
            flat = result["flat"]["queries_per_second"]
            assert row["speedup_vs_flat"] == round(row["queries_per_second"] / flat, 1)
