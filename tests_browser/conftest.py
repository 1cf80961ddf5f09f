"""Fixtures of the browser test: one JupyterLab server and one chromium for the whole run."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest

from tools import environment, lab
from tools.nbval_tolerance import checks_of

# The kernel's Python: the project's own (default), or another environment's, e.g. Colab's
# versions (`make test-colab` sets it), for every lesson's kernel.
KERNEL_PYTHON = os.environ.get("LAB_KERNEL_PYTHON") or None
CHECK_TAG = "browser-check"

# Screenshots of each run, in the system temp folder (never in the checkout).
ARTIFACTS = Path(tempfile.gettempdir()) / "mnist-lessons-browser"

# The kernels JupyterLab starts inherit this environment: the same quiet TensorFlow and the
# same MNIST file as `make test`.
environment.apply()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Return the folder for this run's screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def server():
    """Yield JupyterLab on loopback, serving a temporary copy of the lessons."""
    if not Path(lab.CHROMIUM).exists():
        pytest.fail(f"no chromium at {lab.CHROMIUM}: run `make test-browser` (it installs "
                    "chromium where it can, or says what to install), or set CHROMIUM to one")
    with lab.LabServer(lab.lesson_paths(), kernel_python=KERNEL_PYTHON,
                       prepare=with_checks) as running:
        yield running


def with_checks(src: Path, dst: Path) -> None:
    """Copy a lesson, with a code cell after each cell that has "checks" metadata.

    The added cell raises if a check is false, so what `make test` checks after a cell is
    checked in the page too (an error output fails the lesson).
    """
    nb = nbformat.read(src, as_version=4)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        checks = checks_of(cell.metadata, src.name) if cell.cell_type == "code" else []
        if checks:
            source = (f"for _check in {json.dumps(checks)}:\n"
                      "    if not eval(_check):\n"
                      "        raise AssertionError(f\"the cell above fails its check {_check}\")")
            cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": [CHECK_TAG]}))
    nb.cells = cells
    nbformat.write(nb, dst)


@pytest.fixture(scope="session")
def kernel_versions() -> dict[str, str] | None:
    """Return TensorFlow's and Keras' versions on the kernel's Python (None: the project's)."""
    if KERNEL_PYTHON is None:
        return None
    code = "import keras, tensorflow; print(tensorflow.__version__, keras.__version__)"
    out = subprocess.run([KERNEL_PYTHON, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, check=True)
    tf, keras = out.stdout.split()[-2:]
    return {"TensorFlow": tf, "Keras": keras}


@pytest.fixture(scope="session")
def requests_log() -> lab.RequestLog:
    """Return the log of requests the browser was stopped from making (non-loopback)."""
    return lab.RequestLog()


@pytest.fixture(scope="session")
def browser(server, requests_log):
    """Yield a chromium context (fresh profile) that reaches loopback only."""
    with lab.chromium(requests_log) as context:
        yield context
