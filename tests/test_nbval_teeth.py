"""nbval has teeth: change one stored output of a lesson and nbval must fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "notebooks" / "01_dataset_tour.ipynb"


def first_cells_with_printed_output(n_code: int = 4) -> tuple[nbformat.NotebookNode, int]:
    """Return lesson 01 cut after its first code cells, and a kept cell that prints text."""
    nb = nbformat.read(LESSON, as_version=4)
    kept, n, target = [], 0, None
    for cell in nb.cells:
        kept.append(cell)
        if cell.cell_type != "code":
            continue
        n += 1
        if n > 1 and target is None and any(o.output_type == "stream" for o in cell.outputs):
            target = len(kept) - 1
        if n >= n_code and target is not None:
            break
    assert target is not None, "lesson 01 should print something early"
    nb.cells = kept
    return nb, target


def run_nbval(path: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
           "--nbval", "--nbval-current-env",
           "--nbval-sanitize-with", str(ROOT / "tests" / "sanitize.cfg"), str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=path.parent, timeout=600)


@pytest.fixture(scope="module")
def cut_lesson(tmp_path_factory):
    return first_cells_with_printed_output()


def test_unchanged_copy_passes(cut_lesson, tmp_path):
    nb, _ = cut_lesson
    path = tmp_path / "copy.ipynb"
    nbformat.write(nb, path)
    proc = run_nbval(path)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_one_changed_output_fails(cut_lesson, tmp_path):
    nb, target = cut_lesson
    stream = next(o for o in nb.cells[target].outputs if o.output_type == "stream")
    original = stream.text
    stream.text = original.replace("0", "1", 1) if "0" in original else original + "!"
    assert stream.text != original
    path = tmp_path / "tampered.ipynb"
    nbformat.write(nb, path)
    proc = run_nbval(path)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "1 failed" in proc.stdout
    assert "output mismatch" in proc.stdout.lower() or "mismatch" in proc.stdout.lower()
