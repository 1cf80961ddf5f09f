"""Shared fixtures: the real MNIST, loaded once per test session, and each lesson."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

try:
    import check_recorder
except ModuleNotFoundError:  # --import-mode=importlib (make test-colab): no check tests run
    check_recorder = None

ROOT = Path(__file__).resolve().parents[1]

# Record what each lesson check returns in the check tests, before they import the checks.
if check_recorder is not None:
    check_recorder.install()


def pytest_deselected(items) -> None:
    """Note the files whose tests were deselected: their check record is partial."""
    if check_recorder is not None:
        check_recorder.DESELECTED.update(str(item.path) for item in items)

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


def pytest_generate_tests(metafunc) -> None:
    """Give a test that takes ``nb`` each lesson of lessons.toml.

    The manifest is read here, only for such tests: `make test-colab` runs tests of the
    installed helpers where this checkout's tools/ cannot be imported.
    """
    if "nb" in metafunc.fixturenames:
        from tools import generate

        paths = [ROOT / "notebooks" / lesson["file"] for lesson in generate.lessons()]
        metafunc.parametrize("nb", paths, ids=[p.stem for p in paths], indirect=True,
                             scope="module")


@pytest.fixture(scope="module")
def nb(request):
    """Return each lesson of lessons.toml as read by nbformat (its path in metadata._path)."""
    path = request.param
    assert path.exists(), f"{path.name} is listed in lessons.toml but does not exist"
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["_path"] = str(path)
    return notebook


@pytest.fixture(autouse=True)
def _unit_tests_at_the_written_seeds(monkeypatch):
    """Run every test here with the seeds as written, whatever MNIST_NN_SEED_OFFSET says.

    The offset stands in for another machine's training drift in the lessons (nbval); the
    helpers' own tests check behaviour at known seeds, and the processes they start inherit
    this environment.
    """
    from helpers.setup import SEED_OFFSET_ENV

    monkeypatch.delenv(SEED_OFFSET_ENV, raising=False)
