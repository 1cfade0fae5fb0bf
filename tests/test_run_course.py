"""scripts/run_course.py: what `make course` tells the user before and while it runs."""

from __future__ import annotations

import nbformat


def test_expected_minutes_come_from_the_reference_run(script):
    run_course = script("run_course")
    text = run_course.expected_minutes("ci", ["03_rag", "04_qlora_sft"])
    assert "03_rag:" in text and "04_qlora_sft:" in text and "total:" in text
    assert "no reference timings" in run_course.expected_minutes("nonexistent", ["03_rag"])


def test_run_notebook_reports_cells_and_no_tcp_warning(script, tmp_path, capfd, monkeypatch):
    run_course = script("run_course")
    managers = []

    class Recorded(run_course.KernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            managers.append(self)

    monkeypatch.setattr(run_course, "KernelManager", Recorded)
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# title"),
            nbformat.v4.new_code_cell("x = 2"),
            nbformat.v4.new_code_cell("print(x * 21)"),
            nbformat.v4.new_code_cell(
                "from helpers import runtime\n"
                "runtime.report_progress('training step 3/9, loss 1.5')"
            ),
        ]
    )
    run_course.run_notebook(nb, tmp_path, "99")
    out, err = capfd.readouterr()
    assert "99 cell 1/3" in out and "99 cell 3/3" in out
    assert "99   training step 3/9, loss 1.5 [" in out  # the kernel's progress reaches the console
    assert nb.cells[3].outputs == []  # and stays out of the notebook
    assert nb.cells[2].outputs[0]["text"] == "42\n"
    assert "without encryption" not in out + err
    assert list(tmp_path.iterdir()) == []  # no kernel socket files left behind
    assert len(managers) == 1 and not managers[0].has_kernel  # the kernel is shut down, not leaked
