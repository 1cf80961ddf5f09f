import os
import subprocess
import sys

import numpy as np
import pytest

import helpers
from helpers import setup

CLEAN_ENV = {k: v for k, v in os.environ.items()
             if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "KERAS_BACKEND",
                          setup.SEED_OFFSET_ENV)}


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=CLEAN_ENV, timeout=300)


def test_setup_notebook_is_quiet_from_a_fresh_process():
    # Import TensorFlow, build and train a model: nothing may reach stderr.
    proc = run_python(
        "import helpers; helpers.setup_notebook()\n"
        "import numpy as np, keras, tensorflow as tf\n"
        "from helpers.training import EpochLog\n"
        "m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation='softmax')])\n"
        "m.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy'])\n"
        "m.fit(np.ones((8, 4)), np.zeros(8), epochs=2, verbose=0, callbacks=[EpochLog()])\n"
        "from tensorflow.python.framework import config\n"
        "assert config.is_op_determinism_enabled()\n"
        "import os; e = os.environ\n"
        "print(e['TF_CPP_MIN_LOG_LEVEL'], e['TF_ENABLE_ONEDNN_OPTS'])\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"Ready: helpers {helpers.__version__}, seed 42, TensorFlow ")
    assert lines[1].startswith("epoch 1/2  loss ") and lines[2].startswith("epoch 2/2  loss ")
    assert lines[3] == "3 0"


def test_setup_warns_when_tensorflow_was_imported_first():
    proc = run_python("import tensorflow\nimport helpers\nhelpers.setup_notebook(verbose=False)")
    assert proc.returncode == 0
    assert "imported before helpers.setup_notebook()" in proc.stderr


def test_seed_everything_repeats_numpy_python_and_tensorflow():
    import random

    import tensorflow as tf

    def draw():
        return (np.random.rand(3).tolist(), random.random(),
                tf.random.uniform((3,)).numpy().tolist())

    setup.seed_everything(7)
    first = draw()
    setup.seed_everything(7)
    assert draw() == first
    setup.seed_everything(8)
    assert draw() != first


@pytest.mark.parametrize("seed", [-1, 1.5, "42", True, None])
def test_seed_everything_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        setup.seed_everything(seed)


def test_setup_notebook_sets_plot_style():
    import matplotlib as mpl

    from helpers.plots import STYLE

    setup.setup_notebook(verbose=False)
    assert mpl.rcParams["figure.dpi"] == STYLE["figure.dpi"]
    assert mpl.rcParams["image.cmap"] == "gray_r"


def test_the_seed_offset_shifts_every_training_seed(monkeypatch):
    import random

    monkeypatch.setenv(setup.SEED_OFFSET_ENV, "3")
    assert setup.seed_offset() == 3 and setup.training_seed(42) == 45
    setup.seed_everything(42)
    shifted = random.random()
    monkeypatch.delenv(setup.SEED_OFFSET_ENV)
    setup.seed_everything(45)
    assert random.random() == shifted
    assert setup.training_seed(42) == 42


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_a_bad_seed_offset_says_how_to_fix_it(monkeypatch, value):
    monkeypatch.setenv(setup.SEED_OFFSET_ENV, value)
    with pytest.raises(ValueError, match=r"must be a whole number >= 0.*unset it"):
        setup.training_seed(42)


def test_the_offset_moves_the_numpy_network_and_its_shuffling(monkeypatch):
    from helpers.scratch import MLP

    base = MLP((4, 3, 2), seed=5).params["W1"]
    monkeypatch.setenv(setup.SEED_OFFSET_ENV, "2")
    assert not np.array_equal(MLP((4, 3, 2), seed=5).params["W1"], base)
    monkeypatch.setenv(setup.SEED_OFFSET_ENV, "0")
    assert np.array_equal(MLP((4, 3, 2), seed=7).params["W1"],
                          MLP((4, 3, 2), seed=7).params["W1"])
    monkeypatch.delenv(setup.SEED_OFFSET_ENV)
    assert np.array_equal(MLP((4, 3, 2), seed=5).params["W1"], base)
