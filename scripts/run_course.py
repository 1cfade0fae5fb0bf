"""Execute every notebook in order, headless: `python scripts/run_course.py [--in-place]`.

Default: executed copies go to build/executed/ and each notebook writes its metrics to
results/<profile>/; at the end results/report.md (and results/figures/) summarise the run.
With --in-place the notebooks themselves are overwritten (how the committed outputs are
regenerated; run it with COURSE_PROFILE=ci, as `make notebooks` does).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from helpers import report, runtime  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--in-place", action="store_true", help="overwrite notebooks/*.ipynb")
    parser.add_argument("--only", default="", help="run only notebooks whose name contains this")
    parser.add_argument("--no-report", action="store_true", help="don't write results/report.md")
    args = parser.parse_args()
    profile = runtime.profile()
    out_dir = ROOT / "notebooks" if args.in_place else ROOT / "build" / "executed"
    out_dir.mkdir(parents=True, exist_ok=True)
    timings = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if args.only not in path.name:
            continue
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        print(f"[{profile}] {path.name} ...", flush=True)
        NotebookClient(
            nb,
            timeout=3600,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        timings[path.stem] = round(time.perf_counter() - start, 1)
        nbformat.write(nb, out_dir / path.name)
        print(
            f"[{profile}] {path.name} done in {timings[path.stem]:.0f} s -> {out_dir / path.name}"
        )
    folder = ROOT / "results" / profile
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "timings.json"
    # --only runs keep the other notebooks' last timings
    everything = {
        **(json.loads(path.read_text()) if path.is_file() and args.only else {}),
        **timings,
    }
    path.write_text(json.dumps(everything, indent=2, sort_keys=True) + "\n")
    print(f"ran {sum(timings.values()) / 60:.1f} min; metrics in {folder}")
    if not args.no_report:
        existed = (ROOT / "results" / "report.md").exists()
        written = report.write(profile)
        print(f"report: {written}" + (" (replaced the previous report)" if existed else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
