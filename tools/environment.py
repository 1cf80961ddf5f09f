"""The environment every lesson runs in, for the tests, the tools and the Makefile: one place.

Quiet TensorFlow (``helpers.setup.TF_ENV``), a fixed hash seed, and ``MNIST_PATH`` falling back
to the offline copy beside this checkout (``../shared/data/mnist.npz``) when nothing is set.
The fixed variables always win (a machine's own TF_ENABLE_ONEDNN_OPTS=1 would move the numbers);
an ``MNIST_PATH`` the caller has set is kept.

Usage: python -m tools.environment   prints the NAME=value lines to add (the Makefile exports them)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from helpers.data import MNIST_ENV
from helpers.setup import TF_ENV

ROOT = Path(__file__).resolve().parents[1]
SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist.npz"
FIXED = {"PYTHONHASHSEED": "0", **TF_ENV}


def lesson_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return ``base`` (default: this process's environment) with the lessons' variables added."""
    env = dict(os.environ if base is None else base)
    env.update(FIXED)
    if not env.get(MNIST_ENV) and SHARED_MNIST.exists():
        env[MNIST_ENV] = str(SHARED_MNIST)
    return env


READ_OUT = "MNIST_NN_READ_OUT"  # helpers.plots.read_out: printed alt text, never stored


def apply() -> None:
    """Add the lessons' variables to this process's environment (kernels it starts inherit them).

    Outputs made or checked here (make outputs, make test, the browser tests) never hold the
    alt text read-out lines of ``$MNIST_NN_READ_OUT``, a reader's setting: it is removed.
    """
    os.environ.update(lesson_environment())
    os.environ.pop(READ_OUT, None)


def main() -> int:
    added = {k: v for k, v in lesson_environment().items() if os.environ.get(k) != v}
    for key, value in added.items():
        print(f"{key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
