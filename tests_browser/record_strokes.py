"""Record lesson 07's stored drawings: draw each digit with the mouse on the pad, save its strokes.

Runs JupyterLab in headless chromium (as `make test-browser` does) on a scratch notebook that
shows the pad for lesson 05's network (from the cache: run lesson 05 or lesson 07 once first),
drags the mouse along the paths of `pad.DIGITS`, and writes the strokes the pad recorded to
helpers/strokes/<name>.json. Usage: .venv/bin/python tests_browser/record_strokes.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pad

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "helpers" / "strokes"
NOTE = ("Drawn with a mouse on lesson 07's pad in chromium: a program (Playwright, "
        "tests_browser/record_strokes.py) dragged the pointer along hand-planned way-points; "
        "these are the strokes the pad recorded.")


def scratch_notebook(folder: Path, current: Path) -> Path:
    """Write a notebook that shows the pad and saves its strokes to ``current`` on each change."""
    source = f"""import helpers
helpers.setup_notebook(verbose=False)
import json
from helpers import drawing, models
pad = drawing.DrawingPad(models.load_lesson05_model())
pad.widget.observe(lambda change: open({str(current)!r}, "w").write(json.dumps(change["new"])),
                   names="strokes")
pad"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = folder / "record_pad.ipynb"
    nbformat.write(nb, path)
    return path


def main() -> int:
    """Draw every digit of pad.DIGITS on the pad and save the strokes it recorded."""
    from helpers import drawing

    # Run as a script, only tests_browser/ is on sys.path: the JupyterLab driver is in tools/.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tools import lab

    folder = Path(tempfile.mkdtemp(prefix="record-strokes-"))
    current = folder / "current.json"
    notebook = scratch_notebook(folder, current)
    with lab.LabServer([notebook]) as server, lab.chromium() as context:
        page = lab.Lesson(context, server, notebook.name)
        page.run_all(timeout=300)
        canvas = page.page.locator("canvas.mnist-pad-canvas")
        canvas.wait_for(timeout=120_000)
        for name, (digit, strokes) in pad.DIGITS.items():
            page.page.locator("button.mnist-pad-clear").click()
            page.page.wait_for_timeout(500)
            pad.draw(page.page, canvas, strokes)
            deadline = time.monotonic() + 60
            recorded: list = []
            while time.monotonic() < deadline:
                page.page.wait_for_timeout(300)
                recorded = json.loads(current.read_text()) if current.exists() else []
                if len(recorded) == len(strokes):
                    break
            reading = page.page.locator(".mnist-pad-reading").inner_text()
            path = drawing.save_strokes(OUT / f"{name}.json", digit, recorded, note=NOTE)
            print(f"{name}: {len(recorded)} strokes, {path.stat().st_size} bytes; pad: {reading}")
        page.page.screenshot(path=str(folder / "pad.png"))
        print(f"screenshot: {folder / 'pad.png'}")
        page.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
