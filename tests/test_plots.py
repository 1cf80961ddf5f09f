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


# --- alt text: describe, show, and each figure's description ------------------------------------

def test_describe_attaches_alt_text_and_rejects_bad_input():
    fig = plt.figure()
    assert plots.description(fig) is None
    assert plots.describe(fig, "  a   line\nchart ") is fig
    assert plots.description(fig) == "a line chart"
    for alt in ("", "   ", None):
        with pytest.raises(ValueError, match="alt must be a sentence"):
            plots.describe(fig, alt)
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure, got Axes"):
        plots.describe(fig.add_subplot(), "an axes")


def test_show_needs_a_figure_and_one_figure_per_alt_text():
    plt.close("all")
    with pytest.raises(ValueError, match="no figure to show"):
        plots.show()
    plt.subplots()
    plt.subplots()
    with pytest.raises(ValueError, match="alt describes one figure, but 2 are open"):
        plots.show(alt="two figures")
    plt.close("all")


@pytest.fixture
def displayed(monkeypatch):
    """Stand in for a notebook kernel: record what plots.show() passes to IPython's display."""
    import IPython
    import IPython.display

    calls = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display",
                        lambda obj, **kwargs: calls.append((obj, kwargs)))
    return calls


def test_show_in_ipython_displays_the_alt_text_and_closes_the_figure(displayed):
    plt.close("all")
    described = plots.show_digits(np.zeros((2, 28, 28)), [3, 8])
    fig, _ = plt.subplots()
    plots.show(fig, alt="an empty chart")
    plots.show(described)
    assert [obj for obj, _ in displayed] == [fig, described]
    alts = [kwargs["metadata"] for _, kwargs in displayed]
    assert alts == [{"image/png": {"alt": "an empty chart"}},
                    {"image/png": {"alt": plots.description(described)}}]
    assert "labelled 3, 8" in alts[1]["image/png"]["alt"]
    assert plt.get_fignums() == []  # both shown and closed


def test_a_learners_own_figure_shows_without_alt_text(displayed):
    """A figure nobody described is shown as plt.show() would (the lessons' test wants alt)."""
    plt.close("all")
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    plots.show()
    assert displayed == [(fig, {"metadata": None})]


def test_read_out_prints_the_alt_text_under_each_figure(displayed, monkeypatch, capsys):
    monkeypatch.delenv(plots.READ_OUT_ENV, raising=False)
    plots.show(plots.describe(plt.figure(), "an empty figure, for the test"))
    assert capsys.readouterr().out == ""
    plots.read_out()
    plots.show(plots.describe(plt.figure(), "an empty figure, for the test"))
    assert capsys.readouterr().out == "Figure: an empty figure, for the test\n"
    plots.read_out(False)
    plots.show(plots.describe(plt.figure(), "an empty figure, for the test"))
    assert capsys.readouterr().out == ""


def test_show_displays_every_open_figure_in_order(displayed):
    plt.close("all")
    first = plots.describe(plt.figure(), "the first figure, empty")
    second = plots.describe(plt.figure(), "the second figure, empty")
    plots.show()
    assert [obj for obj, _ in displayed] == [first, second]
    assert plt.get_fignums() == []


def test_show_digits_description(mnist):
    (x, y), _ = mnist
    alt = plots.description(plots.show_digits(x[:30], y[:30]))
    labels = ", ".join(str(v) for v in y[:10])
    assert alt == (f"30 images of handwritten digits in 3 rows of 10, labelled {labels}, "
                   "and 20 more.")
    alt = plots.description(plots.show_digits(x[:12], titles=[f"#{i}" for i in range(12)],
                                              ncols=5, suptitle="Twelve"))
    assert alt.startswith("Twelve: 12 images of handwritten digits in 3 rows of 5, titled ")
    assert alt.endswith("#3; #4; and 7 more.")
    assert plots.description(plots.show_digits(x[:1], titles=["a 5"])) == (
        "One handwritten digit, titled a 5.")


def test_show_pixels_description(mnist):
    image = np.zeros((28, 28), dtype=np.uint8)
    image[5:9, 10:12] = 200
    image[6, 10] = 17
    alt = plots.description(plots.show_pixels(image, title="a block"))
    assert alt.startswith("a block: Heat map of one image's 28x28 pixel values")
    assert "8 of the 784 pixels hold ink, from 17 to 200, in rows 5-8 and columns 10-11" in alt
    assert "all 784 pixels are 0" in plots.description(plots.show_pixels(np.zeros(784)))
    (x, _), _ = mnist
    assert f"{np.count_nonzero(x[0])} of the 784 pixels" in plots.description(
        plots.show_pixels(x[0]))


def test_bar_counts_description():
    train = np.array([50, 60, 55, 52, 58, 41, 57, 59, 54, 53])
    alt = plots.description(plots.bar_counts({"train": train, "test": train // 10}))
    assert alt.startswith("Bar chart, Images per digit: one bar per digit 0-9 for each of "
                          "train and test.")
    assert "train from 41 (digit 5) to 60 (digit 1); test from 4 (digit 5) to 6 (digit 1)" in alt
    share = train / train.sum()
    alt = plots.description(plots.bar_counts({"train": share}, title="Shares"))
    assert f"train from {share[5]:.1%} (digit 5) to {share[1]:.1%} (digit 1)." in alt


def test_learning_curves_description():
    hist = {"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.6, 0.7],
            "accuracy": [0.5, 0.8, 0.85], "val_accuracy": [0.6, 0.75, 0.8]}
    alt = plots.description(plots.learning_curves(hist, title="A run"))
    assert alt.startswith("A run: Learning curves, loss and accuracy per epoch over 3 epochs")
    assert ("Loss: training 1.0000 to 0.4000, validation 1.1000 after epoch 1 to 0.7000 after "
            "epoch 3 (lowest 0.6000 after epoch 2).") in alt
    assert ("Accuracy: training 50.0% to 85.0%, validation 60.0% after epoch 1 to 80.0% after "
            "epoch 3.") in alt  # the best epoch is the last: not repeated
    tie = {"accuracy": [0.8, 0.85, 0.9], "val_accuracy": [0.9, 0.90004, 0.9]}
    alt = plots.description(plots.learning_curves(tie, metrics=("accuracy",)))
    assert alt.endswith("90.0% after epoch 1 to 90.0% after epoch 3.")  # no "highest 90.0%"
    alt = plots.description(plots.learning_curves({"loss": [0.9, 0.3]}, metrics=("loss",)))
    assert alt.endswith("over 2 epochs, training and validation. Loss: training 0.9000 to 0.3000.")


def test_plot_confusion_description():
    y_true = np.array([4, 4, 4, 9, 9, 3, 3, 5, 7, 1])
    y_pred = np.array([9, 9, 4, 4, 9, 5, 5, 3, 2, 1])
    cm = plots.confusion_matrix(y_true, y_pred)
    alt = plots.description(plots.plot_confusion(cm, title="Tiny"))
    assert alt.startswith("Tiny: true digit in rows, predicted digit in columns")
    assert f"{np.trace(cm)} of {cm.sum()} are on the diagonal" in alt
    assert ("The most frequent mistakes: 3 read as 5 (2 images); 4 read as 9 (2 images); "
            "5 read as 3 (1 image); 7 read as 2 (1 image).") in alt
    assert "There are no mistakes." in plots.description(plots.plot_confusion(np.eye(3, dtype=int)))


def test_probability_bars_describes_only_its_own_figure():
    p = np.exp([-1.2, 0.3, 1.1, 4.0, -2.0, 1.9, -0.5, 0.8, 2.2, 0.1])
    p /= p.sum()
    ax = plots.probability_bars(p, true_label=5)
    alt = plots.description(ax.figure)
    assert (f"digit 3 is the most likely at {p[3]:.1%}, then 8 at {p[8]:.1%} and 5 at "
            f"{p[5]:.1%}.") in alt
    assert f"The true digit, 5, is outlined; it gets {p[5]:.1%}." in alt
    fig, given = plt.subplots()
    assert plots.probability_bars(p, ax=given) is given
    assert plots.description(fig) is None  # the caller composes and describes the figure


def test_network_diagram_description():
    alt = plots.description(plots.network_diagram([784, 128, 10]))
    params = 784 * 128 + 128 + 128 * 10 + 10
    assert "input, 784 values; hidden, 128 neurons; output, 10 neurons." in alt
    assert f"W1 784 x 128, W2 128 x 10; with the biases, {params:,} parameters." in alt
    alt = plots.description(plots.network_diagram((3, 2), names=["in", "out"]))
    assert "in, 3 values; out, 2 neurons" in alt
    assert "W1 3 x 2; with the biases, 8 parameters" in alt


def test_confusion_counts_on_dark_cells_are_white_for_contrast():
    counts = np.array([[50, 9, 1], [0, 60, 2], [3, 0, 40]])
    fig = plots.plot_confusion(counts)
    colours = {t.get_text(): t.get_color() for t in fig.axes[0].texts}
    assert colours["9"] == "white"  # the darkest red: black would be about 1.6:1
    assert colours["1"] == "black" and colours["50"] == "dimgray"
    plt.close(fig)
