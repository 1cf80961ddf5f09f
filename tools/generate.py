"""Write navigation from lessons.toml into the README and every lesson (idempotent).

Usage: python -m tools.generate [--check]
With --check nothing is written; the exit code is 1 if anything would change.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
TABLE_START, TABLE_END = "<!-- lessons:start -->", "<!-- lessons:end -->"
# The setup cell ends with this call; `make generate` rewrites everything up to it.
SETUP_CALL = re.compile(r"helpers\.setup_notebook\([^)\n]*\)")
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
KAGGLE_BADGE = "https://kaggle.com/static/images/open-in-kaggle.svg"


class ManifestError(ValueError):
    """lessons.toml, pyproject.toml, the README or a lesson is not as the generator needs it."""


def lessons() -> list[dict]:
    """Return the manifest's lessons, in order."""
    with open(ROOT / "lessons.toml", "rb") as f:
        items = tomllib.load(f)["lesson"]
    for i, lesson in enumerate(items, start=1):
        if not lesson["file"].startswith(f"{i:02d}_"):
            raise ManifestError(f"lessons.toml: lesson {i} is {lesson['file']}; "
                                "number them in order")
        lesson["number"] = f"{i:02d}"
    return items


def _pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def repo_url() -> str:
    """Return the public repository URL from pyproject.toml ([project.urls] Repository)."""
    return _pyproject()["project"]["urls"]["Repository"].rstrip("/")


def ref() -> str:
    """Return the git ref (branch or tag) the lessons link to and install helpers from."""
    value = _pyproject().get("tool", {}).get("lessons", {}).get("ref", "main")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", value) or ".." in value:
        raise ManifestError(f"pyproject.toml [tool.lessons] ref = {value!r} is not a branch or "
                            "tag name; write e.g. ref = \"main\" or ref = \"v1.0\"")
    return value


def github_url(path: str) -> str:
    """Return the GitHub address of a file of the repository at the ref, e.g. 'README.md'."""
    return f"{repo_url()}/blob/{ref()}/{path}"


def site_url() -> str:
    """Return the GitHub Pages address of the series' website (.github/workflows/pages.yml)."""
    owner, name = repo_url().removeprefix("https://github.com/").split("/")
    return f"https://{owner}.github.io/{name}/"


def colab_url(file: str) -> str:
    """Return the 'Open in Colab' address of a lesson."""
    owner_repo = repo_url().removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{owner_repo}/blob/{ref()}/notebooks/{file}"


def binder_url(file: str) -> str:
    """Return the Binder address that builds the repository at the ref (binder/) and opens a
    lesson in JupyterLab."""
    owner_repo = repo_url().removeprefix("https://github.com/")
    return (f"https://mybinder.org/v2/gh/{owner_repo}/{ref()}"
            f"?urlpath=lab/tree/notebooks/{file}")


def kaggle_url(file: str) -> str:
    """Return the 'Open in Kaggle' address of a lesson (Kaggle imports it from GitHub)."""
    return f"https://kaggle.com/kernels/welcome?src={github_url('notebooks/' + file)}"


def launch_badges(file: str) -> str:
    """Return the Colab, Binder and Kaggle badges of a lesson, each a link that runs it."""
    return (f"[![Open In Colab]({BADGE})]({colab_url(file)}) "
            f"[![Launch Binder]({BINDER_BADGE})]({binder_url(file)}) "
            f"[![Open In Kaggle]({KAGGLE_BADGE})]({kaggle_url(file)})")


def version() -> str:
    """Return the series' version (pyproject.toml): the release every lesson belongs to."""
    return _pyproject()["project"]["version"]


def release_tag() -> str:
    """Return the git tag of this release, e.g. 'v0.1.0'."""
    return f"v{version()}"


def helpers_requirement() -> str:
    """Return the pip requirement that installs the helpers of this release (its git tag).

    A tag, not a branch: a lesson gets the helpers it was written for, whatever main holds
    later. And a tag, not PyPI: the tag names the commit GitHub serves the lesson itself from,
    so the lesson and its helpers come from one commit; it needs no package index (see README,
    "Releases").
    """
    return f"{_pyproject()['project']['name']} @ git+{repo_url()}@{release_tag()}"


def setup_call() -> str:
    """Return the call that ends every setup cell: set up, naming the lesson's release."""
    return f'helpers.setup_notebook(release="{version()}")'


def _link(lesson: dict) -> str:
    """Return an absolute link to a lesson: it works in Colab and Kaggle as on GitHub."""
    return f"[{lesson['number']} {lesson['title']}]({github_url('notebooks/' + lesson['file'])})"


def contents_link() -> str:
    """Return the absolute link to the README's lessons table."""
    return f"[All lessons]({github_url('README.md')}#lessons)"


def header(items: list[dict], i: int) -> str:
    """Return the title cell: title, Colab, Binder, Kaggle and GitHub links, previous/All lessons/
    next links."""
    lesson = items[i]
    nav = [f"{launch_badges(lesson['file'])} "
           f"[View on GitHub]({github_url('notebooks/' + lesson['file'])})"]
    if i > 0:
        nav.append(f"← {_link(items[i - 1])}")
    nav.append(contents_link())
    if i + 1 < len(items):
        nav.append(f"{_link(items[i + 1])} →")
    return f"# {lesson['number']} {lesson['title']}\n\n" + " · ".join(nav)


def footer(items: list[dict], i: int) -> str:
    """Return the closing navigation cell."""
    parts = []
    if i + 1 < len(items):
        nxt = items[i + 1]
        parts.append(f"**Next:** {_link(nxt)}: {nxt['summary']}")
    else:
        parts.append("**You have finished the series.** Next steps, all outside this "
                     f"repository: [Where to go from here]({github_url('README.md')}"
                     "#where-to-go-from-here).")
    back = f"← {_link(items[i - 1])} · " if i > 0 else ""
    parts.append(f"{back}{contents_link()}")
    return "\n\n".join(parts)


def setup_prefix() -> str:
    """Return the first lines of every setup cell: install helpers if missing, then set up."""
    return (
        "# Where this series' helpers are missing (Colab, Kaggle, a lone notebook), install\n"
        "# this lesson's release of them; `make lab` and Binder have installed them already.\n"
        "import importlib\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        "try:\n"
        "    import helpers\n"
        "except ModuleNotFoundError as missing:\n"
        "    if missing.name != \"helpers\":\n"
        "        raise\n"
        f"    HELPERS = \"{helpers_requirement()}\"\n"
        "    print(f\"Installing {HELPERS} (once per session) ...\")\n"
        "    pip = subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", HELPERS],\n"
        "                         capture_output=True, text=True)\n"
        "    if pip.returncode != 0:\n"
        "        print(pip.stdout, pip.stderr, sep=\"\\n\")\n"
        "        raise RuntimeError(\n"
        "            \"pip could not install the helpers; its output is above. Check that \"\n"
        "            \"this notebook can reach github.com (on Kaggle: Settings, Internet \"\n"
        "            \"on), then run this cell again. On your own computer: `pip install \"\n"
        "            \"-e .` in a clone of the repository.\") from None\n"
        "    importlib.invalidate_caches()\n"
        "    import helpers\n"
        "\n"
        f"{setup_call()}"
    )


def _tagged(nb: nbformat.NotebookNode, tag: str) -> list[int]:
    return [k for k, c in enumerate(nb.cells) if tag in c.get("metadata", {}).get("tags", [])]


def _set_cell(nb: nbformat.NotebookNode, tag: str, source: str, where: str) -> None:
    """Set the source of the cell tagged ``tag``, creating it at ``where`` if missing."""
    found = _tagged(nb, tag)
    if found:
        nb.cells[found[0]].source = source
        return
    cell = nbformat.v4.new_markdown_cell(source, metadata={"tags": [tag]})
    cell["id"] = tag  # stable ids keep regenerated notebooks byte-identical
    if where == "top":
        nb.cells.insert(0, cell)
    else:
        nb.cells.append(cell)


def update_notebook(path: Path, items: list[dict], i: int) -> str:
    """Return the notebook's JSON text with its generated parts brought up to date."""
    nb = nbformat.read(path, as_version=4)
    _set_cell(nb, "nav-header", header(items, i), "top")
    _set_cell(nb, "nav-footer", footer(items, i), "bottom")
    setup = _tagged(nb, "setup")
    if not setup:
        raise ManifestError(f"{path.name}: no code cell tagged 'setup'; tag the setup cell")
    cell = nb.cells[setup[0]]
    found = SETUP_CALL.search(cell.source)
    rest = cell.source[found.end():] if found else "\n" + cell.source
    cell.source = setup_prefix() + rest
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def readme_table(items: list[dict]) -> str:
    """Return the README's lessons table (with a thumbnail column once thumbnails exist)."""
    thumbs = {x["number"]: f"images/thumbnails/{x['number']}.png" for x in items
              if (ROOT / "images" / "thumbnails" / f"{x['number']}.png").exists()}
    if thumbs:
        rows = ["| # | Lesson | | What you do | Time | |", "|---|---|---|---|---|---|"]
    else:
        rows = ["| # | Lesson | What you do | Time | |", "|---|---|---|---|---|"]
    for lesson in items:
        link = f"notebooks/{lesson['file']}"
        thumb = ""
        if thumbs:
            thumb = (f" [![{lesson['number']} in JupyterLab]({thumbs[lesson['number']]})]"
                     f"({link}) |" if lesson["number"] in thumbs else " |")
        rows.append(
            f"| {lesson['number']} | [{lesson['title']}]({link}) |{thumb} "
            f"{lesson['summary']} | {lesson['minutes']} min | "
            f"{launch_badges(lesson['file'])} |"
        )
    return "\n".join(rows)


def update_readme(text: str, items: list[dict]) -> str:
    """Return the README text with the lessons table between its markers replaced."""
    pattern = re.compile(re.escape(TABLE_START) + r".*?" + re.escape(TABLE_END), re.S)
    if not pattern.search(text):
        raise ManifestError(f"README.md has no {TABLE_START} ... {TABLE_END} markers")
    website = (f"\n\nThe same lessons as a website, with search and every figure described: "
               f"[the series' website]({site_url()}) (`make book` builds it).")
    return pattern.sub(lambda _: f"{TABLE_START}\n{readme_table(items)}{website}\n{TABLE_END}",
                       text)


def planned_changes() -> dict[Path, str]:
    """Return {path: new text} for every generated file that is out of date."""
    items = lessons()
    changes: dict[Path, str] = {}
    for i, lesson in enumerate(items):
        path = NOTEBOOKS / lesson["file"]
        if not path.exists():
            continue  # a lesson still being written
        new = update_notebook(path, items, i)
        if new != path.read_text(encoding="utf-8"):
            changes[path] = new
    if README.exists():
        old = README.read_text(encoding="utf-8")
        new = update_readme(old, items)
        if new != old:
            changes[README] = new
    return changes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report drift")
    args = parser.parse_args()
    try:
        changes = planned_changes()
    except ManifestError as exc:
        print(f"make generate: {exc}", file=sys.stderr)
        return 1
    for path, text in changes.items():
        rel = path.relative_to(ROOT)
        if args.check:
            print(f"out of date: {rel} (run `make generate`)")
        else:
            path.write_text(text, encoding="utf-8")
            print(f"updated {rel}")
    return 1 if (args.check and changes) else 0


if __name__ == "__main__":
    sys.exit(main())
