"""Write the lessons' exercises as an nbgrader course, and grade it with nbgrader itself.

Usage:
  python -m tools.assignments build --nbgrader NBGRADER [--out course] [--lessons 01 02]
  python -m tools.assignments grade --nbgrader NBGRADER [--course course] [--lessons 01]
  python -m tools.assignments kernel --prefix VENV    (the lessons' kernel, for autograding)

``build`` (make assignments) writes an nbgrader course folder from the lessons (one source of
truth): ``nbgrader_config.py``, ``source/NN_slug/NN_slug.ipynb`` for each lesson, then runs
nbgrader's own ``generate_assignment``, which writes ``release/``. In each source notebook:

- every cell of the lesson is kept, read-only (an nbgrader "locked" cell), but the title
  loses its links and the footer is left out (they lead to the lessons with solutions), and
  the exercises section opens with a paragraph on how the assignment works;
- each exercise's code cell becomes an answer cell: the lesson's starting point, live, then
  the lesson's solution and its explanation between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` (nbgrader hands out ``# YOUR CODE HERE`` instead); the folded solution
  is left out;
- the exercise's check becomes an autograded test cell worth one point: the same check the
  lesson calls, ending in ``.require()`` (which raises for any answer but a right one). A
  multiple-choice check is a hidden test, so that the notebook does not confirm a letter
  tried in it; the visible part says only whether the answer is one of the letters.

``grade`` (make autograde) runs nbgrader's ``autograde``, ``generate_feedback`` and ``export``
on ``submitted/`` and prints each student's score with the cells that failed, raised, were
changed or were deleted. ``kernel`` writes a Jupyter kernel, ``mnist-nn-lessons``, into
another environment (nbgrader's own): it starts this checkout's ``.venv`` Python with the
lessons' environment variables, so that nbgrader, installed apart, runs the lessons on the
lessons' own packages.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from helpers.checks._core import TODO
from tools import generate, student
from tools.environment import lesson_environment

ROOT = generate.ROOT
DEFAULT_OUT = ROOT / "course"
KERNEL = "mnist-nn-lessons"
POINTS = 1
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
HIDDEN_NOTE = ("# Graded after you submit: this cell only checks that your answer is one of "
               "the letters.")
STUB = "# YOUR CODE HERE"  # what nbgrader hands out in place of a solution (CONFIG)
INTRO = """\
Write each answer in the cell under its exercise: either fill in the `...` where they are, or
write your whole answer under `# YOUR CODE HERE` (not half in each: a line above it that uses a
function you write below it would still use the empty one). Run the cell, then the locked cell
under it: it runs the lesson's own check on your answer and prints ✅ when it is right;
otherwise it stops with the check's message, what is off. That cell is what gets graded (a
multiple-choice answer is checked only after you submit). The grader runs your whole notebook
again from the top, on another computer: where an answer is a number that comes from training
(an accuracy, an epoch), compute it from the lesson's variables rather than typing it from
your screen, since such numbers can differ slightly there."""
CHECK_LINE = re.compile(r"^check\.[A-Za-z_]\w*\s*\(")
FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)
CONFIG = '''\
"""nbgrader's configuration of this course, rewritten by every `make assignments` (change
CONFIG in tools/assignments.py, or give settings on nbgrader's command line)."""

from jupyter_client.kernelspec import KernelSpecManager

c = get_config()  # noqa: F821 (nbgrader's configuration object)
c.CourseDirectory.course_id = "mnist-nn"
c.CourseDirectory.root = __file__.rsplit("/", 1)[0] if "/" in __file__ else "."
# Lessons 05, 06 and 08 train networks for minutes in one cell: allow 15 minutes a cell.
c.Execute.timeout = 900
# A test cell a student deleted is put back and graded, not skipped.
c.OverwriteCells.add_missing_cells = True
# The lesson's own starting point (`answer = ...`, a function stub) stays above each answer
# region, live, so the handed-out notebook runs and its checks say "Not answered yet".
c.ClearSolutions.code_stub = {"python": "{stub}"}
# Autograde on the lessons' own packages where the kernel written by `make assignments`
# exists (on this machine); elsewhere (a JupyterHub with the lessons installed) on python3.
if "{kernel}" in KernelSpecManager().find_kernel_specs():
    c.Execute.kernel_name = "{kernel}"
'''


class AssignmentError(ValueError):
    """A lesson cannot be made into an assignment; the message names the lesson and the fix."""


@dataclass
class Exercise:
    """One exercise: its code cells (the last calls the check) and its folded solution."""

    number: int
    cells: list[int]  # indices of the exercise's code cells, in order
    solution: int  # index of the markdown cell holding the folded solution
    fences: list[str]  # the solution's code blocks: one per code cell, then any extras
    prose: list[str]  # the solution's text before each code block
    after: str = ""  # the solution's text after its last code block


def split_check(source: str) -> tuple[str, str]:
    """Split an exercise cell into its answer part and its check part (the check call onwards)."""
    lines = source.rstrip("\n").split("\n")
    start = next((k for k, line in enumerate(lines) if CHECK_LINE.match(line)), None)
    if start is None:
        raise AssignmentError("no line starts with check.<name>(...)")
    while start > 0 and lines[start - 1].startswith("#"):  # comments about the check's arguments
        start -= 1
    return "\n".join(lines[:start]).strip("\n"), "\n".join(lines[start:])


def without_checks(code: str) -> str:
    """Return solution ``code`` without its top-level ``check.<name>(...)`` statements (and
    the comments just above them, which are about the check's arguments)."""
    out, skipping = [], False
    for line in code.rstrip("\n").split("\n"):
        if CHECK_LINE.match(line):
            skipping = True
            while out and out[-1].startswith("#"):
                out.pop()
        elif skipping and (line[:1] in (" ", "\t", ")") or not line.strip()):
            if not line.strip():
                skipping = False
            continue
        else:
            skipping = False
        if not skipping:
            out.append(line)
    return "\n".join(out).strip("\n")


def _solution_parts(markdown: str) -> tuple[list[str], list[str], str]:
    """Return the code blocks of a folded solution, the text before each and the text after."""
    block = student.solution_blocks(markdown)[0]
    body = re.sub(r"^.*?</summary>|</details>\s*$", "", block, flags=re.DOTALL)
    fences, prose, last = [], [], 0
    for match in FENCE.finditer(body):
        prose.append(body[last:match.start()].strip())
        fences.append(match.group(1))
        last = match.end()
    return fences, prose, body[last:].strip()


def exercises(nb: nbformat.NotebookNode, name: str) -> list[Exercise]:
    """Return a lesson's exercises: each run of code cells after ``## Exercises`` with a check."""
    start = student.exercises_start(nb)
    if start is None:
        raise AssignmentError(f"{name}: no '## Exercises' heading, so no exercise to hand out; "
                              "add the section (see CONVENTIONS.md) or leave the lesson out "
                              "(--lessons)")
    found, run = [], []
    for k in range(start + 1, len(nb.cells)):
        cell = nb.cells[k]
        if cell.cell_type == "code":
            run.append(k)
            continue
        if run and student.CHECK_CALL.search(nb.cells[run[-1]].source):
            where = f"{name}, exercise {len(found) + 1} (cell {nb.cells[run[-1]].get('id')})"
            if not student.solution_blocks(cell.source):
                raise AssignmentError(f"{where}: the cell after it has no folded solution "
                                      "(<details><summary>Solution</summary> ...); add one")
            fences, prose, after = _solution_parts(cell.source)
            if len(fences) < len(run):
                raise AssignmentError(
                    f"{where}: the exercise has {len(run)} code cells but its solution "
                    f"{len(fences)} ```python block(s); give one block per cell, in order")
            found.append(Exercise(len(found) + 1, run, k, fences, prose, after))
        run = []
    if not found:
        raise AssignmentError(f"{name}: the exercises section has no code cell that calls "
                              "check.<name>(...), so nothing can be graded")
    return found


def _check_name(check: str) -> str:
    """Return the name of the check called in a check part (``check.<name>(...)``)."""
    return re.search(r"^check\.(\w+)\(", check, re.MULTILINE).group(1)


def is_choice(check: str, lesson: str) -> bool:
    """Return True if the check called in ``check`` is a multiple-choice question."""
    module = importlib.import_module(f"helpers.checks.lesson{lesson}")
    fn = getattr(module, _check_name(check), None)
    if fn is None:
        raise AssignmentError(f"lesson {lesson}: helpers.checks.lesson{lesson} has no check "
                              f"{_check_name(check)!r}")
    return bool(getattr(fn, "multiple_choice", False))


def _graded(check: str) -> str:
    """Return the test cell's form of a check: printed (not a cell's value, which nbgrader
    would read as a partial score), raising for an answer that is not right."""
    lines = check.split("\n")
    head = [line for line in lines if line.startswith("#")]
    call = "\n".join(line for line in lines if not line.startswith("#"))
    return "\n".join([*head, f"print({call}.require())"])


def _answered(check: str) -> str:
    """Return the visible line of a multiple-choice test: is the answer one of the letters?"""
    return f"print(check.{_check_name(check)}.answered(answer).require())"


def _meta(grade_id: str, *, solution: bool = False, grade: bool = False,
          locked: bool = False, points: int | None = None) -> dict:
    """Return nbgrader's metadata of one cell."""
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution}
    if points is not None:
        meta["points"] = points
    return meta


def _commented(text: str) -> str:
    """Return ``text`` as Python comment lines."""
    return "\n".join(f"# {line}".rstrip() for line in text.split("\n"))


def _wrapped(prose: str) -> str:
    """Return a solution's explanation as comment lines of at most 92 characters."""
    paragraphs = [re.sub(r"\s+", " ", p) for p in re.split(r"\n\s*\n", prose) if p.strip()]
    return "\n#\n".join(_commented(textwrap.fill(p, 90)) for p in paragraphs)


def _solution_source(stub: str, prose: str, code: str, extras: str = "") -> str:
    """Return a solution cell: the lesson's starting point, live, then the solution region
    (nbgrader hands out the starting point and ``# YOUR CODE HERE``)."""
    region = [_wrapped(prose) if prose else "", without_checks(code) + extras]
    return "\n".join([*([stub] if stub.strip() else []), BEGIN, *[r for r in region if r], END])


def _intro(source: str) -> str:
    """Return the exercises cell with the lesson's how-to paragraph replaced by the course's."""
    lines = source.split("\n")
    first = next((k for k, line in enumerate(lines) if k > 0 and (
        line.startswith("###") or line.startswith("**Exercise"))), len(lines))
    return "\n".join([lines[0], "", INTRO, *([""] if first < len(lines) else []),
                      *lines[first:]])


def _title(source: str) -> str:
    """Return the title cell without its links: those open the lesson with its solutions."""
    return source.split("\n", 1)[0] + "\n\n*An assignment of the course: the lesson as it is, " \
        "with its exercises to hand in.*"


def _text_ids(nb: nbformat.NotebookNode, found: list[Exercise], start: int) -> dict[int, str]:
    """Return grade ids ``ex<N>-text`` (``-<k>``) for the markdown cells that set exercise N,
    so that nbgrader's messages name exercises by their numbers."""
    ids, begin = {}, start + 1
    for ex in found:
        texts = [k for k in range(begin, ex.cells[0]) if nb.cells[k].cell_type == "markdown"]
        for j, k in enumerate(texts):
            ids[k] = f"ex{ex.number}-text" + (f"-{j + 1}" if len(texts) > 1 else "")
        begin = ex.solution + 1
    return ids


def source_notebook(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Return the nbgrader source version of lesson ``nb`` (the argument is left unchanged)."""
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)  # a deep copy
    lesson = name[:2]
    found = exercises(nb, name)
    replaced: dict[int, list[nbformat.NotebookNode]] = {}
    for ex in found:
        replaced[ex.solution] = []  # the folded solution is not handed out
        for j, k in enumerate(ex.cells):
            cell = nb.cells[k]
            last = j == len(ex.cells) - 1
            stub, check = split_check(cell.source) if last else (cell.source, "")
            extras = ""
            if last:  # further solutions and the closing explanation, as comments
                extras = "".join(f"\n{_wrapped(ex.prose[e])}\n{_commented(ex.fences[e].rstrip())}"
                                 for e in range(len(ex.cells), len(ex.fences)))
                extras += f"\n{_wrapped(ex.after)}" if ex.after else ""
            answer = nbformat.v4.new_code_cell(
                _solution_source(stub, ex.prose[j], ex.fences[j], extras))
            answer["id"] = f"ex{ex.number}-answer" + (f"-{j + 1}" if len(ex.cells) > 1 else "")
            answer.metadata["nbgrader"] = _meta(answer.id, solution=True)
            replaced[k] = [answer]
            if not last:
                continue
            if is_choice(check, lesson):
                test_source = "\n".join([HIDDEN_NOTE, _answered(check), BEGIN_HIDDEN,
                                         _graded(check), END_HIDDEN])
            else:
                test_source = _graded(check)
            test = nbformat.v4.new_code_cell(test_source)
            test["id"] = f"ex{ex.number}-check"
            test.metadata["nbgrader"] = _meta(test.id, grade=True, locked=True, points=POINTS)
            replaced[k].append(test)
    start = student.exercises_start(nb)
    text_ids = _text_ids(nb, found, start)
    cells = []
    for k, cell in enumerate(nb.cells):
        if k in replaced:
            cells.extend(replaced[k])
            continue
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        tags = cell.metadata.get("tags", [])
        if "nav-header" in tags:
            cell.source = _title(cell.source)
        elif "nav-footer" in tags:
            continue  # its links lead to the lessons with their solutions
        elif k == start:
            cell.source = _intro(cell.source)
        cell.metadata["nbgrader"] = _meta(text_ids.get(k, cell.id), locked=True)
        cells.append(cell)
    nb.cells = cells
    nbformat.validate(nb)
    return nb


def lesson_names(numbers: list[str] | None = None) -> list[str]:
    """Return the assignment names (``NN_slug``) of the lessons numbered ``numbers`` (all)."""
    items = generate.lessons()
    known = {lesson["number"]: lesson["file"].removesuffix(".ipynb") for lesson in items}
    unknown = [n for n in numbers or [] if n not in known]
    if unknown:
        raise AssignmentError(f"no lesson numbered {', '.join(unknown)}; lessons.toml has "
                              f"{', '.join(known)}")
    return [known[n] for n in numbers] if numbers else list(known.values())


def write_source(out: Path, names: list[str]) -> list[Path]:
    """Write ``nbgrader_config.py`` and the named lessons' source notebooks into course ``out``
    (other lessons' folders are left as they are)."""
    out.mkdir(parents=True, exist_ok=True)
    config = CONFIG.replace("{kernel}", KERNEL).replace("{stub}", STUB)
    (out / "nbgrader_config.py").write_text(config, encoding="utf-8")
    written = []
    for name in names:
        lesson = nbformat.read(generate.NOTEBOOKS / f"{name}.ipynb", as_version=4)
        folder = out / "source" / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        path = folder / f"{name}.ipynb"
        path.write_text(nbformat.writes(source_notebook(lesson, name)) + "\n", encoding="utf-8")
        written.append(path)
    return written


def nbgrader(tool: str, out: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in course ``out``; raise with nbgrader's output if it fails."""
    tool = os.path.abspath(tool)
    # nbgrader runs alembic, from its own environment, to set up the gradebook.
    env = {**lesson_environment(),
           "PATH": os.pathsep.join([os.path.dirname(tool), os.environ.get("PATH", "")])}
    run = subprocess.run([tool, *args], cwd=out, capture_output=True, text=True, env=env)
    if run.returncode != 0:
        raise AssignmentError(f"nbgrader {' '.join(args)} failed (exit code {run.returncode}):"
                              f"\n{run.stdout}{run.stderr}")
    return run


def _patterns(folders: list[Path], names: list[str]) -> list[str]:
    """Return the assignment ids to give nbgrader: "*" when ``names`` are all the assignments
    in ``folders`` (each nbgrader run costs seconds to start), else each name."""
    present = {p.name for p in folders if p.is_dir()}
    return ["*"] if present <= set(names) else names


def build(out: Path, names: list[str], tool: str) -> list[Path]:
    """Write the course's source notebooks, then nbgrader's release of each; return the latter."""
    write_source(out, names)
    for pattern in _patterns(list((out / "source").iterdir()), names):
        nbgrader(tool, out, "generate_assignment", pattern, "--force")
    return [out / "release" / name / f"{name}.ipynb" for name in names]


def solution_code(source: str) -> str:
    """Return a source solution cell as a student who solved it would hand it in."""
    lines = source.split("\n")
    return "\n".join(line for line in lines if line.strip() not in (BEGIN, END))


def submission(release: nbformat.NotebookNode, source: nbformat.NotebookNode,
               answers: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """Return the released notebook with every solution cell solved as in ``source``.

    ``answers`` maps a solution cell's grade_id to the code to hand in instead (say a wrong
    answer). Used by the tests and the benchmark to make students' submissions.
    """
    solved = {c.metadata["nbgrader"]["grade_id"]: solution_code(c.source) for c in source.cells
              if c.metadata.get("nbgrader", {}).get("solution")}
    solved.update(answers or {})
    nb = nbformat.reads(nbformat.writes(release), as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = solved[grade_id]
    return nb


@dataclass
class Graded:
    """One student's autograded submission of one assignment, read back from nbgrader."""

    score: float
    max_score: float
    failed: dict[str, str]  # test cell's grade_id -> its error's last line
    raised: dict[str, str]  # answer cell's grade_id -> its error
    changed: list[str]  # locked cells the student changed (nbgrader graded the original)
    restored: list[str] = field(default_factory=list)  # test cells deleted, put back by nbgrader


WHERE = re.compile(r"/(?:submitted|autograded)/([^/]+)/([^/]+)/")
CHANGED = re.compile(r"Attribute 'checksum' for cell (\S+) has changed")
MISSING = re.compile(r"Missing grade cell (\S+) encountered")


def errors(nb: nbformat.NotebookNode) -> tuple[dict[str, str], dict[str, str]]:
    """Return an autograded notebook's failed test cells and its answer cells that raised."""
    failed, raised = {}, {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not (meta.get("grade") or meta.get("solution")):
            continue
        found = failed if meta.get("grade") else raised
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found[meta["grade_id"]] = f"{out.ename}: {out.evalue}"[:300]
            elif out.output_type == "stream" and out.name == "stderr":
                found.setdefault(meta["grade_id"], f"wrote to stderr: {out.text.strip()[:200]}")
    return failed, raised


def _check_submission(path: Path) -> None:
    """Raise if a submission cannot be graded: not a notebook, or nbgrader's marks lost."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as problem:  # nbformat raises several kinds for a file that is not one
        raise AssignmentError(f"{path} is not a notebook nbgrader can read ({problem}); ask "
                              "the student for the .ipynb file again") from None
    if not any(c.metadata.get("nbgrader", {}).get("solution") for c in nb.cells):
        raise AssignmentError(
            f"{path} has no answer cell nbgrader knows: the editor it was saved with dropped "
            "nbgrader's cell metadata (or it is not this assignment's notebook). Ask the "
            "student to copy their answers into a fresh copy of the release and save it from "
            "Jupyter, or grade it by hand")


def regrade_newer(course: Path, names: list[str]) -> list[Path]:
    """Remove the autograded copy of every submission handed in again since it was graded.

    nbgrader's autograde skips a submission that has an autograded folder; a notebook copied
    into submitted/ again must be graded again. Returns the folders removed.
    """
    removed = []
    for name in names:
        for folder in sorted((course / "submitted").glob(f"*/{name}")):
            graded = course / "autograded" / folder.parent.name / name
            if graded.is_dir() and max((p.stat().st_mtime for p in folder.rglob("*")),
                                       default=0) > graded.stat().st_mtime:
                for path in graded.rglob("*"):  # nbgrader writes them read-only
                    path.chmod(0o755 if path.is_dir() else 0o644)
                shutil.rmtree(graded)
                removed.append(graded)
    return removed


def grade(tool: str, course: Path, names: list[str]) -> dict[str, dict[str, Graded]]:
    """Autograde every submission of the assignments ``names`` with nbgrader, write their
    feedback HTML and grades.csv (nbgrader export); return ``{name: {student: Graded}}``."""
    submitted = course / "submitted"
    if not any(p.is_dir() for name in names for p in submitted.glob(f"*/{name}")):
        raise AssignmentError(f"no submission of {', '.join(names)} in {submitted}; put each "
                              "in submitted/<student>/<NN_slug>/<NN_slug>.ipynb")
    for name in names:
        for path in sorted(submitted.glob(f"*/{name}/{name}.ipynb")):
            _check_submission(path)
    regrade_newer(course, names)
    patterns = _patterns(list(submitted.glob("*/*")), names)
    logs = []
    for pattern in patterns:
        run = nbgrader(tool, course, "autograde", pattern, "--create")
        logs.append(run.stderr + run.stdout)
    changed: dict[tuple[str, str], list[str]] = {}
    restored: dict[tuple[str, str], list[str]] = {}
    where = None
    for line in "\n".join(logs).splitlines():
        if found := WHERE.search(line):
            where = (found.group(2), found.group(1))  # (assignment, student)
        elif (cell := CHANGED.search(line)) and where:
            changed.setdefault(where, []).append(cell.group(1))
        elif (cell := MISSING.search(line)) and where:
            restored.setdefault(where, []).append(cell.group(1))
    for pattern in patterns:
        nbgrader(tool, course, "generate_feedback", pattern)
    nbgrader(tool, course, "export", "--to", "grades.csv")
    results: dict[str, dict[str, Graded]] = {name: {} for name in names}
    with open(course / "grades.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name, student_id = row["assignment"], row["student_id"]
            notebook = course / "autograded" / student_id / name / f"{name}.ipynb"
            if name in results and notebook.exists():
                results[name][student_id] = Graded(
                    float(row["score"]), float(row["max_score"]),
                    *errors(nbformat.read(notebook, as_version=4)),
                    changed.get((name, student_id), []), restored.get((name, student_id), []))
    return results


def report(results: dict[str, dict[str, Graded]]) -> str:
    """Return a teacher's summary of ``grade``'s results, one line per failed or changed cell."""
    lines = []
    for name, students in results.items():
        for student_id, r in students.items():
            lines.append(f"{name} {student_id}: {r.score:g} of {r.max_score:g}")
            lines += [f"    {cell} raised {error}" for cell, error in r.raised.items()]
            todo = [cell for cell, error in r.failed.items() if f"{TODO} Not answered" in error]
            if todo:
                lines.append(f"    not answered: {', '.join(todo)}")
            lines += [f"    {cell} failed: {error}" for cell, error in r.failed.items()
                      if cell not in todo]
            lines += [f"    {cell}: changed by the student; nbgrader graded the original cell"
                      for cell in r.changed]
            lines += [f"    {cell}: deleted by the student; nbgrader put it back and graded it"
                      for cell in r.restored]
    return "\n".join(lines)


def write_kernel(prefix: Path) -> Path:
    """Write the lessons' kernel into environment ``prefix``; return its kernel.json."""
    folder = prefix / "share" / "jupyter" / "kernels" / KERNEL
    folder.mkdir(parents=True, exist_ok=True)
    base = {"PATH": "/usr/bin:/bin"}
    env = {k: v for k, v in lesson_environment(base).items() if k not in base}
    spec = {"argv": [str(ROOT / ".venv" / "bin" / "python"), "-m", "ipykernel_launcher",
                     "-f", "{connection_file}"],
            "display_name": "MNIST lessons (.venv)", "language": "python", "env": env}
    path = folder / "kernel.json"
    path.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write the course and nbgrader's release")
    b.add_argument("--nbgrader", required=True, help="the nbgrader command to run")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the course folder")
    b.add_argument("--lessons", nargs="*", help="lesson numbers (default: all)")
    g = sub.add_parser("grade", help="autograde the submissions, write feedback and grades.csv")
    g.add_argument("--nbgrader", required=True, help="the nbgrader command to run")
    g.add_argument("--course", type=Path, default=DEFAULT_OUT, help="the course folder")
    g.add_argument("--lessons", nargs="*", help="lesson numbers (default: all)")
    k = sub.add_parser("kernel", help="write the lessons' kernel into another environment")
    k.add_argument("--prefix", type=Path, required=True, help="that environment's folder")
    args = parser.parse_args()
    try:
        if args.command == "kernel":
            print(f"wrote {write_kernel(args.prefix)}")
            return 0
        if args.command == "grade":
            print(report(grade(args.nbgrader, args.course, lesson_names(args.lessons))))
            print(f"grades: {args.course / 'grades.csv'}; feedback: {args.course / 'feedback'}")
            return 0
        for path in build(args.out, lesson_names(args.lessons), args.nbgrader):
            print(f"released {path}")
    except AssignmentError as problem:
        target = "make autograde" if args.command == "grade" else "make assignments"
        print(f"{target}: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
