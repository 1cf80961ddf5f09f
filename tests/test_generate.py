import re
from pathlib import Path

import nbformat
import pytest

from tools import generate

ROOT = Path(__file__).resolve().parents[1]


def tiny_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Why this matters."),
                nbformat.v4.new_code_cell("import numpy as np", metadata={"tags": ["setup"]})]
    nbformat.write(nb, path)


def test_manifest_is_numbered_in_order():
    items = generate.lessons()
    assert [x["number"] for x in items] == [f"{i:02d}" for i in range(1, len(items) + 1)]
    assert len({x["file"] for x in items}) == len(items)


def test_repository_url_written_once():
    url = generate.repo_url()
    assert url.startswith("https://github.com/")
    assert generate.colab_url("01_x.ipynb") == (
        "https://colab.research.google.com/github/"
        f"{url.removeprefix('https://github.com/')}/blob/main/notebooks/01_x.ipynb")


def test_update_notebook_adds_frame_and_is_idempotent(tmp_path):
    items = generate.lessons()
    path = tmp_path / items[1]["file"]
    tiny_notebook(path)
    once = generate.update_notebook(path, items, 1)
    path.write_text(once)
    assert generate.update_notebook(path, items, 1) == once
    nb = nbformat.reads(once, as_version=4)
    assert nb.cells[0].source.startswith(f"# 02 {items[1]['title']}")
    assert f"]({generate.github_url('notebooks/' + items[0]['file'])})" in nb.cells[0].source
    assert f"]({generate.github_url('notebooks/' + items[2]['file'])})" in nb.cells[-1].source
    setup = nb.cells[2].source
    assert setup.startswith("# Where this series' helpers are missing")
    assert setup.endswith(f"{generate.setup_call()}\nimport numpy as np")
    assert f"git+{generate.repo_url()}@v{generate.version()}\"" in setup


def test_links_are_absolute_at_the_ref_so_they_work_in_colab():
    items = generate.lessons()
    base = f"{generate.repo_url()}/blob/{generate.ref()}/"
    for i in range(len(items)):
        text = generate.header(items, i) + "\n" + generate.footer(items, i)
        targets = re.findall(r"\]\(([^)\s]+)\)", text)
        assert targets and all(t.startswith("https://") for t in targets), targets
        assert f"[All lessons]({base}README.md#lessons)" in text
        assert f"[View on GitHub]({base}notebooks/{items[i]['file']})" in generate.header(items, i)
        assert generate.colab_url(items[i]["file"]).endswith(
            f"/blob/{generate.ref()}/notebooks/{items[i]['file']}")


def test_the_ref_must_be_a_branch_or_tag_name(monkeypatch):
    for bad in ("", "../main", "main branch", "-x"):
        monkeypatch.setattr(generate, "_pyproject", lambda bad=bad: {
            "project": {"urls": {"Repository": "https://github.com/a/b"}, "name": "p"},
            "tool": {"lessons": {"ref": bad}}})
        with pytest.raises(generate.ManifestError, match="not a branch or tag name"):
            generate.ref()
    monkeypatch.setattr(generate, "_pyproject", lambda: {
        "project": {"urls": {"Repository": "https://github.com/a/b"}, "name": "p",
                    "version": "1.2.3"},
        "tool": {"lessons": {"ref": "main"}}})
    # links follow the ref; the install follows the version's tag, whatever the ref
    assert generate.helpers_requirement() == "p @ git+https://github.com/a/b@v1.2.3"
    assert generate.colab_url("01_x.ipynb").endswith("/a/b/blob/main/notebooks/01_x.ipynb")


def test_first_and_last_lessons_have_one_sided_links():
    items = generate.lessons()
    assert "←" not in generate.header(items, 0)
    assert "→" not in generate.header(items, len(items) - 1)
    assert "finished the series" in generate.footer(items, len(items) - 1)


def test_readme_table_lists_every_lesson():
    items = generate.lessons()
    text = generate.update_readme(f"x\n{generate.TABLE_START}\nold\n{generate.TABLE_END}\ny", items)
    assert "old" not in text and text.startswith("x\n") and text.endswith("\ny")
    for lesson in items:
        assert f"(notebooks/{lesson['file']})" in text


def test_a_misnumbered_manifest_raises_an_error_not_exit(monkeypatch, tmp_path):
    (tmp_path / "lessons.toml").write_text('[[lesson]]\nfile = "02_x.ipynb"\n')
    monkeypatch.setattr(generate, "ROOT", tmp_path)
    with pytest.raises(generate.ManifestError, match="lesson 1 is 02_x.ipynb; number them"):
        generate.lessons()


def test_the_readme_gives_the_websites_address_from_pyproject():
    from tools import generate

    owner, name = generate.repo_url().removeprefix("https://github.com/").split("/")
    assert generate.site_url() == f"https://{owner}.github.io/{name}/"
    assert f"[the series' website]({generate.site_url()})" in generate.README.read_text()
