"""tools/book.py writes the website's pages: links between pages, text links, a contents."""

from __future__ import annotations

import nbformat
import pytest
import yaml

from tools import book, generate

LESSONS = {lesson["file"] for lesson in generate.lessons()}
GITHUB = generate.github_url("")


def test_a_lesson_title_keeps_its_launch_links_as_text_and_links_pages_in_the_site() -> None:
    first = generate.lessons()[0]["file"]
    title = generate.header(generate.lessons(), 1)
    text = book.rewrite_markdown(title, LESSONS, "notebooks")
    assert "](https://colab.research.google.com/github/" in text
    assert "[Open In Colab](" in text and "[Launch Binder](" in text
    assert "[Open In Kaggle](" in text and "![" not in text  # no image from elsewhere
    assert f"[View on GitHub]({GITHUB}notebooks/" in text  # GitHub stays GitHub
    assert f"[01 Dataset tour: meet MNIST]({first})" in text  # the previous lesson's page
    assert "[All lessons](index.md#lessons)" in text
    assert ") · [Launch Binder]" in text  # side-by-side links get a separator


def test_links_to_files_outside_the_site_go_to_github_and_images_stay() -> None:
    text = ("[TEACHING.md](TEACHING.md), [the record](tests/portability/observations.json), "
            "[lesson 03](notebooks/03_activation_functions.ipynb#summary), "
            "[Keras](https://keras.io/), [top](#lessons) and ![digits](images/digits.png)")
    out = book.rewrite_markdown(text, LESSONS)
    assert "[TEACHING.md](teaching.md)" in out
    assert f"[the record]({GITHUB}tests/portability/observations.json)" in out
    assert "[lesson 03](03_activation_functions.ipynb#summary)" in out
    assert "[Keras](https://keras.io/)" in out and "[top](#lessons)" in out
    assert "![digits](images/digits.png)" in out


def test_the_sources_are_every_lesson_readme_and_teaching_in_the_manifests_order(tmp_path):
    names = book.write_sources(tmp_path / "src")
    src = tmp_path / "src"
    assert names == [f.removesuffix(".ipynb") for f in sorted(LESSONS)]
    toc = yaml.safe_load((src / "_toc.yml").read_text())
    assert toc["root"] == "index"
    assert [c["file"] for c in toc["parts"][0]["chapters"]] == names
    assert toc["parts"][1]["chapters"] == [{"file": "teaching"}]
    assert (src / "index.md").read_text().startswith("# Neural networks on MNIST")
    config = (src / "_config.yml").read_text()
    assert f"url: {generate.repo_url()}" in config and "REPOSITORY" not in config
    assert (src / "images" / "digits.png").exists()
    home = (src / "index.md").read_text()
    assert "## Lessons" in home and "### Releases" in home  # teachers freeze a term with it
    assert "## How the tests work" not in home and "README on GitHub" in home
    nb = nbformat.read(src / sorted(LESSONS)[1], as_version=4)
    assert "](index.md#lessons)" in nb.cells[0].source
    assert nb.cells[0].source.count("](https://github.com/") == 1  # only View on GitHub


def test_building_without_jupyter_book_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(book, "JUPYTER_BOOK", tmp_path / "missing" / "jupyter-book")
    with pytest.raises(book.BookError, match="run `make book`"):
        book.build(tmp_path)
