import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import generate  # noqa: E402


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
    assert f"]({items[0]['file']})" in nb.cells[0].source
    assert f"]({items[2]['file']})" in nb.cells[-1].source
    setup = nb.cells[2].source
    assert setup.startswith("# In Colab")
    assert setup.endswith("helpers.setup_notebook()\nimport numpy as np")
    assert f"git+{generate.repo_url()}" in setup


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
