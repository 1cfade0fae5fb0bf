"""Helpers for the course "Domain language models, the practical way".

Each module holds one concern; each function's docstring names the notebook that teaches it.
Importing this package has no side effects.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
DATA_DIR = REPO_ROOT / "data"
RESULTS_DIR = REPO_ROOT / "results"

__all__ = ["REPO_ROOT", "NOTEBOOKS_DIR", "DATA_DIR", "RESULTS_DIR"]
