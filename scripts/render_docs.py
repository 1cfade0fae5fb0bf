"""Write the measured minutes into README.md, docs/WORKSHOP.md and the notebooks' headers.

Run `python scripts/render_docs.py`.

The minutes come from results/reference/ci/timings.json (the committed `ci` run) and
results/reference/gpu/t4_estimate.json (the computed T4 estimate), the "Which method?" table and
the headline paragraph from the `ci` run's metrics; nothing measured is typed by hand.
tests/test_readme.py fails when the documents and those files disagree. Run it after
`make notebooks && make reference` or `python scripts/t4_estimate.py`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "results" / "reference" / "ci"
TIMINGS = REFERENCE / "timings.json"
SPEED = REFERENCE / "speed_check.json"
ESTIMATE = ROOT / "results" / "reference" / "gpu" / "t4_estimate.json"


def estimate_text(minutes: float, unit: str = " min") -> str:
    """How an estimate is written: never more precise than a tenth of a minute."""
    return f"< 0.1{unit}" if minutes < 0.05 else f"≈ {minutes:.1f}{unit}"


def _cells(line: str) -> list[str]:
    return line.strip().strip("|").split("|")


def metrics(folder: Path = REFERENCE) -> dict[str, dict]:
    """Each notebook's metrics in a reference folder, by notebook name."""
    return {p.stem: json.loads(p.read_text())["metrics"] for p in folder.glob("0*.json")}


def pct(metrics: dict, key: str) -> str:
    """A saved rate as "40% [33–47%]": the value and its 95 % interval when one was saved."""
    low_high = metrics.get(f"{key}_ci95")
    if not low_high:
        return f"{metrics[key]:.0%}"
    return f"{metrics[key]:.0%} [{low_high[0]:.0%}–{low_high[1]:.0%}]"


def ratio(metrics: dict, key: str) -> str:
    """A saved perplexity ratio as "×3.7 [3.4–4.0]" with its block-bootstrap interval."""
    low, high = metrics[f"{key}_ci95"]
    return f"×{metrics[key]:.2f} [{low:.2f}–{high:.2f}]"


def gain(metrics: dict, key: str) -> str:
    """A saved paired difference as "+16.2 points [9.6, 22.8]", saying when 0 is inside it."""
    low, high = metrics[f"{key}_ci95"]
    shown = "" if low > 0 or high < 0 else ", not shown at this size"
    return f"{metrics[key]:+.1f} points [{low:+.1f}, {high:+.1f}]{shown}"


def which_method_rows(m: dict[str, dict]) -> list[str]:
    """The README's "Which method?" rows, from notebooks 01 and 03-06."""
    sft, dapt, w = m["04_qlora_sft"], m["05_dapt"], m["06_which_method"]
    bar = "met" if sft["schema_valid_target_met"] else "not met in this short run"
    return [
        "| facts from your documents, which change | **RAG** | QA accuracy "
        f"{pct(w, 'closed_book_qa_accuracy')} closed-book → {pct(w, 'rag_qa_accuracy')} "
        f"on {w['qa_questions']} test questions; one changed bulletin: "
        f"{w['reindex_seconds']:.2f} s to re-index vs "
        f"{sft['lora_seconds']:.0f} s to retrain an adapter |",
        "| a behaviour: strict JSON, your labels, your style | **LoRA / QLoRA SFT** (≥ ~100 rows, "
        f"> 1,000 preferred) | triage schema-valid JSON {pct(sft, 'zero_shot_schema_valid')} "
        f"zero-shot, {pct(sft, 'few_shot_schema_valid')} few-shot → "
        f"{pct(sft, 'lora_schema_valid')} on {sft['triage_tickets']} tickets "
        f"(the 90 % bar: {bar}); SFT alone answers {pct(w, 'sft_qa_answerable_accuracy')} of "
        "answerable questions |",
        f"| both | **SFT + RAG** | {pct(w, 'sft_rag_qa_accuracy')} QA accuracy, "
        f"{pct(w, 'sft_rag_qa_answered_with_gold_citation')} answered right citing a gold passage "
        "(a reader adapter taught to copy from passages, and to abstain); vs RAG alone on "
        f"answerable questions {gain(w, 'sft_rag_minus_rag_answerable_points')} |",
        "| jargon the model can't read, still after RAG | **DAPT** (+ RAG), with replay | log "
        f"perplexity −{dapt['domain_ppl_drop_lora']:.0%} (LoRA); jargon questions "
        f"{pct(dapt, 'downstream_base_rag_accuracy')} → "
        f"{pct(dapt, 'downstream_dapt_rag_accuracy')} with RAG "
        f"({dapt['downstream_questions']} questions); full fine-tuning multiplied general "
        f"perplexity by {ratio(dapt, 'general_ppl_ratio_no_replay_vs_base')}, "
        f"{dapt['best_replay_share']:.0%} replay then by "
        f"{ratio(dapt, 'general_ppl_ratio_best_replay_vs_no_replay')} |",
        '| "our own model from scratch" | almost never | ~20 tokens per parameter: a 135M model '
        "wants 2.7B tokens; this domain has "
        f"~{m['01_scaling_laws']['domain_corpus_tokens'] / 1e6:.1f}M |",
    ]


def headline(m: dict[str, dict], minutes: float) -> str:
    """The README's one-paragraph summary of the reference run."""
    d, r, s, x, w = (m[k] for k in ("02_domain_data", "03_rag", "04_qlora_sft", "05_dapt",
                                    "06_which_method"))  # fmt: skip
    bar = "met" if s["schema_valid_target_met"] else "not met in the short `ci` run"
    return (
        "**Headline results of the reference run** (`ci` profile, `results/reference/ci/`, "
        "written by `scripts/render_docs.py`): base-model perplexity "
        f"{d['ppl_domain']:.0f} on technician logs vs {d['ppl_general']:.0f} on plain English; "
        f"dense recall@5 {r['test_dense_recall@5']:.2f} (hybrid {r['test_hybrid_recall@5']:.2f}); "
        f"answer accuracy on {r['qa_questions']} test questions: closed-book "
        f"{pct(r, 'closed_book_accuracy')}, RAG {pct(r, 'rag_accuracy')} (paired gain on "
        f"answerable questions {gain(w, 'rag_minus_closed_book_answerable_points')}), RAG with a "
        f"LoRA-tuned reader {pct(s, 'reader_tuned_accuracy')} (vs RAG on answerable questions "
        f"{gain(w, 'sft_rag_minus_rag_answerable_points')}; it abstains on "
        f"{s['reader_tuned_false_abstention']:.0%} of answerable ones), DAPT + RAG vs RAG "
        f"{gain(w, 'dapt_rag_minus_rag_answerable_points')} (confounded: many test answers "
        "appear verbatim in the DAPT text, so part of this gain is knowledge, not language); "
        "triage JSON "
        f"schema-valid {pct(s, 'zero_shot_schema_valid')} zero-shot → "
        f"{pct(s, 'lora_schema_valid')} on {s['triage_tickets']} tickets after "
        f"{s['lora_steps']} LoRA steps (the 90 % bar: {bar}); DAPT cuts log perplexity "
        f"{x['domain_ppl_drop_lora']:.0%} (LoRA), full fine-tuning without replay raises general "
        f"perplexity {x['base_general_ppl']:.0f} → {x['full_0pct_replay_general']:.0f}, "
        f"replay {x['best_replay_share']:.0%} holds it at "
        f"{x['base_general_ppl'] + x['general_rise_best_replay']:.0f}. Whole `ci` course: "
        f"{minutes:.1f} min. Single runs of one seed on 2 CPU cores; brackets are 95 % intervals "
        "(Wilson for rates, paired bootstrap over the same questions for differences)."
    )


def speed_paragraph(speed: dict) -> str:
    """The README's speed-check summary, from `make speed-check`'s JSON."""

    def tps(dtype: str, quantized: bool, packing: bool) -> str:
        rows = [
            r
            for r in speed["rows"]
            if (r["dtype"], r["quantized"], r["packing"]) == (dtype, quantized, packing)
        ]
        return "/".join(f"{r['tokens_per_s']:.0f}" for r in rows) or "-"

    dtypes = sorted({r["dtype"] for r in speed["rows"]}, key=["fp32", "fp16", "bf16"].index)
    parts = [
        f"{d}: LoRA {tps(d, False, False)} tokens/s, QLoRA {tps(d, True, False)}, "
        f"packed LoRA {tps(d, False, True)}, packed QLoRA {tps(d, True, True)}"
        for d in dtypes
    ]
    return (
        f"`make speed-check` on the 2-core CPU (`results/reference/ci/speed_check.json`, "
        f"{speed['steps']} timed steps per setting, batch 4, so treat ±20 % as noise): "
        + "; ".join(parts)
        + ". On this CPU bf16 is the faster training dtype, which is why `runtime.train_dtype()` "
        "picks it where the CPU has bf16 instructions. Packing is *slower* here: 512-token packed "
        "rows cost more attention than short padded ones on a CPU without flash attention. Packing "
        "and larger batches are expected to pay on a GPU, where small-batch SFT is "
        "overhead-bound; that is what the GPU run of the speed check is for."
    )


def render_readme(
    text: str, timings: dict, estimate: dict, measured: dict[str, dict] | None = None
) -> str:
    """The course map's minutes, the "Which method?" rows and the headline paragraph."""
    measured = metrics() if measured is None else measured
    lines = text.splitlines()
    start = lines.index("| your need | use | what it did here |") + 2
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    lines[start:end] = which_method_rows(measured)
    at = next(i for i, x in enumerate(lines) if x.startswith("**Headline results"))
    lines[at] = headline(measured, sum(timings.values()) / 60)
    at = next(i for i, x in enumerate(lines) if x.startswith("`make speed-check` on the 2-core"))
    lines[at] = speed_paragraph(json.loads(SPEED.read_text()))
    for i, line in enumerate(lines):
        match = re.match(r"\| \[(\d\d_[a-z_]+)\]", line)
        if match and match.group(1) in timings:
            cells = _cells(line)
            cells[2] = f" {timings[match.group(1)] / 60:.1f} min "
            cells[4] = f" {estimate_text(estimate['notebooks'][match.group(1)]['minutes'])} "
            lines[i] = "|" + "|".join(cells) + "|"
    total = f"{sum(timings.values()) / 60:.1f}"
    out = "\n".join(lines) + "\n"
    out = re.sub(r"the whole `ci` course takes \*\*[\d.]+ minutes\*\*",
                 f"the whole `ci` course takes **{total} minutes**", out)  # fmt: skip
    return re.sub(
        r"target ≤ 15 min, measured [\d.]+ min", f"target ≤ 15 min, measured {total} min", out
    )


def render_workshop(text: str, timings: dict, estimate: dict) -> str:
    """The workshop guide's minutes-per-notebook table."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        name = _cells(line)[0].strip() if line.startswith("| ") else ""
        if name in timings:
            m = estimate["notebooks"][name]["minutes"]
            lines[i] = (
                f"| {name} | {timings[name] / 60:.1f} | not measured | {estimate_text(m, '')} |"
            )
        elif name == "**all**":
            total = sum(timings.values()) / 60
            lines[i] = (
                f"| **all** | **{total:.1f}** | not measured | ≈ {estimate['total_minutes']:.1f} |"
            )
    return "\n".join(lines) + "\n"


def time_line(name: str, timings: dict, estimate: dict) -> str:
    """A notebook header's "Time:" line, from the reference timings and the T4 estimate."""
    t4 = estimate_text(estimate["notebooks"][name]["minutes"])
    return (
        f"**Time:** {timings[name] / 60:.1f} min on a 2-core CPU in the `ci` profile (measured in "
        f"the reference run); on a T4 {t4} in the `gpu` profile (computed, not yet measured on a "
        "GPU). The `cpu` and `gpu` profiles evaluate more items and train longer."
    )


def render_notebook(text: str, name: str, timings: dict, estimate: dict) -> str:
    """The notebook with its header's "Time:" line rendered; the JSON layout is kept."""
    nb = json.loads(text)
    head = nb["cells"][0]
    lines = "".join(head["source"]).split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("**Time:**"))
    lines[at] = time_line(name, timings, estimate)
    head["source"] = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    timings = json.loads(TIMINGS.read_text())
    estimate = json.loads(ESTIMATE.read_text())
    for path, render in (
        (ROOT / "README.md", render_readme),
        (ROOT / "docs" / "WORKSHOP.md", render_workshop),
    ):
        path.write_text(render(path.read_text(), timings, estimate))
        print(f"rendered {path.relative_to(ROOT)}")
    for name in timings:
        path = ROOT / "notebooks" / f"{name}.ipynb"
        path.write_text(render_notebook(path.read_text(), name, timings, estimate))
        print(f"rendered {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
