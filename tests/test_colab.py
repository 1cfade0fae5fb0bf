"""Colab as a learner meets it: cell 1 re-run safely, an idempotent install that keeps torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
import zipfile

import pytest
import torch

from helpers import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
COLAB_REPO = "/content/domain-lm-course"


def _first_code_cell(path) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "".join(next(c for c in cells if c["cell_type"] == "code")["source"])


def test_every_notebook_has_the_same_colab_cell_with_an_absolute_path():
    sources = {_first_code_cell(p) for p in NOTEBOOKS}
    assert len(sources) == 1, "cell 1 must be identical in every notebook"
    assert f'Path("{COLAB_REPO}")' in sources.pop()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_open_on_a_t4(path):
    meta = json.loads(path.read_text())["metadata"]
    assert meta["accelerator"] == "GPU" and meta["colab"]["gpuType"] == "T4"


def test_colab_cell_can_be_rerun(tmp_path, monkeypatch):
    """Run cell 1 twice as Colab would: one clone, no nested copy, one sys.path entry."""
    repo = tmp_path / "content" / "domain-lm-course"
    source = _first_code_cell(NOTEBOOKS[0]).replace(COLAB_REPO, str(repo))
    calls = []

    def fake_run(cmd, check=False, **kwargs):
        calls.append(cmd)
        if cmd[:2] == ["git", "clone"]:
            for sub in (".git", "notebooks", "scripts"):
                (repo / sub).mkdir(parents=True)
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        exec(compile(source, "cell-1", "exec"), {})  # noqa: S102 - our own notebook cell
    clones = [c for c in calls if c[:2] == ["git", "clone"]]
    setups = [c for c in calls if c[1].endswith("colab_setup.py")]
    assert len(clones) == 1 and len(setups) == 2  # the setup script skips itself (test below)
    assert "--imported" in setups[0]
    assert sys.path.count(str(repo)) == 1
    assert str(subprocess.os.getcwd()) == str(repo / "notebooks")
    assert not any(p.name == "domain-lm-course" for p in repo.rglob("*"))


def test_setup_installs_once_and_keeps_torch(script, tmp_path, monkeypatch, capsys):
    setup = script("colab_setup")
    installs = []
    monkeypatch.setattr(setup, "STAMP", tmp_path / ".colab-installed")
    monkeypatch.setattr(setup, "pip_install", lambda args, torch_version: installs.append(args))
    assert setup.main([]) == 0
    assert len(installs) == 2 and not any(a.startswith("torch") for a in installs[0])
    assert setup.main([]) == 0
    assert len(installs) == 2, "a second run installs nothing"
    assert "already installed" in capsys.readouterr().out


def test_restart_is_asked_only_for_changed_imported_packages(script):
    setup = script("colab_setup")
    before = {"transformers": "4.0", "peft": "0.1", "faiss-cpu": "", "scikit-learn": "1.0"}
    after = {"transformers": "5.24.0", "peft": "0.1", "faiss-cpu": "1.15.1", "scikit-learn": "1.9"}
    modules = {"scikit-learn": {"sklearn"}, "faiss-cpu": {"faiss"}}
    imported = {"transformers", "numpy", "sklearn", "peft"}
    assert setup.needs_restart(before, after, imported, modules) == ["scikit-learn", "transformers"]
    assert setup.needs_restart(before, after, set(), modules) == []
    assert "sklearn" in setup.top_modules()["scikit-learn"]  # real metadata, not a guess


def _fake_wheel(folder, name: str, version: str, requires: str = "") -> None:
    dist = f"{name.replace('-', '_')}-{version}"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    meta += f"Requires-Dist: {requires}\n" if requires else ""
    wheel = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    with zipfile.ZipFile(folder / f"{dist}-py3-none-any.whl", "w") as z:
        z.writestr(f"{dist}.dist-info/METADATA", meta)
        z.writestr(f"{dist}.dist-info/WHEEL", wheel)
        z.writestr(f"{dist}.dist-info/RECORD", "")


def test_a_pin_that_would_replace_torch_fails_clearly(script, tmp_path, monkeypatch):
    """A fake requirement needs torch>=99: unconstrained pip would swap torch, ours refuses."""
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # no machine-wide pip cap: only ours counts
    _fake_wheel(tmp_path, "torch", "99.0")
    _fake_wheel(tmp_path, "needs-new-torch", "1.0", requires="torch>=99")
    args = ["--dry-run", "--no-index", "--find-links", str(tmp_path), "needs-new-torch"]
    plain = subprocess.run(
        [sys.executable, "-m", "pip", "install", *args], capture_output=True, text=True
    )
    assert plain.returncode == 0 and "torch-99.0" in plain.stdout  # the silent swap
    with pytest.raises(SystemExit, match="without replacing this runtime's torch"):
        script("colab_setup").pip_install(args, torch.__version__)
