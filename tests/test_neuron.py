"""Tests for helpers.neuron: one neuron, a dense layer, parameter counts, compare, figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import neuron  # noqa: E402
from helpers.plots import description  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- activations ---------------------------------------------------------------------------

def test_sigmoid_values_and_symmetry():
    z = np.array([-2.0, 0.0, 2.0])
    expected = 1.0 / (1.0 + np.exp(-z))
    assert np.allclose(neuron.sigmoid(z), expected)
    assert neuron.sigmoid(0.0) == 0.5
    assert np.allclose(neuron.sigmoid(z) + neuron.sigmoid(-z), 1.0)


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # no overflow warning
        out = neuron.sigmoid(np.array([-1000.0, 1000.0]))
    assert out[0] == 0.0 and out[1] == 1.0


def test_sigmoid_keeps_float32():
    assert neuron.sigmoid(np.ones(3, dtype=np.float32)).dtype == np.float32


def test_relu_and_step():
    z = np.array([-1.5, 0.0, 2.0])
    assert np.array_equal(neuron.relu(z), [0.0, 0.0, 2.0])
    assert np.array_equal(neuron.step(z), [0.0, 0.0, 1.0])


@pytest.mark.parametrize("bad", [np.array([1.0, np.nan]), [np.inf]])
def test_activation_rejects_non_finite(bad):
    with pytest.raises(ValueError, match="z contains"):
        neuron.sigmoid(bad)


@pytest.mark.parametrize("bad", ["1.0", None, np.array(["a"]), np.array([True])])
def test_activation_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match="z must"):
        neuron.sigmoid(bad)


# --- neuron --------------------------------------------------------------------------------

def test_neuron_by_hand():
    x, w, b = [0.5, -1.0, 2.0], [0.75, 0.25, -0.5], 0.5
    assert neuron.neuron(x, w, b, activation=None) == -0.375
    assert neuron.neuron(x, w, b, activation="linear") == -0.375
    assert np.isclose(neuron.neuron(x, w, b), 1.0 / (1.0 + np.exp(0.375)))
    assert neuron.neuron(x, w, b, activation="relu") == 0.0
    assert neuron.neuron(x, w, b, activation="step") == 0.0
    assert neuron.neuron(x, w, b, activation=lambda z: 2 * z) == -0.75


def test_neuron_on_a_batch():
    rng = np.random.default_rng(0)
    X, w = rng.normal(size=(5, 3)), rng.normal(size=3)
    out = neuron.neuron(X, w, 0.25)
    assert out.shape == (5,)
    assert np.allclose(out, [neuron.neuron(row, w, 0.25) for row in X])


def test_neuron_accepts_tensors():
    tf = pytest.importorskip("tensorflow")
    out = neuron.neuron(tf.constant([1.0, 2.0]), tf.constant([0.5, -0.25]), 0.0, None)
    assert out == 0.0


def test_neuron_shape_mismatch_names_arguments():
    with pytest.raises(ValueError, match=r"x has shape \(2,\) but w has shape \(3,\)"):
        neuron.neuron([1.0, 2.0], [1.0, 2.0, 3.0], 0.0)
    with pytest.raises(ValueError, match=r"x has shape \(4, 2\)"):
        neuron.neuron(np.ones((4, 2)), np.ones(3), 0.0)
    with pytest.raises(ValueError, match="w must be a non-empty 1-D"):
        neuron.neuron([1.0], np.ones((1, 1)), 0.0)
    with pytest.raises(ValueError, match="x has shape"):
        neuron.neuron(np.ones((2, 2, 3)), np.ones(3), 0.0)


def test_neuron_rejects_nan_and_bad_bias():
    with pytest.raises(ValueError, match="x contains 1 NaN"):
        neuron.neuron([1.0, np.nan], [1.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="w contains"):
        neuron.neuron([1.0, 1.0], [np.inf, 1.0], 0.0)
    with pytest.raises(ValueError, match="b must be a finite number"):
        neuron.neuron([1.0], [1.0], float("nan"))
    with pytest.raises(TypeError, match="b must be a single real number"):
        neuron.neuron([1.0], [1.0], [0.0, 1.0])
    with pytest.raises(TypeError, match="b must be a single real number"):
        neuron.neuron([1.0], [1.0], True)
    with pytest.raises(TypeError, match="x must be a number or an array of numbers"):
        neuron.neuron("12", [1.0, 1.0], 0.0)
    with pytest.raises(TypeError, match="real numbers"):
        neuron.neuron(np.array([1j]), [1.0], 0.0)


def test_neuron_rejects_unknown_activation():
    with pytest.raises(ValueError, match="activation must be one of"):
        neuron.neuron([1.0], [1.0], 0.0, activation="softplus")
    with pytest.raises(TypeError, match="activation must be a name"):
        neuron.neuron([1.0], [1.0], 0.0, activation=3)


# --- dense ---------------------------------------------------------------------------------

def test_dense_matches_neuron_per_column():
    rng = np.random.default_rng(1)
    X, W, b = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    out = neuron.dense(X, W, b, activation="sigmoid")
    assert out.shape == (6, 3)
    for j in range(3):
        assert np.allclose(out[:, j], neuron.neuron(X, W[:, j], b[j]))
    assert neuron.dense(X[0], W, b).shape == (3,)
    assert np.allclose(neuron.dense(X[0], W, b), X[0] @ W + b)


def test_dense_matches_keras():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(2)
    X = rng.random((5, 784), dtype=np.float32)
    W = rng.normal(0, 0.05, (784, 16)).astype(np.float32)
    b = rng.normal(0, 0.1, 16).astype(np.float32)
    layer = keras.layers.Dense(16, activation="sigmoid")
    layer.build((None, 784))
    layer.set_weights([W, b])
    theirs = keras.ops.convert_to_numpy(layer(X))
    assert neuron.compare("dense", neuron.dense(X, W, b, "sigmoid"), theirs, verbose=False).close


def test_dense_bad_shapes_name_arguments():
    W, b = np.ones((4, 3)), np.ones(3)
    with pytest.raises(ValueError, match="W must be a 2-D matrix"):
        neuron.dense(np.ones(4), np.ones(4), b)
    with pytest.raises(ValueError, match=r"b has shape \(4,\) but W has 3 columns"):
        neuron.dense(np.ones(4), W, np.ones(4))
    with pytest.raises(ValueError, match=r"x has shape \(2, 3\) but W has shape \(4, 3\)"):
        neuron.dense(np.ones((2, 3)), W, b)
    with pytest.raises(ValueError, match="x contains"):
        neuron.dense(np.full(4, np.nan), W, b)
    with pytest.raises(TypeError, match="W must"):
        neuron.dense(np.ones(4), None, b)


# --- parameter counts ----------------------------------------------------------------------

@pytest.mark.parametrize(("sizes", "expected"), [
    ([784, 128, 10], 101_770), ([784, 256, 128, 10], 235_146), ((3, 2), 8),
    ([784, 256, 64, 10], 218_058),
])
def test_count_params(sizes, expected):
    assert neuron.count_params(sizes) == expected


def test_count_params_matches_keras():
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input(shape=(20,)), keras.layers.Dense(7),
                              keras.layers.Dense(3)])
    assert model.count_params() == neuron.count_params([20, 7, 3])


@pytest.mark.parametrize("bad", [[784], [784, 0, 10], [784, 12.5], [784, True], [784, -3]])
def test_count_params_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="sizes needs|positive int"):
        neuron.count_params(bad)


@pytest.mark.parametrize("bad", ["784,10", 784, None])
def test_count_params_rejects_non_lists(bad):
    with pytest.raises(TypeError, match="sizes must be a list"):
        neuron.count_params(bad)


def test_param_table():
    table = neuron.param_table([784, 128, 10]).splitlines()
    assert len(table) == 4
    assert "784 x 128" in table[1] and "100,352" in table[1] and "100,480" in table[1]
    assert "128 x 10" in table[2] and "1,290" in table[2]
    assert table[3].startswith("all") and table[3].endswith("101,770")
    with pytest.raises(ValueError):
        neuron.param_table([10])


# --- compare -------------------------------------------------------------------------------

def test_compare_exact_close_and_different(capsys):
    a = np.array([1.0, 2.0, 3.0])
    exact = neuron.compare("same", a, a.copy())
    assert exact == neuron.Comparison("same", True, True, 0.0)
    assert "same" in capsys.readouterr().out
    close = neuron.compare("close", a, a + 1e-9, verbose=False)
    assert not close.exact and close.close and 0 < close.max_diff < 1e-8
    far = neuron.compare("far", a, a + [0, 0, 0.5], verbose=False)
    assert not far.exact and not far.close and far.max_diff == 0.5
    assert capsys.readouterr().out == ""


def test_compare_line_and_tolerance():
    result = neuron.compare("y", 0.4073, 0.4073334, atol=1e-4, verbose=False)
    assert result.close and not result.exact
    assert str(result) == ("y                        exact: False  close: True   "
                           "max diff: 3.3e-05")
    assert not neuron.compare("y", 0.4073, 0.4073334, verbose=False).close


def test_compare_mixed_dtypes_and_tensors():
    tf = pytest.importorskip("tensorflow")
    assert neuron.compare("t", tf.constant([1.0, 2.0]), np.array([1, 2]), verbose=False).exact
    assert neuron.compare("empty", np.zeros(0), np.zeros(0), verbose=False).exact


def test_compare_with_nan_is_not_close():
    result = neuron.compare("nan", np.array([np.nan]), np.array([1.0]), verbose=False)
    assert not result.exact and not result.close


def test_compare_bad_inputs():
    with pytest.raises(ValueError, match=r"ours has shape \(2,\) but theirs has shape \(3,\)"):
        neuron.compare("x", np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match="name must be a string"):
        neuron.compare(1, np.ones(2), np.ones(2))
    with pytest.raises(TypeError, match="theirs must be numbers"):
        neuron.compare("x", np.ones(1), np.array(["a"]))
    with pytest.raises(TypeError, match="ours must be numbers"):
        neuron.compare("x", [object()], np.ones(1))


# --- the 2-input picture -------------------------------------------------------------------

def _on_line(xs, ys, w1, w2, b):
    return np.allclose(w1 * xs + w2 * ys + b, 0.0)


@pytest.mark.parametrize(("w1", "w2", "b"), [(1, -1, 0), (2, -1, 1), (0, 2, -2), (1, 0, 1),
                                             (0.5, 3, 0.3)])
def test_boundary_segment_lies_on_line_inside_square(w1, w2, b):
    xs, ys = neuron.boundary_segment(w1, w2, b, limit=3.0)
    assert xs.shape == ys.shape == (2,)
    assert _on_line(xs, ys, w1, w2, b)
    assert np.all(np.abs(xs) <= 3 + 1e-12) and np.all(np.abs(ys) <= 3 + 1e-12)
    touches_edge = np.isclose(np.maximum(np.abs(xs), np.abs(ys)), 3.0)
    assert touches_edge.all()  # the segment runs from edge to edge


def test_boundary_segment_known_cases():
    xs, ys = neuron.boundary_segment(1, -1, 0)
    assert np.allclose(sorted(xs), [-3, 3]) and np.allclose(xs, ys)
    xs, ys = neuron.boundary_segment(1, 0, 1)  # vertical line x1 = -1
    assert np.allclose(xs, -1) and np.allclose(sorted(ys), [-3, 3])


def test_boundary_segment_empty_when_missing():
    assert neuron.boundary_segment(0, 0, 1)[0].size == 0  # no weights: no boundary
    assert neuron.boundary_segment(1, 1, 10)[0].size == 0  # line outside the square
    assert neuron.boundary_segment(1, 0, 5)[0].size == 0  # vertical line outside


def test_boundary_segment_bad_inputs():
    with pytest.raises(ValueError, match="w1 must be a finite number"):
        neuron.boundary_segment(np.nan, 1, 0)
    with pytest.raises(TypeError, match="b must be a single real number"):
        neuron.boundary_segment(1, 1, "0")
    with pytest.raises(ValueError, match="limit must be positive"):
        neuron.boundary_segment(1, 1, 0, limit=0)


def test_neuron_outputs_2d():
    out = neuron.neuron_outputs_2d(1.0, 1.0, 0.0)
    assert list(out) == list(neuron.POINTS)
    assert np.isclose(out["A"], 1 / (1 + np.exp(-3.0)))
    assert neuron.neuron_outputs_2d(0, 0, 0, {"O": (0.0, 0.0)}) == {"O": 0.5}
    with pytest.raises(TypeError, match="w2"):
        neuron.neuron_outputs_2d(1.0, None, 0.0)


def test_plot_neuron_2d_draws_boundary_field_and_labels():
    fig = neuron.plot_neuron_2d(2.0, -1.0, 1.0)
    ax = fig.axes[0]
    assert len(fig.axes) == 2  # the plot and its colour bar
    line = ax.lines[0]
    xs, ys = line.get_data()
    assert _on_line(np.asarray(xs), np.asarray(ys), 2.0, -1.0, 1.0)
    field = ax.images[0].get_array()
    assert field.shape == (121, 121) and 0 < field.min() < 0.5 < field.max() < 1
    texts = sorted(t.get_text() for t in ax.texts if t.get_text())  # not the arrow
    assert texts == ["A 0.98", "B 0.05", "C 0.18", "D 0.99"]
    assert "w_1" in ax.get_title()


def test_plot_neuron_2d_on_given_axes_without_colorbar():
    fig, ax = plt.subplots()
    assert neuron.plot_neuron_2d(0.0, 0.0, 0.0, ax=ax, colorbar=False) is fig
    assert len(fig.axes) == 1
    assert len(ax.lines[0].get_xdata()) == 0  # no weights: no boundary line
    assert np.allclose(ax.images[0].get_array(), 0.5)


def test_drawing_update_changes_artists():
    fig, ax = plt.subplots()
    drawing = neuron.draw_neuron_2d(ax, 1.0, 1.0, 0.0)
    before = np.array(drawing.boundary.get_xdata(), dtype=float)
    drawing.update(1.0, 0.0, 1.0)
    assert np.allclose(drawing.boundary.get_xdata(), -1.0)
    assert not np.allclose(before, drawing.boundary.get_xdata())
    assert drawing.arrow.get_visible()
    drawing.update(1.0, 1.0, 20.0)  # boundary far outside the plot: no arrow
    assert not drawing.arrow.get_visible()
    with pytest.raises(ValueError, match="limit must be positive"):
        neuron.draw_neuron_2d(ax, 1, 1, 0, limit=-1)


def test_plot_neuron_row():
    fig = neuron.plot_neuron_row([(1, 1, 0), (3, 3, 0), (1, 1, -2)])
    assert len(fig.axes) == 4  # three panels and one shared colour bar
    with pytest.raises(ValueError, match="non-empty list"):
        neuron.plot_neuron_row([])
    with pytest.raises(ValueError, match=r"\(w1, w2, b\) tuple"):
        neuron.plot_neuron_row([(1, 1)])


# --- weights image -------------------------------------------------------------------------

def test_plot_weights_centres_colormap_at_zero():
    w = np.linspace(-0.2, 0.5, 784)
    fig = neuron.plot_weights(w, title="w")
    im = fig.axes[0].images[0]
    assert im.get_array().shape == (28, 28)
    assert im.norm.vmin == -0.5 and im.norm.vmax == 0.5
    assert im.get_cmap().name == neuron.WEIGHT_CMAP
    assert fig.axes[0].get_title() == "w"


def test_plot_weights_zero_weights_and_bad_inputs():
    fig, ax = plt.subplots()
    neuron.plot_weights(np.zeros((28, 28)), ax=ax, colorbar=False)
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match="784 weights"):
        neuron.plot_weights(np.zeros(10))
    with pytest.raises(ValueError, match="w contains"):
        neuron.plot_weights(np.full(784, np.nan))


def test_plot_neuron_2d_description_gives_weights_boundary_and_outputs():
    fig = neuron.plot_neuron_2d(2.0, -1.0, 1.0)
    alt = description(fig)
    out = neuron.neuron_outputs_2d(2.0, -1.0, 1.0)
    assert alt.startswith("A sigmoid neuron's output over the input plane, x1 and x2 from -3 "
                          "to 3, for w1 = 2, w2 = -1, b = 1: red above 0.5, blue below.")
    assert f"the decision boundary (output 0.5), passes {1 / np.sqrt(5):.2f} from the origin" \
        in alt
    assert alt.endswith("Outputs at the points A (2, 1), B (-1, 2), C (-2, -1.5), D (1, -2): "
                        + ", ".join(f"{k} {v:.2f}" for k, v in out.items()) + ".")
    assert "passes through the origin" in description(neuron.plot_neuron_2d(1, 1, 0))
    alt = description(neuron.plot_neuron_2d(1.0, 1.0, -9.0, limit=2.0))
    assert f"lies outside the square, {9 / np.sqrt(2):.2f} from the origin" in alt
    assert "from -2 to 2" in alt
    alt = description(neuron.plot_neuron_2d(0.0, 0.0, 1.0))
    assert f"no boundary: the output is {1 / (1 + np.exp(-1)):.2f} everywhere" in alt


def test_plot_neuron_2d_on_given_axes_is_left_to_the_caller_to_describe():
    fig, ax = plt.subplots()
    neuron.plot_neuron_2d(1.0, 1.0, 0.0, ax=ax)
    assert description(fig) is None


def test_plot_neuron_row_description_gives_each_panel_s_outputs():
    settings = [(1, 1, 0), (3.0, 3.0, 0.0), (1, 1, -2)]
    alt = description(neuron.plot_neuron_row(settings))
    assert alt.startswith("3 panels, each a sigmoid neuron's output over the input plane")
    for w1, w2, b in settings:
        outputs = ", ".join(f"{y:.2f}" for y in neuron.neuron_outputs_2d(w1, w2, b).values())
        assert f"w1 = {w1:g}, w2 = {w2:g}, b = {b:g}: {outputs}" in alt


def test_plot_weights_description_gives_range_and_signs():
    w = np.linspace(-0.2, 0.5, 784)
    alt = description(neuron.plot_weights(w, title="the neuron's weights"))
    assert alt.startswith("the neuron's weights: 784 weights shown as a 28x28 image")
    assert "They range from -0.2 (row 0, column 0) to 0.5 (row 27, column 27);" in alt
    assert alt.endswith(f"{np.sum(w > 0)} are positive and {np.sum(w < 0)} negative.")
    fig, ax = plt.subplots()
    neuron.plot_weights(w, ax=ax)
    assert description(fig) is None


# --- a single neuron on real MNIST ---------------------------------------------------------

def test_single_neuron_separates_zeros_from_ones():
    from helpers.data import flatten, load_mnist, scale

    (x_train, y_train), (x_test, y_test) = load_mnist()
    keep, keep_test = y_train[:6000] <= 1, y_test <= 1
    X = flatten(scale(x_train[:6000][keep]))
    y = y_train[:6000][keep].astype(np.float32)
    w, b = np.zeros(784, dtype=np.float32), np.float32(0.0)
    for _ in range(30):
        p = neuron.neuron(X, w, b)
        w -= X.T @ (p - y) / len(X)
        b -= np.mean(p - y)
    p_test = neuron.neuron(flatten(scale(x_test[keep_test])), w, b)
    assert np.mean((p_test > 0.5) == (y_test[keep_test] == 1)) > 0.99
