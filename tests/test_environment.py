"""The lessons' environment (tools/environment.py): fixed variables win, MNIST_PATH is kept."""

from __future__ import annotations

import os

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


def test_apply_removes_the_read_out_setting_so_no_stored_output_holds_it(monkeypatch):
    from helpers import plots
    from tools import environment

    assert environment.READ_OUT == plots.READ_OUT_ENV
    monkeypatch.setenv(plots.READ_OUT_ENV, "1")
    environment.apply()
    assert plots.READ_OUT_ENV not in os.environ
