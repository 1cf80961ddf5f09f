"""Tests for helpers.activations: the functions, their derivatives, softmax, figures, deep MLPs."""

from __future__ import annotations

import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import activations as act
from helpers.plots import description

X = np.linspace(-6.0, 6.0, 49)
# Points away from the kinks at 0, for finite differences.
X_SMOOTH = np.array([-4.0, -1.3, -0.2, 0.3, 1.1, 3.7])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- the functions ----------------------------------------------------------------------------

def test_step_and_relu_derivative_are_the_same_function():
    assert act.step([-1.0, 0.0, 2.0]).tolist() == [0.0, 0.0, 1.0]
    np.testing.assert_array_equal(act.relu_derivative(X), act.step(X))
    np.testing.assert_array_equal(act.step_derivative(X), np.zeros_like(X))


def test_sigmoid_matches_formula_and_never_overflows():
    np.testing.assert_allclose(act.sigmoid(X), 1 / (1 + np.exp(-X)), rtol=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would fail the test
        big = act.sigmoid([-1000.0, 1000.0])
    assert big.tolist() == [0.0, 1.0]
    assert act.sigmoid(0).shape == () and float(act.sigmoid(0)) == 0.5


def test_tanh_relu_leaky_relu_values():
    np.testing.assert_allclose(act.tanh(X), np.tanh(X))
    np.testing.assert_allclose(act.tanh(X), 2 * act.sigmoid(2 * X) - 1, atol=1e-15)
    assert act.relu([-2, 0, 3]).tolist() == [0.0, 0.0, 3.0]
    assert act.leaky_relu([-2.0, 3.0]).tolist() == [-0.4, 3.0]
    assert act.leaky_relu([-2.0, 3.0], alpha=0.01).tolist() == [-0.02, 3.0]
    assert act.leaky_relu_derivative([-2.0, 3.0], alpha=0.1).tolist() == [0.1, 1.0]


def test_leaky_relu_rejects_bad_alpha():
    with pytest.raises(ValueError, match="alpha"):
        act.leaky_relu(X, alpha=1.5)
    with pytest.raises(TypeError, match="alpha"):
        act.leaky_relu(X, alpha="0.1")
    with pytest.raises(TypeError, match="alpha"):
        act.leaky_relu_derivative(X, alpha=True)


def test_erf_known_values_and_oddness():
    assert float(act.erf(0.0)) == 0.0
    assert math.isclose(float(act.erf(1.0)), 0.8427007929497149, rel_tol=1e-15)
    np.testing.assert_allclose(act.erf(-X), -act.erf(X))
    assert act.erf(np.empty(0)).shape == (0,)
    assert act.erf(np.zeros((2, 3))).shape == (2, 3)


def test_gelu_exact_and_tanh_approximation():
    assert float(act.gelu(0.0)) == 0.0
    # GELU(1) = Phi(1) = 0.841344746...
    assert math.isclose(float(act.gelu(1.0)), 0.8413447460685429, rel_tol=1e-14)
    diff = np.abs(act.gelu_tanh(X) - act.gelu(X))
    assert diff.max() < 1e-3 and diff.max() > 1e-5  # close, but a different function


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "gelu"])
def test_derivatives_match_finite_differences(name):
    a = act.get_activation(name)
    h = 1e-6
    numeric = (a.fn(X_SMOOTH + h) - a.fn(X_SMOOTH - h)) / (2 * h)
    np.testing.assert_allclose(a.derivative(X_SMOOTH), numeric, rtol=1e-6, atol=1e-8)


def test_sigmoid_derivative_peaks_at_one_quarter():
    d = act.sigmoid_derivative(np.linspace(-10, 10, 2001))
    assert math.isclose(d.max(), 0.25) and np.argmax(d) == 1000
    assert act.tanh_derivative(0.0) == 1.0


def test_keras_reference_agrees_with_numpy():
    for name in ["sigmoid", "tanh", "relu", "leaky_relu", "gelu"]:
        ours, theirs = act.get_activation(name)(X), act.keras_reference(name)(X)
        assert theirs.shape == X.shape
        assert np.allclose(ours, theirs, rtol=1e-7, atol=1e-7), name
    with pytest.raises(ValueError, match="no Keras version"):
        act.keras_reference("step")


# --- softmax ----------------------------------------------------------------------------------

def test_softmax_sums_to_one_and_is_shift_invariant():
    z = np.array([2.0, 1.0, 0.1])
    p = act.softmax(z)
    assert math.isclose(p.sum(), 1.0) and np.all(p > 0) and np.argmax(p) == 0
    np.testing.assert_allclose(act.softmax(z + 100), p)
    np.testing.assert_allclose(p, np.exp(z) / np.exp(z).sum())


def test_softmax_axes_and_batches():
    z = np.random.default_rng(0).normal(size=(4, 10))
    p = act.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(act.softmax(z, axis=0).sum(axis=0), 1.0)
    np.testing.assert_allclose(act.softmax(z.T, axis=0), p.T)


def test_softmax_is_stable_where_the_naive_one_overflows():
    z = np.array([1000.0, 1001.0, 1002.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = act.softmax(z)
    np.testing.assert_allclose(p, act.softmax(z - 1000))
    with pytest.warns(RuntimeWarning, match="overflow"), np.errstate(invalid="ignore"):
        naive = act.softmax_naive(z)  # exp(1000) = inf, then inf / inf = nan
    assert np.isnan(naive).all()
    np.testing.assert_allclose(act.softmax_naive([1.0, 2.0]), act.softmax([1.0, 2.0]))


@pytest.mark.parametrize("fn", [act.softmax, act.softmax_naive])
def test_softmax_bad_input(fn):
    with pytest.raises(ValueError, match="z is empty"):
        fn(np.array([]))
    with pytest.raises(ValueError, match="single number"):
        fn(3.0)
    with pytest.raises(ValueError, match="z contains 1 NaN"):
        fn([1.0, np.nan])
    with pytest.raises(ValueError, match="infinite"):
        fn([1.0, np.inf])
    with pytest.raises(ValueError, match="axis=2 is out of range"):
        fn([1.0, 2.0], axis=2)
    with pytest.raises(TypeError, match="axis must be an int"):
        fn([1.0, 2.0], axis=0.5)
    with pytest.raises(TypeError, match="z must be a number"):
        fn("1, 2")


# --- input validation -------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [act.step, act.sigmoid, act.tanh, act.relu, act.leaky_relu,
                                act.gelu, act.gelu_derivative, act.erf])
def test_elementwise_bad_input(fn):
    with pytest.raises(TypeError, match="x must be a number"):
        fn(None)
    with pytest.raises(TypeError, match="x must be a number"):
        fn("0.5")
    with pytest.raises(TypeError, match="booleans"):
        fn(np.array([True, False]))
    with pytest.raises(TypeError, match="complex"):
        fn(np.array([1 + 2j]))
    with pytest.raises(TypeError, match="rectangular"):
        fn([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match=r"x contains 1 NaN value\(s\) \(the first at index"):
        fn([0.0, np.nan])


def test_elementwise_accepts_lists_ints_tensors_and_empty_arrays():
    import tensorflow as tf

    assert act.relu([1, -1]).dtype == np.float64
    assert act.relu(np.empty((0, 3))).shape == (0, 3)
    np.testing.assert_allclose(act.sigmoid(tf.constant([0.0, 1.0])), act.sigmoid([0.0, 1.0]))


# --- lookup -----------------------------------------------------------------------------------

def test_get_activation_and_names():
    assert act.activation_names() == ["step", "sigmoid", "tanh", "relu", "leaky_relu", "gelu"]
    assert act.get_activation(" Leaky ReLU ").name == "leaky_relu"
    assert act.get_activation("leaky-relu") is act.ACTIVATIONS["leaky_relu"]
    relu = act.get_activation("relu")
    assert relu([-1.0, 2.0]).tolist() == [0.0, 2.0]
    for a in act.ACTIVATIONS.values():
        assert a.formula and a.derivative_formula and a.used_for


def test_get_activation_errors_list_the_known_names():
    with pytest.raises(ValueError, match=r"unknown activation name 'swish'.*'gelu'"):
        act.get_activation("swish")
    with pytest.raises(TypeError, match="name must be a string"):
        act.get_activation(3)


# --- figures ----------------------------------------------------------------------------------

def test_plot_activation_draws_function_and_derivative():
    fig = act.plot_activation("tanh", x_range=(-2, 2))
    ax_f, ax_d = fig.axes
    x, y = ax_f.lines[0].get_data()
    assert x[0] == -2 and x[-1] == 2
    np.testing.assert_allclose(y, np.tanh(x))
    np.testing.assert_allclose(ax_d.lines[0].get_ydata(), 1 - np.tanh(x) ** 2)
    assert "derivative" in ax_d.get_title()


def test_plot_activation_bad_input():
    with pytest.raises(ValueError, match="unknown activation"):
        act.plot_activation("softplus")
    with pytest.raises(ValueError, match="x_range must be a pair"):
        act.plot_activation("relu", x_range=(1, 2, 3))
    with pytest.raises(ValueError, match="lo < hi"):
        act.plot_activation("relu", x_range=(2, -2))
    with pytest.raises(ValueError, match="x_range contains"):
        act.plot_activation("relu", x_range=(np.nan, 2))


def test_plot_activation_grid():
    fig = act.plot_activation_grid()
    assert len(fig.axes) == 12
    assert [ax.get_title() for ax in fig.axes[:6]] == act.activation_names()
    small = act.plot_activation_grid(["relu", "gelu"])
    np.testing.assert_allclose(small.axes[3].lines[0].get_ydata(),
                               act.gelu_derivative(small.axes[3].lines[0].get_xdata()))
    with pytest.raises(ValueError, match="names must be a non-empty list"):
        act.plot_activation_grid([])
    with pytest.raises(ValueError, match="names must be a non-empty list"):
        act.plot_activation_grid("relu")
    with pytest.raises(ValueError, match="unknown activation"):
        act.plot_activation_grid(["relu", "nope"])


def test_plot_collapse_line_and_bent_line():
    rng = np.random.default_rng(0)
    W1, b1, W2, b2 = (rng.normal(size=s) for s in [(1, 6), (6,), (6, 1), (1,)])
    fig = act.plot_collapse(W1, b1, W2, b2)
    x, y = fig.axes[0].lines[0].get_data()
    slopes = np.diff(y) / np.diff(x)
    np.testing.assert_allclose(slopes, slopes[0])  # a straight line
    np.testing.assert_allclose(slopes[0], (W1 @ W2).item())
    _, y_relu = fig.axes[1].lines[0].get_data()
    np.testing.assert_allclose(y_relu, (act.relu(x[:, None] @ W1 + b1) @ W2 + b2)[:, 0])
    assert np.ptp(np.diff(y_relu) / np.diff(x)) > 0.1  # it bends
    with pytest.raises(ValueError, match=r"expected W1 \(1, n\)"):
        act.plot_collapse(W1.T, b1, W2, b2)
    with pytest.raises(ValueError, match="b2 contains 1 NaN"):
        act.plot_collapse(W1, b1, W2, np.array([np.nan]))


def test_plot_gradient_norms():
    fig = act.plot_gradient_norms({"a": [1.0, 0.1, 0.01], "b": np.ones(3)})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 2
    assert ax.lines[0].get_xdata().tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="non-empty dict"):
        act.plot_gradient_norms({})
    with pytest.raises(ValueError, match="positive"):
        act.plot_gradient_norms({"a": [1.0, 0.0]})
    with pytest.raises(ValueError, match="1-D"):
        act.plot_gradient_norms({"a": np.ones((2, 2))})


def test_plot_activation_description_gives_the_shape_and_ranges():
    alt = description(act.plot_activation("sigmoid"))
    x = np.linspace(-5, 5, 401)
    f, d = act.sigmoid(x), act.sigmoid_derivative(x)
    assert alt.startswith("Two line plots for x from -5 to 5. Left, the function sigmoid(x), "
                          "1 over (1 plus e to the minus x), an S-shaped curve between 0 and 1;")
    assert f"here it goes from {f.min():.2f} to {f.max():.2f}." in alt
    assert alt.endswith(f"Right, its derivative sigmoid'(x): from {d.min():.2f} to "
                        f"{d.max():.2f}, highest near x = 0.0.")
    assert "0.25, highest" in alt
    alt = description(act.plot_activation("leaky_relu", x_range=(-2, 3)))
    assert "x for positive x and 0.2 times x for negative x; here it goes from -0.40 to 3.00." \
        in alt
    assert alt.endswith("0.20 for negative x, then a jump to 1.00 for positive x.")  # a step
    gelu = description(act.plot_activation("gelu"))
    assert gelu.endswith("highest near x = 1.4.")  # the peak, sqrt(2), to a tenth
    assert description(act.plot_activation("step")).endswith("step'(x): 0.00 everywhere.")
    for name in act.activation_names():  # every activation has its shape in words
        assert f"the function {name}(x), " in description(act.plot_activation(name))


def test_plot_activation_grid_description_gives_each_derivative_s_peak():
    alt = description(act.plot_activation_grid(["sigmoid", "tanh", "gelu"], x_range=(-3, 3)))
    x = np.linspace(-3, 3, 401)
    assert alt.startswith("A grid of 3 activation functions over x from -3 to 3")
    assert alt.endswith(f"sigmoid {act.sigmoid_derivative(x).max():.2f}, tanh "
                        f"{act.tanh_derivative(x).max():.2f}, gelu "
                        f"{act.gelu_derivative(x).max():.2f}.")
    assert "gelu 1.13" in alt


def test_plot_collapse_description_gives_slope_and_bends():
    W1, b1 = np.array([[1.0, -2.0, 0.0, 0.5]]), np.array([0.0, 1.0, 5.0, -5.0])
    W2, b2 = np.array([[1.0], [1.0], [3.0], [2.0]]), np.array([0.5])
    alt = description(act.plot_collapse(W1, b1, W2, b2))
    slope = (W1 @ W2).item()  # 1 - 2 + 0 + 1 = 0
    assert alt.startswith("Output y against input x, from -3 to 3, of a network with one "
                          "input, 4 hidden units and one output.")
    assert f"a straight line of slope {slope:.2f}." in alt
    # bends at x = 0 and 0.5; unit 3 never bends (W1 = 0), unit 4 bends at 10, off the plot
    assert alt.endswith("with a ReLU between them: a line that bends at 2 places.")
    alt = description(act.plot_collapse(W1[:, :1], b1[:1], W2[:1], b2))
    assert alt.endswith("bends at 1 place.")


def test_plot_gradient_norms_description_gives_both_ends_of_each_network():
    norms = {"sigmoid": [9.5e-7, 1e-3, 0.42], "relu": np.array([0.03, 0.05, 0.07])}
    alt = description(act.plot_gradient_norms(norms, title="Gradients"))
    assert alt.startswith("Gradients: line chart, on a log scale, of the gradient norm of each "
                          "layer's weights (layer 1 next to the input) for 2 networks:")
    assert alt.endswith("sigmoid 0.00000095 at layer 1 and 0.42 at layer 3, the last; relu "
                        "0.03 at layer 1 and 0.07 at layer 3, the last.")


# --- deep networks (real MNIST, small batches) ------------------------------------------------

@pytest.fixture(scope="module")
def batch(mnist):
    from helpers.data import flatten, scale

    (x_train, y_train), _ = mnist
    return flatten(scale(x_train[:64])), y_train[:64]


def test_deep_mlp_shape_and_seed():
    m1 = act.deep_mlp("sigmoid", depth=3, width=8, seed=1)
    m2 = act.deep_mlp("sigmoid", depth=3, width=8, seed=1)
    assert len(m1.layers) == 4 and m1.layers[0].units == 8 and m1.layers[-1].units == 10
    assert m1.count_params() == 784 * 8 + 8 + 2 * (8 * 8 + 8) + 8 * 10 + 10
    np.testing.assert_array_equal(m1.layers[0].kernel.numpy(), m2.layers[0].kernel.numpy())


def test_deep_mlp_bad_input():
    with pytest.raises(ValueError, match="unknown activation"):
        act.deep_mlp("swish")
    with pytest.raises(ValueError, match="depth must be a positive int"):
        act.deep_mlp("relu", depth=0)
    with pytest.raises(ValueError, match="width must be a positive int"):
        act.deep_mlp("relu", width=2.5)


def test_layer_gradient_norms_show_vanishing_sigmoid_gradients(batch):
    x, y = batch
    sig = act.layer_gradient_norms(act.deep_mlp("sigmoid", depth=6, width=32), x, y)
    relu = act.layer_gradient_norms(act.deep_mlp("relu", depth=6, width=32), x, y)
    assert sig.shape == relu.shape == (7,)
    assert np.all(sig > 0) and np.all(relu > 0)
    assert sig[0] < sig[-1] / 100  # the sigmoid's first layer hardly learns
    assert relu[0] > relu[-1] / 10  # the ReLU's does
    again = act.layer_gradient_norms(act.deep_mlp("sigmoid", depth=6, width=32), x, y)
    np.testing.assert_array_equal(sig, again)


def test_layer_gradient_norms_bad_input(batch):
    x, y = batch
    model = act.deep_mlp("relu", depth=2, width=8)
    with pytest.raises(ValueError, match=r"shape \(N, 784\)"):
        act.layer_gradient_norms(model, x.reshape(-1, 28, 28), y)
    with pytest.raises(ValueError, match="one integer label per image"):
        act.layer_gradient_norms(model, x, y[:10])
    with pytest.raises(ValueError, match="one integer label per image"):
        act.layer_gradient_norms(model, x, y.astype(float))
    with pytest.raises(TypeError, match="model must be a Keras model"):
        act.layer_gradient_norms("model", x, y)


def test_hidden_outputs_and_dead_fraction(batch):
    x, _ = batch
    model = act.deep_mlp("relu", depth=3, width=16)
    outs = act.hidden_outputs(model, x)
    assert [o.shape for o in outs] == [(64, 16)] * 3
    for layer in model.layers[:-1]:  # push every pre-activation far below zero
        layer.bias.assign(layer.bias - 100.0)
    assert act.dead_fraction(act.hidden_outputs(model, x)).tolist() == [1.0, 1.0, 1.0]


def test_dead_fraction_counts_units_zero_for_every_input():
    out = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0]])
    assert act.dead_fraction([out, np.ones((2, 3))]).tolist() == [0.5, 0.0]
    with pytest.raises(ValueError, match="non-empty list"):
        act.dead_fraction([])
    with pytest.raises(ValueError, match="non-empty list"):
        act.dead_fraction(out)
    with pytest.raises(ValueError, match=r"outputs\[1\] must have shape \(N, units\)"):
        act.dead_fraction([out, np.ones(3)])
    # a diverged network outputs NaN: its units never fire, so they count as dead
    assert act.dead_fraction([np.array([[np.nan, 1.0], [np.nan, 0.0]])]).tolist() == [0.5]
