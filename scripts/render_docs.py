"""Write the measured minutes and results into README.md, docs/WORKSHOP.md and the notebooks.

Run `python scripts/render_docs.py`.

The minutes come from results/reference/<profile>/timings.json (the committed `ci` and `cpu` runs)
and results/reference/gpu/t4_estimate.json (the computed T4 estimate); the "Which method?" rows and
the headline paragraph come from the longest profile with a committed run, the side-by-side table
from every profile's run; nothing measured is typed by hand. tests/test_readme.py fails when the
documents and those files disagree. Run it after `make notebooks && make reference` (or
`make reference PROFILE=cpu` after a `cpu` run) or `python scripts/t4_estimate.py`.
"""

from __future__ import annotations

import json
import re
import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from helpers import checklist, memory, report, scaling  # noqa: E402  (the root is not on the path)

REFERENCE = ROOT / "results" / "reference" / "ci"
TIMINGS = REFERENCE / "timings.json"
SPEED = REFERENCE / "speed_check.json"
ESTIMATE = ROOT / "results" / "reference" / "gpu" / "t4_estimate.json"
INDEX_AT_SCALE = ROOT / "results" / "reference" / "cpu" / "index_at_scale.json"
pct = partial(report.fmt_rate, with_n=False)  # prose states n once per sentence
gain, ratio = report.fmt_gain, report.fmt_ratio


def estimate_text(minutes: float, unit: str = " min") -> str:
    """How an estimate is written: never more precise than a tenth of a minute."""
    return f"< 0.1{unit}" if minutes < 0.05 else f"≈ {minutes:.1f}{unit}"


def _cells(line: str) -> list[str]:
    return line.strip().strip("|").split("|")


def profile_timings(profile: str) -> dict[str, float]:
    """A profile's committed minutes per notebook (seconds), or {} before its first run."""
    path = report.reference_dir(profile) / "timings.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def longest() -> str:
    """The longest profile with a committed run: the README's headline numbers come from it."""
    return report.reference_profiles()[-1]


def which_method_rows(m: dict[str, dict]) -> list[str]:
    """The README's "Which method?" rows, from notebooks 01 and 03-06."""
    sft, dapt, w = m["04_qlora_sft"], m["05_dapt"], m["06_which_method"]
    bar = "met" if sft["schema_valid_target_met"] else "not met in this short run"
    return [
        "| facts from your documents, which change | **RAG** | QA accuracy "
        f"{pct(w, 'closed_book_qa_accuracy')} closed-book → {pct(w, 'rag_qa_accuracy')} "
        f"on {w['qa_questions']} test questions; one changed bulletin: "
        f"{w['reindex_seconds']:.2f} s to re-index vs "
        f"{sft['lora_seconds']:.0f} s to retrain an adapter; facts fine-tuned in instead "
        f"(LoRA, four paraphrases per fact, closed-book): {pct(w, 'knowledge_four_injected')} of "
        "held-out paraphrases of the injected facts, "
        f"{pct(w, 'knowledge_four_control')} of control facts, RAG − it "
        f"{gain(w, 'rag_minus_knowledge_four_injected_points')} |",
        "| a behaviour: strict JSON, your labels, your style | the cheapest rung that works, then "
        "**LoRA / QLoRA SFT** (≥ ~100 rows, > 1,000 preferred) | cheapest method not shown worse "
        f"on {sft['triage_tickets']} tickets: format **{sft['cheapest_format']}**, labels "
        f"**{sft['cheapest_labels']}**, house-style summary **{sft['cheapest_summary']}**; "
        f"schema-valid JSON {pct(sft, 'zero_shot_schema_valid')} zero-shot, "
        f"{pct(sft, 'constrained_base_schema_valid')} constrained, "
        f"{pct(sft, 'lora_schema_valid')} after LoRA SFT (the 90 % bar: {bar}) |",
        f"| both | **SFT + RAG** | {pct(w, 'sft_rag_qa_accuracy')} QA accuracy, "
        f"{pct(w, 'sft_rag_qa_answered_with_gold_citation')} answered right citing a gold passage "
        "(a reader adapter taught to copy from passages, and to abstain); vs RAG alone on "
        f"answerable questions {gain(w, 'sft_rag_minus_rag_answerable_points')} |",
        "| jargon the model can't read, still after RAG | **DAPT** (+ RAG), replay if it forgets | "
        f"domain perplexity ×{dapt['seen_ppl_ratio_lora_vs_base']:.2f} on seen, "
        f"×{dapt['unseen_ppl_ratio_lora_vs_base']:.2f} on unseen note families (LoRA); jargon questions "
        f"{pct(dapt, 'downstream_base_rag_accuracy')} → "
        f"{pct(dapt, 'downstream_dapt_rag_accuracy')} with RAG "
        f"({dapt['downstream_questions']} questions; closed-book "
        f"{pct(dapt, 'downstream_dapt_closed_accuracy')}); full fine-tuning at {dapt['lr_full']:g} "
        f"multiplied general perplexity by {ratio(dapt, 'general_ppl_ratio_no_replay_vs_base')} |",
        '| "our own model from scratch" | almost never | ~20 tokens per parameter: a 135M model '
        "wants 2.7B tokens; this domain has "
        f"~{m['01_scaling_laws']['domain_corpus_tokens'] / 1e6:.1f}M |",
    ]


def headline(m: dict[str, dict], minutes: float, profile: str = "ci") -> str:
    """The README's one-paragraph summary of one profile's reference run."""
    d, r, s, x, w = (m[k] for k in ("02_domain_data", "03_rag", "04_qlora_sft", "05_dapt",
                                    "06_which_method"))  # fmt: skip
    bar = "met" if s["schema_valid_target_met"] else f"not met in the `{profile}` run"
    leak = (  # domain v2: the DAPT text holds no test answer; 05's closed-book control checks it
        "the DAPT text holds no test answer; closed-book on 05's jargon questions the DAPT model "
        f"scored {pct(x, 'downstream_dapt_closed_accuracy')}"
    )
    return (
        f"**Headline results of the reference run** (`{profile}` profile, the longest committed, "
        f"`results/reference/{profile}/`, written by `scripts/render_docs.py`): base-model perplexity "
        f"{d['ppl_domain']:.0f} on technician logs vs {d['ppl_general']:.0f} on plain English; "
        f"dense recall@5 {r['test_dense_recall@5']:.2f} (hybrid {r['test_hybrid_recall@5']:.2f}); "
        f"answer accuracy on {r['qa_questions']} test questions: closed-book "
        f"{pct(r, 'closed_book_accuracy')}, RAG {pct(r, 'rag_accuracy')} (paired gain on "
        f"answerable questions {gain(w, 'rag_minus_closed_book_answerable_points')}), RAG with a "
        f"LoRA-tuned reader {pct(s, 'reader_tuned_accuracy')} (vs RAG on answerable questions "
        f"{gain(w, 'sft_rag_minus_rag_answerable_points')}; it abstains on "
        f"{s['reader_tuned_false_abstention']:.0%} of answerable ones), DAPT + RAG vs RAG "
        f"{gain(w, 'dapt_rag_minus_rag_answerable_points')} ({leak}); triage JSON "
        f"schema-valid {pct(s, 'zero_shot_schema_valid')} zero-shot → "
        f"{pct(s, 'lora_schema_valid')} on {s['triage_tickets']} tickets after "
        f"{s['lora_steps']} LoRA steps (the 90 % bar: {bar}); LoRA DAPT multiplies domain "
        f"perplexity by {ratio(x, 'seen_ppl_ratio_lora_vs_base')} on seen note families and "
        f"{ratio(x, 'unseen_ppl_ratio_lora_vs_base')} on unseen ones; full fine-tuning at "
        f"{x['lr_full']:g} without replay multiplies general perplexity by "
        f"{ratio(x, 'general_ppl_ratio_no_replay_vs_base')}. Whole `{profile}` course: "
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


def index_paragraph(r: dict) -> str:
    """The README's retrieval-at-scale sentence, from scripts/index_at_scale.py's JSON."""
    flat, hnsw, ivf = r["flat"], r["hnsw"], r["ivf"]

    def reached(row: dict, knob: str) -> str:
        if "chosen_effort" not in row:
            last = row["curve"][-1]
            return (f"did not reach recall@10 {r['target_recall']} by {knob} {last['effort']} "
                    f"(dev recall {last['dev_recall']:.2f})")  # fmt: skip
        return (f"reached test recall@10 {row['test_recall']:.3f} at {knob} {row['chosen_effort']}: "
                f"{row['queries_per_second']:,.0f} queries/s, ×{row['speedup_vs_flat']} exact "
                f"search's")  # fmt: skip

    return (
        f"`scripts/index_at_scale.py` on {r['vectors']:,} synthetic {r['dim']}-dimensional unit "
        f"vectors ({r['threads']} CPU threads; a query's nearest neighbour at cosine "
        f"{r['neighbour_cosine']['top1']}, its tenth at {r['neighbour_cosine']['top10']}): exact "
        f"search answers {flat['queries_per_second']:,.0f} queries/s in a batch "
        f"({flat['latency_ms']:.0f} ms for one query), from a {flat['file_mib']:,.0f} MiB index. "
        f"HNSW (M {hnsw['params']['M']}, built in {hnsw['build_s'] / 60:.1f} min, "
        f"{hnsw['file_mib']:,.0f} MiB) {reached(hnsw, 'efSearch')}; IVF "
        f"({ivf['params']['nlist']:,} cells, built in {ivf['build_s'] / 60:.1f} min) "
        f"{reached(ivf, 'nprobe')}. Each was tuned on {r['dev_queries']} dev queries and scored "
        f"once on {r['test_queries']} test queries (`results/reference/cpu/index_at_scale.json`)."
    )


def render_readme(
    text: str,
    timings: dict,
    estimate: dict,
    measured: dict[str, dict] | None = None,
    cpu_timings: dict | None = None,
) -> str:
    """The course map's minutes, the profiles, the "Which method?" rows and the headlines."""
    profile = longest()
    measured = report.saved_metrics(report.reference_dir(profile)) if measured is None else measured
    cpu = profile_timings("cpu") if cpu_timings is None else cpu_timings
    minutes = {"ci": timings, "cpu": cpu}
    lines = text.splitlines()
    start = lines.index("| your need | use | what it did here |") + 2
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    lines[start:end] = which_method_rows(measured)
    at = next(i for i, x in enumerate(lines) if x.startswith("Measured on the same held-out sets"))
    lines[at] = (
        "Measured on the same held-out sets in [06_which_method](notebooks/06_which_method.ipynb) "
        f"(`{profile}` reference run, the longest committed; every profile side by side below; "
        "your own run's full table is in `results/report.md`):"
    )
    at = next(i for i, x in enumerate(lines) if x.startswith("**Headline results"))
    lines[at] = headline(measured, sum(minutes.get(profile, timings).values()) / 60, profile)
    start = lines.index("<!-- side-by-side: rendered by scripts/render_docs.py -->") + 1
    end = lines.index("<!-- side-by-side end -->")
    columns = {p: report.reference_dir(p) for p in report.reference_profiles()}
    lines[start:end] = report.side_by_side(columns).splitlines()
    at = next(i for i, x in enumerate(lines) if x.startswith("`make speed-check` on the 2-core"))
    lines[at] = speed_paragraph(json.loads(SPEED.read_text()))
    at = next(i for i, x in enumerate(lines) if x.startswith("`scripts/index_at_scale.py` on "))
    lines[at] = index_paragraph(json.loads(INDEX_AT_SCALE.read_text()))
    for i, line in enumerate(lines):
        match = re.match(r"\| \[(\d\d_[a-z_]+)\]", line)
        if match and match.group(1) in timings:
            name, cells = match.group(1), _cells(line)
            for col, profile_minutes in ((2, timings), (3, cpu)):
                seconds = profile_minutes.get(name)
                cells[col] = " not run yet " if seconds is None else f" {seconds / 60:.1f} min "
            cells[5] = f" {estimate_text(estimate['notebooks'][name]['minutes'])} "
            lines[i] = "|" + "|".join(cells) + "|"
        elif line.startswith("| `ci` | the test suite"):
            lines[i] = (
                "| `ci` | the test suite: 2 CPU cores, offline; target ≤ 15 min, measured "
                f"{sum(timings.values()) / 60:.1f} min | set by `make test` |"
            )
        elif line.startswith("| `cpu` | a laptop"):
            measured_cpu = (
                f"measured {sum(cpu.values()) / 60:.1f} min on 2 cores (`results/reference/cpu/`)"
                if cpu
                else "not measured yet"
            )
            lines[i] = (
                "| `cpu` | a laptop without a GPU: longer training, every test ticket; "
                f"{measured_cpu} | no CUDA |"
            )
    out = "\n".join(lines) + "\n"
    return re.sub(
        r"the whole `ci` course takes \*\*[\d.]+ minutes\*\*",
        f"the whole `ci` course takes **{sum(timings.values()) / 60:.1f} minutes**",
        out,
    )


def render_workshop(
    text: str, timings: dict, estimate: dict, cpu_timings: dict | None = None
) -> str:
    """The workshop guide's minutes-per-notebook table."""
    cpu = profile_timings("cpu") if cpu_timings is None else cpu_timings

    def cpu_cell(seconds: float | None) -> str:
        return "not run yet" if seconds is None else f"{seconds / 60:.1f}"

    lines = text.splitlines()
    for i, line in enumerate(lines):
        name = _cells(line)[0].strip() if line.startswith("| ") else ""
        if name in timings:
            m = estimate["notebooks"][name]["minutes"]
            lines[i] = (
                f"| {name} | {timings[name] / 60:.1f} | {cpu_cell(cpu.get(name))} | not measured "
                f"| {estimate_text(m, '')} |"
            )
        elif name == "**all**":
            total = sum(timings.values()) / 60
            all_cpu = cpu_cell(sum(cpu.values()) if cpu else None)
            lines[i] = (
                f"| **all** | **{total:.1f}** | **{all_cpu}** | not measured "
                f"| ≈ {estimate['total_minutes']:.1f} |"
            )
    return "\n".join(lines) + "\n"


def time_line(name: str, timings: dict, estimate: dict, cpu_timings: dict | None = None) -> str:
    """A notebook header's "Time:" line, from the reference timings and the T4 estimate."""
    cpu = profile_timings("cpu") if cpu_timings is None else cpu_timings
    t4 = estimate_text(estimate["notebooks"][name]["minutes"])
    in_cpu = (
        f" and {cpu[name] / 60:.1f} min in the `cpu` profile (longer training, more items)"
        if name in cpu
        else ""
    )
    return (
        f"**Time:** {timings[name] / 60:.1f} min on a 2-core CPU in the `ci` profile{in_cpu} "
        f"(measured in the reference runs); on a T4 {t4} in the `gpu` profile (computed, not yet "
        "measured on a GPU)."
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


def render_checklist() -> str:
    """docs/CHECKLIST.md: the one-page checklist with every committed profile's numbers."""
    columns = {p: report.reference_dir(p) for p in report.reference_profiles()}
    return checklist.page(columns)


SCALING_MARKS = ("<!-- computed by scripts/render_docs.py -->", "<!-- end of computed -->")
SCALE_MODELS = ("SmolLM2-1.7B", "Llama-3.2-3B", "Mistral-7B")  # presets in helpers.memory


def scaling_tables(gpus: int = 8, micro_batch: int = 4, seq_len: int = 2048) -> str:
    """docs/SCALING.md's computed tables: memory per GPU and the cost of 1B and 10B tokens."""
    mfu = 0.4  # the utilisation helpers.scaling.gpu_hours assumes by default
    rows = [
        f"Memory per GPU, GiB (helpers.memory: micro-batch {micro_batch} x {seq_len} tokens, "
        "activations checkpointed; FSDP shards weights, gradients and optimizer over "
        f"{gpus} GPUs):",
        "",
        "| model | LoRA, 16-bit base (DDP) | full, bf16 + fp32 Adam (DDP) | the same under FSDP |",
        "|---|---:|---:|---:|",
    ]
    for name in SCALE_MODELS:
        shape, kw = memory.SHAPES[name], {"batch": micro_batch, "seq_len": seq_len}
        lora = memory.training_memory(shape, "lora_16bit", checkpointing=True, **kw)
        full = memory.training_memory(shape, "full_bf16_mixed", checkpointing=True, **kw)
        sharded = (full["weights"] + full["grads_optimizer_adapters"]) / gpus + full["activations"]
        gib = [f"{b / memory.GIB:.1f}" for b in (lora["total"], full["total"], sharded)]
        rows.append(f"| {name} | {' | '.join(gib)} |")
    rows += [
        "",
        f"Compute and cost of continued pretraining, C = 6ND at an assumed {mfu:.0%} MFU and the "
        "assumed prices in `helpers.scaling.GPUS` (LoRA skips the weight gradients, about a "
        "third less):",
        "",
        f"| model | tokens | FLOPs | hours on one T4 | hours on {gpus} H100 | cost on H100s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in SCALE_MODELS:
        params = memory.SHAPES[name].params
        for tokens in (1e9, 1e10):
            t4 = scaling.training_cost(params, tokens, "T4", mfu)
            h100 = scaling.training_cost(params, tokens, "H100", mfu)
            rows.append(
                f"| {name} | {scaling.human(tokens)} | {t4['flops']:.1e} | {t4['gpu_hours']:,.0f} "
                f"| {h100['gpu_hours'] / gpus:,.1f} | ${h100['usd']:,.0f} |"
            )
    return "\n".join(rows)


def render_scaling(text: str) -> str:
    """docs/SCALING.md with its computed tables filled in between the two markers."""
    start, end = SCALING_MARKS
    head, rest = text.split(start)
    return f"{head}{start}\n{scaling_tables()}\n{end}{rest.split(end)[1]}"


def main() -> int:
    timings = json.loads(TIMINGS.read_text())
    estimate = json.loads(ESTIMATE.read_text())
    for path, render in (
        (ROOT / "README.md", render_readme),
        (ROOT / "docs" / "WORKSHOP.md", render_workshop),
    ):
        path.write_text(render(path.read_text(), timings, estimate))
        print(f"rendered {path.relative_to(ROOT)}")
    (ROOT / "docs" / "CHECKLIST.md").write_text(render_checklist())
    print("rendered docs/CHECKLIST.md")
    path = ROOT / "docs" / "SCALING.md"
    path.write_text(render_scaling(path.read_text()))
    print("rendered docs/SCALING.md")
    for name in timings:
        path = ROOT / "notebooks" / f"{name}.ipynb"
        path.write_text(render_notebook(path.read_text(), name, timings, estimate))
        print(f"rendered {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
