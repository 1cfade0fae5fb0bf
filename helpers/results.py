"""Write and read each notebook's headline metrics under results/<profile>/ (00_start_here)."""

from __future__ import annotations

import json
import math
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from helpers import RESULTS_DIR, runtime

_NAME = re.compile(r"^\d\d_[a-z0-9_]+$")
RESULTS_ENV = "COURSE_RESULTS"  # e.g. a Google Drive folder, so Colab notebooks share artifacts


def results_root() -> Path:
    """Where fresh runs write: $COURSE_RESULTS, else the repo's results/ (00_start_here)."""
    env = os.environ.get(RESULTS_ENV, "").strip()
    return Path(env).expanduser() if env else RESULTS_DIR


def run_name(profile: str | None = None) -> str:
    """The profile, with "-smoke" for smoke runs: they never mix with real runs (00_start_here)."""
    return (profile or runtime.profile()) + ("-smoke" if runtime.smoke() else "")


def run_dir(profile: str | None = None) -> Path:
    """This run's folder for metrics, the index and adapters (every notebook)."""
    return results_root() / run_name(profile)


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
    notebook: str,
    profile: str | None = None,
    reference: bool = False,
    root: Path | None = None,
) -> Path:
    """Where a notebook's metrics live: results/[reference/]<profile>/<nb>.json (every notebook)."""
    _check_name(notebook)
    if reference:  # the committed runs: always in the repository, never a smoke run
        return (
            (root or RESULTS_DIR)
            / "reference"
            / (profile or runtime.profile())
            / f"{notebook}.json"
        )
    return (root or results_root()) / run_name(profile) / f"{notebook}.json"


def save(
    notebook: str, metrics: dict[str, Any], profile: str | None = None, root: Path | None = None
) -> Path:
    """Save a notebook's metrics for this profile, replacing its previous run (every notebook)."""
    if not isinstance(metrics, dict) or not metrics:
        raise ValueError("metrics must be a non-empty dict of name -> number/string")
    profile = profile or runtime.profile()
    path = results_path(notebook, profile, root=root)
    payload = {
        "notebook": notebook,
        "profile": profile,
        "smoke": runtime.smoke(),
        "written_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": _jsonable(metrics, "metrics"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    return path


def load(
    notebook: str, profile: str | None = None, reference: bool = False, root: Path | None = None
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


def load_or_reference(
    notebook: str, profile: str | None = None, root: Path | None = None
) -> tuple[dict[str, Any], str]:
    """This run's metrics, else a committed reference run, and which it was (06_which_method)."""
    profile = profile or runtime.profile()
    try:
        return load(notebook, profile, root=root), f"this {run_name(profile)} run"
    except FileNotFoundError:
        pass
    for ref in dict.fromkeys((profile, "ci")):  # the same profile's reference first, then ci's
        try:
            return load(notebook, ref, reference=True, root=root), f"the {ref} reference run"
        except FileNotFoundError:
            continue
    raise FileNotFoundError(
        f"No metrics for {notebook}: run notebooks/{notebook}.ipynb, or restore "
        f"results/reference/ from git."
    )


def _answers_path(notebook: str, method: str, profile: str | None, root: Path | None) -> Path:
    _check_name(notebook)
    slug = re.sub(r"[^a-z0-9]+", "-", method.lower()).strip("-")
    return (root or results_root()) / run_name(profile) / "answers" / notebook / f"{slug}.json"


def save_answers(
    notebook: str,
    method: str,
    question_ids: list[str],
    answers: list[str],
    profile: str | None = None,
    root: Path | None = None,
) -> Path:
    """Keep a method's answers so later notebooks of this run reuse them (03_rag)."""
    if len(question_ids) != len(answers):
        raise ValueError(f"{len(answers)} answers for {len(question_ids)} question ids")
    path = _answers_path(notebook, method, profile, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"notebook": notebook, "method": method, "ids": question_ids, "answers": answers}
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    return path


def load_answers(
    notebook: str,
    method: str,
    question_ids: list[str],
    profile: str | None = None,
    root: Path | None = None,
) -> list[str] | None:
    """This run's saved answers to exactly these questions, else None (06_which_method)."""
    path = _answers_path(notebook, method, profile, root)
    if not path.is_file():
        return None
    saved = json.loads(path.read_text())
    return saved["answers"] if saved.get("ids") == question_ids else None


def write_measurement(folder: Path, name: str, result: dict[str, Any]) -> Path:
    """A script's measurement as folder/name.json, indented for review (07_your_domain)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(result, indent=1) + "\n")
    return path
