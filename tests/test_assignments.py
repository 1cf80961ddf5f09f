"""The lessons as nbgrader assignments (tools/assignments.py), proven with nbgrader itself.

The conversion is checked for every lesson here, without nbgrader. Then, for lessons 01 and 02
(the quickest to run), nbgrader generates the release and autogrades three submissions in a
fresh copy of the course: the full solution (full marks), the release as handed out (zero,
no crash) and one wrong answer in a notebook whose test cell was also edited (that question's
point lost, the edit undone and reported). Scores come back from `nbgrader export`.

nbgrader lives in .venv-nbgrader (`make assignments` installs it); without it those tests are
skipped, unless REQUIRE_NBGRADER=1 (as in CI), where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest

from helpers.checks import WrongAnswer, lesson01
from tools import assignments as A
from tools import generate

ROOT = generate.ROOT
NBGRADER = ROOT / ".venv-nbgrader" / "bin" / "nbgrader"
NAMES = A.lesson_names()


def _lesson(name: str) -> nbformat.NotebookNode:
    return nbformat.read(generate.NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _nbgrader(cell: nbformat.NotebookNode) -> dict:
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("name", NAMES)
def test_every_exercise_becomes_a_solution_and_a_graded_check(name):
    lesson = _lesson(name)
    found = A.exercises(lesson, name)
    source = A.source_notebook(lesson, name)
    tests = [c for c in source.cells if _nbgrader(c).get("grade")]
    solutions = [c for c in source.cells if _nbgrader(c).get("solution")]
    assert len(tests) == len(found) >= 3
    assert len(solutions) == sum(len(ex.cells) for ex in found)
    assert all(_nbgrader(c)["points"] == A.POINTS and _nbgrader(c)["locked"] for c in tests)
    for cell in tests:
        assert re.search(r"^print\(check\.\w+\(.*\)\.require\(\)\)$", cell.source, re.M | re.S)
    for cell in solutions:
        assert cell.source.count(A.BEGIN) == cell.source.count(A.END) == 1
        assert "check." not in A.solution_code(cell.source).split(A.BEGIN)[-1].replace(
            "# check.", "")  # the check is the test cell's job
    ids = [_nbgrader(c)["grade_id"] for c in source.cells]
    assert len(ids) == len(set(ids)) == len(source.cells)  # every cell known to nbgrader
    others = [c for c in source.cells if c not in tests and c not in solutions]
    assert all(_nbgrader(c)["locked"] for c in others)  # the lesson itself is read-only
    assert not any(A.student.solution_blocks(c.source) for c in source.cells
                   if c.cell_type == "markdown")  # no folded solution is handed out
    assert len(source.cells) == len(lesson.cells) - len(found) + len(tests) - 1  # no footer
    assert [c.id for c in tests] == [f"ex{n}-check" for n in range(1, len(tests) + 1)]
    text = "\n".join(c.source for c in source.cells)
    assert not re.search(r"/blob/|colab\.research|mybinder|kaggle\.com", text)  # no solutions
    assert A.INTRO in text


def test_multiple_choice_checks_are_hidden_tests():
    hidden = {name: [c.metadata["nbgrader"]["grade_id"]
                     for c in A.source_notebook(_lesson(name), name).cells
                     if A.BEGIN_HIDDEN in c.source] for name in NAMES}
    assert {k: v for k, v in hidden.items() if v} == {
        "06_hyperparameter_tuning": ["ex3-check"], "07_inside_the_network": ["ex4-check"],
        "08_convolutional_network": ["ex4-check"]}
    source = A.source_notebook(_lesson("06_hyperparameter_tuning"), "06_hyperparameter_tuning")
    cell = next(c for c in source.cells if c.id == "ex3-check")
    assert cell.source == "\n".join([
        A.HIDDEN_NOTE, "print(check.why_not_test.answered(answer).require())", A.BEGIN_HIDDEN,
        "print(check.why_not_test(answer).require())", A.END_HIDDEN])
    from helpers.checks import lesson06, lesson07, lesson08
    for question in (lesson06.why_not_test, lesson07.why_brittle, lesson08.why_robust):
        assert question.answered(" B").ok and not question.answered("(b)").ok
        assert question.answered("a").message == (
            "✅ 'a' is one of the options; it is graded after you submit.")
        assert "Not answered yet" in repr(question.answered(...))


def test_a_multi_cell_exercise_keeps_its_cells_and_extra_solutions_become_comments():
    source = A.source_notebook(_lesson("08_convolutional_network"), "08_convolutional_network")
    ids = [c.id for c in source.cells]
    assert ids.index("ex5-answer-1") < ids.index("ex5-answer-2") < ids.index(
        "ex5-answer-3") < ids.index("ex5-check")
    last = next(c for c in source.cells if c.id == "ex5-answer-3").source
    assert "# What the solution gives" in last  # the explanation after the last code block
    source = A.source_notebook(_lesson("05_keras_mlp"), "05_keras_mlp")
    answer = next(c for c in source.cells if c.id == "ex2-answer")
    assert "\n# The same network with the Functional API:\n# seed_everything(42)" in answer.source


def test_submission_fills_solutions_and_takes_replacements():
    source = A.source_notebook(_lesson("02_neuron_math"), "02_neuron_math")
    solved = A.submission(source, source, {"ex2-answer": "answer = (64, 32)"})
    cells = {c.id: c.source for c in solved.cells}
    assert A.BEGIN not in cells["ex1-answer"] and "neuron.sigmoid" in cells["ex1-answer"]
    assert cells["ex1-answer"].startswith("answer = ...\n")  # the lesson's stub stays live
    assert cells["ex2-answer"] == "answer = (64, 32)"


def test_require_raises_with_the_feedback_for_a_wrong_answer():
    feedback = lesson01.count_digit(3, np.array([7, 7, 1]), digit=7)
    with pytest.raises(WrongAnswer, match="Not quite: 3 is the number of all images"):
        feedback.require()
    assert isinstance(WrongAnswer("x"), AssertionError)  # what graders count as a failure
    right = lesson01.count_digit(2, np.array([7, 7, 1]), digit=7)
    assert right.require() is right


def _with_exercises(cells: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    for k, cell in enumerate(nb.cells):
        cell["id"] = f"c{k}"
    return nb


def test_clear_errors_for_lessons_that_cannot_be_graded():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    with pytest.raises(A.AssignmentError, match="no '## Exercises' heading"):
        A.exercises(_with_exercises([md("# A lesson"), code("x = 1")]), "09_x")
    with pytest.raises(A.AssignmentError, match="no code cell that calls"):
        A.exercises(_with_exercises([md("## Exercises"), md("Think.")]), "09_x")
    no_solution = [md("## Exercises"), code("answer = ...\ncheck.param_count(answer)"),
                   md("Next")]
    with pytest.raises(A.AssignmentError, match=r"09_x, exercise 1 \(cell c1\).*no folded"):
        A.exercises(_with_exercises(no_solution), "09_x")
    two_cells = [md("## Exercises"), code("x = ..."), code("check.param_count(x)"),
                 md("<details>\n<summary>Solution</summary>\n\n```python\nx = 1\n```\n"
                    "\n</details>")]
    with pytest.raises(A.AssignmentError, match="2 code cells but its solution 1"):
        A.exercises(_with_exercises(two_cells), "09_x")
    unknown = [md("## Exercises"), code("answer = ...\ncheck.no_such_check(answer)"),
               md("<details>\n<summary>Solution</summary>\n\n```python\nanswer = 1\n```\n"
                  "\n</details>")]
    with pytest.raises(A.AssignmentError, match="has no check 'no_such_check'"):
        A.source_notebook(_with_exercises(unknown), "02_x")
    with pytest.raises(A.AssignmentError, match="no lesson numbered 42"):
        A.lesson_names(["01", "42"])


def _pins(path: Path) -> dict[str, str]:
    lines = [ln.split(";")[0].strip() for ln in path.read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==[0-9][^ ]*", ln) for ln in lines), lines
    return {re.sub(r"[-_.]+", "-", ln.split("==")[0].lower()): ln.split("==")[1]
            for ln in lines}


def test_nbgrader_pins_are_exact_and_agree_with_the_lessons_pins():
    nbgrader, lessons = _pins(ROOT / "requirements-nbgrader.txt"), _pins(ROOT / "requirements.txt")
    assert nbgrader["nbgrader"] == "0.9.6"
    differ = {k: (v, lessons[k]) for k, v in nbgrader.items() if k in lessons and lessons[k] != v}
    assert differ == {}, "a JupyterHub installs both files into one environment"


def test_the_report_names_each_cell_that_raised_or_failed():
    nb = A.source_notebook(_lesson("02_neuron_math"), "02_neuron_math")
    cells = {c.id: c for c in nb.cells}
    error = nbformat.v4.new_output("error", ename="ZeroDivisionError",
                                   evalue="division by zero", traceback=[])
    cells["ex1-answer"].outputs = [error]
    cells["ex2-check"].outputs = [nbformat.v4.new_output(
        "error", ename="WrongAnswer", evalue="✏️ Not answered yet: replace the ...",
        traceback=[])]
    cells["ex1-check"].outputs = [nbformat.v4.new_output(
        "error", ename="NameError", evalue="name 'answer' is not defined", traceback=[])]
    failed, raised = A.errors(nb)
    graded = A.Graded(3, 4, failed, raised, ["ex4-check"], ["ex3-check"])
    assert A.report({"02_neuron_math": {"ada": graded}}).splitlines() == [
        "02_neuron_math ada: 3 of 4",
        "    ex1-answer raised ZeroDivisionError: division by zero",
        "    not answered: ex2-check",
        "    ex1-check failed: NameError: name 'answer' is not defined",
        "    ex4-check: changed by the student; nbgrader graded the original cell",
        "    ex3-check: deleted by the student; nbgrader put it back and graded it"]


def test_a_submission_without_nbgraders_marks_gets_a_clear_error(tmp_path):
    folder = tmp_path / "submitted" / "ada" / "02_neuron_math"
    folder.mkdir(parents=True)
    nb = A.source_notebook(_lesson("02_neuron_math"), "02_neuron_math")
    for cell in nb.cells:
        cell.metadata.pop("nbgrader")  # as an editor that drops unknown metadata would
    nbformat.write(nb, folder / "02_neuron_math.ipynb")
    with pytest.raises(A.AssignmentError, match="dropped nbgrader's cell metadata"):
        A.grade("nbgrader-is-not-run", tmp_path, ["02_neuron_math"])
    (folder / "02_neuron_math.ipynb").write_text("{ not json")
    with pytest.raises(A.AssignmentError, match="is not a notebook nbgrader can read"):
        A.grade("nbgrader-is-not-run", tmp_path, ["02_neuron_math"])
    with pytest.raises(A.AssignmentError, match="no submission of 01_dataset_tour"):
        A.grade("nbgrader-is-not-run", tmp_path, ["01_dataset_tour"])


def test_a_notebook_handed_in_again_is_graded_again(tmp_path):
    name = "01_dataset_tour"
    for student_id, handed_in, graded in [("ada", 200, 100), ("bob", 100, 200)]:
        submitted = tmp_path / "submitted" / student_id / name
        autograded = tmp_path / "autograded" / student_id / name
        submitted.mkdir(parents=True)
        autograded.mkdir(parents=True)
        (submitted / f"{name}.ipynb").write_text("{}")
        (autograded / f"{name}.ipynb").write_text("{}")
        (autograded / f"{name}.ipynb").chmod(0o444)  # as nbgrader leaves it
        os.utime(submitted / f"{name}.ipynb", (handed_in, handed_in))
        os.utime(autograded, (graded, graded))
    assert A.regrade_newer(tmp_path, [name]) == [tmp_path / "autograded" / "ada" / name]
    assert not (tmp_path / "autograded" / "ada" / name).exists()
    assert (tmp_path / "autograded" / "bob" / name).exists()  # not handed in since


def test_exercise_texts_are_named_by_exercise_number():
    source = A.source_notebook(_lesson("08_convolutional_network"), "08_convolutional_network")
    by_id = {c.id: c.metadata["nbgrader"]["grade_id"] for c in source.cells}
    assert [by_id[k] for k in ("ex1-md", "ex3-md", "ex4-md", "ex5-md", "ex-gap-md")] == [
        f"ex{n}-text" for n in range(1, 6)]


# --- nbgrader itself ------------------------------------------------------------------------

needs_nbgrader = pytest.mark.skipif(
    not NBGRADER.exists() and os.environ.get("REQUIRE_NBGRADER") != "1",
    reason="nbgrader is not installed: run `make assignments` (CI sets REQUIRE_NBGRADER=1)")


CASES = {  # lesson: (one wrong answer, the check it fails)
    "01_dataset_tour": ({"ex1-answer": "answer = int((y_test == 1).sum())  # not the 7s"},
                        "ex1-check"),
    "02_neuron_math": ({"ex2-answer": "answer = (64, 32)"}, "ex2-check"),
}


@needs_nbgrader
class TestNbgrader:
    """One course with two lessons: each nbgrader run costs seconds to start, so few runs."""

    def test_nbgrader_grades_three_submissions_of_two_lessons(self, tmp_path):
        A.write_kernel(ROOT / ".venv-nbgrader")
        course = tmp_path / "course"
        releases = A.build(course, list(CASES), str(NBGRADER))
        fresh = tmp_path / "fresh"
        shutil.copytree(course, fresh)  # a course as a teacher would copy it elsewhere
        checks = {}
        for (name, (wrong, wrong_check)), release in zip(CASES.items(), releases, strict=True):
            handed_out = nbformat.read(release, as_version=4)
            source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
            checks[name] = [c.id for c in source.cells if _nbgrader(c).get("grade")]
            edited = A.submission(handed_out, source, wrong)
            next(c for c in edited.cells if c.id == wrong_check).source = 'print("all right")'
            if name == "02_neuron_math":  # a test cell deleted is put back and graded
                edited.cells = [c for c in edited.cells if c.id != "ex3-check"]
            for student_id, nb in [("solved", A.submission(handed_out, source)),
                                   ("handed-out", handed_out), ("one-wrong", edited)]:
                folder = fresh / "submitted" / student_id / name
                folder.mkdir(parents=True)
                nbformat.write(nb, folder / f"{name}.ipynb")

        results = A.grade(str(NBGRADER), fresh, list(CASES))
        report = A.report(results)
        for name, (_, wrong_check) in CASES.items():
            got, n = results[name], len(checks[name])
            assert got["solved"].score == got["solved"].max_score == n, report
            assert got["solved"].failed == got["solved"].raised == {}, report  # no solution raises
            assert got["solved"].changed == [], report
            assert got["handed-out"].score == 0, report
            assert sorted(got["handed-out"].failed) == sorted(checks[name]), report
            assert all("Not answered yet" in e for e in got["handed-out"].failed.values()), report
            assert got["handed-out"].raised == {}, report  # the stubs run
            assert got["one-wrong"].score == n - A.POINTS, report
            assert list(got["one-wrong"].failed) == [wrong_check], report
            assert got["one-wrong"].failed[wrong_check].startswith("WrongAnswer: ❌ Not quite")
            assert got["one-wrong"].changed == [wrong_check], report  # the edit was undone
            assert got["one-wrong"].restored == (
                ["ex3-check"] if name == "02_neuron_math" else []), report
            for student_id, graded in got.items():
                html = fresh / "feedback" / student_id / name / f"{name}.html"
                assert html.exists(), f"no feedback for {student_id}"
                assert f"Score: {graded.score:g}" in html.read_text(encoding="utf-8")
