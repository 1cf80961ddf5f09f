"""Shared fixtures: the real MNIST, loaded once per test session, and each lesson."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import generate  # noqa: E402

LESSON_PATHS = [ROOT / "notebooks" / lesson["file"] for lesson in generate.lessons()]

# The environment (quiet TensorFlow, MNIST_PATH) is set by the root conftest.py.


@pytest.fixture(scope="session")
def mnist():
    """Return ``(x_train, y_train), (x_test, y_test)`` of the real MNIST."""
    from helpers.data import load_mnist

    return load_mnist()


@pytest.fixture(scope="session")
def mnist_path() -> Path:
    """Return the path of the real mnist.npz the tests use."""
    path = os.environ.get("MNIST_PATH")
    if not path:
        pytest.fail("Set MNIST_PATH to a local mnist.npz (see README, 'Offline use').")
    return Path(path)


@pytest.fixture(scope="module", params=LESSON_PATHS, ids=[p.stem for p in LESSON_PATHS])
def nb(request):
    """Return each lesson of lessons.toml as read by nbformat (its path in metadata._path)."""
    path = request.param
    assert path.exists(), f"{path.name} is listed in lessons.toml but does not exist"
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["_path"] = str(path)
    return notebook
