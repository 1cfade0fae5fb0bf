"""scripts/gpu_check.py and scripts/speed_check.py: the parts that can be checked without a GPU."""

from __future__ import annotations

import ast
import json

import torch

from helpers import REPO_ROOT


def test_gpu_check_refuses_to_run_without_cuda(script, monkeypatch, capsys):
    gpu_check = script("gpu_check")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr("sys.argv", ["gpu_check.py"])
    assert gpu_check.main() == 2
    assert "needs a CUDA GPU" in capsys.readouterr().out


def test_gpu_check_kernel_startup_records_the_peak(script, tmp_path, monkeypatch):
    gpu_check = script("gpu_check")
    ast.parse(gpu_check.STARTUP)
    events = []
    fake_ipython = type(
        "IP", (), {"events": type("E", (), {"register": lambda s, n, f: events.append((n, f))})()}
    )()
    peak_file = tmp_path / "peak.json"
    monkeypatch.setenv("COURSE_PEAK_FILE", str(peak_file))
    monkeypatch.setenv("COURSE_EMULATE_T4", "0")
    exec(gpu_check.STARTUP, {"get_ipython": lambda: fake_ipython})  # noqa: S102 - our own constant
    assert [name for name, _ in events] == ["post_run_cell"]
    events[0][1](None)
    assert json.loads(peak_file.read_text()) == {"peak_bytes": 0}  # no CUDA here


def test_speed_check_settings_follow_the_hardware(script, monkeypatch):
    speed = script("speed_check")
    cpu = speed.settings(torch.device("cpu"), [4])
    assert {s["dtype"] for s in cpu} == {"fp32", "bf16"}
    assert {(s["quantized"], s["packing"]) for s in cpu} == {(q, p) for q in (0, 1) for p in (0, 1)}
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)  # a T4
    t4 = speed.settings(torch.device("cuda"), [4, 16])
    assert {s["dtype"] for s in t4} == {"fp16"} and len(t4) == 8
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert {s["dtype"] for s in speed.settings(torch.device("cuda"), [4])} == {"fp16", "bf16"}


def test_committed_t4_estimate_matches_the_notebooks(script):
    """Change a notebook's gpu config and this fails until `python scripts/t4_estimate.py` runs."""
    committed = json.loads((REPO_ROOT / "results/reference/gpu/t4_estimate.json").read_text())
    fresh = script("t4_estimate").estimate()
    assert committed == json.loads(json.dumps(fresh))
    assert "not a measurement" in committed["what"]
    notebooks = {p.stem for p in (REPO_ROOT / "notebooks").glob("*.ipynb")}
    assert set(committed["notebooks"]) == notebooks
