"""Every lesson reads well on GitHub, which renders notebooks statically.

GitHub shows the stored outputs (no kernel, no JavaScript, no live widgets), renders
markdown with its own parser and math with ``$...$`` / ``$$...$$`` only. These tests add to
the rendering checks of tests/test_notebooks.py (image links, raw HTML, PNG figures).
"""

from __future__ import annotations

import base64
import re
import struct
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# What GitHub can show, and the fallbacks it uses when it cannot show the rest.
SHOWN = {"text/plain", "image/png", "image/jpeg", "image/svg+xml", "text/html", "text/markdown",
         "text/latex", WIDGET_VIEW}
STATIC = ("image/png", "image/jpeg", "image/svg+xml", "text/html", "text/markdown",
          "text/plain")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 400_000
MAX_PNG_SIDE = 2000
CONTROL = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|[\r\x08]")


def name(nb) -> str:
    return Path(nb.metadata["_path"]).name


def markdown_cells(nb):
    return [c for c in nb.cells if c.cell_type == "markdown"]


def outputs(nb):
    for k, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            yield k, cell, out


# Markdown -----------------------------------------------------------------------------------

# CommonMark with GitHub's tables; its tokens say where code, headings and links are.
MARKDOWN = MarkdownIt("commonmark").enable("table")
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)


def without_code_blocks(source: str) -> str:
    """Markdown with the lines of its fenced and indented code blocks blanked."""
    lines = source.splitlines()
    for token in MARKDOWN.parse(source):
        if token.type in ("fence", "code_block") and token.map:
            for k in range(*token.map):
                lines[k] = ""
    return "\n".join(lines)


def inline_tokens(source: str):
    """Yield every inline token (text, code spans, links...) of markdown ``source``."""
    for token in MARKDOWN.parse(source):
        yield from token.children or []


def prose(source: str) -> str:
    """Markdown without fenced code blocks and inline code spans."""
    text = without_code_blocks(source)
    for token in inline_tokens(source):
        if token.type == "code_inline":
            text = text.replace(f"{token.markup}{token.content}{token.markup}", " ", 1)
    return text


def split_math(source: str) -> tuple[str, list[str], list[str]]:
    """Return (text outside math, display math bodies, inline math bodies) of markdown."""
    text = prose(source)
    display = DISPLAY_MATH.findall(text)
    text = DISPLAY_MATH.sub(" DISPLAYMATH ", text)
    dollars = [m.start() for m in re.finditer(r"(?<!\\)\$", text)]
    if len(dollars) % 2:
        raise AssertionError(f"an odd number of $ signs (unclosed math) in:\n{source[:300]}")
    inline = [text[a + 1:b] for a, b in zip(dollars[::2], dollars[1::2], strict=True)]
    outside = re.sub(r"(?<!\\)\$[^$]*(?<!\\)\$", " INLINEMATH ", text)
    return outside, display, inline


def test_fences_are_closed(nb):
    for cell in markdown_cells(nb):
        opened = [ln for ln in cell.source.splitlines() if ln.lstrip().startswith("```")]
        assert len(opened) % 2 == 0, f"{name(nb)}: unclosed ``` fence in:\n{cell.source[:300]}"


def test_math_uses_dollar_delimiters_github_renders(nb):
    for cell in markdown_cells(nb):
        outside, display, inline = split_math(cell.source)
        for delim in (r"\(", r"\)", r"\[", r"\]"):
            assert delim not in outside, \
                f"{name(nb)}: {delim} math is not rendered on GitHub; use $...$ or $$...$$"
        assert not re.search(r"\\begin\{", outside), \
            f"{name(nb)}: put \\begin{{...}} environments inside $$ ... $$"
        for body in inline:
            assert body.strip(), f"{name(nb)}: empty $$ pair or stray $ in:\n{cell.source[:300]}"
            assert body == body.strip(), \
                f"{name(nb)}: inline math ${body}$ starts or ends with a space; GitHub " \
                "shows it as text"
            assert "\n\n" not in body, f"{name(nb)}: inline math spans a paragraph break"
        for body in display:
            assert body.strip() and "\n\n" not in body, \
                f"{name(nb)}: display math must not be empty or contain a blank line"


LIST_ITEM = re.compile(r"^ {0,3}([-*+]|\d{1,9}[.)])( |$)")


def math_github_breaks(source: str) -> list[str]:
    """Return the math of ``source`` that GitHub's renderer is known to break, described.

    GitHub protects LaTeX from its markdown parser only in part: display math inside a list
    item is not rendered, and ``\\\\`` survives only at the end of a line (write each row of
    ``cases`` on its own line, between ``$$`` lines).
    """
    problems = []
    in_item, previous_blank = False, True
    for line in prose(source).splitlines():
        if LIST_ITEM.match(line):
            in_item = True
        elif not line.strip():
            pass
        elif not line.startswith((" ", "\t")):
            in_item = in_item and not previous_blank
        if in_item and "$$" in line:
            problems.append(f"display math $$ inside a list item: {line.strip()[:60]!r}")
        previous_blank = not line.strip()
    _, display, inline = split_math(source)
    for body in display + inline:
        if re.search(r"\\\\[ \t]*\S", body):
            problems.append(f"\\\\ in the middle of a line of math: {body.strip()[:60]!r}; "
                            "end the line after it")
    return problems


def test_math_is_in_forms_github_renders(nb):
    problems = [f"cell {c.get('id')}: {p}" for c in markdown_cells(nb)
                for p in math_github_breaks(c.source)]
    assert not problems, f"{name(nb)}: GitHub would not render this math: {problems}"


def test_math_github_breaks_finds_the_known_patterns():
    assert math_github_breaks("1. **Step.** the mean:\n   $$a = b$$\n2. next") != []
    assert math_github_breaks("- item\n$$a = b$$") != []  # a lazy continuation line
    assert math_github_breaks("$$f = \\begin{cases} 1 & x \\\\ 0 & y \\end{cases}$$") != []
    assert math_github_breaks("where $\\begin{matrix} a \\\\ b \\end{matrix}$ is") != []
    fine = ("**1. Step.** the mean:\n\n$$a = b$$\n\n- item\n\n$$\n"
            "f = \\begin{cases}\n1 & x > 0 \\\\\n0 & x \\le 0\n\\end{cases}\n$$\n")
    assert math_github_breaks(fine) == []


def headings(markdown: str) -> list[tuple[str, str]]:
    """Return (tag, text) of every heading of ``markdown``, e.g. ("h2", "Summary")."""
    tokens = MARKDOWN.parse(markdown)
    return [(t.tag, tokens[k + 1].content) for k, t in enumerate(tokens)
            if t.type == "heading_open"]


def test_headings_render(nb):
    h1 = []
    for cell in markdown_cells(nb):
        for line in without_code_blocks(cell.source).splitlines():
            assert not re.match(r"#{1,6}[^#\s]", line), \
                f"{name(nb)}: '{line}' needs a space after the #s to be a heading"
        h1 += [text for tag, text in headings(cell.source) if tag == "h1"]
    assert len(h1) == 1, f"{name(nb)}: one title (# ...), then ## sections; found {h1}"


def test_details_blocks_render_their_markdown(nb):
    for cell in markdown_cells(nb):
        text = cell.source
        assert text.count("<details") == text.count("</details>"), name(nb)
        for block in re.findall(r"<details.*?</details>", text, re.S):
            assert re.search(r"</summary>[ \t]*\n[ \t]*\n", block), \
                f"{name(nb)}: leave a blank line after </summary> or GitHub shows raw markdown"
            assert re.search(r"\n[ \t]*\n[ \t]*</details>", block), \
                f"{name(nb)}: leave a blank line before </details>"


def github_slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    return {github_slug(text) for _, text in headings(markdown)}


def link_targets(markdown: str) -> list[str]:
    """Return the targets of the links and images of ``markdown``, as written."""
    return [t.attrGet("href") if t.type == "link_open" else t.attrGet("src")
            for token in inline_tokens(markdown) for t in [token, *(token.children or [])]
            if t.type in ("link_open", "image")]


def test_relative_links_resolve(nb):
    base = Path(nb.metadata["_path"]).parent
    own = anchors("\n".join(c.source for c in markdown_cells(nb)))
    for cell in markdown_cells(nb):
        for target in link_targets(cell.source):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue  # http(s), mailto: checked elsewhere or not at all
            file, _, anchor = target.partition("#")
            path = (base / file).resolve() if file else Path(nb.metadata["_path"])
            assert path.exists(), f"{name(nb)}: link to missing {target}"
            if anchor:
                if path.suffix == ".md":
                    found = anchors(path.read_text(encoding="utf-8"))
                elif path.suffix == ".ipynb":
                    found = own if not file else anchors("\n".join(
                        c.source for c in nbformat.read(path, as_version=4).cells
                        if c.cell_type == "markdown"))
                else:
                    continue
                assert anchor in found, f"{name(nb)}: no heading for #{anchor} in {path.name}"


def table_cells(line: str) -> int:
    return len(line.strip().strip("|").split("|"))


def test_tables_have_a_matching_separator_row(nb):
    for cell in markdown_cells(nb):
        lines = without_code_blocks(cell.source).splitlines()
        for k, line in enumerate(lines):
            if "|" not in line or not re.match(
                    r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", line):
                continue  # not a table's separator row (a rule --- has no pipes)
            assert k > 0 and "|" in lines[k - 1], f"{name(nb)}: a table needs a header row"
            assert table_cells(lines[k - 1]) == table_cells(line), \
                f"{name(nb)}: header and separator of a table differ in columns: {lines[k - 1]}"
            for row in lines[k + 1:]:
                if "|" not in row:
                    break
                assert table_cells(row) == table_cells(line), \
                    f"{name(nb)}: table row with a different number of columns: {row}"


def test_no_raw_or_empty_cells(nb):
    for cell in nb.cells:
        assert cell.cell_type != "raw", f"{name(nb)}: GitHub shows raw cells as plain text"
        assert cell.source.strip(), f"{name(nb)}: an empty {cell.cell_type} cell"


# Outputs ------------------------------------------------------------------------------------

def test_every_output_has_something_github_can_show(nb):
    for k, _, out in outputs(nb):
        if out.output_type not in ("display_data", "execute_result"):
            continue
        data = set(out.get("data", {}))
        assert data <= SHOWN, f"{name(nb)} cell {k}: output types GitHub cannot show: " \
                              f"{sorted(data - SHOWN)}"
        assert data & {"text/plain", "image/png"}, \
            f"{name(nb)} cell {k}: output {sorted(data)} has no text/plain or PNG fallback"


def test_widget_outputs_have_a_static_fallback(nb):
    widget_cells = [k for k, _, out in outputs(nb) if WIDGET_VIEW in out.get("data", {})]
    if not widget_cells:
        return
    for k in widget_cells:
        datas = [o.get("data", {}) for o in nb.cells[k].outputs]
        text = " ".join(str(d.get("text/plain", "")) for d in datas if WIDGET_VIEW in d)
        assert text.strip() or any("image/png" in d for d in datas), \
            f"{name(nb)} cell {k}: a widget alone shows nothing on GitHub; add text or a figure"
        before = [j for j, _, out in outputs(nb) if j < k and "image/png" in out.get("data", {})]
        assert before, f"{name(nb)} cell {k}: show a static figure before the live widget"


def test_no_stored_widget_state(nb):
    """GitHub and Colab do not use it (they show the widget's text); it only adds weight."""
    assert "widgets" not in nb.metadata, \
        f"{name(nb)}: metadata.widgets is stored widget state; run `make outputs`"


def test_shown_text_has_no_terminal_control_codes(nb):
    """Carriage returns, backspaces and colour codes print as garbage in a static page."""
    for k, _, out in outputs(nb):
        if out.output_type == "stream":
            shown = out.text
        elif out.output_type in ("display_data", "execute_result"):
            data = out.get("data", {})
            richer = [m for m in STATIC[:-1] if m in data]
            shown = "" if richer else str(data.get("text/plain", ""))
        else:
            continue
        bad = CONTROL.search(shown)
        assert not bad, f"{name(nb)} cell {k}: control code {bad.group()!r} in {shown[:120]!r}"


def test_no_javascript_outputs(nb):
    for k, _, out in outputs(nb):
        data = out.get("data", {})
        assert "application/javascript" not in data, f"{name(nb)} cell {k}"
        html = str(data.get("text/html", ""))
        assert "<script" not in html.lower(), f"{name(nb)} cell {k}: GitHub drops scripts"


def test_png_figures_are_valid_and_small(nb):
    for k, _, out in outputs(nb):
        png = out.get("data", {}).get("image/png")
        if png is None:
            continue
        raw = base64.b64decode(png if isinstance(png, str) else "".join(png))
        assert raw.startswith(PNG_SIGNATURE), f"{name(nb)} cell {k}: not a PNG"
        width, height = struct.unpack(">II", raw[16:24])
        assert 0 < width <= MAX_PNG_SIDE and 0 < height <= MAX_PNG_SIDE, \
            f"{name(nb)} cell {k}: figure {width}x{height} px"
        assert len(raw) <= MAX_PNG_BYTES, f"{name(nb)} cell {k}: figure of {len(raw)} bytes"


# The helpers of this file -------------------------------------------------------------------

def test_split_math_finds_inline_and_display_math():
    outside, display, inline = split_math(
        "Let $x_1$ and `$not math$` be\n\n$$a \\\\ b$$\n\n```\n$$ code $$\n```\nso $y$.")
    assert inline == ["x_1", "y"] and display == ["a \\\\ b"]
    assert "x_1" not in outside and "not math" not in outside
    with pytest.raises(AssertionError, match="odd number"):
        split_math("costs $5 only")


def test_github_slug():
    assert github_slug("Run it") == "run-it"
    assert github_slug("Lessons") == "lessons"
    assert github_slug("Colab: open a lesson") == "colab-open-a-lesson"


def test_table_cells():
    assert table_cells("| a | b |") == 2 and table_cells("|---|---:|") == 2
