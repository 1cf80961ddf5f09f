"""Project-wide pytest hooks: tolerant number comparison and a per-lesson nbval summary."""

from __future__ import annotations

import importlib.util
import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest

# Cells that declare a tolerance in their metadata compare numbers within it
# (tools/nbval_tolerance.py). It loads when this checkout's tools/ is importable, as under
# `python -m pytest` here; `make test-colab` imports helpers from Colab's install instead, runs
# nbval lax and has no use for it. Without it, tolerant cells are compared exactly (stricter).
# The environment of `make test` (tools/environment.py) is added for any pytest run here, also
# `pytest notebooks` without make: the kernels nbval starts inherit it. Under `make test-colab`
# the Makefile exports it.
_TOOLS = importlib.util.find_spec("tools")
if _TOOLS is not None and _TOOLS.origin and \
        Path(_TOOLS.origin).parent == Path(__file__).resolve().parent / "tools":
    from tools import environment

    environment.apply()
    pytest_plugins = ["tools.nbval_tolerance"]


class LessonSummary:
    """Count nbval cell outcomes and seconds per notebook; print them after the run."""

    def __init__(self) -> None:
        self.cells: dict[str, Counter[str]] = defaultdict(Counter)
        self.seconds: dict[str, float] = defaultdict(float)

    @staticmethod
    def notebook(nodeid: str) -> str | None:
        """Return the notebook path of an nbval cell's node id, or None for other tests."""
        path = nodeid.split("::", 1)[0]
        return path if path.endswith(".ipynb") else None

    def pytest_runtest_logreport(self, report) -> None:
        """Count each nbval cell's outcome (its call, or a failed setup) and its time."""
        notebook = self.notebook(report.nodeid)
        if notebook is None:
            return
        self.seconds[notebook] += report.duration
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.cells[notebook][report.outcome] += 1

    def lines(self) -> list[str]:
        """Return one line per notebook: cells executed, outcomes, seconds."""
        if not self.cells:
            return []
        width = max(len(name) for name in self.cells)
        lines = []
        for name in sorted(self.cells):
            counts = self.cells[name]
            outcome = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
            lines.append(f"{name:<{width}}  {sum(counts.values()):3d} cells: "
                         f"{outcome:<24} {self.seconds[name]:6.1f} s")
        return lines

    def pytest_terminal_summary(self, terminalreporter) -> None:
        """Print the per-notebook lines, if any notebook ran."""
        lines = self.lines()
        if lines:
            terminalreporter.section("nbval: each lesson re-run in a fresh kernel, cell by cell")
            for line in lines:
                terminalreporter.write_line(line)


def pytest_configure(config) -> None:
    """Register the per-lesson summary (with xdist, the controller sees every report)."""
    config.pluginmanager.register(LessonSummary(), "lesson-summary")


# The slowest groups of unit tests, in seconds (measured with `--durations=0` on two cores, the
# others busy): they start first, beside the lessons, so that no long group starts last and
# runs alone at the end of `make test`. A rough order is all that is needed.
SLOW_SCOPES = {
    "tests/test_assignments.py::TestNbgrader": 160,
    "tests/test_distributed.py": 97,
    "tests/test_teeth.py::TestSearchScoredOnTrainingData": 40,
    "tests/test_tuning.py": 62,
    "tests/test_teeth.py::TestSmallerLearningRate": 45,
    "tests/test_teeth.py::TestUnscaledInput": 25,
}
RECORD = Path(__file__).resolve().parent / "tests" / "portability" / "observations.json"


def scope_seconds() -> dict[str, float]:
    """Return the expected seconds of each slow scope: lessons from the record, tests above."""
    seconds: dict[str, float] = dict(SLOW_SCOPES)
    if RECORD.exists():
        for lesson, runs in json.loads(RECORD.read_text()).get("seconds", {}).items():
            if runs:
                seconds[f"notebooks/{lesson}"] = statistics.median(runs.values())
    return seconds


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Put the slowest scopes first (longest first), each in its own order, the rest after.

    xdist's loadscope hands out scopes (a lesson, a module, a class) in this order when run
    with --no-loadscope-reorder, as `make test` is: longest first keeps both workers busy to
    the end.
    """
    seconds = scope_seconds()

    def scope(item) -> str:
        return item.nodeid.rsplit("::", 1)[0]

    items.sort(key=lambda item: -seconds.get(scope(item), 0.0))  # stable: order kept within
