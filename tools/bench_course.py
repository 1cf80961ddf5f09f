"""Time nbgrader autograding a class: how long a teacher waits for a lesson's submissions.

Usage: python -m tools.bench_course --nbgrader NBGRADER [--students 30] [--lessons 02]
       (make bench-course; writes benchmarks/COURSE.md and prints the table)

For each lesson, a course is built in a temporary folder (tools.assignments), every student
hands in the full solution, and nbgrader autogrades the class (one `nbgrader autograde` for
all, as a teacher runs it), writes each student's feedback HTML and exports grades.csv. nbgrader
runs one notebook at a time, so the time grows with the class and with the lesson's own run
time (benchmarks/RESULTS.md, "Lessons").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from tools import assignments, bench

OUT = assignments.ROOT / "benchmarks" / "COURSE.md"


def grade_class(tool: str, name: str, students: int) -> dict[str, float]:
    """Autograde ``students`` full solutions of lesson ``name``; return the timings."""
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        start = time.perf_counter()
        (release,) = assignments.build(course, [name], tool)
        built = time.perf_counter() - start
        source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
        solved = assignments.submission(nbformat.read(release, as_version=4), source)
        for k in range(students):
            folder = course / "submitted" / f"student{k + 1:02d}" / name
            folder.mkdir(parents=True)
            nbformat.write(solved, folder / f"{name}.ipynb")
        start = time.perf_counter()
        results = assignments.grade(tool, course, [name])[name]
        graded = time.perf_counter() - start
    full = sum(r.score == r.max_score for r in results.values())
    if full != students:
        raise SystemExit(f"{name}: only {full} of {students} full solutions got full marks:\n"
                         + assignments.report({name: results}))
    return {"build": built, "grade": graded, "students": students}


def _merged(path: Path, rows: list[list[str]]) -> list[list[str]]:
    """Return ``rows`` with the earlier rows of ``path`` for other lessons or class sizes."""
    old = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 6 and cells[0][:2].isdigit():
                old.append(cells)
    new = {(r[0], r[1]) for r in rows}
    kept = [r for r in old if (r[0], r[1]) not in new]
    return sorted(kept + rows, key=lambda r: (int(r[1]) != 1, r[0], int(r[1])))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--nbgrader", required=True, help="the nbgrader command to run")
    parser.add_argument("--students", type=int, default=30, help="class size (30)")
    parser.add_argument("--lessons", nargs="*", default=["02"], help="lesson numbers (02)")
    parser.add_argument("--output", type=Path, default=OUT, help="the report to write")
    args = parser.parse_args(argv)
    assignments.write_kernel(assignments.ROOT / ".venv-nbgrader")
    info = bench.machine()
    rows = []
    for name in assignments.lesson_names(args.lessons):
        t = grade_class(args.nbgrader, name, args.students)
        rows.append([name, f"{args.students}", f"{t['build']:.0f}", f"{t['grade']:.0f}",
                     f"{t['grade'] / 60:.1f}", f"{t['grade'] / args.students:.1f}"])
    header = ["lesson", "students", "make assignments s", "autograde + feedback + export s",
              "min", "s per student"]
    rows = _merged(args.output, rows)
    text = "\n".join([
        "# Autograding a class", "",
        "Written by `make bench-course` (tools/bench_course.py). Every student hands in the "
        "full solution; nbgrader autogrades them one after another (one `nbgrader autograde` "
        "for the class), writes each feedback HTML and exports grades.csv. Each run replaces "
        "its rows (same lesson and class size) and keeps the others; the machine is the last "
        "run's.", "",
        "## Machine", "", *[f"- {k}: {v}" for k, v in info.items()], "",
        "## Time", "", bench.table(header, rows), ""])
    args.output.write_text(text, encoding="utf-8")
    print(bench.table(header, rows))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
