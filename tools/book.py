"""Build the series' website (`make book`): the lessons with their stored outputs, README.md
and TEACHING.md, with Jupyter Book 1.x (Sphinx), offline.

Usage: python -m tools.book [--out DIR]

The pages are written into DIR/src from the repository (nothing is kept by hand there):
book/ (configuration, stylesheet, the local Sphinx extension), a table of contents from
lessons.toml, and every page's links turned into links between the site's pages where the
page is part of the site (GitHub's address of a lesson, README.md, TEACHING.md), GitHub's
address otherwise. The launch badges become text links: the site loads nothing from elsewhere.
Then `jupyter-book build` (from .venv-book) writes DIR/_build/html. Nothing is executed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from tools import generate

ROOT = generate.ROOT
BOOK = ROOT / "book"
OUT = ROOT / "_build" / "book"
JUPYTER_BOOK = ROOT / ".venv-book" / "bin" / "jupyter-book"
PAGES = {"README.md": "index.md", "TEACHING.md": "teaching.md"}  # file -> page in the site
# README sections for the series' developers, not its readers: left out of the home page.
DEVELOPERS = ("How the tests work",)
LINK = re.compile(r"(?<!!)\[((?:!\[[^\]]*\]\([^)]*\))|[^\]]*)\]\(([^)\s]+)\)")
BADGE_LINK = re.compile(r"^!\[([^\]]*)\]\(https?://[^)]*\)$")  # an image from elsewhere


class BookError(RuntimeError):
    """The site could not be built; the message says why and what to do."""


def page_target(path: str, lesson_files: set[str]) -> str | None:
    """Return the site page for a repository file (``path``, no anchor), or None."""
    if path.startswith("notebooks/") and path[len("notebooks/"):] in lesson_files:
        return path[len("notebooks/"):]
    return PAGES.get(path)


def rewrite_link(target: str, lesson_files: set[str], here: str = "") -> str:
    """Return where a link of a page at ``here`` (a repository folder) should point in the site."""
    base = generate.github_url("")
    path, anchor = (target.split("#", 1) + [""])[:2]
    if path.startswith(base):
        path = path[len(base):]
    elif re.match(r"[a-z]+:", path) or not path:
        return target  # another site, mail, or an anchor on this page
    else:
        path = str(Path(here, path)) if here else path
    page = page_target(path, lesson_files)
    if page is None:
        if path.startswith("images/"):
            return target  # copied into the site
        return generate.github_url(path) + (f"#{anchor}" if anchor else "")
    return page + (f"#{anchor}" if anchor else "")


def rewrite_markdown(text: str, lesson_files: set[str], here: str = "") -> str:
    """Return ``text`` with its links rewritten for the site and badges as text links."""
    def replace(match: re.Match) -> str:
        label, target = match.group(1), match.group(2)
        badge = BADGE_LINK.match(label)
        if badge:
            label = badge.group(1)  # "Open In Colab": a text link, no image from elsewhere
        if "GitHub" in label:  # "View on GitHub" leads to GitHub, not to this page
            return f"[{label}]({target})"
        return f"[{label}]({rewrite_link(target, lesson_files, here)})"

    # Links side by side (the launch links of a lesson's title) get a separator, as text.
    return re.sub(r"(\]\([^)\s]+\)) (?=\[)", r"\1 · ", LINK.sub(replace, text))


def home_page(readme: str) -> str:
    """Return README.md without its sections for developers, pointing to them on GitHub."""
    kept, skip_below, fenced = [], 0, False
    for line in readme.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        heading = re.match(r"(#{1,6}) (.+)", line) if not fenced else None
        if heading:
            level = len(heading.group(1))
            if not skip_below or level <= skip_below:
                skip_below = level if heading.group(2).strip() in DEVELOPERS else 0
        if not skip_below:
            kept.append(line)
    names = " and ".join(f'"{name}"' for name in DEVELOPERS)
    return ("".join(kept).rstrip() + f"\n\nFor the series' developers: {names} (what a green "
            f"`make test` means, the browser tests), in the "
            f"[README on GitHub]({generate.github_url('README.md')}).\n")


def write_sources(src: Path) -> list[str]:
    """Write the site's pages into ``src``; return the lessons' page names, in order."""
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(BOOK, src)
    config = (src / "_config.yml").read_text(encoding="utf-8")
    config = config.replace("REPOSITORY_URL", generate.repo_url())
    (src / "_config.yml").write_text(config.replace("REPOSITORY_REF", generate.ref()),
                                     encoding="utf-8")
    shutil.copytree(ROOT / "images", src / "images")
    items = generate.lessons()
    files = {lesson["file"] for lesson in items}
    for lesson in items:
        nb = nbformat.read(generate.NOTEBOOKS / lesson["file"], as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = rewrite_markdown(cell.source, files, "notebooks")
        nbformat.write(nb, src / lesson["file"])
    for name, page in PAGES.items():
        text = (ROOT / name).read_text(encoding="utf-8")
        text = home_page(text) if name == "README.md" else text
        (src / page).write_text(rewrite_markdown(text, files), encoding="utf-8")
    chapters = "".join(f"  - file: {Path(lesson['file']).stem}\n" for lesson in items)
    (src / "_toc.yml").write_text(
        "# Written by tools/book.py from lessons.toml.\nformat: jb-book\nroot: index\n"
        f"parts:\n- caption: Lessons\n  chapters:\n{chapters}"
        "- caption: For teachers\n  chapters:\n  - file: teaching\n", encoding="utf-8")
    return [Path(lesson["file"]).stem for lesson in items]


def build(out: Path = OUT) -> Path:
    """Write the pages into ``out``/src and build the site; return its html folder."""
    if not JUPYTER_BOOK.exists():
        raise BookError(f"{JUPYTER_BOOK} is missing: run `make book`, which "
                        "installs Jupyter Book from requirements-book.txt first.")
    src = out / "src"
    write_sources(src)
    html = out / "_build" / "html"
    if html.exists():
        shutil.rmtree(html)
    # -W: a warning (a broken link between pages, a missing image) fails the build.
    run = subprocess.run([str(JUPYTER_BOOK), "build", str(src), "--path-output", str(out),
                          "-W", "-n", "--keep-going", "-q"], capture_output=True, text=True)
    if run.returncode != 0:
        raise BookError(f"jupyter-book build failed:\n{run.stdout}\n{run.stderr}")
    return html


def main(argv: list[str] | None = None) -> int:
    """Build the site and print where it is."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="build folder (default %(default)s)")
    args = parser.parse_args(argv)
    try:
        html = build(args.out)
    except BookError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"The site is in {html}: open {html / 'index.html'}, or serve it with "
          f"`python -m http.server -d {html}`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
