"""The per-lesson nbval summary printed at the end of `make test` (conftest.py at the root)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]


def _summary():
    spec = importlib.util.spec_from_file_location("root_conftest_copy", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LessonSummary()


def _report(nodeid, when, outcome, duration=1.0):
    return SimpleNamespace(nodeid=nodeid, when=when, outcome=outcome,
                           passed=outcome == "passed", duration=duration)


def test_counts_cells_per_notebook_and_ignores_other_tests():
    summary = _summary()
    for i, outcome in enumerate(["passed", "passed", "failed"]):
        nodeid = f"notebooks/01_dataset_tour.ipynb::Cell {i}"
        for when in ("setup", "call", "teardown"):
            summary.pytest_runtest_logreport(
                _report(nodeid, when, outcome if when == "call" else "passed", 0.5))
    summary.pytest_runtest_logreport(_report("tests/test_data.py::test_x", "call", "failed"))
    summary.pytest_runtest_logreport(
        _report("notebooks/02_neuron_math.ipynb::Cell 0", "setup", "failed", 2.0))

    assert dict(summary.cells) == {
        "notebooks/01_dataset_tour.ipynb": {"passed": 2, "failed": 1},
        "notebooks/02_neuron_math.ipynb": {"failed": 1},
    }
    lines = summary.lines()
    assert len(lines) == 2
    assert lines[0].startswith("notebooks/01_dataset_tour.ipynb")
    assert "3 cells: 1 failed, 2 passed" in lines[0] and lines[0].endswith("4.5 s")
    assert "1 cells: 1 failed" in lines[1] and lines[1].endswith("2.0 s")


def test_prints_nothing_without_notebooks():
    summary = _summary()
    summary.pytest_runtest_logreport(_report("tests/test_data.py::test_x", "call", "passed"))
    written = []
    reporter = SimpleNamespace(section=written.append, write_line=written.append)
    summary.pytest_terminal_summary(reporter)
    assert summary.lines() == [] and written == []
