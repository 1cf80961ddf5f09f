import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_digit_colors():
    assert len(plots.DIGIT_COLORS) == 10 and len(set(plots.DIGIT_COLORS)) == 10
    assert plots.digit_color(3) == plots.DIGIT_COLORS[3]
    with pytest.raises(ValueError, match="digit must be 0-9"):
        plots.digit_color(10)


def test_show_digits_grid_and_titles(mnist):
    (x, y), _ = mnist
    fig = plots.show_digits(x[:12], y[:12], ncols=5)
    assert len(fig.axes) == 15
    assert [ax.get_title() for ax in fig.axes[:3]] == [str(v) for v in y[:3]]
    fig = plots.show_digits(x[:2].reshape(2, 784), titles=["a", "b"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"images": np.zeros((3, 28))}, r"shape \(N, 28, 28\) or \(N, 784\)"),
        ({"images": np.zeros((0, 28, 28))}, "images is empty"),
        ({"images": np.zeros((3, 28, 28)), "labels": [1, 2]},
         "labels has 2 entries but there are 3"),
        ({"images": np.zeros((3, 28, 28)), "titles": ["a"]}, "titles has 1 entries"),
        ({"images": np.zeros((3, 28, 28)), "ncols": 0}, "ncols must be >= 1"),
    ],
)
def test_show_digits_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plots.show_digits(**kwargs)


def test_show_pixels_writes_nonzero_values(mnist):
    (x, _), _ = mnist
    fig = plots.show_pixels(x[0], title="first")
    texts = fig.axes[0].texts
    assert len(texts) == int((x[0] > 0).sum())
    with pytest.raises(ValueError, match=r"\(28, 28\) or \(784,\)"):
        plots.show_pixels(np.zeros((27, 28)))


def test_bar_counts():
    fig = plots.bar_counts({"train": np.arange(10), "test": np.ones(10)})
    assert len(fig.axes[0].patches) == 20
    with pytest.raises(ValueError, match="counts is empty"):
        plots.bar_counts({})
    with pytest.raises(ValueError, match=r"counts\['x'\] must have 10 entries"):
        plots.bar_counts({"x": np.ones(9)})


def test_learning_curves():
    hist = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]}
    fig = plots.learning_curves(hist)
    assert len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 2 and len(fig.axes[1].lines) == 1
    with pytest.raises(ValueError, match=r"history has no \['f1'\]"):
        plots.learning_curves(hist, metrics=("f1",))


def test_confusion_matrix_counts():
    cm = plots.confusion_matrix(np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2]), num_classes=3)
    np.testing.assert_array_equal(cm, [[1, 0, 0], [0, 1, 1], [0, 0, 1]])
    with pytest.raises(ValueError, match="same length"):
        plots.confusion_matrix(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="y_pred must hold class ids 0-2"):
        plots.confusion_matrix(np.zeros(2, int), np.array([0, 3]), num_classes=3)


def test_plot_confusion_and_probability_bars():
    fig = plots.plot_confusion(np.eye(10, dtype=int) * 5)
    assert len(fig.axes[0].texts) == 100
    with pytest.raises(ValueError, match="square"):
        plots.plot_confusion(np.zeros((2, 3)))
    ax = plots.probability_bars(np.full(10, 0.1), true_label=4)
    assert ax.patches[4].get_linewidth() == 2
    with pytest.raises(ValueError, match=r"shape \(10,\)"):
        plots.probability_bars(np.ones(3) / 3)
    with pytest.raises(ValueError, match="sum to 1"):
        plots.probability_bars(np.ones(10))


def test_network_diagram_labels_every_layer_and_weight_matrix():
    fig = plots.network_diagram([784, 128, 10], names=["in", "hid", "out"], shown=6)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "in\n784 values" in texts and "hid\n128 neurons" in texts and "out\n10 neurons" in texts
    assert "W1: 784 x 128\nb1: 128" in texts and "W2: 128 x 10\nb2: 10" in texts
    assert texts.count("⋮") == 3  # every layer is larger than the 6 neurons drawn
    lines = fig.axes[0].get_lines()
    assert len(lines) == 6 * 6 * 2  # one line per drawn weight
    small = plots.network_diagram((3, 2))
    small_texts = [t.get_text() for t in small.axes[0].texts]
    assert "⋮" not in small_texts and "output\n2 neurons" in small_texts
    assert len(small.axes[0].get_lines()) == 6


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([784],), {}, "at least two layer sizes"),
        (("784",), {}, "at least two layer sizes"),
        (([784, 0],), {}, "whole number >= 1"),
        (([784, 1.5],), {}, "whole number >= 1"),
        (([784, 10],), {"names": ["a"]}, "one name per layer"),
        (([784, 10],), {"shown": 1}, "shown must be an int >= 2"),
    ],
)
def test_network_diagram_rejects_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plots.network_diagram(*args, **kwargs)
