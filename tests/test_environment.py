"""The lessons' environment (tools/environment.py): fixed variables win, MNIST_PATH is kept."""

from __future__ import annotations

from tools import environment


def test_fixed_variables_win_over_the_machines_own():
    env = environment.lesson_environment({"TF_ENABLE_ONEDNN_OPTS": "1", "PYTHONHASHSEED": "7"})
    assert env["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert env["PYTHONHASHSEED"] == "0"
    assert env["TF_CPP_MIN_LOG_LEVEL"] == "3"


def test_a_given_mnist_path_is_kept_and_the_offline_copy_is_the_fallback():
    assert environment.lesson_environment({"MNIST_PATH": "/data/m.npz"})["MNIST_PATH"] == \
        "/data/m.npz"
    env = environment.lesson_environment({})
    if environment.SHARED_MNIST.exists():
        assert env["MNIST_PATH"] == str(environment.SHARED_MNIST)
    else:
        assert "MNIST_PATH" not in env
