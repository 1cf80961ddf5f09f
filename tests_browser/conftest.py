"""Fixtures of the browser test: one JupyterLab server and one chromium for the whole run."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tools import environment, lab

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
    with lab.LabServer(lab.lesson_paths()) as running:
        yield running


@pytest.fixture(scope="session")
def requests_log() -> lab.RequestLog:
    """Return the log of requests the browser was stopped from making (non-loopback)."""
    return lab.RequestLog()


@pytest.fixture(scope="session")
def browser(server, requests_log):
    """Yield a chromium context (fresh profile) that reaches loopback only."""
    with lab.chromium(requests_log) as context:
        yield context
