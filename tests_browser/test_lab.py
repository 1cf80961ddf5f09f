"""Every lesson as a learner runs it: JupyterLab in chromium, clear outputs, run all cells.

Run with `make test-browser` (it installs chromium and Playwright first). Each lesson: the
page loads with the committed figures, "Clear Outputs of All Cells" then "Run All Cells"
finish with every cell numbered, no error or stderr output shows, every figure appears,
and in a lesson with a live widget, moving a slider with the keyboard redraws its picture;
on lesson 07's drawing pad, a 1 and a 7 drawn with the mouse are read as 1 and 7. Each
cell's "checks" metadata runs in a cell added after it (conftest.with_checks).

With LAB_KERNEL_PYTHON set (`make test-colab`), every kernel runs on that Python, Colab's
versions: the setup line must name them, and widgets are counted but not drawn (JupyterLab 4
draws no ipywidgets 7 widget). LAB_LESSONS picks lessons: "02 07", or "widgets".
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import nbformat
import pad
import pytest

from tools import generate, lab

ROOT = Path(__file__).resolve().parents[1]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# The lessons whose explorers the spec names (a slider that redraws a figure).
SLIDER_LESSONS = {"02_neuron_math.ipynb", "03_activation_functions.ipynb"}
# The lesson with the drawing pad: a 1 and then a 7 drawn with the mouse must be read as such.
PAD_LESSONS = {"07_inside_the_network.ipynb"}
KEY_PRESSES = 6


def committed(path: Path) -> dict:
    """Return counts from the committed notebook: code cells, PNG outputs, widget views."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    outputs = [o for c in code for o in c.get("outputs", [])]
    return {
        "code_cells": len(code),
        "pngs": sum("image/png" in o.get("data", {}) for o in outputs),
        "widgets": sum(WIDGET_MIME in o.get("data", {}) for o in outputs),
    }


def _chosen(lessons: list[dict], only: str) -> list[dict]:
    """Return the lessons LAB_LESSONS names: numbers ("02 07"), "widgets", or all if empty."""
    if only.strip() == "widgets":  # the lessons whose committed outputs show a live widget
        paths = {x["file"]: ROOT / "notebooks" / x["file"] for x in lessons}
        return [x for x in lessons
                if paths[x["file"]].exists() and committed(paths[x["file"]])["widgets"]]
    numbers = only.replace(",", " ").split()
    return [x for x in lessons if not numbers or x["number"] in numbers]


# LAB_LESSONS runs some lessons only: .ci/run runs those with widgets here, on the project's
# kernel, and every lesson on Colab's versions in `make test-colab`.
LESSONS = _chosen(generate.lessons(), os.environ.get("LAB_LESSONS", ""))


def error_report(state: dict) -> list[str]:
    """Return one line per error or stderr output in the page's notebook model."""
    lines = []
    for k, cell in enumerate(state["cells"]):
        for o in cell["outputs"]:
            if o.get("output_type") == "error":
                lines.append(f"code cell {k} ({cell['id']}): {o['ename']}: {o['evalue'][:300]}")
            elif o.get("output_type") == "stream" and o.get("name") == "stderr":
                lines.append(f"code cell {k} ({cell['id']}): stderr: {o['text'][:300]!r}")
    return lines


def test_every_lesson_of_the_manifest_exists():
    """Every lesson in lessons.toml is there to run."""
    missing = [x["file"] for x in LESSONS if not (ROOT / "notebooks" / x["file"]).exists()]
    assert not missing, f"lessons.toml lists lessons that do not exist: {missing}"


def _minus(text: str) -> str:
    """Return ``text`` with the typographic minus sign written as an ASCII hyphen."""
    return text.replace("\u2212", "-")


def slider_redraws(page, artifacts: Path, number: str) -> None:
    """Move the first slider with the keyboard; its widget's picture and read-out must change."""
    view = page.locator(".jp-OutputArea-output:has(.widget-slider)").first
    view.scroll_into_view_if_needed()
    image = view.locator("img.widget-image").first
    texts = view.locator(".widget-html-content")
    handle = view.locator(".widget-slider .noUi-handle").first
    readout = view.locator(".widget-slider .widget-readout").first
    assert image.count() == 1, "the explorer shows no image widget"
    before = (image.get_attribute("src"), texts.all_inner_texts(), readout.inner_text())
    value_before = float(handle.get_attribute("aria-valuenow"))
    handle.focus()
    for _ in range(KEY_PRESSES):
        page.keyboard.press("ArrowRight")
    # Each key press sends a value to the kernel, which redraws: wait until the picture
    # has changed and then stayed the same for a few polls.
    deadline = time.monotonic() + 120
    after, steady = before, 0
    while time.monotonic() < deadline and steady < 4:
        page.wait_for_timeout(500)
        now = (image.get_attribute("src"), texts.all_inner_texts(), readout.inner_text())
        steady = steady + 1 if now == after and now[0] != before[0] else 0
        after = now
    view.screenshot(path=str(artifacts / f"{number}-widget-moved.png"))
    value_after = float(handle.get_attribute("aria-valuenow"))
    assert value_after > value_before, f"ArrowRight did not move the slider ({value_before})"
    assert after[2] != before[2], "the slider's read-out did not change"
    assert after[0] != before[0], "the explorer's picture was not redrawn after the slider moved"
    if before[1]:
        assert after[1] != before[1], f"the explorer's text stayed {before[1]!r}"
        # The explorer's text states the slider's new value, e.g. "z = 1.30·x₁ ..." for 1.30.
        # Sliders print a minus sign (U+2212), the read-outs an ASCII hyphen: compare as numbers.
        value, text = _minus(after[2]), _minus(" ".join(after[1]))
        assert value in text, f"{after[2]!r} is not in {after[1]!r}"


def pad_reads_what_the_mouse_draws(page, artifacts: Path, number: str) -> None:
    """Draw a 1, then a 7, with the mouse on the pad; the reading shown must follow."""
    canvas = page.locator("canvas.mnist-pad-canvas").first
    reading = page.locator(".mnist-pad-reading").first
    clear = page.locator("button.mnist-pad-clear").first
    canvas.scroll_into_view_if_needed()
    shown = []
    for name in ("one", "seven"):
        clear.click()
        page.wait_for_function("(el) => el.innerText.trim() === 'draw a digit first'",
                               arg=reading.element_handle(), timeout=60_000)
        digit, strokes = pad.DIGITS[name]
        pad.draw(page, canvas, strokes)
        # The kernel reads the drawing after every stroke; wait for the last one's reading.
        page.wait_for_function(
            "([el, prefix]) => el.innerText.trim().startsWith(prefix)",
            arg=[reading.element_handle(), f"reads {digit} ("], timeout=60_000)
        shown.append(reading.inner_text().strip())
        shot = artifacts / f"{number}-pad-{name}.png"
        page.locator(".mnist-pad").first.screenshot(path=str(shot))
    assert shown[0].startswith("reads 1 (") and shown[1].startswith("reads 7 ("), shown
    raw = page.locator(".mnist-pad-raw").first.inner_text()
    assert "without the preparation" in raw, raw
    pad_reads_a_drawing_chosen_with_the_keyboard(page, clear, reading)


def pad_reads_a_drawing_chosen_with_the_keyboard(page, clear, reading) -> None:
    """Without a mouse: Tab from Clear to the list of stored drawings, choose one with keys."""
    clear.click()
    page.wait_for_function("(el) => el.innerText.trim() === 'draw a digit first'",
                           arg=reading.element_handle(), timeout=60_000)
    clear.focus()
    page.keyboard.press("Tab")
    select = page.locator("select.mnist-pad-select").first
    assert select.evaluate("(el) => el === document.activeElement"), "Tab did not reach the list"
    assert select.evaluate("(el) => el.labels[0].innerText").startswith("No mouse?")
    options = select.locator("option").all_inner_texts()
    assert options[0] == "choose one" and "seven (a 7)" in options, options
    page.keyboard.press("ArrowDown")  # the first stored drawing, e.g. "four (a 4)"
    chosen = select.evaluate("(el) => el.options[el.selectedIndex].text")
    digit = chosen.split("(a ")[1].rstrip(")")
    page.wait_for_function(
        "([el, prefix]) => el.innerText.trim().startsWith(prefix)",
        arg=[reading.element_handle(), f"reads {digit} ("], timeout=60_000)
    assert reading.get_attribute("aria-live") == "polite"
    assert page.locator(".mnist-pad-raw").first.get_attribute("aria-live") == "polite"
    bars = page.locator(".mnist-pad-bars").first.get_attribute("aria-label")
    parts = bars.removeprefix("probability of each digit: ").split(", ")
    assert [p.split()[0] for p in parts] == [str(d) for d in range(10)], bars


def outside_loopback(requests_log: lab.RequestLog) -> list[str]:
    """Return the blocked requests other than the title's launch badges (the only ones expected)."""
    from tools import generate

    badges = {generate.BADGE, generate.BINDER_BADGE, generate.KAGGLE_BADGE}
    return [u for u in requests_log.blocked if u not in badges]


def _balanced(lessons: list[dict]) -> list:
    """Parametrize the lessons in two xdist groups of about equal run time.

    With `--dist loadgroup` each group runs on its own worker, JupyterLab and chromium. The
    lessons' run times are the portability record's (the median over its stand-ins); longest
    first, each lesson joins the group with less time so far.
    """
    from tools import portability

    record = portability.load_record().get("seconds", {})

    def seconds(lesson: dict) -> float:
        times = record.get(lesson["file"], {})
        return statistics.median(times.values()) if times else portability.CHEAP_SECONDS

    load = [0.0, 0.0]
    group = {}
    for lesson in sorted(lessons, key=seconds, reverse=True):
        k = load.index(min(load))
        group[lesson["file"]] = k
        load[k] += seconds(lesson)
    return [pytest.param(lesson, id=lesson["number"],
                         marks=pytest.mark.xdist_group(f"lab-{group[lesson['file']]}"))
            for lesson in lessons]


@pytest.mark.parametrize("lesson", _balanced(LESSONS))
def test_lesson_runs_in_jupyterlab(lesson, server, browser, requests_log, artifacts,
                                  kernel_versions):
    """Load, clear, run all; no errors; every figure; a moved slider redraws its widget."""
    path = ROOT / "notebooks" / lesson["file"]
    if not path.exists():
        pytest.fail(f"{lesson['file']} does not exist yet")
    # The served copy: the lesson with a cell after each checked one (conftest.with_checks).
    number, expected = lesson["number"], committed(server.root / "notebooks" / lesson["file"])
    page_errors: list[str] = []
    nb = lab.Lesson(browser, server, lesson["file"])
    nb.page.on("pageerror", lambda e: page_errors.append(str(e)))
    try:
        (artifacts / f"{number}-first-screen.png").write_bytes(nb.first_screen())
        loaded = nb.dom()
        assert loaded["png_imgs"] == expected["pngs"], "the committed figures did not all show"

        state = nb.run_all()
        nb.page.screenshot(path=str(artifacts / f"{number}-after-run.png"))
        errors = error_report(state)
        assert not errors, "cells failed in JupyterLab:\n" + "\n".join(errors)
        code = [c for c in state["cells"] if c["source"].strip()]
        assert len(code) == expected["code_cells"]
        if kernel_versions:  # the setup line names the versions the kernel really has
            texts = ["".join(o.get("text", "")) for c in code for o in c["outputs"]]
            ready = [t for t in texts if t.startswith("Ready:")]
            want = ", ".join(f"{k} {v}" for k, v in kernel_versions.items())
            assert ready and want in ready[0], f"setup line {ready}, expected {want}"
        counts = [c["count"] for c in code]
        assert counts == list(range(1, len(code) + 1)), f"execution counts {counts}"

        shown = nb.dom()
        assert shown["stderr"] == [], f"stderr or error outputs in the page: {shown['stderr']}"
        assert shown["tracebacks"] == 0
        assert shown["prompts"] == [f"[{n}]:" for n in counts]
        assert expected["pngs"] > 0, "a lesson shows its results as figures"
        assert shown["png_imgs"] == expected["pngs"], \
            f"{shown['png_imgs']} figures in the page, {expected['pngs']} in the committed file"
        assert shown["png_loaded"] == shown["png_imgs"], "some figures did not load"

        widgets_run = sum(WIDGET_MIME in o.get("data", {}) for c in code for o in c["outputs"])
        assert widgets_run == expected["widgets"]
        # JupyterLab 4 draws no ipywidgets 7 widget (it shows its error box instead): on
        # Colab's versions the widgets' outputs are counted, and drawn by Colab's widget tests
        # (tests/test_widgets_*.py under `make test-colab`), not here.
        if widgets_run and not kernel_versions:
            assert shown["widget_views"] == widgets_run, "a widget did not render in the page"
            assert not shown["widget_errors"], shown["widget_errors"]
            if lesson["file"] in SLIDER_LESSONS:
                assert shown["sliders"] > 0, f"{lesson['file']} should show a live slider"
            if shown["sliders"]:
                slider_redraws(nb.page, artifacts, number)
            if lesson["file"] in PAD_LESSONS:
                pad_reads_what_the_mouse_draws(nb.page, artifacts, number)
        assert not page_errors, f"JavaScript errors in the page: {page_errors}"
        # Every non-loopback request was aborted by the route filter; none is expected.
        outside = outside_loopback(requests_log)
        assert outside == [], f"the page tried to reach: {outside}"
    except BaseException:
        nb.page.screenshot(path=str(artifacts / f"{number}-failed.png"))
        raise
    finally:
        nb.close()
