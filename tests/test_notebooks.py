"""Structure tests of every lesson: frame, clean outputs, navigation, size."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
from nbval.plugin import find_comment_markers, find_metadata_tags

from tools import generate, student
from tools.nbval_tolerance import checks_of, tolerance_of

ROOT = Path(__file__).resolve().parents[1]

LESSONS = generate.lessons()
PATHS = [ROOT / "notebooks" / lesson["file"] for lesson in LESSONS]
MAX_BYTES = 2_500_000
ALLOWED_HTML = {"details", "summary", "br", "sub", "sup", "b", "i", "em", "strong", "code", "kbd"}


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def md_text(nb):
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_every_notebook_is_in_the_manifest():
    on_disk = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert on_disk == sorted(lesson["file"] for lesson in LESSONS)


def test_valid_nbformat_and_python_kernel(nb):
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["language_info"]["name"] == "python"


def test_title_and_intro(nb):
    path = Path(nb.metadata["_path"])
    first, intro = nb.cells[0], nb.cells[1]
    assert "nav-header" in first.metadata.get("tags", [])
    assert first.source.startswith(f"# {path.name[:2]} ")
    assert "Open In Colab" in first.source
    assert intro.cell_type == "markdown"
    assert len(intro.source.split("## What you will learn")[0].strip()) > 200, \
        "open with a motivating paragraph before 'What you will learn'"
    learn = intro.source.split("## What you will learn")[1]
    bullets = [ln for ln in learn.splitlines() if ln.lstrip().startswith(("- ", "* "))]
    assert 3 <= len(bullets) <= 5


def test_setup_cell_first_and_tagged(nb):
    first_code = code_cells(nb)[0]
    assert "setup" in first_code.metadata.get("tags", [])
    assert generate.setup_call() in first_code.source
    assert first_code.source.startswith(generate.setup_prefix())
    later = "\n".join(c.source for c in code_cells(nb)[1:])
    assert "setup_notebook(" not in later


def test_sections_summary_exercises_footer(nb):
    headings = [ln for c in nb.cells if c.cell_type == "markdown"
                for ln in c.source.splitlines() if ln.startswith("## ")]
    assert "## Summary" in headings and "## Exercises" in headings
    assert headings.index("## Summary") < headings.index("## Exercises")
    assert len(headings) >= 6, "a lesson has several sections between setup and summary"
    assert "nav-footer" in nb.cells[-1].metadata.get("tags", [])


def test_exercises_have_checks_and_collapsed_solutions(nb):
    start = next(i for i, c in enumerate(nb.cells)
                 if c.cell_type == "markdown" and "## Exercises" in c.source)
    tail = nb.cells[start:]
    checks = student.exercise_cells(nb)
    solutions = [c for c in tail if c.cell_type == "markdown" and "<details>" in c.source]
    assert len(checks) in student.EXERCISE_COUNT, f"{len(checks)} exercises; the frame says 3-5"
    assert len(solutions) == len(checks)
    for s in solutions:
        assert "<summary>" in s.source and "</details>" in s.source and "```python" in s.source
        assert "<details open" not in s.source
    for c in checks:  # committed notebooks show the learner's unanswered state
        text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                       for o in c.outputs)
        assert "Not answered yet" in text, c.source[:80]


def test_execution_counts_are_1_to_n(nb):
    counts = [c.execution_count for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), \
        "run `make outputs` to execute the lesson top to bottom in a fresh kernel"


def test_no_errors_and_no_stderr(nb):
    for c in code_cells(nb):
        for out in c.outputs:
            assert out.output_type != "error", f"{c.source[:60]!r}: {out.get('ename')}"
            assert not (out.output_type == "stream" and out.name == "stderr"), \
                f"{c.source[:60]!r} writes to stderr: {out.text[:200]!r}"


def ignored_by_nbval(cell) -> bool:
    """Return whether nbval itself will skip comparing this cell's outputs."""
    markers = dict(find_comment_markers(cell.source))
    tags = dict(find_metadata_tags(cell.metadata))
    return markers.get("check", True) is False or tags.get("check", True) is False


def test_test_markers_live_in_metadata_not_in_the_code(nb):
    for c in code_cells(nb):
        assert "NBVAL" not in c.source, (
            f"{c.source[:60]!r}: learners read the code; put nbval markers in the cell's "
            "metadata tags (nbval-ignore-output), not in a comment")


def test_ignored_cells_are_few_justified_and_checked(nb):
    meant = [c for c in code_cells(nb) if "nbval-ignore-output" in c.metadata.get("tags", [])]
    assert len(meant) <= 4, "at most four cells may skip the output comparison"
    for c in meant:
        assert ignored_by_nbval(c), f"{c.source[:60]!r}: nbval does not see this tag"
        reason = c.metadata.get("nbval-ignore-reason", "")
        assert len(reason) > 20, \
            f"{c.source[:60]!r}: say why in metadata 'nbval-ignore-reason' (e.g. timing)"
        assert c.metadata.get("checks"), \
            "an ignored cell must check its result through its \"checks\" metadata"


def test_the_ignore_marker_test_has_teeth():
    bad = nbformat.v4.new_code_cell("print(1)", metadata={"tags": ["nbval-ignore"]})
    good = nbformat.v4.new_code_cell("print(1)", metadata={"tags": ["nbval-ignore-output"]})
    assert not ignored_by_nbval(bad) and ignored_by_nbval(good)


# Verification stays out of what learners read: checks live in metadata, prose never talks
# about the tests or about the machines the numbers were measured on.
TEST_TALK = re.compile(r"\bnbval\b|\bthe tests\b|\bour tests\b|\btests of this\b|"
                       r"\bmachines? we\b|\bon (another|every|other) (computer|machine)s?\b|"
                       r"\bholds? on every\b|\btolerance metadata\b", re.I)


def test_no_assert_in_any_lesson(nb):
    for c in code_cells(nb):
        lines = [ln for ln in c.source.split("\n") if not ln.lstrip().startswith(("%", "!"))]
        tree = ast.parse("\n".join(lines))
        found = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Assert)]
        assert not found, (f"{c.source[:60]!r}: put what the cell must satisfy in its "
                           '"checks" metadata, not in an assert learners read')


def test_no_lesson_talks_about_its_tests_or_machines(nb):
    for c in nb.cells:
        if c.cell_type == "markdown" or c.cell_type == "code":
            text = c.source if c.cell_type == "markdown" else "\n".join(
                ln for ln in c.source.split("\n") if ln.lstrip().startswith("#"))
            found = TEST_TALK.search(text)
            assert not found, f"{c.source[:60]!r} talks about verification: {found.group(0)!r}"


def test_the_test_talk_check_has_teeth():
    assert TEST_TALK.search("the tests of this notebook mask it")
    assert TEST_TALK.search("about half, on the machines we measured")
    assert TEST_TALK.search("Run it on another computer and the share moves")
    assert not TEST_TALK.search("Evaluate once on the test set, at the very end.")


def test_tolerances_and_checks_are_well_formed(nb):
    for k, c in enumerate(code_cells(nb)):
        tolerance_of(c.metadata, f"{Path(nb.metadata['_path']).name} code cell {k}")
        checks_of(c.metadata, f"{Path(nb.metadata['_path']).name} code cell {k}")
        assert not ("tolerance" in c.metadata and ignored_by_nbval(c)), \
            f"{c.source[:60]!r}: a tolerance or nbval-ignore-output, not both"


def test_no_skipped_or_raising_cells(nb):
    for c in code_cells(nb):
        assert "NBVAL_SKIP" not in c.source and "NBVAL_RAISES_EXCEPTION" not in c.source


def test_figures_are_png_outputs(nb):
    pngs = sum("image/png" in o.get("data", {}) for c in code_cells(nb) for o in c.outputs)
    assert pngs >= 2
    for c in code_cells(nb):
        last = c.source.split("\n")[-1]
        if "plots.show(" in c.source or "plt.show()" in c.source or ".show()" in last:
            assert any("image/png" in o.get("data", {}) for o in c.outputs), c.source[:80]


def test_markdown_renders_on_github(nb):
    text = md_text(nb)
    assert not re.search(r"!\[[^\]]*\]\((?!https?://)", text), "relative image links"
    assert "attachment:" not in text
    tags = {t.lower() for t in re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)[\s>/]", text)}
    assert tags <= ALLOWED_HTML, f"raw HTML that GitHub may strip: {tags - ALLOWED_HTML}"


def test_size_stays_small(nb):
    size = Path(nb.metadata["_path"]).stat().st_size
    assert size < MAX_BYTES, f"{size / 1e6:.1f} MB: use smaller figures, fewer printed rows"


def test_navigation_matches_manifest():
    drift = generate.planned_changes()
    assert not drift, f"out of date: {sorted(str(p.relative_to(ROOT)) for p in drift)}; " \
                      "run `make generate`"


def test_navigation_links_point_to_existing_lessons(nb):
    path = Path(nb.metadata["_path"])
    i = [p.name for p in PATHS].index(path.name)
    header = nb.cells[0].source
    base = generate.github_url("notebooks/")
    links = re.findall(r"\]\(" + re.escape(base) + r"(\d\d_[a-z0-9_]+\.ipynb)\)",
                       header + nb.cells[-1].source)
    for target in links:
        assert (ROOT / "notebooks" / target).exists()
    if i > 0:
        assert f"]({base}{PATHS[i - 1].name})" in header
    if i + 1 < len(PATHS):
        assert f"]({base}{PATHS[i + 1].name})" in header
        assert f"]({base}{PATHS[i + 1].name})" in nb.cells[-1].source
    assert generate.colab_url(path.name) in header
    assert f"[View on GitHub]({base}{path.name})" in header
