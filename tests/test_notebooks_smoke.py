"""Every notebook once in the `gpu` profile under COURSE_SMOKE=1, on CPU (`make test` runs it).

It catches what no CI machine otherwise executes: the gpu profile's row counts and data-size
points, keys that exist in one profile only, and artifacts missing on a fresh VM (each notebook
gets its own empty results folder, as on a new Colab runtime). It asserts nothing about quality.
"""

from __future__ import annotations

import hashlib
import os

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import NOTEBOOKS_DIR, RESULTS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
pytestmark = pytest.mark.skipif(
    os.environ.get("COURSE_NOTEBOOK_SMOKE") != "1",
    reason="the notebook smoke pass runs under `make test` (COURSE_NOTEBOOK_SMOKE=1)",
)


def _tree_digest(folder) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def _text(nb) -> str:
    out = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            out.append(output.get("text", "") + str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(out)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_the_gpu_profile_smoke(path, tmp_path, monkeypatch):
    reference = _tree_digest(RESULTS_DIR / "reference")
    monkeypatch.setenv("COURSE_PROFILE", "gpu")
    monkeypatch.setenv("COURSE_SMOKE", "1")
    monkeypatch.setenv("COURSE_RESULTS", str(tmp_path))  # fresh, as on a new Colab VM
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    text = _text(nb)
    assert "SMOKE RUN" in text, "a smoke run must say so in its output"
    saved = list((tmp_path / "gpu-smoke").glob("*.json"))
    assert [p.stem for p in saved] == [path.stem], "metrics go to results/gpu-smoke/ only"
    assert _tree_digest(RESULTS_DIR / "reference") == reference, "never touch the reference"
