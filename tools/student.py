"""Write student copies of the lessons: every solution removed, exercise outputs cleared.

Usage: python -m tools.student [--out DIR]   (default DIR: student/, which is not committed)

A student copy keeps everything else of the lesson as is: the text, the code and outputs of
the lesson itself, the checks. What changes:
- each collapsed solution (a ``<details>`` block whose ``<summary>`` says "Solution") is
  replaced by a one-line note; a cell tagged ``solution`` is replaced by the same note;
- the code cells after the ``## Exercises`` heading lose their outputs and execution counts,
  so a learner starts from a clean exercise section.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from tools import generate

ROOT = generate.ROOT
NOTEBOOKS = generate.NOTEBOOKS
DEFAULT_OUT = ROOT / "student"
EXERCISES = "## Exercises"
NOTE = "*Solutions are in the teacher's copy.*"
SOLUTION_BLOCK = re.compile(
    r"<details\b[^>]*>\s*<summary\b[^>]*>(?:(?!</summary>).)*\bsolution"
    r"(?:(?!</summary>).)*</summary>.*?</details>",
    re.IGNORECASE | re.DOTALL,
)
SOLUTION_TAG = "solution"
EXERCISE_COUNT = range(3, 6)  # 3 to 5 exercises with a check per lesson (the lesson frame)
CHECK_CALL = re.compile(r"\bcheck\.([A-Za-z_]\w*)\s*\(")


def strip_solutions(source: str) -> str:
    """Return markdown ``source`` with each collapsed solution block replaced by the note."""
    return SOLUTION_BLOCK.sub(NOTE, source)


def solution_blocks(source: str) -> list[str]:
    """Return the collapsed solution blocks of a markdown ``source``."""
    return SOLUTION_BLOCK.findall(source)


def exercises_start(nb: nbformat.NotebookNode) -> int | None:
    """Return the index of the markdown cell with the ``## Exercises`` heading, if any."""
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and any(
                line.strip() == EXERCISES for line in cell.source.splitlines()):
            return k
    return None


def exercise_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Return the code cells after ``## Exercises`` that call a check (none without it)."""
    start = exercises_start(nb)
    if start is None:
        return []
    return [c for c in nb.cells[start:] if c.cell_type == "code" and CHECK_CALL.search(c.source)]


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a student copy of the lesson ``nb`` (the argument is left unchanged)."""
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)  # a deep copy
    start = exercises_start(nb)
    for k, cell in enumerate(nb.cells):
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            nb.cells[k] = nbformat.v4.new_markdown_cell(NOTE)
            nb.cells[k]["id"] = cell.get("id") or f"solution-note-{k}"
            continue
        if cell.cell_type == "markdown":
            cell.source = strip_solutions(cell.source)
        elif cell.cell_type == "code" and start is not None and k > start:
            cell.outputs = []
            cell.execution_count = None
    nbformat.validate(nb)
    return nb


def write_student_copies(out: Path = DEFAULT_OUT) -> list[Path]:
    """Write a student copy of every existing lesson into ``out``; return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for lesson in generate.lessons():
        src = NOTEBOOKS / lesson["file"]
        if not src.exists():
            continue  # a lesson still being written
        nb = student_notebook(nbformat.read(src, as_version=4))
        dest = out / lesson["file"]
        dest.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        written.append(dest)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args()
    for path in write_student_copies(args.out):
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
