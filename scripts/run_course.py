"""Execute every notebook in order, headless: `python scripts/run_course.py [--in-place]`.

Default: executed copies go to build/executed/ and each notebook writes its metrics to
results/<profile>/; at the end results/report.md (and results/figures/) summarise the run.
With --in-place the notebooks themselves are overwritten (how the committed outputs are
regenerated; run it with COURSE_PROFILE=ci, as `make notebooks` does).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from helpers import report, runtime  # noqa: E402


def expected_minutes(profile: str, names: list[str]) -> str:
    """What the user is in for: minutes per notebook from the reference run of this profile."""
    path = ROOT / "results" / "reference" / profile / "timings.json"
    if not path.is_file():
        return f"no reference timings for the {profile} profile yet; expect hours on a CPU"
    seconds = json.loads(path.read_text())
    lines = [f"  {n}: {seconds[n] / 60:.0f} min" for n in names if n in seconds]
    total = sum(seconds.get(n, 0.0) for n in names) / 60
    return "\n".join(
        [f"expected minutes ({profile} reference run):", *lines, f"  total: {total:.0f} min"]
    )


def run_notebook(nb: nbformat.NotebookNode, folder: Path, label: str) -> None:
    """Execute `nb` in a fresh kernel, printing 'cell i/n' as each code cell starts."""
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    start = time.perf_counter()

    def started(cell: nbformat.NotebookNode, cell_index: int) -> None:
        line = (cell.source.strip().splitlines() or [""])[0][:60]
        done = time.perf_counter() - start
        print(
            f"  {label} cell {code.index(cell_index) + 1}/{len(code)} [{done:4.0f} s] {line}",
            flush=True,
        )

    with tempfile.TemporaryDirectory() as sockets:
        # IPC sockets in a private folder: no "kernel is running over TCP without encryption"
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        client = NotebookClient(
            nb, km=km, timeout=3600, resources={"metadata": {"path": str(folder)}}
        )
        client.on_cell_execute = started
        progress = Path(sockets) / "progress.txt"  # training steps and replies, written by helpers
        progress.touch()
        os.environ[runtime.PROGRESS_ENV] = str(progress)  # the kernel inherits it
        done = threading.Event()
        tail = threading.Thread(target=show_progress, args=(progress, done, label, start))
        tail.start()
        try:
            client.execute()
        finally:  # nbclient leaves a kernel it was handed running: ~2 GB per finished notebook
            done.set()
            tail.join()
            os.environ.pop(runtime.PROGRESS_ENV, None)
            if km.has_kernel:
                km.shutdown_kernel(now=True)


def show_progress(path: Path, done: threading.Event, label: str, start: float) -> None:
    """Print the progress lines the notebook's helpers append, every few seconds."""
    seen = 0
    while True:
        stop = done.wait(5)
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        for line in lines[seen:]:
            print(f"  {label}   {line} [{time.perf_counter() - start:4.0f} s]", flush=True)
        seen = len(lines)
        if stop:
            return


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
    paths = [
        p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) if args.only in p.name
    ]
    print(expected_minutes(profile, [p.stem for p in paths]), flush=True)
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        print(f"[{profile}] {path.name} ...", flush=True)
        run_notebook(nb, path.parent, path.stem[:2])
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
