"""Tests for plots.hidden_weights (lesson 04)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import plots  # noqa: E402


def test_hidden_weights_draws_one_panel_per_unit():
    W = np.random.default_rng(0).normal(size=(784, 16))
    fig = plots.hidden_weights(W, n=5, title="units")
    assert len(fig.axes) == 5
    assert fig.axes[0].images[0].get_array().shape == (28, 28)
    low, high = fig.axes[0].images[0].get_clim()
    assert low == -high == -np.abs(W[:, :5]).max()
    assert fig._suptitle.get_text() == "units"
    plt.close(fig)


def test_hidden_weights_all_zero():
    fig = plots.hidden_weights(np.zeros((784, 3)), n=3)
    assert len(fig.axes) == 3
    plt.close(fig)


@pytest.mark.parametrize("W, n, match", [
    (np.zeros((100, 4)), 2, r"W must have shape \(784, units\)"),
    (np.zeros(784), 1, "W must have shape"),
    (np.zeros((784, 4)), 5, "n must be an int from 1 to 4"),
    (np.zeros((784, 4)), 0, "n must be"),
    (np.zeros((784, 4)), 2.0, "n must be"),
])
def test_hidden_weights_bad_input(W, n, match):
    with pytest.raises(ValueError, match=match):
        plots.hidden_weights(W, n=n)


def test_hidden_weights_description_says_how_much_the_units_differ():
    W = np.random.default_rng(1).normal(scale=0.1, size=(784, 16))
    alt = plots.description(plots.hidden_weights(W, n=5, title="trained"))
    limit = np.abs(W[:, :5]).max()
    spread = np.abs(W[:, 1:5] - W[:, :1]).max()
    assert alt.startswith("trained: The 784 incoming weights of hidden units 0 to 4 drawn as "
                          "28x28 images")
    assert f"on one scale from {-limit:.2g} to {limit:.2g}." in alt
    said = np.format_float_positional(spread, precision=2, unique=False, fractional=False,
                                      trim="-")
    assert alt.endswith(f"Units 1 to 4 differ from unit 0 by at most {said}.")
    same = np.full((784, 8), 0.01)
    same[:, 3] += 2.5e-7
    assert plots.description(plots.hidden_weights(same)).endswith("by at most 0.00000025.")
    assert "differ" not in plots.description(plots.hidden_weights(W, n=1))
    assert plots.description(plots.hidden_weights(np.full((784, 8), 0.01))).endswith(
        "Units 0 to 7 have exactly the same weights.")
    plt.close("all")
