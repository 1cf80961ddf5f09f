"""Exercises everywhere: 3-5 per lesson, every check exists and is unit-tested three ways.

The unit-test coverage of the checks is measured, not guessed from names: while the lessons'
check tests (tests/test_checks_lessonNN.py) run, ``check_recorder`` records the kind of
Feedback each check function returned, and the last test of each of those files asserts that
every public check of its lesson returned "right", "wrong", "malformed" and "unanswered".
Here: that each file ends with that test.
"""

from __future__ import annotations

import ast
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
def test_every_check_is_unit_tested_right_wrong_malformed(number, path):
    """The lesson's check tests end with the recorded-coverage test (check_recorder)."""
    tests = TESTS / f"test_checks_lesson{number}.py"
    assert tests.exists(), f"{tests.name} is missing"
    tree = ast.parse(tests.read_text(encoding="utf-8"))
    last = [node for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")][-1]
    call = f'check_recorder.assert_every_check_tested("{number}", request)'
    assert ast.dump(last.body[-1]) == ast.dump(ast.parse(call).body[0]), (
        f"{tests.name} must end with a test whose last line is {call}: it asserts that "
        f"every check of lesson {number} was tested with each kind of answer")
    assert check_recorder.public_checks(checks_module(number)), f"lesson {number} has no checks"
    assert all(getattr(fn, "__recorded__", False)
               for fn in check_recorder.public_checks(checks_module(number)).values()), \
        "tests/conftest.py must call check_recorder.install()"


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


def test_a_check_never_given_a_kind_of_answer_is_named():
    name = next(iter(check_recorder.public_checks(checks_module("01"))))
    key = f"lesson01.{name}"
    saved = check_recorder.RECORD.get(key)
    check_recorder.RECORD[key] = {"right", "wrong", "unanswered"}
    try:
        problems = check_recorder.untested("01")
    finally:
        if saved is None:
            check_recorder.RECORD.pop(key, None)
        else:
            check_recorder.RECORD[key] = saved
    assert [p for p in problems if f" {key} " in p] == [
        f"check {key} is never tested with a malformed answer in test_checks_lesson01.py"]

