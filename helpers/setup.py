"""One call at the top of every lesson: quiet logs, seeds, determinism and plot style."""

from __future__ import annotations

import os
import random
import re
import sys
import warnings

DEFAULT_SEED = 42
SEED_OFFSET_ENV = "MNIST_NN_SEED_OFFSET"  # shifts every training seed (another run's chaos)

# Environment that must be in place before TensorFlow is first imported.
TF_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # C++ log lines (INFO, WARNING, ERROR) off
    "TF_ENABLE_ONEDNN_OPTS": "0",  # removes the oneDNN start-up notice; steadier numbers
    "KERAS_BACKEND": "tensorflow",
}


def quiet_tensorflow_env() -> None:
    """Set the environment variables that silence TensorFlow; call before importing it."""
    if "tensorflow" in sys.modules and os.environ.get("TF_CPP_MIN_LOG_LEVEL") != "3":
        warnings.warn(
            "TensorFlow was imported before helpers.setup_notebook(), so its log lines "
            "cannot be silenced. Restart the kernel and run the setup cell first.",
            stacklevel=3,
        )
    os.environ.update(TF_ENV)


def seed_offset() -> int:
    """Return ``$MNIST_NN_SEED_OFFSET`` (a whole number >= 0; 0 when unset)."""
    raw = os.environ.get(SEED_OFFSET_ENV, "").strip()
    try:
        value = int(raw or 0)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(f"{SEED_OFFSET_ENV}={raw!r} must be a whole number >= 0 (it is added "
                         f"to every training seed); unset it, or set e.g. {SEED_OFFSET_ENV}=3.")
    return value


def training_seed(seed: int) -> int:
    """Return the seed that training uses for ``seed``: ``seed`` plus ``seed_offset()``."""
    from helpers import validate

    return validate.seed(seed) + seed_offset()


def seed_everything(seed: int = DEFAULT_SEED) -> None:
    """Seed Python, NumPy and TensorFlow, and make TensorFlow's ops deterministic.

    The seed used is ``training_seed(seed)``: ``seed`` unless ``$MNIST_NN_SEED_OFFSET`` is set.
    """
    seed = training_seed(seed)
    quiet_tensorflow_env()
    import keras
    import numpy as np
    import tensorflow as tf

    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def setup_notebook(seed: int = DEFAULT_SEED, *, verbose: bool = True,
                   release: str | None = None) -> None:
    """Prepare a lesson: silence TensorFlow, seed everything, deterministic ops, plot style.

    Call it in the first code cell, before importing TensorFlow or Keras. ``release`` is the
    series' version the lesson was written for: another installed release is named, with the fix.
    """
    skew = release_skew(release) if release is not None else None
    quiet_tensorflow_env()
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
    seed_everything(seed)

    import keras
    import numpy as np
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    np.set_printoptions(precision=4, suppress=True, linewidth=120)

    from helpers.plots import set_style

    set_style()
    from helpers import __version__

    if verbose:
        print(
            f"Ready: helpers {__version__}, seed {training_seed(seed)}, "
            f"TensorFlow {tf.__version__}, Keras {keras.__version__}, NumPy {np.__version__}."
        )
    if skew:
        print(skew, file=sys.stderr)


def repository() -> str:
    """Return the series' repository URL, from the installed package's metadata."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("mnist-nn-helpers").get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    for entry in urls:
        name, _, url = entry.partition(",")
        if name.strip().lower() == "repository":
            return url.strip()
    return "<the series' repository>"


def release_skew(release: str) -> str | None:
    """Return what to do when the installed helpers are not the lesson's release, else None."""
    if not isinstance(release, str) or not re.fullmatch(r"\d+\.\d+\.\d+", release):
        raise ValueError(f"release must be a version X.Y.Z such as '0.1.0', got {release!r}: "
                         "the lesson's setup cell names the release it was written for")
    from helpers import __version__

    if release == __version__:
        return None
    repo = repository()
    return (f"This lesson was written for release {release} of the helpers, but release "
            f"{__version__} is installed, so a later cell may fail. Either install the "
            f'lesson\'s release in this notebook:\n    %pip install "mnist-nn-helpers @ '
            f'git+{repo}@v{release}"\nor, in a clone of the repository, `git checkout '
            f"v{release}`; then restart the kernel (Colab: Runtime > Restart session) and run "
            f"the lesson again. Or open the lessons of the installed release: "
            f"{repo}/tree/v{__version__}/notebooks")
