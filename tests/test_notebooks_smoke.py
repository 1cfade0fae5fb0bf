"""Notebooks 03-07 once in the `gpu` profile under COURSE_SMOKE=1, on CPU (`make smoke` runs it).

It catches what no CI machine otherwise executes: the gpu profile's reader inputs, row counts,
seeds and data-size points, and keys that exist in one profile only. 00-02 are left out: their
profiles differ only in sizes that a smoke run cuts anyway, and `make test` runs them under nbval.
It takes about 11 minutes on 2 cores, so it is not part of `make test` (which must stay within
45 minutes); run it after changing a profile, a config cell or what one notebook hands another.
03-05 share one results folder, as a learner whose notebooks keep their artifacts (Drive); 06 runs
in an empty one, as on a fresh Colab VM, so it must rebuild the index and both adapters and read
03-05's metrics from the reference run; 07 too, so it trains 04's reader adapter itself. It
asserts nothing about quality.
"""

from __future__ import annotations

import hashlib
import os

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import NOTEBOOKS_DIR, RESULTS_DIR

NOTEBOOKS = [p for p in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")) if p.name >= "03"]
REBUILT = {  # what a notebook on a fresh VM must rebuild, and say it did
    "06": ("no saved index: rebuilt", "no reader adapter", "no DAPT adapter"),
    "07": ("no reader adapter",),
}
pytestmark = pytest.mark.skipif(
    os.environ.get("COURSE_NOTEBOOK_SMOKE") != "1",
    reason="the notebook smoke pass runs under `make smoke` (COURSE_NOTEBOOK_SMOKE=1)",
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


@pytest.fixture(scope="module")
def shared_results(tmp_path_factory):
    return tmp_path_factory.mktemp("smoke-results")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_the_gpu_profile_smoke(path, shared_results, tmp_path, monkeypatch):
    reference = _tree_digest(RESULTS_DIR / "reference")
    fresh = path.stem[:2] in ("06", "07")  # a fresh Colab VM: nothing from 03-05
    results = tmp_path if fresh else shared_results
    monkeypatch.setenv("COURSE_PROFILE", "gpu")
    monkeypatch.setenv("COURSE_SMOKE", "1")
    monkeypatch.setenv("COURSE_RESULTS", str(results))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    text = _text(nb)
    assert "SMOKE RUN" in text, "a smoke run must say so in its output"
    assert [p.name for p in results.iterdir()] == ["gpu-smoke"], "smoke runs write there only"
    assert (results / "gpu-smoke" / f"{path.stem}.json").is_file()
    if fresh:
        for rebuilt in REBUILT[path.stem[:2]]:
            assert rebuilt in text
        assert "the ci reference run" in text, "it says where borrowed numbers come from"
    assert _tree_digest(RESULTS_DIR / "reference") == reference, "never touch the reference"
