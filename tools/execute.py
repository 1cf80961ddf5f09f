"""Execute lessons in place, each in a fresh kernel, top to bottom (used by `make outputs`).

Usage: python -m tools.execute notebooks/01_dataset_tour.ipynb [...]
The environment is the one the tests use (the Makefile exports it).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path, dest: Path | None = None) -> list[str]:
    """Run one notebook in a fresh kernel, write it back (or to ``dest``), return problems."""
    nb = nbformat.read(path, as_version=4)
    # No stored widget state: GitHub and Colab show a widget's text/plain instead, and a
    # running notebook makes its own widgets; the state only added ~130 KB of PNG copies.
    client = NotebookClient(nb, timeout=1800, kernel_name="python3", record_timing=False,
                            store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nb.metadata.pop("widgets", None)
    problems = []
    for k, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"{path.name} cell {k}: stderr: {out.get('text', '')[:300]!r}")
    target = dest or path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return problems


def main(paths: list[str]) -> int:
    problems: list[str] = []
    for p in paths:
        start = time.perf_counter()
        print(f"executing {p} ...", flush=True)
        problems += execute(Path(p))
        print(f"  done in {time.perf_counter() - start:.0f} s", flush=True)
    for line in problems:
        print("PROBLEM:", line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
