"""What a reader who cannot run anything sees (GitHub): each lesson rendered to static HTML.

A widget renders as nothing in static HTML, so every live view needs a static PNG figure of
its content nearby: in the same section (between `##` headings), at most MAX_GAP cells away.
Every PNG output of the notebook must show as an image, and no error output may show.
"""

from __future__ import annotations

import functools
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from tools import generate

ROOT = Path(__file__).resolve().parents[1]

PATHS = [ROOT / "notebooks" / lesson["file"] for lesson in generate.lessons()]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
MAX_GAP = 3  # cells between a live view and its static figure


@functools.cache
def rendered(path: Path) -> tuple[list[dict], int]:
    """Return each rendered cell's facts, and the notebook's number of PNG outputs."""
    nb = nbformat.read(path, as_version=4)
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    cells = BeautifulSoup(html, "html.parser").select("div.jp-Cell")
    assert len(cells) == len(nb.cells), "every cell renders as one block"
    facts, section = [], ""
    for cell, source in zip(cells, nb.cells, strict=True):
        heading = cell.select_one(".jp-RenderedMarkdown h2")
        if heading is not None:
            section = heading.get_text(" ", strip=True).rstrip("¶").strip()
        outputs = cell.select(".jp-OutputArea-output")
        facts.append({
            "id": source.get("id"),
            "section": section,
            "widget": any(WIDGET_MIME in o.get("data", {}) for o in source.get("outputs", [])),
            "pngs": len(cell.select('.jp-OutputArea-output img[src^="data:image/png"]')),
            "errors": len(cell.select(".jp-OutputArea-error, .jp-RenderedText"
                                      '[data-mime-type="application/vnd.jupyter.stderr"]')),
            "visible_text": " ".join(o.get_text(" ", strip=True) for o in outputs),
        })
    pngs = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    return facts, pngs


def ids(paths):
    return [p.stem for p in paths]


@pytest.mark.parametrize("path", PATHS, ids=ids(PATHS))
def test_every_figure_shows_and_no_error(path):
    if not path.exists():
        pytest.fail(f"{path.name} is listed in lessons.toml but does not exist")
    facts, pngs = rendered(path)
    assert sum(f["pngs"] for f in facts) == pngs, "a PNG output does not render as an image"
    assert not [f["id"] for f in facts if f["errors"]], "error or stderr output in the page"


@pytest.mark.parametrize("path", PATHS, ids=ids(PATHS))
def test_every_live_view_has_a_static_figure_nearby(path):
    if not path.exists():
        pytest.fail(f"{path.name} is listed in lessons.toml but does not exist")
    facts, _ = rendered(path)
    nb = nbformat.read(path, as_version=4)
    widget_outputs = sum(WIDGET_MIME in o.get("data", {})
                         for c in nb.cells for o in c.get("outputs", []))
    assert sum(f["widget"] for f in facts) == widget_outputs
    lonely = []
    for k, cell in enumerate(facts):
        if not cell["widget"]:
            continue
        near = facts[max(0, k - MAX_GAP - 1): k + MAX_GAP + 2]
        if not any(f["pngs"] and f["section"] == cell["section"] for f in near):
            lonely.append(f"{cell['id']} (section {cell['section']!r})")
    assert not lonely, (f"live widgets with no static PNG figure within {MAX_GAP} cells in "
                        f"their section (on GitHub they show nothing): {lonely}")


def test_a_lonely_widget_is_caught(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## A section"),
        nbformat.v4.new_code_cell("fig", outputs=[nbformat.v4.new_output(
            "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})]),
        nbformat.v4.new_markdown_cell("## Another section"),
        nbformat.v4.new_code_cell("w", outputs=[nbformat.v4.new_output(
            "execute_result", execution_count=2,
            data={WIDGET_MIME: {"model_id": "x", "version_major": 2, "version_minor": 0},
                  "text/plain": "a widget"})]),
    ]
    path = tmp_path / "lonely.ipynb"
    nbformat.write(nb, path)
    facts, pngs = rendered(path)
    assert pngs == 1 and [f["widget"] for f in facts] == [False, False, False, True]
    assert [f["section"] for f in facts][-1] == "Another section"
    with pytest.raises(AssertionError, match="no static PNG figure"):
        test_every_live_view_has_a_static_figure_nearby(path)
    # Moved into the figure's section, the same widget passes.
    nb.cells[2] = nbformat.v4.new_markdown_cell("More about the figure.")
    fixed = tmp_path / "fixed.ipynb"
    nbformat.write(nb, fixed)
    test_every_live_view_has_a_static_figure_nearby(fixed)
