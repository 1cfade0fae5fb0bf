"""The course report: head-to-head table, headlines, minutes per notebook (06_which_method)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from helpers import RESULTS_DIR, results

# notebook -> (metric key, what it means, format); the one number each notebook exists to show.
HEADLINES = {
    "00_start_here": ("lm_params_m", "course model, millions of parameters", ".1f"),
    "01_scaling_laws": (
        "domain_compute_optimal_params",
        "params our corpus can train optimally",
        ",.0f",
    ),
    "02_domain_data": ("ppl_gap", "base perplexity, logs / plain English", ".1f"),
    "03_rag": ("rag_margin_points", "RAG minus closed-book accuracy, points", ".0f"),
    "04_qlora_sft": ("lora_schema_valid", "triage schema-valid JSON after LoRA SFT", ".0%"),
    "05_dapt": ("domain_ppl_drop_lora", "domain perplexity drop, LoRA DAPT", ".0%"),
    "06_which_method": ("sft_rag_qa_accuracy", "QA accuracy, SFT reader + RAG", ".0%"),
}
COLUMNS = {  # head-to-head column -> (header, format)
    "accuracy": ("QA acc.", ".0%"),
    "answerable_accuracy": ("answerable acc.", ".0%"),
    "answered_with_gold_citation": ("right + gold cite", ".0%"),
    "schema_valid": ("triage valid", ".0%"),
    "category_f1": ("category F1", ".2f"),
    "domain_ppl": ("domain ppl", ".1f"),
    "general_ppl": ("general ppl", ".1f"),
    "train_s": ("build s", ".0f"),
    "trainable_M": ("trainable M", ".1f"),
    "peak_added_MiB": ("train memory MiB", ".0f"),
    "update_s": ("update s", ".2f"),
}


def _fmt(value: Any, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format(value, fmt) if isinstance(value, int | float) else str(value)


def _load(notebook: str, profile: str, root: Path) -> dict[str, Any] | None:
    try:
        return results.load(notebook, profile, root=root)
    except FileNotFoundError:
        return None


def _table(head: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Notebook 06's head-to-head rows by method, in its order; empty when 06 has not run."""
    rows = head.get("head_to_head")
    return {row["method"]: row for row in rows} if isinstance(rows, list) else {}


def build(profile: str, root: Path = RESULTS_DIR) -> str:
    """The report as Markdown, from results/<profile>/ (06_which_method)."""
    timings_path = root / profile / "timings.json"
    timings = json.loads(timings_path.read_text()) if timings_path.is_file() else {}
    lines = [
        "# Course report",
        "",
        f"Profile `{profile}`, written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make course` "
        "from `results/" + profile + "/`. Every number below was computed by a notebook run.",
        "",
        "## Head to head (notebook 06)",
        "",
    ]
    head = _load("06_which_method", profile, root) or {}
    table = _table(head)
    if table:
        lines.append("| method | " + " | ".join(h for h, _ in COLUMNS.values()) + " |")
        lines.append("|---" * (len(COLUMNS) + 1) + "|")
        for method, row in table.items():
            cells = [_fmt(row.get(k), f) for k, (_, f) in COLUMNS.items()]
            lines.append(f"| {method} | " + " | ".join(cells) + " |")
        lines += [
            "",
            f"QA: {head.get('qa_questions', '?')} held-out test questions; triage: notebook 04's "
            "test tickets; perplexity: notebook 05's held-out text. `–` = not applicable. "
            "`update s` = seconds to take in one changed fact (re-index vs retrain).",
            "",
            "![head to head](figures/head_to_head.png)",
        ]
    else:
        lines.append("_notebook 06 has not run in this profile._")
    lines += [
        "",
        "## Each notebook's headline and time",
        "",
        "| notebook | headline | value | minutes |",
        "|---|---|---|---|",
    ]
    names = sorted(set(HEADLINES) | set(timings))
    for nb in names:
        key, label, fmt = HEADLINES.get(nb, ("", "", ""))
        metrics = _load(nb, profile, root) or {}
        value = _fmt(metrics.get(key), fmt) if key in metrics else "not run"
        minutes = f"{timings[nb] / 60:.1f}" if nb in timings else "–"
        lines.append(f"| {nb} | {label or '–'} | {value} | {minutes} |")
    if timings:
        lines += ["", f"Total: {sum(timings.values()) / 60:.1f} minutes."]
    return "\n".join(lines) + "\n"


def figures(profile: str, root: Path = RESULTS_DIR, out: Path | None = None) -> list[Path]:
    """Save the report's charts as PNG next to it; returns the paths (06_which_method)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = out or root / "figures"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    table = _table(_load("06_which_method", profile, root) or {})
    if table:
        keys = ("accuracy", "answered_with_gold_citation", "schema_valid")
        methods = list(table)
        fig, ax = plt.subplots(figsize=(9, 3.8))
        width = 0.8 / len(keys)
        for j, key in enumerate(keys):
            values = [table[m].get(key) or 0.0 for m in methods]
            ax.bar([i + j * width for i in range(len(methods))], values, width, label=key)
        ax.set_xticks([i + width for i in range(len(methods))], methods, rotation=15)
        ax.set(title=f"Head to head ({profile} profile)", ylabel="share")
        ax.legend()
        fig.tight_layout()
        written.append(out / "head_to_head.png")
        fig.savefig(written[-1], dpi=90)
        plt.close(fig)
    return written


def write(profile: str, root: Path = RESULTS_DIR) -> Path:
    """Write results/report.md and its figures, replacing the last report (06_which_method)."""
    figures(profile, root)
    path = root / "report.md"
    path.write_text(build(profile, root))
    return path
