"""Render the QA eval set and the triage tickets (SFT) from the Veldmark facts."""

from __future__ import annotations

import random

from domain_docs import _doc
from domain_facts import CATEGORIES, SEVERITIES, current_values

NOT_IN_DOCS = "not in the documentation"

SPEC_QUESTIONS = {
    "refrigerant_charge_kg": (
        [
            "How much refrigerant is in a {m}?",
            "I'm recovering the gas from a {m}. How many kilos should come out?",
            "factory charge on the {m}?",
        ],
        "{v} kg",
    ),
    "refrigerant": (
        [
            "Which refrigerant does the {m} run on?",
            "what gas is in a {m}",
            "Do I need R-32 or something else for the {m}?",
        ],
        "{v}",
    ),
    "fuse_a": (
        ["What fuse rating does the {m} need?", "sizing the breaker for a {m}, what amps?"],
        "{v} A",
    ),
    "min_flow_l_min": (
        ["What is the lowest water flow a {m} accepts?", "minimum flow rate for {m} please"],
        "{v} l/min",
    ),
    "max_lwt_c": (
        ["How hot can the leaving water get on a {m}?", "max flow temperature of the {m}?"],
        "{v} C",
    ),
    "fill_pressure_bar": (
        ["To what pressure should I fill the water side of a {m}?", "cold fill pressure {m}?"],
        "{v} bar",
    ),
    "sound_power_dba": (["How loud is the {m} (sound power)?"], "{v} dB(A)"),
}


def _q(kind, question, answer, docs, sections, key, aliases=()):
    return {
        "type": kind,
        "question": question,
        "answer": answer,
        "aliases": list(aliases),
        "gold_doc_ids": docs,
        "gold_section_ids": sections,
        "fact_key": key,
    }


def _single(facts, rng, now):
    out = []
    for p in facts["products"]:
        m = p["model"]
        for field, (templates, fmt) in SPEC_QUESTIONS.items():
            ans = fmt.format(v=p[field])
            out.append(
                _q(
                    "single_fact",
                    rng.choice(templates).format(m=m),
                    ans,
                    [f"MAN-{m}"],
                    [f"MAN-{m}#s2"],
                    f"{m}:{field}",
                    [str(p[field])],
                )
            )
    for c in facts["error_codes"]:
        # the answer can be read on the code page and in every manual that lists the code
        mans = [f"MAN-{p['model']}" for p in facts["products"] if p["family"] in c["families"]]
        out.append(
            _q(
                "single_fact",
                rng.choice(
                    [
                        f"My display shows {c['code']}. What does it mean?",
                        f"what is code {c['code']}",
                        f"Alarm {c['code']} came up overnight - what is it?",
                    ]
                ),
                c["title"],
                [f"ERR-{c['code']}", *mans],
                [f"ERR-{c['code']}#s1", *(f"{m}#s7" for m in mans)],
                f"{c['code']}:title",
            )
        )
        if ("severity", c["code"]) not in now:
            out.append(
                _q(
                    "single_fact",
                    rng.choice(
                        [f"How serious is a {c['code']} alarm?", f"severity of {c['code']}?"]
                    ),
                    c["severity"],
                    [f"ERR-{c['code']}", *mans],
                    [f"ERR-{c['code']}#s4", *(f"{m}#s7" for m in mans)],
                    f"{c['code']}:sev",
                )
            )
    superseded = {b["old"] for b in facts["bulletins"] if b["kind"] == "part"}
    pairs = {}
    for q in facts["parts"]:
        for m in q["compatible"]:
            pairs.setdefault((q["name"], m), []).append(q)
    for (name, m), qs in sorted(pairs.items()):
        if len(qs) == 1 and qs[0]["part_number"] not in superseded:
            pn = qs[0]["part_number"]
            out.append(
                _q(
                    "single_fact",
                    rng.choice(
                        [
                            f"What's the part number of the {name} for a {m}?",
                            f"need to order a {name} for {m}, which P/N?",
                        ]
                    ),
                    pn,
                    [f"PRT-{pn}", f"MAN-{m}"],
                    [f"PRT-{pn}#s1", f"MAN-{m}#s8"],
                    f"{pn}:pn",
                )
            )
    for r in facts["procedures"]:
        mans = [f"MAN-{p['model']}" for p in facts["products"] if p["family"] in r["families"]]
        if ("interval", r["id"]) not in now:
            out.append(
                _q(
                    "single_fact",
                    rng.choice(
                        [f"How often is the {r['title'].lower()} due?", f"interval for {r['id']}?"]
                    ),
                    f"{r['interval_months']} months",
                    [r["id"], *mans],
                    [f"{r['id']}#s4", *(f"{m}#s6" for m in mans)],
                    f"{r['id']}:interval",
                    [str(r["interval_months"])],
                )
            )
        if ("torque", r["id"]) not in now:
            out.append(
                _q(
                    "single_fact",
                    rng.choice(
                        [
                            f"What torque do the {r['fastener']} get in the {r['title'].lower()}?",
                            f"torque spec for the {r['fastener']} ({r['id']})?",
                        ]
                    ),
                    f"{r['torque_nm']} Nm",
                    [r["id"]],
                    [f"{r['id']}#s4"],
                    f"{r['id']}:torque",
                    [str(r["torque_nm"])],
                )
            )
    for g in facts["glossary"]:
        out.append(
            _q(
                "single_fact",
                rng.choice(
                    [
                        f"In our service notes, what does '{g['term']}' stand for?",
                        f"a tech wrote {g['term']} in the log. meaning?",
                    ]
                ),
                g["meaning"],
                ["GLOSSARY"],
                ["GLOSSARY#s1"],
                f"gloss:{g['term']}",
            )
        )
    return out


def _superseded(facts, rng):
    out = []
    procs = {r["id"]: r for r in facts["procedures"]}
    for b in facts["bulletins"]:
        doc, sec = [b["id"]], [f"{b['id']}#s1"]
        if b["kind"] == "torque":
            r = procs[b["procedure"]]
            for t in (
                f"What torque should the {r['fastener']} be tightened to in {r['id']}?",
                f"current torque value for the {r['fastener']} ({r['title'].lower()})",
                f"Tightening the {r['fastener']} now - how many Nm?",
            ):
                out.append(
                    _q("superseded", t, f"{b['new']} Nm", doc, sec, b["id"], [str(b["new"])])
                )
        elif b["kind"] == "interval":
            r = procs[b["procedure"]]
            for t in (
                f"How often must the {r['title'].lower()} be done now?",
                f"What is the current interval of {r['id']}?",
                f"{r['title']}: how many months between visits?",
            ):
                out.append(
                    _q("superseded", t, f"{b['new']} months", doc, sec, b["id"], [str(b["new"])])
                )
        elif b["kind"] == "part":
            m = b["compatible"][0]
            for t in (
                f"Which part number should I fit as the {b['name']} on a {m}?",
                f"current P/N for the {b['name']} used on the {m}?",
                f"Is {b['old']} still the right {b['name']}? If not, what replaces it?",
            ):
                out.append(_q("superseded", t, b["new"], doc, sec, b["id"]))
        else:
            for t in (
                f"How severe is code {b['code']} today?",
                f"What severity should I log for {b['code']}?",
                f"{b['code']} alarm: what severity class is it now?",
            ):
                out.append(_q("superseded", t, b["new"], doc, sec, b["id"]))
    return out


def _two_doc(facts, rng):
    out = []
    names = sorted({q["name"] for q in facts["parts"]}, key=len, reverse=True)
    superseded = {b["old"] for b in facts["bulletins"] if b["kind"] == "part"}
    for c in facts["error_codes"]:
        name = next((n for n in names if n in c["fix"]), None)
        if name is None:
            continue
        fams = c["families"]
        cands = [
            (q, m)
            for q in facts["parts"]
            if q["name"] == name and q["part_number"] not in superseded
            for m in q["compatible"]
            if m.split("-")[0] in fams
        ]
        unique = [(q, m) for q, m in cands if sum(1 for q2, m2 in cands if m2 == m) == 1]
        for q, m in unique[:4]:
            t = rng.choice(
                [
                    f"A {m} shows {c['code']}. Which part number do I need for the repair?",
                    f"{c['code']} on our {m}: what's the P/N of the part the fix calls for?",
                    f"Fixing {c['code']} on a {m} - which part do I order (P/N)?",
                ]
            )
            # gold = where the answer (the P/N) can be read; hop 1 = where the repair names the part
            row = _q(
                "two_document",
                t,
                q["part_number"],
                [f"PRT-{q['part_number']}", f"MAN-{m}"],
                [f"PRT-{q['part_number']}#s1", f"MAN-{m}#s8"],
                f"{c['code']}:{m}:2doc",
            )
            row["hop_doc_ids"] = [f"ERR-{c['code']}", f"TSG-{m}-{c['code'][:2]}"]
            out.append(row)
    return out


UNANSWERABLE = [
    "What is the warranty period of the {m} in Brazil?",
    "How much does a {m} cost to buy?",
    "What is the default Wi-Fi password of the {m}?",
    "Which country is the {m} assembled in?",
    "What is the part number of the solar inverter kit for the {m}?",
    "How many {m} units were sold last year?",
]
GHOST_MODELS = ["VX-220", "VX-210", "GX-310", "CR-60", "TQ-140", "CR-85"]


def _unanswerable(facts, rng):
    out = []
    models = [p["model"] for p in facts["products"]]
    for i, t in enumerate(UNANSWERABLE):
        for m in rng.sample(models, 3):
            out.append(_q("unanswerable", t.format(m=m), NOT_IN_DOCS, [], [], f"un:{i}:{m}"))
    for g in GHOST_MODELS:
        out.append(
            _q(
                "unanswerable",
                rng.choice(
                    [f"What refrigerant charge does the {g} have?", f"fuse rating for a {g}?"]
                ),
                NOT_IN_DOCS,
                [],
                [],
                f"ghost:{g}",
            )
        )
    return out


def render_qa(facts: dict, docs: list[dict], rng: random.Random) -> list[dict]:
    """QA eval questions, split dev/test by fact so no fact leaks between splits."""
    now = current_values(facts)
    single = _single(facts, rng, now)
    rng.shuffle(single)
    pool = single[:250] + _superseded(facts, rng) + _two_doc(facts, rng) + _unanswerable(facts, rng)
    ids = {d["doc_id"] for d in docs}
    test_keys = set()
    for kind in ("single_fact", "superseded", "two_document", "unanswerable"):  # stratified
        keys = sorted({q["fact_key"] for q in pool if q["type"] == kind})
        rng.shuffle(keys)
        test_keys |= set(keys[: (len(keys) + 1) // 2])
    out = []
    for i, q in enumerate(pool):
        assert all(d in ids for d in q["gold_doc_ids"]), q
        q["split"] = "test" if q["fact_key"] in test_keys else "dev"
        q["id"] = f"q{i:04d}"
        out.append(q)
    return out


# What the customer describes decides the category; the code on the display is often a consequence
# in another circuit (low water flow trips a high-pressure code). (category, base severity, summary,
# customer phrasings, codes this fault can show). Written into docs/TRIAGE-01.md as the rules.
SCENARIOS = [
    (
        "refrigerant_circuit",
        "medium",
        "ice on the outdoor coil, little heat",
        [
            "the outdoor unit is covered in ice and the house is barely warm",
            "thick frost on the fan coil outside, almost no heat inside",
            "ice building up on the outside unit even though it is not that cold",
        ],
        ["E104", "E105", "E102", "E305", "E407"],
    ),
    (
        "refrigerant_circuit",
        "high",
        "suspected refrigerant leak",
        [
            "there is a hissing noise from the pipes and an oily patch under the unit",
            "oily stain on the copper pipe joint and the unit keeps losing heat output",
            "the installer says the gas pressure is low and there is oil on a joint",
        ],
        ["E109", "E111", "E102", "E110"],
    ),
    (
        "refrigerant_circuit",
        "medium",
        "compressor running hot, weak output",
        [
            "the compressor gets very hot and the output is weak",
            "pipe from the compressor is too hot to touch and heating is poor",
        ],
        ["E103", "E106", "E204", "E115"],
    ),
    (
        "electrical",
        "high",
        "breaker trips on compressor start",
        [
            "the breaker trips every time the compressor starts",
            "the circuit breaker in the board goes off as soon as the unit starts up",
            "RCD trips when the unit starts",
        ],
        ["E203", "E207", "E201", "E208"],
    ),
    (
        "electrical",
        "medium",
        "supply dips at start-up",
        [
            "the lights flicker when the unit starts and the display goes dark for a moment",
            "display reboots whenever the compressor kicks in, lights dim",
        ],
        ["E205", "E213", "E403", "E410"],
    ),
    (
        "electrical",
        "medium",
        "fuse blown after a storm",
        [
            "after the thunderstorm the unit is dead and a fuse has blown",
            "power surge last night, now nothing on the unit",
        ],
        ["E212", "E209", "E410", "E401"],
    ),
    (
        "water_hydraulics",
        "medium",
        "water pressure keeps dropping",
        [
            "the pressure gauge keeps falling and I have to top up every week",
            "water pressure drops from 1.5 to 0.8 bar over a few days",
        ],
        ["E303", "E302", "E307"],
    ),
    (
        "water_hydraulics",
        "medium",
        "poor flow, radiators lukewarm",
        [
            "radiators are lukewarm although the unit runs, the pump sounds loud",
            "the unit is on but rooms stay cold, pipes to the radiators barely warm",
        ],
        ["E301", "E311", "E312", "E101", "E110", "E307"],
    ),
    (
        "water_hydraulics",
        "medium",
        "water leaking from the indoor unit",
        [
            "water is dripping under the indoor unit",
            "there is a puddle under the cylinder cupboard",
        ],
        ["E304", "E315", "E308"],
    ),
    (
        "controls_software",
        "low",
        "schedule or settings ignored",
        [
            "since the update the unit ignores the schedule",
            "the timer settings keep resetting to factory values",
        ],
        ["E409", "E404", "E405"],
    ),
    (
        "controls_software",
        "medium",
        "unit offline on the BMS",
        [
            "our building management system shows the unit offline",
            "the BMS lost contact with the heat pump, it still runs locally",
        ],
        ["E402", "E214", "E412"],
    ),
    (
        "controls_software",
        "low",
        "how-to question about controller settings",
        [
            "how do I change the heating curve on the display",
            "can't find the setting for quiet mode",
        ],
        ["E411"],
    ),
    (
        "controls_software",
        "medium",
        "controller display frozen",
        [
            "the display is frozen and the buttons do nothing",
            "the screen shows the logo and never finishes starting",
        ],
        ["E401", "E403", "E410", "E205"],
    ),
    (
        "noise_vibration",
        "low",
        "slight hum from the unit",
        ["there is a slight hum from the unit at night", "a low humming noise since last week"],
        ["E210"],
    ),
    (
        "noise_vibration",
        "medium",
        "loud rattling and vibration",
        [
            "the whole unit rattles and shakes when the compressor starts",
            "loud banging and vibration, you can hear it through the wall",
        ],
        ["E106", "E210", "E108"],
    ),
    (
        "installation",
        "medium",
        "new installation needs commissioning",
        [
            "the new unit is installed and needs commissioning",
            "installer finished yesterday, who does the start-up?",
        ],
        ["E202", "E404", "E303"],
    ),
    (
        "installation",
        "medium",
        "fault since first start after install",
        [
            "it has never worked properly since it was installed last month",
            "brand new unit, it has shown a fault from the very first start",
        ],
        ["E202", "E201", "E302", "E413"],
    ),
    (
        "maintenance_request",
        "low",
        "annual service requested",
        ["we would like to book the annual service", "our yearly maintenance visit is due"],
        ["E405"],
    ),
    (
        "warranty_billing",
        "low",
        "question about an invoice or warranty",
        ["I was charged twice for the last visit", "is the repair covered by the warranty?"],
        ["E203", "E109"],
    ),
]
CRITICAL_SITES = ["hospital", "care home", "data hall"]
OTHER_SITES = ["house", "office", "school", "hotel", "block of flats", "library", "shop"]
REPEATS = [
    "This is the third time this month.",
    "It keeps coming back after every reset.",
    "Same fault again as last week.",
]
SAFETY_SIGNS = [
    "There is a burning smell from the panel.",
    "We saw sparks near the isolator.",
    "Smoke came out of the unit.",
    "Water is dripping onto the electrics.",
]
RULES = [
    "Start from the base severity of the fault the customer describes (table above).",
    "Critical-care sites (hospital, care home, data hall): one level higher.",
    "A repeated fault (the ticket says it came back, again, or the third time): one level higher.",
    "Any sign of danger (burning smell, sparks, smoke, water on the electrics): critical.",
    "A code whose severity a service bulletin raised to critical: critical.",
    "Never above critical. On-site visit: every high or critical ticket, every refrigerant-circuit "
    "and every installation ticket.",
]


def triage_guide(facts: dict) -> dict:
    """docs/TRIAGE-01.md: the service desk's rules that the triage labels follow."""
    rows = "\n".join(
        f"| {summary} | {cat} | {sev} | {', '.join(codes)} |"
        for cat, sev, summary, _, codes in SCENARIOS
    )
    table = "| the customer describes | category | base severity | codes it often shows |\n"
    table += "|---|---|---|---|\n" + rows
    return _doc(
        "TRIAGE-01",
        "Service desk triage rules",
        "procedure",
        [
            (
                "Category",
                "The category is the fault the customer describes, not the code on the display. "
                "A code is often a consequence in another circuit: low water flow trips a "
                "refrigerant high-pressure code, a supply dip resets the controller.\n\n" + table,
            ),
            ("Severity", "\n".join(f"{i + 1}. {r}" for i, r in enumerate(RULES))),
        ],
    )


def _onsite(category: str, severity: str) -> bool:
    return severity in ("high", "critical") or category in ("refrigerant_circuit", "installation")


def _severity(base: str, site: str, repeat: bool, danger: bool, code: str | None, now: dict) -> str:
    level = SEVERITIES.index(base) + (site in CRITICAL_SITES) + repeat
    bulletin = now.get(("severity", code), (None, None))[0] if code else None
    if danger or bulletin == "critical":
        return "critical"
    return SEVERITIES[min(level, 3)]


def _mention(rng, model):
    fam, size = model.split("-")
    return rng.choice(
        [
            model,
            model,
            f"{fam}{size}",
            f"{fam.lower()}-{size}",
            f"Veldmark {model}",
            f"{fam} {size}",
        ]
    )


def _code_mention(rng, code):
    return rng.choice([code, code, code.lower(), f"{code[0]}-{code[1:]}", f"error {code}"])


def _typos(rng, text):
    chars = list(text)
    for _ in range(max(1, len(chars) // 25)):
        i = rng.randrange(len(chars) - 1)
        op = rng.choice(["swap", "drop", "double"])
        if op == "swap":
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op == "drop":
            chars[i] = ""
        else:
            chars[i] = chars[i] * 2
    return "".join(chars)


def _voice(rng, voice, unit, problem, extra):
    if voice == "terse":
        return f"{unit} - {problem}. {extra} pls advise"
    if voice == "angry":
        return (
            f"This is unacceptable!!! My {unit}: {problem}. {extra} "
            "Nobody answers the phone. Fix it NOW."
        )
    if voice == "formal":
        return (
            f"Dear Veldmark service team, we would like to report that our {unit} has the "
            f"following issue: {problem}. {extra} Kind regards, facilities management."
        )
    text = (
        f"hi, so we have a {unit} in the plant room and {problem}. {extra} my colleague "
        "thought it might be the weather but I'm not sure, anyway could someone look at it"
    )
    return _typos(rng, text) if voice == "typos" else text


EXTRAS = [
    "It started this morning.",
    "The building is getting cold.",
    "It happened after a power cut.",
    "Tenants are complaining.",
    "No idea what changed.",
    "",
]


def triage_schema(facts: dict) -> dict:
    """JSON Schema of the triage target every ticket maps to."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Veldmark ticket triage",
        "type": "object",
        "additionalProperties": False,
        "required": ["product", "error_code", "category", "severity", "onsite_required", "summary"],
        "properties": {
            "product": {"enum": [p["model"] for p in facts["products"]] + [None]},
            "error_code": {"type": ["string", "null"], "pattern": "^E[1-4][0-9]{2}$"},
            "category": {"enum": CATEGORIES},
            "severity": {"enum": SEVERITIES},
            "onsite_required": {"type": "boolean"},
            "summary": {"type": "string", "minLength": 10, "maxLength": 120},
        },
    }


def render_tickets(facts: dict, rng: random.Random, n: int = 2600) -> tuple[list[dict], dict]:
    """Support tickets in varied voices with their strict JSON triage; split train/val/test."""
    now = current_values(facts)
    out = []
    for i in range(n):
        voice = rng.choice(["terse", "rambling", "angry", "typos", "formal"])
        p = rng.choice(facts["products"])
        model = p["model"] if rng.random() > 0.1 else None
        unit = _mention(rng, p["model"]) if model else rng.choice(["heat pump", "chiller", "unit"])
        cat, base, summary_text, phrasings, codes = rng.choice(SCENARIOS)
        problem = rng.choice(phrasings)
        code = rng.choice(codes) if rng.random() < 0.55 else None
        if code:
            problem += rng.choice(
                [
                    f", display shows {_code_mention(rng, code)}",
                    f" and it stopped with {_code_mention(rng, code)} on the screen",
                    f" ({_code_mention(rng, code)})",
                ]
            )
        site = rng.choice(CRITICAL_SITES if rng.random() < 0.2 else OTHER_SITES)
        repeat, danger = rng.random() < 0.2, rng.random() < 0.08
        extra = " ".join(
            [f"It is at our {site}."]
            + ([rng.choice(REPEATS)] if repeat else [])
            + ([rng.choice(SAFETY_SIGNS)] if danger else [])
            + [rng.choice(EXTRAS)]
        )
        sev = _severity(base, site, repeat, danger, code, now)
        notes = [f"shows {code}"] * bool(code) + ["repeat fault"] * repeat + ["danger"] * danger
        notes += [site] * (site in CRITICAL_SITES)
        summary = f"{model or 'Unit'}: {summary_text}" + (f" ({', '.join(notes)})" if notes else "")
        target = {
            "product": model,
            "error_code": code,
            "category": cat,
            "severity": sev,
            "onsite_required": _onsite(cat, sev),
            "summary": summary[:120],
        }
        split = "test" if i % 10 == 0 else "validation" if i % 10 == 1 else "train"
        out.append(
            {
                "id": f"t{i:05d}",
                "split": split,
                "voice": voice,
                "ticket": _voice(rng, voice, unit, problem, extra).strip(),
                "triage": target,
            }
        )
    return out, triage_schema(facts)
