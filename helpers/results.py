"""Write and read each notebook's headline metrics under results/<profile>/ (00_start_here)."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from helpers import RESULTS_DIR, runtime

_NAME = re.compile(r"^\d\d_[a-z0-9_]+$")


def _check_name(notebook: str) -> None:
    if not _NAME.match(notebook):
        raise ValueError(f"notebook name {notebook!r} must look like '03_rag' (NN_snake_case)")


def _jsonable(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v, f"{key}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v, key) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy / torch scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"metric {key!r} is {value}; compute a finite number before saving")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise ValueError(f"metric {key!r} has type {type(value).__name__}; save numbers or strings")


def results_path(
    notebook: str, profile: str | None = None, reference: bool = False, root: Path = RESULTS_DIR
) -> Path:
    """Where a notebook's metrics live: results/[reference/]<profile>/<nb>.json (every notebook)."""
    _check_name(notebook)
    profile = profile or runtime.profile()
    base = root / "reference" if reference else root
    return base / profile / f"{notebook}.json"


def save(
    notebook: str, metrics: dict[str, Any], profile: str | None = None, root: Path = RESULTS_DIR
) -> Path:
    """Save a notebook's metrics for this profile, replacing its previous run (every notebook)."""
    if not isinstance(metrics, dict) or not metrics:
        raise ValueError("metrics must be a non-empty dict of name -> number/string")
    profile = profile or runtime.profile()
    path = results_path(notebook, profile, root=root)
    payload = {
        "notebook": notebook,
        "profile": profile,
        "written_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": _jsonable(metrics, "metrics"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    return path


def load(
    notebook: str, profile: str | None = None, reference: bool = False, root: Path = RESULTS_DIR
) -> dict[str, Any]:
    """Read a notebook's metrics (a fresh run, or the committed reference run) (06_which_method)."""
    path = results_path(notebook, profile, reference=reference, root=root)
    if not path.is_file():
        raise FileNotFoundError(
            f"No metrics at {path}. Run notebooks/{notebook}.ipynb first"
            + ("" if reference else ", or pass reference=True for the committed reference run")
            + "."
        )
    return json.loads(path.read_text())["metrics"]
