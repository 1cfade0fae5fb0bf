"""Every metric key a notebook, decide or the report reads exists in the committed ci run."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from helpers import RESULTS_DIR, decide, report, results

NOTEBOOKS = RESULTS_DIR.parent / "notebooks"
# how notebook 06 names the metrics it reads from 03, 04 and 05
READERS = {"rag_m": "03_rag", "sft_m": "04_qlora_sft", "dapt_m": "05_dapt"}


def reference(notebook: str) -> dict:
    return results.load(notebook, "ci", reference=True)


@pytest.mark.parametrize("variable", sorted(READERS))
def test_keys_notebook_06_reads_exist(variable):
    cells = json.loads((NOTEBOOKS / "06_which_method.ipynb").read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    keys = set(re.findall(rf"{variable}\[\"([^\"]+)\"\]", code))
    assert keys, f"06 reads nothing through {variable}: the pattern is stale"
    missing = sorted(keys - set(reference(READERS[variable])))
    assert not missing, f"06 reads {missing} from {READERS[variable]}, which does not save them"


def test_keys_decide_quotes_exist(tmp_path):
    shutil.copytree(RESULTS_DIR / "reference" / "ci", tmp_path / "reference" / "ci")
    numbers = decide.course_numbers("ci", root=tmp_path)
    wanted = {"closed_book_accuracy", "rag_accuracy", "update_seconds", "retrain_minutes",
              "few_shot_schema_valid", "zero_shot_schema_valid", "sft_schema_valid",
              "sft_rag_accuracy", "dapt_rag_accuracy", "base_rag_accuracy",
              "forgetting_no_replay", "sft_seconds_per_step"}  # fmt: skip
    assert not wanted - set(numbers), f"decide quotes nothing for {sorted(wanted - set(numbers))}"


def test_report_headlines_exist():
    for notebook, (key, _, _) in report.HEADLINES.items():
        assert key in reference(notebook), f"the report's headline {key} is not in {notebook}"
    rows = reference("06_which_method")["head_to_head"]
    columns = {k for row in rows for k in row}
    assert not set(report.COLUMNS) - columns, sorted(set(report.COLUMNS) - columns)
