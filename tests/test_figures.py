"""images/ is made by tools/figures.py from helpers: the script runs and the README uses it."""

from pathlib import Path

from tools import figures

ROOT = Path(__file__).resolve().parents[1]

PNG = b"\x89PNG\r\n\x1a\n"


def test_script_writes_every_figure_as_a_png(tmp_path, capsys):
    assert figures.main(["--out", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(figures.FIGURES)
    for name in written:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000, name
    assert capsys.readouterr().out.count("wrote ") == len(figures.FIGURES)


def test_committed_images_are_the_scripts_and_the_readme_shows_the_banner():
    committed = {p.name for p in (ROOT / "images").glob("*.png")}
    assert set(figures.FIGURES) <= committed, "run `make images` and commit images/"
    assert "](images/digits.png)" in (ROOT / "README.md").read_text(encoding="utf-8")
