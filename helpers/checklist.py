"""The course on one printable page: four questions, the data-size rules, what was measured.

docs/CHECKLIST.md is this page rendered from the committed reference runs
(`scripts/render_docs.py`); notebook 06 renders it again from the learner's own run.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from helpers import decide, report, scaling


def questions() -> list[str]:
    """The four questions of the decision, in the order to ask them (06_which_method)."""
    return [
        "1. **Do answers depend on facts in your documents, which change?** Use **RAG**: facts "
        "stay cited and checkable, and an update is a re-index, not a training run (notebook 03; "
        "notebook 06 measures fine-tuning the facts in instead).",
        "2. **Do you need a format, your labels or a house style?** Climb the ladder, cheapest "
        "first: a hand rule, an embedding classifier, prompting, schema-constrained decoding; use "
        "**LoRA / QLoRA SFT** for the parts they do not solve (notebook 04). SFT teaches "
        "behaviour, not facts.",
        "3. **Does the model still misread your jargon with the right passages in front of it?** "
        "Only then consider **DAPT**, with replay of general text, and check that its gain is not "
        "facts leaking from the training text (notebook 05).",
        "4. **Thinking of training from scratch?** Do the arithmetic first: tokens per parameter, "
        "compute, money (notebook 01). A pretrained model has already read trillions of tokens.",
    ]


def rules() -> list[str]:
    """The data-size rules of thumb, from the constants the course uses (06_which_method)."""
    per_param = scaling.TOKENS_PER_PARAM
    low, high = decide.BRITTLE_ROWS
    return [
        f"- **Pretraining:** ≈ {per_param:.0f} tokens per parameter is compute-optimal "
        f"(Chinchilla): 1B parameters want {scaling.compute_optimal_tokens(1e9) / 1e9:.0f}B "
        f"tokens, 7B want {scaling.compute_optimal_tokens(7e9) / 1e9:.0f}B; C ≈ 6·N·D FLOPs.",
        f"- **SFT:** ~{decide.MIN_SFT_ROWS} labelled rows minimum, more than "
        f"{decide.GOOD_SFT_ROWS:,} preferred; {low}–{high} rows work but are brittle.",
        f"- **DAPT:** below ~{decide.DAPT_MIN_TOKENS / 1e6:.0f}M tokens of domain text, continued "
        "pretraining mostly memorises; keep learning rates in the usual ranges (full "
        "fine-tuning at most ~5e-5), hold out whole kinds of text, measure forgetting, replay "
        "if it shows.",
        "- **Always:** a held-out test set that no choice was made on, n and a 95 % interval on "
        "every rate, paired differences for every comparison.",
    ]


def page(columns: Mapping[str, Path], title: str = "The course on one page") -> str:
    """The page as Markdown; `columns` name the runs whose numbers it shows (06_which_method)."""
    lines = [f"# {title}", "", "## Four questions, in this order", "", *questions(), ""]
    lines += ["## Data-size rules of thumb", "", *rules(), ""]
    lines += [
        "## What the course measured",
        "",
        "Each column is one run (`results/reference/<profile>/` unless named otherwise); rates "
        "with 95 % intervals, differences paired over the same items, `–` = not measured there.",
        "",
        report.side_by_side(columns).rstrip("\n"),
    ]
    return "\n".join(lines) + "\n"
