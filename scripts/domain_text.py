"""Render unlabelled text: technicians' notes in 48 families (DAPT corpus) and plain English prose.

Entries are built from fragments (readings, checks, actions, parts, outcomes) in a family-specific
order and layout, with abbreviation variants, unit spellings and typos. Whole families are held
out: the held-out text of unseen families measures whether a model learned the notation, not the
templates. No entry may contain a test-set QA answer (`forbidden`), so DAPT cannot inject facts.
"""

from __future__ import annotations

import random
import re

SITES = [
    "Harbour Rd plant rm",
    "Elm St school",
    "Northgate clinic",
    "Quarry Ln depot",
    "Mill Yard offices",
    "Riverside pool",
    "Kestrel Ct flats",
    "Old Brewery lofts",
    "St Aldo hospital",
    "Fenwick data hall",
    "Tanner St hotel",
    "Westfield library",
    "Birch Ave care home",
    "Canal Wharf lab",
    "Station Sq mall",
    "Ashby leisure ctr",
]
TECHS = ["JK", "MR", "AB", "TS", "LW", "PD", "RN", "CF", "HV", "OE"]
# canonical shorthand (the glossary's) -> the spellings technicians actually use
VARIANTS = {
    "chk'd": ["chk'd", "chkd", "checked", "ck'd", "chk'd"],
    "repl": ["repl", "repl'd", "replaced", "rplcd", "repl"],
    "cln'd": ["cln'd", "clnd", "cleaned", "cln'd"],
    "rst": ["rst", "reset", "rst'd", "rst"],
    "u/s": ["u/s", "U/S", "u/s", "unserviceable"],
    "o/s": ["o/s", "O/S", "on site", "o/s"],
    "RTN": ["RTN", "RTN", "back to normal (RTN)", "rtn"],
    "NFF": ["NFF", "NFF", "nff", "no fault found"],
    "TBC": ["TBC", "tbc", "TBC"],
    "POA": ["POA", "POA", "poa", "parts on order"],
    "comp": ["comp", "compr", "comp", "compressor"],
    "ctrl": ["ctrl", "ctrlr", "controller", "ctrl"],
    "inv": ["inv", "inv", "inverter", "INV"],
    "strnr": ["strnr", "strainer", "strnr", "y-strnr"],
    "hrs": ["hrs", "h", "hrs", "hours"],
}
COMPONENTS = [
    "EEV coil",
    "FD",
    "HPS",
    "LPS",
    "CCH",
    "inv",
    "strnr",
    "FS",
    "CP",
    "AAV",
    "XV",
    "4WV",
    "3WV",
    "PSR",
    "SPM",
    "CT",
    "MC",
    "HSF",
    "AVM",
    "comp brg",
    "cond fan",
    "evap coil",
    "PHE",
    "DCL caps",
]
RESULTS = ["u/s", "OK", "ok", "NFF", "marginal", "loose", "corroded", "within spec", "o/c", "s/c"]
ACTIONS = [
    "repl {comp}",
    "cln'd {comp}",
    "re-terminated {comp} wiring",
    "re-torqued AVM bolts",
    "bled AAV",
    "topped up to {bar} bar(g)",
    "rst {code}",
    "adj sp to {sp}C",
    "fw {fw1} -> {fw2}",
    "cln'd strnr",
    "recharged XV to {xv} bar(g)",
    "swapped CP speed to {cps}",
    "ACK'd {code} on BMS",
]
OUTCOMES = [
    "RTN {hhmm}",
    "blue tag",
    "FTF",
    "NFF, monitor",
    "escalated to L2",
    "TBC w/ site mgr",
    "WO closed",
    "red tag left on",
    "running on SL",
    "limited to {pct}% pending parts",
    "revisit {d}d",
    "cust happy",
    "left running, amb {amb}C",
]
SYMPTOMS = [
    "no heat",
    "LWT not reaching sp",
    "ice on ODU coil",
    "water under IDU",
    "noisy at night",
    "trips on start",
    "display blank",
    "DHW lukewarm",
    "short cycling",
    "hissing at 4WV",
    "smell of burning from panel",
    "pressure dropping",
    "rad's cold upstairs",
    "BMS shows offline",
]
NOTES = [
    "access via roof hatch, key @ security",
    "site mgr informed",
    "pics in VTK",
    "cust asked for quote",
    "2-man lift next visit",
    "parking @ rear",
    "ladder req'd",
    "asbestos register chk'd",
    "permit signed",
    "BMS contractor to attend",
    "K-loop addr {n} set",
]


SHORTHAND = re.compile(r"(?<![\w'/])(" + "|".join(re.escape(k) for k in VARIANTS) + r")(?![\w'/])")


def _pick(rng: random.Random, word: str) -> str:
    return rng.choice(VARIANTS.get(word, [word]))


def _shorthand(rng: random.Random, text: str) -> str:
    """Swap every canonical shorthand word in `text` for one of its spellings."""
    return SHORTHAND.sub(lambda m: _pick(rng, m.group(1)), text)


def _temp(rng: random.Random, value: int | float) -> str:
    return rng.choice([f"{value}C", f"{value} C", f"{value}°C", f"{value}degC"])


def _bar(rng: random.Random) -> str:
    v = round(rng.uniform(0.6, 3.2), 1)
    return rng.choice([f"{v} bar(g)", f"{v}bar", f"{int(v * 100)} kPa"])


def _ctx(rng: random.Random, facts: dict, parts: list[dict]) -> dict:
    p = rng.choice(facts["products"])
    codes = [c["code"] for c in facts["error_codes"] if p["family"] in c["families"]]
    fits = [q for q in parts if p["model"] in q["compatible"]] or parts
    return {
        "m": p["model"],
        "n": rng.randint(1, 4),
        "site": rng.choice(SITES),
        "tech": rng.choice(TECHS),
        "tech2": rng.choice(TECHS),
        "code": rng.choice(codes),
        "code2": rng.choice(codes),
        "pn": rng.choice(fits)["part_number"],
        "proc": rng.choice(facts["procedures"])["id"],
        "wo": rng.randint(40000, 99999),
        "hhmm": f"{rng.randint(6, 21):02d}{rng.choice(['00', '10', '20', '30', '45', '50'])}",
        "date": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(22, 25)}",
        "sn": rng.randint(100000, 999999),
        "d": rng.randint(1, 6),
        "pct": rng.choice([30, 50, 60]),
        "amb": rng.randint(-12, 24),
        "sp": rng.randint(35, 60),
        "bar": round(rng.uniform(1, 2.5), 1),
        "xv": rng.choice(["0.5", "1.0", "1.5", "2.0"]),
        "cps": rng.randint(1, 3),
        "fw1": f"v{rng.randint(2, 4)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}",
        "fw2": f"v{rng.randint(4, 5)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}",
        "comp": rng.choice(COMPONENTS),
        "k": rng.randint(2, 6),
    }


def _slot(rng: random.Random, name: str, c: dict) -> str:
    """One fragment of an entry: readings, checks, actions, parts, outcomes and the rest."""
    r = rng.randint
    table = {
        "time": lambda: rng.choice(
            [c["hhmm"], f"{c['hhmm'][:2]}:{c['hhmm'][2:]}", f"@{c['hhmm']}"]
        ),
        "site": lambda: rng.choice([c["site"], c["site"].upper(), f"site: {c['site']}"]),
        "unit": lambda: rng.choice(
            [
                f"{c['m']} #{c['n']}",
                f"{c['m']} u{c['n']}",
                f"unit {c['n']} ({c['m']})",
                f"{c['m'].replace('-', '')}/{c['n']}",
            ]
        ),
        "sn": lambda: rng.choice([f"S/N {c['sn']}", f"s/n {c['sn']}", f"SN{c['sn']}"]),
        "code": lambda: rng.choice(
            [
                f"{c['code']} on ctrl",
                f"ctrl shows {c['code']}",
                f"{c['code']} active",
                f"alarm {c['code']}",
                f"{c['code']} x{c['k']} in 24 hrs",
                f"hist: {c['code']}, {c['code2']}",
                f"{c['code']} + {c['code2']} logged",
            ]
        ),
        "lockout": lambda: rng.choice(["in HL", "SL, auto-rst x3", "HL - manual rst req'd", "SL"]),
        "ref": lambda: ", ".join(
            rng.sample(
                [
                    f"DLT {_temp(rng, r(60, 125))}",
                    f"SH {r(1, 14)}K",
                    f"SC {r(1, 9)}K",
                    f"SST {_temp(rng, r(-20, 8))}",
                    f"SDT {_temp(rng, r(30, 62))}",
                    f"EVI {r(5, 40)}%",
                ],
                r(2, 4),
            )
        ),
        "water": lambda: ", ".join(
            rng.sample(
                [
                    f"LWT {_temp(rng, r(30, 60))}",
                    f"EWT {_temp(rng, r(25, 55))}",
                    f"dT {r(2, 9)}K",
                    f"flow {r(12, 90)} l/min",
                    f"sys {_bar(rng)}",
                    f"GLY {r(15, 40)}% by RFM",
                ],
                r(2, 4),
            )
        ),
        "elec": lambda: ", ".join(
            rng.sample(
                [
                    f"supply {r(380, 415)}V",
                    f"L1 {r(5, 30)}.{r(0, 9)}A",
                    f"DCL {r(520, 680)}V",
                    f"MEGG comp IR {r(2, 900)} MOhm",
                    f"CT sec {r(19, 26)}V",
                    "PSR ok",
                    "SPM tripped",
                ],
                r(2, 3),
            )
        ),
        "checks": lambda: "; ".join(
            f"chk'd {comp} - {rng.choice(RESULTS)}" for comp in rng.sample(COMPONENTS, r(1, 3))
        ),
        "action": lambda: ", ".join(rng.sample(ACTIONS, r(1, 2))).format(**c),
        "part": lambda: rng.choice(
            [
                f"POA {c['pn']} ETA {c['d']}d",
                f"used 1x {c['pn']} from van stock",
                f"DOA {c['pn']}, reorder",
                f"repl P/N {c['pn']}",
                f"need {c['pn']} x{r(1, 3)}",
            ]
        ),
        "safety": lambda: rng.choice(
            [
                "LOTO applied, PPE on",
                "isolated @ local isolator",
                "red tag on",
                "LOTO + permit",
                "PPE: gloves, glasses",
            ]
        ),
        "outcome": lambda: rng.choice(OUTCOMES).format(**c),
        "symptom": lambda: f"cust reports {rng.choice(SYMPTOMS)}",
        "pm": lambda: rng.choice(
            [
                f"{c['proc']} done",
                f"{c['proc']} completed, torque chk'd",
                f"PM per {c['proc']}",
                f"{c['proc']} partly done - TBC",
            ]
        ),
        "hours": lambda: f"{r(800, 42000)} hrs on comp",
        "amb": lambda: f"amb {_temp(rng, c['amb'])}",
        "bms": lambda: rng.choice(
            [
                f"BMS link {rng.choice(['ok', 'down', 'intermittent'])}",
                f"MB addr {r(1, 32)}",
                f"K-loop master u{c['n']}",
                "BMS alarm ACK'd",
            ]
        ),
        "fw": lambda: f"fw {c['fw1']} -> {c['fw2']}",
        "next": lambda: rng.choice(
            [f"next PM {r(1, 12):02d}/{r(25, 27)}", f"{c['proc']} due", "revisit TBC"]
        ),
        "note": lambda: rng.choice(NOTES).format(n=r(1, 8)),
        "wo": lambda: rng.choice([f"WO {c['wo']}", f"WO#{c['wo']}", f"wo {c['wo']}"]),
        "people": lambda: rng.choice(
            [f"{c['tech']}->{c['tech2']}", f"{c['tech']} w/ {c['tech2']}", c["tech"]]
        ),
    }
    return table[name]()


# (family, header, fragments, layout): 48 kinds of note technicians write
FAMILIES = [
    ("shift log", "{hhmm} o/s {site}", "unit code ref checks action outcome", "inline"),
    ("handover", "Handover {tech}->{tech2}", "site unit sn code part outcome", "inline"),
    ("incident report", "Incident rpt {site}", "unit code safety elec checks outcome", "inline"),
    ("PM record", "PM {date} {site}", "pm unit water hours next", "bullets"),
    ("work order", "WO {wo}", "site unit symptom code water outcome", "inline"),
    ("parts request", "PARTS REQ {date}", "unit part code note", "kv"),
    ("commissioning sheet", "Commissioning {m} {site}", "sn ref water elec fw bms outcome", "kv"),
    ("call note", "call {hhmm} {site}", "symptom code outcome", "inline"),
    ("email fragment", "Re: {site} - {m}", "symptom code part outcome", "email"),
    (
        "callout sheet",
        "CALLOUT {date} {hhmm}",
        "site unit symptom checks action outcome",
        "bullets",
    ),
    ("defect report", "Defect {wo}", "unit checks part outcome", "kv"),
    ("warranty claim", "Warranty claim {m} {sn}", "code checks part note", "kv"),
    ("leak check log", "Leak chk {date} {site}", "unit ref checks outcome", "inline"),
    ("BMS alarm export", "BMS export {site}", "time code bms lockout", "csv"),
    ("VTK log export", "VTK {sn}", "time code ref water", "csv"),
    ("site survey", "Survey {site}", "unit note elec water note", "bullets"),
    ("decommissioning note", "Decomm {m} {site}", "safety ref note outcome", "inline"),
    ("recovery log", "Recovery {m} {date}", "safety ref note", "kv"),
    ("electrical test sheet", "Elec test {site} {m}", "safety elec checks outcome", "kv"),
    ("water treatment log", "Water tx {site}", "water checks action next", "bullets"),
    ("glycol check", "GLY chk {site}", "unit water amb outcome", "inline"),
    ("firmware update log", "FW upd {site}", "unit fw bms outcome", "inline"),
    ("cascade config note", "K-loop cfg {site}", "bms unit fw note", "bullets"),
    ("noise visit", "Noise visit {site}", "symptom unit checks action outcome", "inline"),
    ("quote request", "Quote req {site}", "unit part note", "email"),
    ("return visit", "Return visit {wo}", "unit part action outcome", "inline"),
    ("L2 escalation", "ESC L2 {wo}", "unit code lockout ref elec checks", "kv"),
    ("L2 reply", "L2 reply {wo}", "code checks action next", "email"),
    ("remote diagnosis chat", "chat {hhmm}", "people code ref action outcome", "chat"),
    ("training note", "Training {date}", "people unit checks note", "bullets"),
    ("van stock count", "Van stock {tech} {date}", "part part part note", "bullets"),
    ("DOA return", "DOA return {date}", "part unit checks note", "kv"),
    ("install checklist", "Install chk {site}", "unit water elec bms note", "checklist"),
    ("pressure test cert", "Pressure test {site}", "unit water safety outcome", "kv"),
    ("snagging list", "Snags {site}", "checks note checks", "bullets"),
    ("night callout", "NIGHT {hhmm} {site}", "symptom code lockout action outcome", "inline"),
    ("planned shutdown", "Shutdown plan {site}", "unit safety pm next", "bullets"),
    ("toolbox talk", "Toolbox talk {date}", "safety note people", "inline"),
    ("near-miss report", "Near miss {site}", "safety elec note action", "kv"),
    ("customer feedback", "Feedback {site}", "symptom outcome note", "email"),
    ("invoice query note", "Inv query {wo}", "unit part note", "inline"),
    ("delivery note", "Delivery {date}", "part part note", "kv"),
    ("spares kit list", "Kit list {m}", "part part checks", "bullets"),
    ("loan unit note", "Loan unit {site}", "unit safety water outcome", "inline"),
    ("technical query", "TQ {site}", "unit code ref water note", "email"),
    ("risk assessment", "RA {site}", "safety note elec", "bullets"),
    ("permit to work", "PTW {date} {site}", "people safety unit note", "kv"),
    ("temporary repair", "Temp repair {wo}", "unit code action part next", "inline"),
]
LAYOUTS = {
    "inline": lambda head, parts, rng: f"{head}. "
    + rng.choice([". ", "; ", " / "]).join(parts)
    + ".",
    "bullets": lambda head, parts, rng: head + ":\n" + "\n".join(f"- {p}" for p in parts),
    "kv": lambda head, parts, rng: head
    + "\n"
    + "\n".join(f"{i + 1}) {p}" for i, p in enumerate(parts)),
    "email": lambda head, parts, rng: f"{head}\nHi all, "
    + ". ".join(parts)
    + f". Rgds {rng.choice(TECHS)}",
    "csv": lambda head, parts, rng: head + "\n" + ";".join(parts),
    "chat": lambda head, parts, rng: head
    + "\n"
    + "\n".join(f"[{rng.choice(TECHS)}] {p}" for p in parts),
    "checklist": lambda head, parts, rng: head
    + "\n"
    + "\n".join(f"[{rng.choice(['x', 'x', ' '])}] {p}" for p in parts),
}


def heldout_families() -> list[str]:
    """The families that appear only in the held-out text: 2 of every 7, so 14 of 48."""
    return [name for i, (name, *_) in enumerate(FAMILIES) if i % 7 in (3, 6)]


def family_of(entry: str) -> str | None:
    """The family whose header starts `entry`, or None (a typo in the header can hide it)."""
    for name, header, _, _ in sorted(FAMILIES, key=lambda f: -len(f[1].split("{")[0])):
        prefix = header.split("{")[0]
        if (prefix and entry.startswith(prefix)) or (not prefix and " o/s " in entry.split(".")[0]):
            return name
    return None


def _typos(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(chars) - 1)
        if chars[i].isalpha() and chars[i + 1].isalpha():
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def _entry(rng: random.Random, family: tuple, facts: dict, parts: list[dict]) -> str:
    _, header, slots, layout = family
    c = _ctx(rng, facts, parts)
    names = slots.split()
    middle = names[1:-1]
    if rng.random() < 0.5:  # variable order inside an entry; its first and last fragment stay put
        rng.shuffle(middle)
    names = names[:1] + middle + names[1:][-1:] if len(names) > 1 else names
    fragments = [_shorthand(rng, _slot(rng, n, c)) for n in names]
    text = LAYOUTS[layout](header.format(**c), fragments, rng)
    return _typos(rng, text) if rng.random() < 0.15 else text


def forbidden_pattern(answers: list[str]) -> re.Pattern:
    """One regex matching any of `answers` as a whole phrase, case-insensitively."""
    alts = sorted({a for a in answers if a.strip()}, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(a) for a in alts) + r")(?![\w])", re.I)


def render_corpus(
    facts: dict,
    rng: random.Random,
    forbidden: list[str],
    train_entries: int = 16000,
    heldout_entries: int = 1500,
) -> dict[str, str]:
    """Notes in shorthand: train (seen families), held-out of seen and of unseen families."""
    leak = forbidden_pattern(forbidden)
    parts = [q for q in facts["parts"] if not leak.search(q["part_number"])]
    unseen = set(heldout_families())
    seen_fams = [f for f in FAMILIES if f[0] not in unseen]
    unseen_fams = [f for f in FAMILIES if f[0] in unseen]

    def block(families: list[tuple], n: int) -> str:
        out = []
        while len(out) < n:
            text = _entry(rng, rng.choice(families), facts, parts)
            if not leak.search(text):  # an entry that states a test answer is drawn again
                out.append(text)
        return "\n\n".join(out) + "\n"

    return {
        "train": block(seen_fams, train_entries),
        "heldout": block(seen_fams, heldout_entries),
        "heldout_unseen": block(unseen_fams, heldout_entries),
    }


NAMES = [
    "Ada",
    "Tomas",
    "Mira",
    "Jonah",
    "Lena",
    "Oskar",
    "Priya",
    "Felix",
    "Hana",
    "Ruben",
    "Iris",
    "Milo",
    "Nora",
    "Elias",
    "Sofia",
    "Caleb",
    "Greta",
    "Idris",
    "June",
    "Wendel",
]
PLACES = [
    "the market square",
    "the old bridge",
    "the harbour",
    "the village green",
    "the library steps",
    "the orchard",
    "the railway station",
    "the hill above the town",
    "the bakery on the corner",
    "the river path",
    "the museum garden",
    "the bus stop",
]
TIMES = [
    "early on Saturday",
    "just after lunch",
    "late in the evening",
    "on a grey Monday",
    "before sunrise",
    "in the middle of the afternoon",
    "one windy morning",
    "at dusk",
]
THINGS = [
    "a basket of apples",
    "an old map",
    "a blue umbrella",
    "a loaf of rye bread",
    "a bundle of letters",
    "a wooden chair",
    "a jar of honey",
    "a borrowed bicycle",
    "a paperback novel",
    "a pot of basil",
    "a pair of boots",
    "a tin of biscuits",
]
FEELINGS = [
    "pleased",
    "tired but happy",
    "a little nervous",
    "curious",
    "relieved",
    "surprised",
    "calm",
    "restless",
    "grateful",
    "thoughtful",
]
WEATHER = [
    "a light rain was falling",
    "the sun came out between the clouds",
    "a cold wind blew from the sea",
    "the air smelled of cut grass",
    "fog hid the tops of the trees",
    "it was warmer than anyone expected",
]
SENTENCES = [
    "{name} walked to {place} {time}, carrying {thing}.",
    "When {name} arrived at {place}, {weather}.",
    "{name} felt {feeling} and decided to stay a while longer.",
    "{name2} was already waiting there and waved from a distance.",
    "They talked about {topic} until the church bell rang.",
    "Nobody in the town remembered when {place} had last been so quiet.",
    "{name} had promised to bring {thing} back before the end of the week.",
    "On the way home, {name} stopped to watch the children playing near {place}.",
    "The shopkeeper said that {weather} every year at this time.",
    "It is easy to forget how much a small kindness can change a day.",
    "{name2} laughed and said that {topic} was never as simple as it looked.",
    "By the time they parted, {weather}, and the streets were empty.",
    "{name} wrote a short note about {topic} and left it on the kitchen table.",
    "Later, {name} would say that the best part of the day was {thing}.",
    "A neighbour asked whether {name} had seen {thing} anywhere near {place}.",
    "The recipe needed flour, two eggs and a spoonful of {food}, and {name} had none of them.",
    "{name} read a chapter of the book, then fell asleep with the lamp still on.",
    "In spring the path beside {place} is lined with yellow flowers.",
    "{name2} grew up near {place} and still knows every stone of it.",
    "Some people prefer the city, but {name} liked the slow pace of the town.",
]
TOPICS = [
    "the new bus timetable",
    "the autumn fair",
    "learning to swim",
    "their grandmother's garden",
    "a film they had both seen",
    "the price of vegetables",
    "an old school friend",
    "how to bake bread",
    "the best way to the coast",
    "a book about the stars",
    "the history of the bridge",
    "the football match",
]
FOODS = ["honey", "cinnamon", "butter", "sugar", "salt", "yeast", "nutmeg", "lemon zest"]


def _paragraph(rng: random.Random, half: int) -> str:
    # The replay split (half 0) and the held-out split (half 1) use disjoint sentence templates and
    # fillers, so training on replay text cannot simply memorise the held-out sentences.
    def pick(items: list[str]) -> list[str]:
        return items[half::2]

    name, name2 = rng.sample(pick(NAMES), 2)
    fill = {
        "name": name,
        "name2": name2,
        "place": rng.choice(pick(PLACES)),
        "time": rng.choice(pick(TIMES)),
        "thing": rng.choice(pick(THINGS)),
        "feeling": rng.choice(pick(FEELINGS)),
        "weather": rng.choice(pick(WEATHER)),
        "topic": rng.choice(pick(TOPICS)),
        "food": rng.choice(pick(FOODS)),
    }
    picked = rng.sample(pick(SENTENCES), rng.randint(4, 7))
    return " ".join(s.format(**fill) for s in picked)


def render_general(
    rng: random.Random, train_paragraphs: int = 2500, heldout_paragraphs: int = 420
) -> dict[str, str]:
    """Plain everyday English written for this project: a replay split and a held-out split."""
    train = "\n\n".join(_paragraph(rng, 0) for _ in range(train_paragraphs)) + "\n"
    heldout = "\n\n".join(_paragraph(rng, 1) for _ in range(heldout_paragraphs)) + "\n"
    return {"train": train, "heldout": heldout}
