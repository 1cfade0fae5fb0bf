"""Question/answer pairs made from the documents' fact sentences, for knowledge SFT (06).

Each pair states one sentence of one document as questions: `phrasings[0]` is the single
phrasing, all four are the paraphrases. None of them is worded like a QA eval question, so the
QA test questions are held-out paraphrases of the facts trained here. A fact a bulletin changed
appears twice, as documents state it: the old value from its procedure, part or code page, and
the new value from the bulletin.
"""

from __future__ import annotations

from domain_tasks import SPEC_QUESTIONS

SPEC_LABELS = {
    "refrigerant_charge_kg": "refrigerant charge",
    "refrigerant": "refrigerant",
    "fuse_a": "fuse rating",
    "min_flow_l_min": "minimum water flow",
    "max_lwt_c": "maximum leaving water temperature",
    "fill_pressure_bar": "cold fill pressure",
    "sound_power_dba": "sound power level",
}
assert set(SPEC_LABELS) == set(SPEC_QUESTIONS)

TEMPLATES = {
    "spec": [
        "What is the {label} of the {m}?",
        "{m} datasheet: {label}?",
        "Which {label} does the manual list for the {m}?",
        "Tell me the {label} of a {m} unit.",
    ],
    "title": [
        "What is the title of error code {code}?",
        "{code} is the code for which fault?",
        "Which fault does the controller report as {code}?",
        "Name the alarm with code {code}.",
    ],
    "sev": [
        "What severity is listed for error code {code}?",
        "{code}: which severity class?",
        "Which severity does the code page give {code}?",
        "Rate code {code}: low, medium, high or critical?",
    ],
    "pn": [
        "What is the part number of the {name} that fits the {m}?",
        "{name} for the {m}: P/N?",
        "Which part number does the parts list give for the {m} {name}?",
        "Order code of the {name} used in a {m}?",
    ],
    "interval": [
        "What interval does {id} ({title}) give?",
        "{title}: interval in months?",
        "Which service interval does procedure {id} state?",
        "Every how many months is {id} done?",
    ],
    "torque": [
        "What torque does {id} give for the {fastener}?",
        "{id}, {fastener}: torque?",
        "Which torque value is written for the {fastener} in the {title}?",
        "Torque setting of the {fastener} in procedure {id}?",
    ],
    "gloss": [
        "What does the abbreviation {term} mean?",
        "{term} is short for what?",
        "Expand {term} as used in Veldmark service notes.",
        "Meaning of {term}?",
    ],
    "torque_bulletin": [
        "What torque does bulletin {id} set for the {fastener} in {proc}?",
        "After {id}, torque for the {fastener} ({proc})?",
        "Which new torque for the {fastener} does {id} give?",
        "{id} changes the {fastener} torque in {proc} to what?",
    ],
    "interval_bulletin": [
        "What interval does bulletin {id} set for {proc}?",
        "After {id}, {proc} interval in months?",
        "Which new interval for {proc} does {id} give?",
        "{id} changes the interval of {proc} to what?",
    ],
    "part_bulletin": [
        "Which part number replaces {old} ({name}) under bulletin {id}?",
        "After {id}, P/N of the {name} for the {m}?",
        "Which new {name} part number does {id} give?",
        "{id} replaces {old} with what?",
    ],
    "severity_bulletin": [
        "What severity does bulletin {id} give code {code}?",
        "After {id}, severity of {code}?",
        "Which new severity for {code} does {id} give?",
        "{id} changes the severity of {code} to what?",
    ],
}


def _pair(kind: str, key: str, doc: str, answer: str, **slots: str) -> dict:
    return {
        "fact_key": key,
        "doc_id": doc,
        "answer": answer,
        "phrasings": [t.format(**slots) for t in TEMPLATES[kind]],
    }


def _bulletin_pairs(facts: dict) -> list[dict]:
    procs = {r["id"]: r for r in facts["procedures"]}
    out = []
    for b in facts["bulletins"]:
        kind, doc = b["kind"], b["id"]
        if kind in ("torque", "interval"):
            proc = procs[b["procedure"]]
            unit = "Nm" if kind == "torque" else "months"
            slots = {"id": doc, "proc": proc["id"], "fastener": proc["fastener"]}
            out.append(_pair(f"{kind}_bulletin", doc, doc, f"{b['new']} {unit}", **slots))
        elif kind == "part":
            slots = {"id": doc, "old": b["old"], "name": b["name"], "m": b["compatible"][0]}
            out.append(_pair("part_bulletin", doc, doc, b["new"], **slots))
        else:
            out.append(_pair("severity_bulletin", doc, doc, b["new"], id=doc, code=b["code"]))
    return out


def render_fact_pairs(facts: dict) -> list[dict]:
    """One row per fact sentence in the documents, with four phrasings of its question."""
    out = []
    for p in facts["products"]:
        m = p["model"]
        for field, (_, fmt) in SPEC_QUESTIONS.items():
            answer = fmt.format(v=p[field])
            out.append(
                _pair("spec", f"{m}:{field}", f"MAN-{m}", answer, m=m, label=SPEC_LABELS[field])
            )
    for c in facts["error_codes"]:
        doc = f"ERR-{c['code']}"
        out.append(_pair("title", f"{c['code']}:title", doc, c["title"], code=c["code"]))
        out.append(_pair("sev", f"{c['code']}:sev", doc, c["severity"], code=c["code"]))
    seen = set()
    for q in facts["parts"]:
        for m in q["compatible"]:
            if (q["name"], m) in seen:  # two parts of one name fit this model: no single answer
                continue
            seen.add((q["name"], m))
            twins = [x for x in facts["parts"] if x["name"] == q["name"] and m in x["compatible"]]
            if len(twins) == 1:
                pn = q["part_number"]
                out.append(_pair("pn", f"{pn}:pn", f"PRT-{pn}", pn, name=q["name"], m=m))
    for r in facts["procedures"]:
        slots = {"id": r["id"], "title": r["title"].lower(), "fastener": r["fastener"]}
        answer = f"{r['interval_months']} months"
        out.append(_pair("interval", f"{r['id']}:interval", r["id"], answer, **slots))
        out.append(_pair("torque", f"{r['id']}:torque", r["id"], f"{r['torque_nm']} Nm", **slots))
    for g in facts["glossary"]:
        out.append(_pair("gloss", f"gloss:{g['term']}", "GLOSSARY", g["meaning"], term=g["term"]))
    return out + _bulletin_pairs(facts)
