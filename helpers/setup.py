"""One call at the top of every lesson: quiet logs, seeds, determinism and plot style."""

from __future__ import annotations

import os
import random
import sys
import warnings

DEFAULT_SEED = 42

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


def seed_everything(seed: int = DEFAULT_SEED) -> None:
    """Seed Python, NumPy and TensorFlow, and make TensorFlow's ops deterministic."""
    from helpers import validate

    seed = validate.seed(seed)
    quiet_tensorflow_env()
    import keras
    import numpy as np
    import tensorflow as tf

    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def setup_notebook(seed: int = DEFAULT_SEED, *, verbose: bool = True) -> None:
    """Prepare a lesson: silence TensorFlow, seed everything, deterministic ops, plot style.

    Call it in the first code cell, before importing TensorFlow or Keras.
    """
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
    if verbose:
        print(
            f"Ready: seed {seed}, TensorFlow {tf.__version__}, Keras {keras.__version__}, "
            f"NumPy {np.__version__}."
        )
