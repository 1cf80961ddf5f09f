"""The README's lessons table gets a thumbnail column once images/thumbnails/NN.png exist."""

from pathlib import Path

from tools import generate

ROOT = Path(__file__).resolve().parents[1]


def test_no_thumbnails_no_column(tmp_path, monkeypatch):
    items = generate.lessons()
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    monkeypatch.setattr(generate, "ROOT", tmp_path)
    table = generate.readme_table(items).splitlines()
    assert table[0] == "| # | Lesson | What you do | Time | |"
    assert "images/thumbnails" not in "\n".join(table)


def test_thumbnail_column_links_each_existing_thumbnail(tmp_path, monkeypatch):
    items = generate.lessons()
    (tmp_path / "images" / "thumbnails").mkdir(parents=True)
    (tmp_path / "images" / "thumbnails" / "01.png").write_bytes(b"png")
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    monkeypatch.setattr(generate, "ROOT", tmp_path)
    table = generate.readme_table(items).splitlines()
    assert table[0].count("|") == table[1].count("|") == 7
    assert all(row.count("|") == 7 for row in table[2:])
    first = table[2]
    assert (f"| [![01 in JupyterLab](images/thumbnails/01.png)](notebooks/{items[0]['file']}) |"
            in first)
    assert "images/thumbnails" not in "\n".join(table[3:])


def test_committed_thumbnails_are_small_pngs():
    thumbs = sorted((ROOT / "images" / "thumbnails").glob("*.png"))
    for path in thumbs:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), path.name
        assert len(data) < 150_000, f"{path.name} is {len(data)} bytes; keep thumbnails small"
        width = int.from_bytes(data[16:20], "big")
        assert 400 <= width <= 560, f"{path.name} is {width} px wide; make it about 480"
