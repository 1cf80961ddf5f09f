"""TEACHING.md stays true to the lessons: one part per lesson, durations, named sections."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tools import generate, student

ROOT = Path(__file__).resolve().parents[1]

GUIDE = ROOT / "TEACHING.md"
LESSONS = generate.lessons()
PARTS = ("**Prerequisites.**", "**Learning objectives.**", "**Common misconceptions",
         "**In-class activity")
SECTION_REF = re.compile(r"\b[Ss]ections? ((?:\"[^\"]+\"(?:,? (?:and|or) |, )?)+)")


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def lesson_part(number: str) -> str:
    """The text of TEACHING.md's part on one lesson."""
    parts = re.split(r"^## ", guide(), flags=re.M)
    found = [p for p in parts if p.startswith(f"{number} ")]
    assert len(found) == 1, f"TEACHING.md needs one '## {number} ...' part"
    return found[0]


def headings(path: Path) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    return {m.group(1).strip() for c in nb.cells if c.cell_type == "markdown"
            for m in re.finditer(r"^#{2,3} +(.+)$", c.source, re.M)}


def test_readme_links_the_guide():
    assert "(TEACHING.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_general_part_covers_running_a_class():
    general = " ".join(re.split(r"^## 01 ", guide(), flags=re.M)[0].split())
    for needed in ("make lab", "make student", "Colab", "make setup", "MNIST_PATH",
                   "Not answered yet", student.NOTE.strip("*.")):
        assert needed in general, f"the general part should mention {needed!r}"


def test_one_part_per_lesson_in_order():
    titles = re.findall(r"^## (\d\d) (.+)$", guide(), re.M)
    assert titles == [(x["number"], x["title"]) for x in LESSONS]


@pytest.mark.parametrize("lesson", LESSONS, ids=[x["file"][:-6] for x in LESSONS])
def test_lesson_part_is_complete_and_accurate(lesson):
    part = lesson_part(lesson["number"])
    path = ROOT / "notebooks" / lesson["file"]
    assert f"(notebooks/{lesson['file']})" in part
    assert f"**Duration:** {lesson['minutes']} minutes" in part, "match lessons.toml"
    for heading in PARTS:
        assert heading in part, f"{lesson['file']}: missing {heading}"
    objectives = part.split("**Learning objectives.**")[1].split("**Common")[0]
    assert 3 <= objectives.count("\n- ") <= 6
    misconceptions = part.split("**Common misconceptions")[1].split("**In-class")[0]
    assert misconceptions.count("\n- *\"") >= 3, "at least three misconceptions"
    known = headings(path)
    refs = [" ".join(q.split()) for m in SECTION_REF.finditer(part)
            for q in re.findall(r"\"([^\"]+)\"", m.group(1))]
    assert refs, f"{lesson['file']}: name the sections that address each misconception"
    for ref in refs:
        assert ref in known, f"TEACHING.md names section {ref!r}, not a heading of {path.name}"
    nb = nbformat.read(path, as_version=4)
    n_exercises = len([c for c in nb.cells[student.exercises_start(nb):]
                       if c.cell_type == "code" and re.search(r"\bcheck\.\w+\(", c.source)])
    for n in re.findall(r"\b[Ee]xercise (\d)\b", part):
        assert 1 <= int(n) <= n_exercises, f"{lesson['file']} has no exercise {n}"


def test_section_reference_pattern():
    text = 'Sections "A b" and "C" then section "D", and the "E" is not one.'
    refs = [q for m in SECTION_REF.finditer(text) for q in re.findall(r"\"([^\"]+)\"", m.group(1))]
    assert refs == ["A b", "C", "D"]
