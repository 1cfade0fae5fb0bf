"""The course report: head-to-head table, headlines, minutes per notebook (06_which_method)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
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
    "injected_acc": ("injected-facts acc.", ".0%"),
    "changed_acc": ("changed-facts acc.", ".0%"),
    "schema_valid": ("triage valid", ".0%"),
    "category_f1": ("category F1", ".2f"),
    "domain_ppl": ("domain ppl", ".1f"),
    "general_ppl": ("general ppl", ".1f"),
    "train_s": ("build s", ".0f"),
    "trainable_M": ("trainable M", ".1f"),
    "peak_added_MiB": ("train memory MiB", ".0f"),
    "update_s": ("update s", ".2f"),
}


PROFILE_ORDER = ("ci", "cpu", "gpu")  # from the shortest run to the longest
# (what the row shows, notebook, metric key, kind): the numbers every profile's run is compared on
_QA, _SFT, _DAPT = "06_which_method", "04_qlora_sft", "05_dapt"
SIDE_BY_SIDE: tuple[tuple[str, str, str, str], ...] = (
    ("QA test questions", _QA, "qa_questions", "count"),
    ("QA accuracy, closed-book", _QA, "closed_book_qa_accuracy", "rate"),
    ("QA accuracy, RAG", _QA, "rag_qa_accuracy", "rate"),
    ("QA accuracy, SFT reader + RAG", _QA, "sft_rag_qa_accuracy", "rate"),
    ("QA accuracy, DAPT + RAG", _QA, "dapt_rag_qa_accuracy", "rate"),
    ("RAG − closed-book, answerable", _QA, "rag_minus_closed_book_answerable_points", "gain"),
    ("SFT reader + RAG − RAG, answerable", _QA, "sft_rag_minus_rag_answerable_points", "gain"),
    ("DAPT + RAG − RAG, answerable", _QA, "dapt_rag_minus_rag_answerable_points", "gain"),
    ("facts fine-tuned in: held-out paraphrases", _QA, "knowledge_four_injected", "rate"),
    ("facts fine-tuned in: control facts", _QA, "knowledge_four_control", "rate"),
    ("RAG − facts fine-tuned in", _QA, "rag_minus_knowledge_four_injected_points", "gain"),
    ("reader LoRA steps", _SFT, "reader_steps", "count"),
    ("triage test tickets", _SFT, "triage_tickets", "count"),
    ("triage LoRA steps", _SFT, "lora_steps", "count"),
    ("triage category accuracy, error code alone", _SFT, "code_only_category_accuracy", "rate"),
    ("triage category accuracy, hand rule", _SFT, "hand_rule_acc_category", "rate"),
    ("triage category accuracy, embedding classifier", _SFT, "embedding_acc_category", "rate"),
    ("triage schema-valid, few-shot", _SFT, "few_shot_schema_valid", "rate"),
    ("triage schema-valid, constrained decoding", _SFT, "constrained_base_schema_valid", "rate"),
    ("triage schema-valid, LoRA SFT", _SFT, "lora_schema_valid", "rate"),
    ("triage category accuracy, LoRA SFT", _SFT, "lora_acc_category", "rate"),
    ("triage summary in house style, LoRA SFT", _SFT, "lora_summary_close", "rate"),
    ("triage category macro-F1, LoRA SFT", _SFT, "lora_macro_f1_category", ".2f"),
    ("triage schema-valid, QLoRA SFT", _SFT, "qlora_schema_valid", "rate"),
    ("QLoRA steps", _SFT, "qlora_steps", "count"),
    ("DAPT steps per run", _DAPT, "steps", "count"),
    ("domain perplexity drop, LoRA DAPT", _DAPT, "domain_ppl_drop_lora", ".0%"),
    ("unseen-family perplexity, LoRA DAPT", _DAPT, "unseen_ppl_ratio_lora_vs_base", "ratio"),
    (
        "general perplexity, full DAPT without replay",
        _DAPT,
        "general_ppl_ratio_no_replay_vs_base",
        "ratio",
    ),
)


def fmt_rate(metrics: Mapping[str, Any], key: str, with_n: bool = True, fmt: str = ".0%") -> str:
    """A saved rate as "40% [33–47%] (n=179)", interval and n where saved (06_which_method)."""
    text = format(metrics[key], fmt)
    low_high = metrics.get(f"{key}_ci95")
    if low_high:
        text += f" [{format(low_high[0], fmt)}–{format(low_high[1], fmt)}]"
    n = metrics.get(f"{key}_n")
    return text + (f" (n={n})" if with_n and n is not None else "")


def fmt_gain(metrics: Mapping[str, Any], key: str) -> str:
    """A paired difference as "+3.0 points [-5.4, +11.4]", flags 0 inside (06_which_method)."""
    low, high = metrics[f"{key}_ci95"]
    shown = "" if low > 0 or high < 0 else ", not shown at this size"
    return f"{metrics[key]:+.1f} points [{low:+.1f}, {high:+.1f}]{shown}"


def fmt_ratio(metrics: Mapping[str, Any], key: str) -> str:
    """A saved ratio as "×3.56 [3.29–3.85]" with its bootstrap interval (05_dapt)."""
    low, high = metrics[f"{key}_ci95"]
    return f"×{metrics[key]:.2f} [{low:.2f}–{high:.2f}]"


def reference_dir(profile: str) -> Path:
    """The committed reference run of a profile: results/reference/<profile> (06_which_method)."""
    return results.results_path("06_which_method", profile, reference=True).parent


def reference_profiles() -> list[str]:
    """Profiles with a complete committed run (06 included), shortest first (06_which_method)."""
    return [p for p in PROFILE_ORDER if (reference_dir(p) / "06_which_method.json").is_file()]


def saved_metrics(folder: Path) -> dict[str, dict[str, Any]]:
    """Each notebook's saved metrics in one run folder, by notebook name (06_which_method)."""
    return {p.stem: json.loads(p.read_text())["metrics"] for p in sorted(folder.glob("0*.json"))}


def _side_cell(m: Mapping[str, Any], key: str, kind: str) -> str:
    if key not in m:
        return "–"
    if kind == "rate" or (kind.startswith(".") and f"{key}_ci95" in m):
        return fmt_rate(m, key, with_n=False, fmt=".0%" if kind == "rate" else kind)
    if kind in ("gain", "ratio") and f"{key}_ci95" in m:
        return (fmt_gain if kind == "gain" else fmt_ratio)(m, key)
    return f"{m[key]:,}" if kind == "count" else _fmt(m[key], kind)


def side_by_side(columns: Mapping[str, Path]) -> str:
    """One Markdown table, a column per run folder, the same rows for each (06_which_method)."""
    runs = {label: saved_metrics(folder) for label, folder in columns.items()}
    lines = ["| | " + " | ".join(f"`{label}`" for label in runs) + " |"]
    lines.append("|---" * (len(runs) + 1) + "|")
    for what, notebook, key, kind in SIDE_BY_SIDE:
        cells = [_side_cell(m.get(notebook, {}), key, kind) for m in runs.values()]
        lines.append(f"| {what} | " + " | ".join(cells) + " |")
    minutes = []
    for folder in columns.values():
        path = folder / "timings.json"
        total = sum(json.loads(path.read_text()).values()) / 60 if path.is_file() else None
        minutes.append("–" if total is None else f"{total:.1f}")
    lines.append("| minutes, whole course (2-core CPU) | " + " | ".join(minutes) + " |")
    return "\n".join(lines) + "\n"


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
    columns = {f"this run ({profile})": root / profile}
    columns.update({f"{p} reference": reference_dir(p) for p in reference_profiles()})
    lines += [
        "",
        "## This run next to the committed reference runs",
        "",
        "Rates with their 95 % intervals (Wilson); differences are paired over the same questions "
        "(bootstrap), in percentage points. Each column is one profile's run; "
        "`–` = not measured there.",
        "",
        side_by_side(columns),
    ]
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
            values = [table[m].get(key, math.nan) for m in methods]  # nan: no bar
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
