"""Execute lessons in place, each in a fresh kernel, top to bottom (used by `make outputs`).

Usage: python -m tools.execute notebooks/01_dataset_tour.ipynb [...]
The environment is the one the tests use (tools/environment.py); the kernel is this
interpreter's (sys.executable), as under nbval's --nbval-current-env.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from ipykernel.kernelspec import RESOURCES, get_kernel_dict
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from tools import environment


class ThisInterpreter(KernelSpecManager):
    """Kernel specs that start every kernel on this interpreter, never a user-level 'python3'."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())


def notebook_client(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 1800,
                    **options: object) -> NotebookClient:
    """Return an nbclient that runs ``nb`` in ``cwd`` on this environment's interpreter."""
    km = KernelManager(kernel_spec_manager=ThisInterpreter(), kernel_name="python3")
    return NotebookClient(nb, km=km, timeout=timeout, record_timing=False,
                          resources={"metadata": {"path": str(cwd)}}, **options)


def execute(path: Path, dest: Path | None = None) -> list[str]:
    """Run one notebook in a fresh kernel, write it back (or to ``dest``), return problems."""
    nb = nbformat.read(path, as_version=4)
    # No stored widget state: GitHub and Colab show a widget's text/plain instead, and a
    # running notebook makes its own widgets; the state only added ~130 KB of PNG copies.
    client = notebook_client(nb, path.parent, store_widget_state=False)
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
    environment.apply()
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
