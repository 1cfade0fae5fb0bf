"""Every metric key a notebook, decide or the report reads exists in every committed run."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from helpers import RESULTS_DIR, decide, report, results

NOTEBOOKS = RESULTS_DIR.parent / "notebooks"
# how notebook 06 names the metrics it reads from 03, 04 and 05
READERS = {"rag_m": "03_rag", "sft_m": "04_qlora_sft", "dapt_m": "05_dapt"}


PROFILES = report.reference_profiles()  # ci always; cpu (and gpu) once their runs are committed


def reference(notebook: str, profile: str) -> dict:
    return results.load(notebook, profile, reference=True)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("variable", sorted(READERS))
def test_keys_notebook_06_reads_exist(variable, profile):
    cells = json.loads((NOTEBOOKS / "06_which_method.ipynb").read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    keys = set(re.findall(rf"{variable}\[\"([^\"]+)\"\]", code))
    assert keys, f"06 reads nothing through {variable}: the pattern is stale"
    missing = sorted(keys - set(reference(READERS[variable], profile)))
    assert not missing, f"06 reads {missing} from {READERS[variable]}, which does not save them"


@pytest.mark.parametrize("profile", PROFILES)
def test_keys_decide_quotes_exist(tmp_path, profile):
    shutil.copytree(report.reference_dir(profile), tmp_path / "reference" / profile)
    numbers = decide.course_numbers(profile, root=tmp_path)
    assert numbers["measured_in"] == f"the {profile} reference run"
    wanted = {"closed_book_accuracy", "rag_accuracy", "update_seconds", "retrain_minutes",
              "few_shot_schema_valid", "zero_shot_schema_valid", "sft_schema_valid",
              "sft_rag_accuracy", "dapt_rag_accuracy", "base_rag_accuracy",
              "forgetting_no_replay", "sft_seconds_per_step", "knowledge_sft_accuracy"}  # fmt: skip
    assert not wanted - set(numbers), f"decide quotes nothing for {sorted(wanted - set(numbers))}"


@pytest.mark.parametrize("profile", PROFILES)
def test_report_headlines_exist(profile):
    for notebook, (key, _, _) in report.HEADLINES.items():
        assert key in reference(notebook, profile), (
            f"the report's headline {key} is not in {notebook}"
        )
    rows = reference("06_which_method", profile)["head_to_head"]
    columns = {k for row in rows for k in row}
    assert not set(report.COLUMNS) - columns, sorted(set(report.COLUMNS) - columns)


@pytest.mark.parametrize("profile", PROFILES)
def test_side_by_side_rows_exist(profile):
    """The README's and the report's side-by-side rows exist in every committed run."""
    for _, notebook, key, _ in report.SIDE_BY_SIDE:
        optional = (
            key == "qlora_schema_valid" and profile == "ci"
        )  # ci trains QLoRA, doesn't score it
        assert optional or key in reference(notebook, profile), f"{notebook} lacks {key}"
