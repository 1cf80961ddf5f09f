"""Exercises everywhere: 3-5 per lesson, every check exists and is unit-tested three ways.

The unit-test coverage of the checks is measured, not guessed from names: the lessons' check
tests (tests/test_checks_lessonNN.py) run once more in a separate pytest with the
``check_recorder`` plugin, which records the kind of Feedback each check function returned.
Every public check must have returned "right", "wrong", "malformed" and "unanswered" there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import check_recorder
import nbformat
import pytest

from tools import generate, student

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"


LESSONS = [(x["number"], ROOT / "notebooks" / x["file"]) for x in generate.lessons()]
LESSON_IDS = [p.stem for _, p in LESSONS]
CHECK_CALL = student.CHECK_CALL
KINDS = ("right", "wrong", "malformed", "unanswered")


def read(path: Path) -> nbformat.NotebookNode:
    assert path.exists(), f"{path.name} is listed in lessons.toml but does not exist"
    return nbformat.read(path, as_version=4)


def exercise_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The code cells after '## Exercises' that call a check."""
    assert student.exercises_start(nb) is not None, "no '## Exercises' heading"
    return student.exercise_cells(nb)


def checks_module(number: str):
    modules = check_recorder.lesson_modules()
    assert f"lesson{number}" in modules, f"helpers/checks/lesson{number}.py is missing"
    return modules[f"lesson{number}"]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> dict[str, list[str]]:
    """Run every lesson's check tests with the recorder; return {lessonNN.check: kinds}."""
    files = sorted(str(p) for p in TESTS.glob("test_checks_lesson[0-9][0-9].py"))
    assert files, "no tests/test_checks_lessonNN.py"
    out = tmp_path_factory.mktemp("record") / "record.json"
    env = dict(os.environ, CHECK_RECORD=str(out),
               PYTHONPATH=os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
           "-p", "check_recorder", *files]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"the check tests fail:\n{proc.stdout[-4000:]}\n{proc.stderr}"
    return json.loads(out.read_text())


@pytest.mark.parametrize(("number", "path"), LESSONS, ids=LESSON_IDS)
def test_three_to_five_exercises(number, path):
    nb = read(path)
    cells = exercise_cells(nb)
    assert len(cells) in student.EXERCISE_COUNT, \
        f"{path.name} has {len(cells)} exercises with a check (3 to 5, the lesson frame)"
    for cell in cells:  # the check's Feedback is shown: the check call is the last statement
        last = [ln for ln in cell.source.strip().splitlines() if ln.strip()][-1]
        assert CHECK_CALL.match(last.strip()), f"{path.name}: end with the check: {last!r}"


@pytest.mark.parametrize(("number", "path"), LESSONS, ids=LESSON_IDS)
def test_setup_imports_this_lessons_checks(number, path):
    nb = read(path)
    setup = next(c for c in nb.cells if "setup" in c.metadata.get("tags", []))
    assert f"from helpers.checks import lesson{number} as check" in setup.source


@pytest.mark.parametrize(("number", "path"), LESSONS, ids=LESSON_IDS)
def test_every_check_called_exists(number, path):
    nb = read(path)
    public = check_recorder.public_checks(checks_module(number))
    text = "\n".join(c.source for c in nb.cells)  # code cells and solutions
    called = set(CHECK_CALL.findall(text))
    assert called, f"{path.name} calls no check"
    assert called <= set(public), f"{path.name} calls missing checks: {called - set(public)}"


@pytest.mark.parametrize(("number", "path"), LESSONS, ids=LESSON_IDS)
def test_every_check_is_used_by_its_lesson(number, path):
    nb = read(path)
    called = {m for c in exercise_cells(nb) for m in CHECK_CALL.findall(c.source)}
    unused = set(check_recorder.public_checks(checks_module(number))) - called
    assert not unused, f"helpers/checks/lesson{number}.py has checks no exercise uses: {unused}"


@pytest.mark.parametrize(("number", "path"), LESSONS, ids=LESSON_IDS)
def test_every_check_is_unit_tested_right_wrong_malformed(number, path, recorded):
    assert (TESTS / f"test_checks_lesson{number}.py").exists()
    for name in check_recorder.public_checks(checks_module(number)):
        kinds = set(recorded.get(f"lesson{number}.{name}", []))
        missing = [k for k in KINDS if k not in kinds]
        assert not missing, (f"check lesson{number}.{name} is never tested with a "
                             f"{' / '.join(missing)} answer in test_checks_lesson{number}.py")
        assert "not-feedback" not in kinds, f"lesson{number}.{name} returned a non-Feedback"


def test_recorder_credits_only_the_outermost_check():
    from helpers.checks._core import malformed, right, wrong

    record = check_recorder.RECORD
    inner = check_recorder._wrap("selftest.inner", lambda a: right() if a else wrong("no"))
    outer = check_recorder._wrap("selftest.outer", lambda a: inner(not a))
    try:
        assert outer(True).kind == "wrong"
        assert record["selftest.outer"] == {"wrong"} and "selftest.inner" not in record
        assert inner(True).ok and record["selftest.inner"] == {"right"}
        odd = check_recorder._wrap("selftest.odd", lambda a: malformed("x") if a else 1)
        odd(True), odd(False)
        assert record["selftest.odd"] == {"malformed", "not-feedback"}
    finally:
        for key in ("selftest.inner", "selftest.outer", "selftest.odd"):
            record.pop(key, None)
