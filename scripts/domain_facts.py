"""Stage 1 of the sample-domain generator: invent the structured facts (seeded, deterministic).

Veldmark Thermal is a fictional maker of heat pumps and chillers. Every name, code, part number
and value below is invented for this course; none belongs to a real company or product.
"""

from __future__ import annotations

import random

CATEGORIES = [
    "refrigerant_circuit",
    "electrical",
    "water_hydraulics",
    "controls_software",
    "noise_vibration",
    "installation",
    "maintenance_request",
    "warranty_billing",
]
SEVERITIES = ["low", "medium", "high", "critical"]

# (family, series letters, kind); sibling models share a family and differ in values.
FAMILIES = [
    ("VX", "air-to-water heat pump", [212, 214, 216, 218]),
    ("GX", "ground-source heat pump", [308, 312, 316]),
    ("CR", "air-cooled scroll chiller", [50, 55, 80]),
    ("TQ", "water-cooled screw chiller", [120, 160]),
]
REFRIGERANTS = ["R-32", "R-290", "R-454B", "R-1234ze"]

# (code prefix, category, subject words): codes are grouped so that near-duplicates exist.
CODE_GROUPS = [
    (
        "E1",
        "refrigerant_circuit",
        [
            (
                "high discharge pressure",
                "condenser coil fouled or fan stalled",
                "clean the coil and check the condenser fan",
            ),
            (
                "low suction pressure",
                "refrigerant undercharge or a leak",
                "leak-test the circuit and weigh in the charge",
            ),
            (
                "high discharge temperature",
                "EEV stuck closed",
                "check the EEV coil and driver, replace the EEV if it does not step",
            ),
            (
                "low superheat",
                "EEV stuck open or a failed suction sensor",
                "verify the suction temperature sensor, then the EEV",
            ),
            (
                "high superheat",
                "restricted filter drier",
                "measure the drier pressure drop and replace the drier",
            ),
            (
                "compressor envelope exceeded",
                "operation outside the map at low ambient",
                "check setpoints and the ambient sensor",
            ),
            (
                "four-way valve not switching",
                "reversing valve coil open circuit",
                "check coil resistance and replace the coil",
            ),
            (
                "oil return fault",
                "oil return cycle missed repeatedly",
                "check the oil return solenoid and the run hours log",
            ),
            (
                "refrigerant leak suspected",
                "charge loss trend detected by controller",
                "leak-test with an electronic detector and repair",
            ),
            (
                "high pressure switch open",
                "HPS tripped by blocked airflow or water flow",
                "clear the cause and reset the HPS by hand",
            ),
            (
                "low pressure switch open",
                "LPS tripped by undercharge or frozen evaporator",
                "defrost, leak-test and recharge",
            ),
            (
                "liquid line temperature implausible",
                "liquid line sensor drifted",
                "compare with a reference probe and replace the sensor",
            ),
            (
                "economiser valve fault",
                "EVI valve does not open",
                "check the EVI valve coil and the injection line",
            ),
            (
                "suction accumulator flooding",
                "liquid floodback at start",
                "check crankcase heater and EEV start position",
            ),
            (
                "discharge sensor open",
                "DLT sensor cable broken",
                "check the DLT sensor connector and replace the sensor",
            ),
        ],
    ),
    (
        "E2",
        "electrical",
        [
            (
                "phase loss",
                "one supply phase missing",
                "check the supply fuses and the phase monitor relay",
            ),
            (
                "phase sequence wrong",
                "two supply phases swapped",
                "swap two phases at the main terminal",
            ),
            (
                "inverter overcurrent",
                "compressor drawing excess current",
                "check compressor windings and the inverter module",
            ),
            (
                "inverter overtemperature",
                "inverter heatsink fan failed",
                "replace the heatsink fan and clean the fins",
            ),
            (
                "DC bus undervoltage",
                "supply sag or failed DC link capacitor",
                "measure supply under load and test the DC link",
            ),
            (
                "DC bus overvoltage",
                "regenerative surge or supply spike",
                "check the supply and the brake resistor",
            ),
            (
                "earth leakage detected",
                "insulation breakdown in a heater or motor",
                "megger-test heaters and motors",
            ),
            ("main contactor welded", "contactor contacts fused", "replace the main contactor"),
            (
                "control transformer fault",
                "transformer secondary out of range",
                "measure the secondary voltage and replace the transformer",
            ),
            (
                "fan motor overcurrent",
                "fan bearing seized or blade obstructed",
                "free the fan and check the motor current",
            ),
            (
                "crankcase heater open",
                "crankcase heater element failed",
                "measure heater resistance and replace the heater",
            ),
            (
                "surge protector tripped",
                "lightning or switching surge",
                "replace the surge protection module",
            ),
            (
                "supply frequency out of range",
                "generator supply unstable",
                "check the supply frequency",
            ),
            (
                "inverter communication lost",
                "inverter ribbon cable loose",
                "reseat the inverter ribbon cable",
            ),
            ("backup heater relay fault", "relay coil failed", "replace the backup heater relay"),
        ],
    ),
    (
        "E3",
        "water_hydraulics",
        [
            (
                "low water flow",
                "strainer blocked or pump failed",
                "clean the strainer and check the circulation pump",
            ),
            (
                "flow switch open",
                "air in the circuit or flow switch paddle stuck",
                "vent the circuit and free the flow switch",
            ),
            (
                "low water pressure",
                "system pressure below fill pressure",
                "top up the circuit to the fill pressure",
            ),
            (
                "high water pressure",
                "expansion vessel precharge lost",
                "recharge the expansion vessel",
            ),
            (
                "freeze protection active",
                "leaving water near freezing",
                "check glycol concentration and flow",
            ),
            (
                "leaving water temperature high",
                "load exceeds capacity or low flow",
                "check flow rate and system load",
            ),
            (
                "water sensor open",
                "water temperature sensor cable broken",
                "check the sensor connector and replace the sensor",
            ),
            (
                "pump dry run",
                "pump running without water",
                "fill and vent the circuit before restarting the pump",
            ),
            (
                "plate heat exchanger fouled",
                "scale on the brazed plate exchanger",
                "descale the plate heat exchanger",
            ),
            (
                "glycol concentration low",
                "glycol diluted by top-up water",
                "measure with a refractometer and add glycol",
            ),
            (
                "delta-T too small",
                "bypass valve open or flow too high",
                "check the bypass valve and reduce pump speed",
            ),
            (
                "delta-T too large",
                "flow too low for the load",
                "increase pump speed and check the strainer",
            ),
            (
                "DHW tank sensor fault",
                "tank sensor disconnected",
                "reconnect or replace the tank sensor",
            ),
            (
                "three-way valve stuck",
                "diverter valve actuator failed",
                "replace the diverter valve actuator",
            ),
            ("air separator blocked", "air vent seized", "replace the automatic air vent"),
        ],
    ),
    (
        "E4",
        "controls_software",
        [
            (
                "controller memory fault",
                "parameter memory corrupted",
                "restore parameters from the last backup",
            ),
            (
                "BMS communication lost",
                "Modbus wiring or address conflict",
                "check the RS-485 wiring and the Modbus address",
            ),
            ("display link lost", "display cable loose", "reseat the display cable"),
            (
                "firmware mismatch",
                "controller and inverter firmware differ",
                "update both to the released firmware",
            ),
            ("clock battery low", "real-time clock battery flat", "replace the clock battery"),
            (
                "sensor calibration out of range",
                "offset parameter wrong",
                "reset sensor offsets to defaults",
            ),
            (
                "defrost timeout",
                "defrost did not terminate in time",
                "check the coil sensor and defrost parameters",
            ),
            ("remote stop active", "external stop contact open", "check the remote stop contact"),
            ("schedule conflict", "two schedules overlap", "delete the overlapping schedule"),
            (
                "watchdog reset",
                "controller rebooted unexpectedly",
                "update firmware and check the 24 V supply",
            ),
            ("parameter out of range", "setpoint entered outside limits", "correct the setpoint"),
            (
                "cascade master lost",
                "cascade bus wiring fault",
                "check the cascade bus termination",
            ),
            ("outdoor sensor fault", "ambient sensor cable broken", "replace the ambient sensor"),
            (
                "legionella cycle failed",
                "tank did not reach 60 C",
                "check the backup heater and the cycle schedule",
            ),
            (
                "licence key invalid",
                "controller replaced without key transfer",
                "enter the licence key from the unit label",
            ),
        ],
    ),
]
PROCEDURES = [
    ("Compressor mount inspection", "noise_vibration", "compressor mounting bolts"),
    ("Condenser coil cleaning", "maintenance_request", "coil access panel screws"),
    ("Strainer cleaning", "water_hydraulics", "strainer cap"),
    ("Refrigerant leak test", "refrigerant_circuit", "service valve caps"),
    ("Filter drier replacement", "refrigerant_circuit", "drier flare nuts"),
    ("EEV replacement", "refrigerant_circuit", "EEV coil retaining nut"),
    ("Inverter module replacement", "electrical", "inverter terminal screws"),
    ("Main contactor replacement", "electrical", "contactor terminal screws"),
    ("Fan motor replacement", "noise_vibration", "fan blade hub nut"),
    ("Circulation pump replacement", "water_hydraulics", "pump union nuts"),
    ("Expansion vessel recharge", "water_hydraulics", "vessel valve cap"),
    ("Plate heat exchanger descaling", "water_hydraulics", "flush port caps"),
    ("Glycol concentration check", "maintenance_request", "sample port plug"),
    ("Firmware update", "controls_software", "controller cover screws"),
    ("Controller parameter backup", "controls_software", "controller cover screws"),
    ("Annual service visit", "maintenance_request", "service panel screws"),
    ("Crankcase heater replacement", "electrical", "heater clamp screw"),
    ("Anti-vibration mount replacement", "noise_vibration", "anti-vibration mount bolts"),
    ("Commissioning checklist", "installation", "water connection unions"),
    ("Four-way valve coil replacement", "refrigerant_circuit", "valve coil nut"),
]
PART_NAMES = [
    "EEV body",
    "EEV coil",
    "filter drier",
    "DLT sensor",
    "suction temperature sensor",
    "liquid line sensor",
    "high pressure switch",
    "low pressure switch",
    "four-way valve coil",
    "inverter module",
    "main contactor",
    "control transformer",
    "crankcase heater",
    "fan motor",
    "fan blade",
    "circulation pump",
    "flow switch",
    "expansion vessel",
    "strainer",
    "water temperature sensor",
    "controller board",
    "display unit",
    "clock battery",
    "surge protection module",
    "anti-vibration mount",
    "plate heat exchanger",
    "diverter valve actuator",
    "automatic air vent",
    "ambient sensor",
    "heatsink fan",
]
GLOSSARY = [
    ("DLT", "discharge line temperature"),
    ("SST", "saturated suction temperature"),
    ("SDT", "saturated discharge temperature"),
    ("SH", "superheat"),
    ("SC", "subcooling"),
    ("EEV", "electronic expansion valve"),
    ("HPS", "high pressure switch"),
    ("LPS", "low pressure switch"),
    ("EVI", "enhanced vapour injection"),
    ("PHE", "plate heat exchanger"),
    ("LWT", "leaving water temperature"),
    ("EWT", "entering water temperature"),
    ("dT", "temperature difference across the PHE"),
    ("DHW", "domestic hot water"),
    ("ODU", "outdoor unit"),
    ("IDU", "indoor unit"),
    ("CCH", "crankcase heater"),
    ("4WV", "four-way reversing valve"),
    ("FD", "filter drier"),
    ("u/s", "unserviceable"),
    ("o/s", "on site"),
    ("rst", "reset"),
    ("chk", "check"),
    ("chk'd", "checked"),
    ("repl", "replaced"),
    ("cln", "clean"),
    ("cln'd", "cleaned"),
    ("strnr", "strainer"),
    ("ctrl", "controller"),
    ("inv", "inverter"),
    ("comp", "compressor"),
    ("cond", "condenser"),
    ("evap", "evaporator"),
    ("brg", "bearing"),
    ("vib", "vibration"),
    ("amb", "ambient"),
    ("sp", "setpoint"),
    ("fw", "firmware"),
    ("P/N", "part number"),
    ("S/N", "serial number"),
    ("SB", "service bulletin"),
    ("PR", "maintenance procedure"),
    ("WO", "work order"),
    ("RTN", "return to normal operation"),
    ("NFF", "no fault found"),
    ("TBC", "to be confirmed"),
    ("ETA", "expected time of arrival"),
    ("POA", "parts on order"),
    ("DOA", "dead on arrival (new part faulty)"),
    ("FTF", "first-time fix"),
    ("LOTO", "lock-out tag-out isolation"),
    ("PPE", "personal protective equipment"),
    ("MEGG", "insulation resistance test with a megger"),
    ("IR", "insulation resistance"),
    ("DCL", "DC link (inverter bus)"),
    ("BMS", "building management system"),
    ("MB", "Modbus"),
    ("RTC", "real-time clock"),
    ("WD", "watchdog reset"),
    ("LGN", "legionella cycle"),
    ("GLY", "glycol"),
    ("RFM", "refractometer"),
    ("XV", "expansion vessel"),
    ("AAV", "automatic air vent"),
    ("3WV", "three-way diverter valve"),
    ("CP", "circulation pump"),
    ("FS", "flow switch"),
    ("AVM", "anti-vibration mount"),
    ("HSF", "heatsink fan"),
    ("SPM", "surge protection module"),
    ("CT", "control transformer"),
    ("MC", "main contactor"),
    ("PL", "phase loss"),
    ("PSR", "phase sequence relay"),
    ("Nm", "newton-metre (torque)"),
    ("kPa", "kilopascal"),
    ("bar(g)", "gauge pressure in bar"),
    ("K", "kelvin (used for temperature differences)"),
    ("hrs", "run hours"),
    ("ACK", "alarm acknowledged"),
    ("HL", "hard lockout (needs manual reset)"),
    ("SL", "soft lockout (auto-retry)"),
    ("K-loop", "Veldmark cascade bus between units"),
    ("VTK", "Veldmark service toolkit app"),
    ("blue tag", "unit released after repair"),
    ("red tag", "unit isolated, do not restart"),
    ("walk-down", "visual inspection round"),
]
VOICES = ["terse", "rambling", "angry", "typos", "formal"]


def _spec(rng: random.Random, family: str, size: int) -> dict:
    base = size if family in ("CR", "TQ") else size % 100
    kw = round(base * (1.0 if family in ("CR", "TQ") else 1.0) + rng.uniform(-0.4, 0.4), 1)
    return {
        "capacity_kw": kw,
        "refrigerant": rng.choice(REFRIGERANTS),
        "refrigerant_charge_kg": round(0.09 * kw + rng.uniform(0.3, 1.2), 2),
        "supply": rng.choice(["230 V 1~ 50 Hz", "400 V 3~ 50 Hz"]) if kw < 17 else "400 V 3~ 50 Hz",
        "fuse_a": rng.choice([16, 20, 25, 32, 40, 50, 63, 80, 100, 125]),
        "max_lwt_c": rng.choice([55, 58, 60, 62, 65, 70]),
        "min_flow_l_min": round(kw * rng.uniform(2.2, 3.0), 1),
        "sound_power_dba": rng.randint(52, 78),
        "weight_kg": int(kw * rng.uniform(8, 14) + 40),
        "cop_a7w35": round(rng.uniform(3.6, 5.2), 2),
        "fill_pressure_bar": round(rng.choice([1.2, 1.5, 1.8, 2.0]), 1),
        "min_ambient_c": rng.choice([-25, -22, -20, -15, -10]),
    }


def build_facts(seed: int = 7) -> dict:
    """Invent every fact of the sample domain from one seed."""
    rng = random.Random(seed)
    products = []
    for family, kind, sizes in FAMILIES:
        for size in sizes:
            products.append(
                {
                    "model": f"{family}-{size}",
                    "family": family,
                    "kind": kind,
                    "launched": 2016 + rng.randint(0, 7),
                    **_spec(rng, family, size),
                }
            )
    models = [p["model"] for p in products]
    codes = []
    for prefix, category, entries in CODE_GROUPS:
        for i, (title, cause, fix) in enumerate(entries):
            fams = sorted(rng.sample([f[0] for f in FAMILIES], rng.randint(2, 4)))
            codes.append(
                {
                    "code": f"{prefix}{i + 1:02d}",
                    "title": title,
                    "cause": cause,
                    "fix": fix,
                    "category": category,
                    "severity": rng.choice(SEVERITIES),
                    "lockout": rng.choice(["soft", "hard"]),
                    "families": fams,
                    "retries_before_lockout": rng.choice([1, 2, 3, 5]),
                }
            )
    parts = []
    used = set()
    for i in range(100):
        name = PART_NAMES[i % len(PART_NAMES)]
        while True:
            pn = f"VT-{rng.randint(1000, 9999)}-{rng.choice('ABCDEFGH')}"
            if pn not in used:
                used.add(pn)
                break
        fam = FAMILIES[i % len(FAMILIES)][0] if i >= 30 else None
        compat = [m for m in models if fam is None or m.startswith(fam)]
        compat = sorted(rng.sample(compat, max(1, min(len(compat), rng.randint(1, 4)))))
        parts.append(
            {
                "part_number": pn,
                "name": name,
                "compatible": compat,
                "stock_class": rng.choice(["A", "B", "C"]),
                "lead_time_days": rng.choice([1, 2, 3, 5, 10, 15]),
            }
        )
    procedures = []
    for i, (title, category, fastener) in enumerate(PROCEDURES):
        procedures.append(
            {
                "id": f"PR-{i + 1:02d}",
                "title": title,
                "category": category,
                "fastener": fastener,
                "torque_nm": rng.choice([4, 6, 8, 10, 12, 18, 22, 24, 28, 35, 40, 45]),
                "interval_months": rng.choice([3, 6, 12, 24, 36]),
                "duration_min": rng.choice([20, 30, 45, 60, 90, 120]),
                "families": sorted(rng.sample([f[0] for f in FAMILIES], rng.randint(2, 4))),
                "technicians": rng.choice([1, 1, 2]),
            }
        )
    bulletins = _bulletins(rng, products, codes, parts, procedures)
    return {
        "company": "Veldmark Thermal",
        "products": products,
        "error_codes": codes,
        "parts": parts,
        "procedures": procedures,
        "bulletins": bulletins,
        "glossary": [{"term": t, "meaning": m} for t, m in GLOSSARY],
        "categories": CATEGORIES,
        "severities": SEVERITIES,
    }


def _bulletins(rng, products, codes, parts, procedures) -> list[dict]:
    out = []
    picked_procs = rng.sample(procedures, 4)
    for proc in picked_procs:  # torque changes
        new = proc["torque_nm"] + rng.choice([-4, -2, 3, 5, 6])
        out.append(
            {
                "kind": "torque",
                "procedure": proc["id"],
                "old": proc["torque_nm"],
                "new": max(2, new),
            }
        )
    for part in rng.sample(parts[30:], 3):  # part supersessions
        while True:
            pn = f"VT-{rng.randint(1000, 9999)}-{rng.choice('JKLMN')}"
            if all(pn != p["part_number"] for p in parts):
                break
        out.append(
            {
                "kind": "part",
                "old": part["part_number"],
                "new": pn,
                "name": part["name"],
                "compatible": part["compatible"],
            }
        )
    for proc in rng.sample([p for p in procedures if p not in picked_procs], 2):  # intervals
        out.append(
            {
                "kind": "interval",
                "procedure": proc["id"],
                "old": proc["interval_months"],
                "new": proc["interval_months"] // 2 if proc["interval_months"] > 3 else 6,
            }
        )
    code = rng.choice(codes)  # a severity upgrade
    new_sev = "critical" if code["severity"] != "critical" else "high"
    out.append({"kind": "severity", "code": code["code"], "old": code["severity"], "new": new_sev})
    dates = sorted(
        f"20{rng.randint(22, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in out
    )
    for i, (b, d) in enumerate(zip(out, dates, strict=True)):
        b["id"] = f"SB-{d[:4]}-{i + 1:02d}"
        b["date"] = d
    return out


def current_values(facts: dict) -> dict:
    """Facts after every bulletin is applied: {(kind, key): (value, bulletin id)}."""
    now = {}
    for b in sorted(facts["bulletins"], key=lambda b: b["date"]):
        key = b.get("procedure") or b.get("code") or b["old"]
        now[(b["kind"], key)] = (b["new"], b["id"])
    return now
