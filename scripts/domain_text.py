"""Render unlabelled text: technicians' shift logs (DAPT corpus) and plain English prose (general)."""

from __future__ import annotations

import random

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


def _entry(rng: random.Random, facts: dict) -> str:
    p = rng.choice(facts["products"])
    m, fam = p["model"], p["family"]
    c = rng.choice([c for c in facts["error_codes"] if fam in c["families"]])
    parts = [q for q in facts["parts"] if m in q["compatible"]] or facts["parts"]
    q = rng.choice(parts)
    r = rng.choice([r for r in facts["procedures"] if fam in r["families"]])
    hh, mm = rng.randint(6, 19), rng.choice(["00", "15", "20", "30", "40", "45", "50"])
    unit_no = rng.randint(1, 4)
    site = rng.choice(SITES)
    kind = rng.randrange(5)
    dlt, sh, sc = rng.randint(70, 125), rng.randint(1, 14), rng.randint(1, 9)
    lwt, ewt = rng.randint(30, 60), rng.randint(25, 55)
    if kind == 0:
        return (
            f"{hh:02d}{mm} o/s {site}. {m} #{unit_no} in {rng.choice(['HL', 'SL'])}, "
            f"{c['code']} on ctrl. DLT {dlt}C SH {sh}K SC {sc}K. chk'd "
            f"{rng.choice(['EEV coil', 'FD', 'HPS', 'CCH', 'inv', 'strnr', 'FS'])} - "
            f"{rng.choice(['u/s', 'OK', 'NFF', 'marginal'])}. repl {q['name']} P/N "
            f"{q['part_number']}. rst, RTN {hh + 1:02d}{mm}. {rng.choice(['blue tag', 'ACK', 'WO closed'])}."
        )
    if kind == 1:
        return (
            f"Handover {rng.choice(TECHS)}->{rng.choice(TECHS)}: {site}, {m} S/N "
            f"{rng.randint(100000, 999999)}. {c['code']} x{rng.randint(2, 6)} in 24 hrs. "
            f"POA {q['part_number']} ETA {rng.randint(1, 5)}d. unit {rng.choice(['red tag', 'running on SL', 'limited to 50%'])}. "
            f"LWT {lwt} EWT {ewt} dT {abs(lwt - ewt)}K. TBC w/ site mgr."
        )
    if kind == 2:
        return (
            f"Incident rpt {site}: {m} tripped {c['code']} after "
            f"{rng.choice(['PL on mains', 'MC chatter', 'amb below min', 'LGN cycle', 'fw update'])}. "
            f"LOTO applied, PPE on. MEGG comp IR {rng.randint(2, 400)} MOhm. "
            f"{rng.choice(['DCL ok', 'DCL low', 'SPM tripped', 'CT sec 21V'])}. "
            f"{rng.choice(['FTF', 'NFF, monitor', 'DOA part, reorder', 'escalated to L2'])}."
        )
    if kind == 3:
        return (
            f"{r['id']} done on {m} #{unit_no} @ {site}. {r['fastener']} torqued "
            f"{r['torque_nm']} Nm, next due {r['interval_months']} mo. GLY {rng.randint(20, 40)}% by RFM, "
            f"XV precharge {rng.choice(['0.5', '1.0', '1.5'])} bar(g), AAV {rng.choice(['ok', 'seized, repl'])}. "
            f"walk-down ok."
        )
    return (
        f"WO {rng.randint(40000, 99999)} {site} {m}: cust reports {c['title']}. "
        f"VTK log shows {c['code']} + {rng.choice(facts['error_codes'])['code']}. "
        f"SST {rng.randint(-20, 8)}C SDT {rng.randint(30, 62)}C, 4WV {rng.choice(['ok', 'sticky', 'coil o/c'])}, "
        f"CP {rng.choice(['ok', 'brg noisy', 'u/s'])}, FS {rng.choice(['ok', 'paddle stuck'])}. sp {lwt}C."
    )


def render_corpus(
    facts: dict, rng: random.Random, train_entries: int = 16000, heldout_entries: int = 1100
) -> dict[str, str]:
    """Technician logs full of shorthand: a training split and a held-out split."""

    def block(n):
        days, lines = [], []
        for i in range(n):
            if i % 12 == 0 and lines:
                days.append("\n".join(lines))
                lines = []
            if not lines:
                lines.append(
                    f"=== Shift log {rng.randint(2022, 2025)}-{rng.randint(1, 12):02d}-"
                    f"{rng.randint(1, 28):02d} tech {rng.choice(TECHS)} ==="
                )
            lines.append(_entry(rng, facts))
        days.append("\n".join(lines))
        return "\n\n".join(days) + "\n"

    return {"train": block(train_entries), "heldout": block(heldout_entries)}


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
