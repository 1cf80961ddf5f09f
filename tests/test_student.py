"""Student copies (`make student`): no solution survives, all else is kept, and they run."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

from tools import execute, generate, student

ROOT = Path(__file__).resolve().parents[1]

LESSONS = [x["file"] for x in generate.lessons() if (ROOT / "notebooks" / x["file"]).exists()]
RUN_ALL = os.environ.get("STUDENT_RUN_ALL") == "1"
RUN = LESSONS if RUN_ALL else [f for f in LESSONS if f.startswith("01_")]
FENCE = re.compile(r"```[a-zA-Z]*\n(.*?)```", re.DOTALL)


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    written = student.write_student_copies(out)
    assert sorted(p.name for p in written) == sorted(LESSONS)
    return out


def teacher(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / name, as_version=4)


def pupil(copies: Path, name: str) -> nbformat.NotebookNode:
    return nbformat.read(copies / name, as_version=4)


def all_text(nb: nbformat.NotebookNode) -> str:
    """Every source and every textual output of a notebook, joined."""
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for out in cell.get("outputs", []):
            parts.append(str(out.get("text", "")))
            parts.extend(str(v) for k, v in out.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def solution_code(nb: nbformat.NotebookNode) -> list[str]:
    """The code inside each collapsed solution of a lesson."""
    codes = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for block in student.solution_blocks(cell.source):
                codes += [c.strip() for c in FENCE.findall(block) if c.strip()]
    return codes


# The transformation on small inputs ---------------------------------------------------------

SOLUTION = "<details>\n<summary>Solution</summary>\n\n```python\nanswer = 42\n```\n\n</details>"


def test_strip_solutions_replaces_each_block_with_the_note():
    text = f"Before.\n\n{SOLUTION}\n\nBetween.\n\n{SOLUTION.replace('42', '43')}\n"
    out = student.strip_solutions(text)
    assert "answer = 4" not in out and "<details>" not in out
    assert out == f"Before.\n\n{student.NOTE}\n\nBetween.\n\n{student.NOTE}\n"


def test_strip_solutions_variants():
    fancy = SOLUTION.replace("<summary>Solution</summary>", "<summary><b>Show the solution</b>"
                             "</summary>").replace("<details>", "<details markdown='1'>")
    assert student.strip_solutions(fancy) == student.NOTE
    assert student.strip_solutions(SOLUTION.upper().replace("ANSWER", "x")) == student.NOTE


def test_strip_solutions_keeps_hints_and_plain_text():
    hint = "<details>\n<summary>Hint</summary>\n\nUse `np.argmax`.\n\n</details>"
    assert student.strip_solutions(hint) == hint
    assert student.strip_solutions(hint + "\n" + SOLUTION) == hint + "\n" + student.NOTE
    assert student.strip_solutions("The solution is below.") == "The solution is below."


def tiny_lesson() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    out = nbformat.v4.new_output("stream", name="stdout", text="shown\n")
    nb.cells = [
        nbformat.v4.new_code_cell("print('shown')", execution_count=1, outputs=[out]),
        nbformat.v4.new_markdown_cell("## Exercises\n\nDo it."),
        nbformat.v4.new_code_cell("answer = ...\ncheck.x(answer)", execution_count=2,
                                  outputs=[out]),
        nbformat.v4.new_markdown_cell(SOLUTION),
        nbformat.v4.new_code_cell("answer = 42", metadata={"tags": ["solution"]}),
    ]
    return nb


def test_student_notebook_clears_exercises_only_and_leaves_input_alone():
    nb = tiny_lesson()
    before = nbformat.writes(nb)
    copy = student.student_notebook(nb)
    assert nbformat.writes(nb) == before, "the teacher's notebook must not change"
    assert copy.cells[0].outputs and copy.cells[0].execution_count == 1
    assert copy.cells[2].outputs == [] and copy.cells[2].execution_count is None
    assert copy.cells[2].source == nb.cells[2].source
    assert copy.cells[3].source == student.NOTE
    assert copy.cells[4].cell_type == "markdown" and copy.cells[4].source == student.NOTE
    assert "answer = 42" not in nbformat.writes(copy)
    nbformat.validate(copy)


# The real lessons ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", LESSONS)
def test_no_solution_text_survives(copies, name):
    nb = teacher(name)
    codes = solution_code(nb)
    assert len(codes) >= 3, f"{name}: expected a collapsed solution per exercise"
    copy = pupil(copies, name)
    text = all_text(copy)
    raw = (copies / name).read_text(encoding="utf-8")
    # Lines of solution code that the lesson itself never shows must be gone as well.
    rest = all_text(student.student_notebook(nb))
    for code in codes:
        assert code not in text and code not in raw, f"{name}: a solution survives:\n{code}"
        for line in code.splitlines():
            line = line.strip()
            if len(line) >= 25 and line not in rest:
                assert line not in text, f"{name}: solution line survives: {line}"
    assert not any(student.solution_blocks(c.source) for c in copy.cells)
    blocks = sum(len(student.solution_blocks(c.source)) for c in nb.cells
                 if c.cell_type == "markdown")
    tagged = sum("solution" in c.metadata.get("tags", []) for c in nb.cells)
    notes = sum(c.source.count(student.NOTE) for c in copy.cells)
    assert notes == blocks + tagged + sum(c.source.count(student.NOTE) for c in nb.cells)


@pytest.mark.parametrize("name", LESSONS)
def test_copy_is_valid_and_keeps_everything_else(copies, name):
    nb, copy = teacher(name), pupil(copies, name)
    nbformat.validate(copy)
    assert copy.metadata == nb.metadata
    assert [c.get("id") for c in copy.cells] == [c.get("id") for c in nb.cells]
    start = student.exercises_start(nb)
    assert start is not None, f"{name}: no '## Exercises' heading"
    for k, (a, b) in enumerate(zip(nb.cells, copy.cells, strict=True)):
        if b.cell_type == "markdown" and b.source != a.source:
            assert student.solution_blocks(a.source), f"{name} cell {k} changed"
            continue
        assert b.source == a.source and b.cell_type == a.cell_type
        if b.cell_type == "code" and k > start:
            assert b.outputs == [] and b.execution_count is None, f"{name} cell {k}"
        elif b.cell_type == "code":
            assert b.outputs == a.outputs and b.execution_count == a.execution_count


@pytest.mark.parametrize("name", RUN)
def test_copy_runs_up_to_the_first_exercise(copies, name):
    """Execute the lesson part of the student copy (before '## Exercises') in a fresh kernel."""
    copy = pupil(copies, name)
    copy.cells = copy.cells[:student.exercises_start(copy)]
    client = execute.notebook_client(copy, copies, timeout=1200)
    client.execute()  # raises CellExecutionError on the first failing cell
    for cell in copy.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error"
            assert not (out.output_type == "stream" and out.name == "stderr"), \
                f"{name}: {cell.source[:60]!r} writes to stderr: {out.text[:200]!r}"
