"""What a reader who cannot see, or does not use a mouse, gets from the lessons as stored.

Every figure carries alt text in its output's metadata (``plots.show``), is drawn on opaque
white paper (readable on a dark theme), headings go down one level at a time, and every link
text makes sense read alone. The same holds for README.md and TEACHING.md, which the website
shows too.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import nbformat
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DOCUMENTS = [ROOT / "README.md", ROOT / "TEACHING.md"]
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
HEADING = re.compile(r"^(#{1,6}) +(.+)$", re.M)
LINK = re.compile(r"(?<!!)\[((?:!\[[^\]]*\]\([^)]*\))|[^\]]*)\]\(([^)\s]+)\)")
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
# Link texts that say nothing read alone, as a screen reader's list of links reads them.
VAGUE = {"here", "click here", "this", "link", "more", "read more", "this page", "see here",
         "source", "page", "website"}


def figures(path: Path) -> list[tuple[int, dict, dict]]:
    """Return (cell index, data, metadata) of every PNG a stored lesson shows."""
    nb = nbformat.read(path, as_version=4)
    return [(k, out["data"], out.get("metadata", {}))
            for k, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]


def markdown_of(path: Path) -> str:
    """Return a lesson's or document's Markdown, code blocks left out."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    return FENCE.sub("", re.sub(r"<!--.*?-->", "", text, flags=re.S))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem[:2])
def test_every_figure_says_what_it_shows(path: Path) -> None:
    shown = figures(path)
    assert shown, f"{path.name} shows no figure"
    for k, _, metadata in shown:
        alt = metadata.get("image/png", {}).get("alt", "")
        assert alt, (f"{path.name}, cell {k}: a figure without alt text: show it with "
                     "plots.show() (alt=... for a figure no helper describes)")
        assert len(alt) >= 40 and not alt.startswith("<Figure"), (path.name, k, alt)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem[:2])
def test_every_figure_is_drawn_on_opaque_white_paper(path: Path) -> None:
    """A transparent figure puts black text on a dark theme's dark background."""
    for k, data, _ in figures(path):
        png = Image.open(io.BytesIO(base64.b64decode(data["image/png"]))).convert("RGBA")
        width, height = png.size
        corners = [png.getpixel((x, y)) for x in (0, width - 1) for y in (0, height - 1)]
        assert all(c == (255, 255, 255, 255) for c in corners), (path.name, k, corners)


def test_alt_text_and_white_paper_would_catch_a_plain_plt_show() -> None:
    """The checks above fail for what the inline backend stores by itself."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.rc_context({"figure.facecolor": (1, 1, 1, 0)}):  # matplotlib-inline's default
        fig, ax = plt.subplots()
        ax.plot([0, 1])
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", facecolor=fig.get_facecolor())
        plt.close(fig)
    corner = Image.open(buffer).convert("RGBA").getpixel((0, 0))
    assert corner[3] == 0  # transparent: the test above would fail on it


@pytest.mark.parametrize("path", LESSONS + DOCUMENTS, ids=lambda p: p.stem[:2] if
                         p.suffix == ".ipynb" else p.name)
def test_headings_go_down_one_level_at_a_time(path: Path) -> None:
    levels = [(len(m.group(1)), m.group(2)) for m in HEADING.finditer(markdown_of(path))]
    assert levels and levels[0][0] == 1, f"{path.name} must open with one # title"
    assert [lvl for lvl, _ in levels].count(1) == 1, f"{path.name} has more than one # title"
    for (before, _), (level, title) in zip(levels, levels[1:], strict=False):
        assert level <= before + 1, f"{path.name}: {'#' * level} {title} follows a level {before}"


def link_problems(text: str) -> list[str]:
    """Return each link whose text says nothing alone, and each image without alt text."""
    problems = []
    for label, target in LINK.findall(text):
        words = re.sub(r"[*_`]", "", label).strip().lower()
        if words.startswith("!["):  # an image as the link: its alt text is the link text
            words = IMAGE.match(words).group(1).strip()
        if not words or words in VAGUE or re.fullmatch(r"https?://\S+", words):
            problems.append(f"[{label}]({target})")
    problems += [f"![]({src})" for alt, src in IMAGE.findall(text) if not alt.strip()]
    return problems


@pytest.mark.parametrize("path", LESSONS + DOCUMENTS, ids=lambda p: p.stem[:2] if
                         p.suffix == ".ipynb" else p.name)
def test_every_link_text_makes_sense_alone(path: Path) -> None:
    assert link_problems(markdown_of(path)) == [], path.name


def test_vague_link_texts_and_images_without_alt_text_are_caught() -> None:
    text = ("See [here](a.md), [**click here**](b.md), [https://x.org](https://x.org), "
            "[![](badge.svg)](c.md) and ![](d.png); [lesson 02](02.ipynb) is fine.")
    assert link_problems(text) == ["[here](a.md)", "[**click here**](b.md)",
                                   "[https://x.org](https://x.org)", "[![](badge.svg)](c.md)",
                                   "![](badge.svg)", "![](d.png)"]
