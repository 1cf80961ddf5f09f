"""helpers.evaluation: confused pairs, the mistakes' order, the gallery figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import evaluation  # noqa: E402
from helpers.plots import confusion_matrix, description  # noqa: E402


@pytest.fixture
def counts():
    y_true = np.array([4, 4, 4, 9, 9, 3, 3, 5, 7, 1])
    y_pred = np.array([9, 9, 4, 4, 9, 5, 5, 3, 2, 1])
    return confusion_matrix(y_true, y_pred)


def test_most_confused_orders_by_count_then_digits(counts):
    pairs = evaluation.most_confused(counts, k=10)
    assert pairs[0] == evaluation.Confusion(true=3, pred=5, count=2)  # tie: 3 before 4
    assert pairs[1] == (4, 9, 2)
    assert [tuple(p) for p in pairs[2:]] == [(5, 3, 1), (7, 2, 1), (9, 4, 1)]
    assert all(p.true != p.pred for p in pairs)


def test_most_confused_k_and_no_errors(counts):
    assert len(evaluation.most_confused(counts, k=1)) == 1
    assert evaluation.most_confused(np.eye(10, dtype=int) * 5) == []


@pytest.mark.parametrize("bad", [np.zeros((3, 4), int), np.zeros(10, int), np.zeros((1, 1), int),
                                 np.full((10, 10), 0.5), -np.ones((10, 10), int)])
def test_most_confused_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match="counts"):
        evaluation.most_confused(bad)


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "3"])
def test_most_confused_rejects_bad_k(counts, k):
    with pytest.raises(ValueError, match="k must be"):
        evaluation.most_confused(counts, k=k)


def test_confused_pairs_table(counts):
    table = evaluation.confused_pairs_table(counts, k=2)
    lines = table.splitlines()
    assert lines[0].split() == ["true", "predicted", "images", "share", "of", "errors"]
    assert lines[1].split() == ["3", "5", "2", "28.6%"]  # 2 of the 7 errors
    assert lines[2].split() == ["4", "9", "2", "28.6%"]
    assert len(lines) == 3
    assert "no mistakes" in evaluation.confused_pairs_table(np.eye(10, dtype=int))


def test_misclassified_most_confident_first():
    y = np.array([0, 1, 2, 0])
    probs = np.array([[0.9, 0.1, 0.0],   # right
                      [0.6, 0.4, 0.0],   # wrong, confidence 0.6
                      [0.05, 0.9, 0.05],  # wrong, confidence 0.9
                      [0.2, 0.2, 0.6]])  # wrong, confidence 0.6 (ties keep order)
    assert evaluation.misclassified(y, probs).tolist() == [2, 1, 3]
    assert evaluation.misclassified(np.array([0]), np.array([[1.0, 0.0]])).size == 0


@pytest.mark.parametrize("y, probs", [
    (np.array([0, 1]), np.array([0.5, 0.5])),             # probs 1-D
    (np.array([0, 1, 1]), np.full((2, 10), 0.1)),         # lengths differ
    (np.array([[0], [1]]), np.full((2, 10), 0.1)),        # labels 2-D
    (np.array([0.0, 1.0]), np.full((2, 10), 0.1)),        # float labels
])
def test_misclassified_rejects_bad_inputs(y, probs):
    with pytest.raises(ValueError):
        evaluation.misclassified(y, probs)


@pytest.fixture
def mistakes(mnist):
    (_, _), (x_test, y_test) = mnist
    x, y = x_test[:12].astype(np.float32) / 255, y_test[:12]
    probs = np.full((12, 10), 0.02)
    probs[np.arange(12), (y + 1) % 10] = 0.82  # every image "predicted" as the next digit
    return x, y, probs


def test_plot_mistakes_draws_image_and_bars_per_example(mistakes):
    x, y, probs = mistakes
    idx = evaluation.misclassified(y, probs)[:6]
    fig = evaluation.plot_mistakes(x, y, probs, idx, ncols=4)
    axes = fig.get_axes()
    assert len(axes) == 16  # 2 rows of 4 (image, bars) pairs; two pairs blank
    assert len(axes[0].get_images()) == 1 and len(axes[1].patches) == 10
    assert axes[1].get_title() == f"true {y[idx[0]]}, predicted {(y[idx[0]] + 1) % 10}"
    assert not axes[-1].axison and not axes[0].axison
    bold = [t.get_text() for t in axes[1].get_xticklabels() if t.get_fontweight() == "bold"]
    assert bold == [str(y[idx[0]])]
    fig2 = evaluation.plot_mistakes(x.reshape(12, 784), y, probs, idx[:1])
    assert len(fig2.get_axes()) == 2
    plt.close("all")


def test_plot_mistakes_rejects_bad_inputs(mistakes):
    x, y, probs = mistakes
    with pytest.raises(ValueError, match="images"):
        evaluation.plot_mistakes(x[:5], y, probs, np.array([0]))
    with pytest.raises(ValueError, match="indices"):
        evaluation.plot_mistakes(x, y, probs, np.array([], dtype=int))
    with pytest.raises(ValueError, match="indices"):
        evaluation.plot_mistakes(x, y, probs, np.array([12]))
    with pytest.raises(ValueError, match="indices"):
        evaluation.plot_mistakes(x, y, probs, np.array([0.5]))
    with pytest.raises(ValueError, match="ncols"):
        evaluation.plot_mistakes(x, y, probs, np.array([0]), ncols=0)
    with pytest.raises(ValueError, match="probs"):
        evaluation.plot_mistakes(x, y, probs[:, 0], np.array([0]))
    plt.close("all")


def test_plot_mistakes_description_lists_the_mistakes_and_counts_runner_ups(mistakes):
    x, y, _ = mistakes
    rows = np.arange(12)
    probs = np.full((12, 10), 0.01)
    probs[rows, (y + 1) % 10] = 0.62  # every image read as the next digit
    second = np.where(rows < 4, (y + 2) % 10, y)  # the true digit second, but in four images
    probs[rows, second] = 0.30
    probs /= probs.sum(axis=1, keepdims=True)
    alt = description(evaluation.plot_mistakes(x, y, probs, rows))
    article = "an" if y[0] == 8 else "a"
    assert alt.startswith("12 test images, each beside a bar chart of its predicted "
                          "probabilities for the digits 0-9, the true digit's bar outlined: "
                          f"#0, {article} {y[0]} read as {(y[0] + 1) % 10} "
                          f"({probs[0].max():.1%}); #1, ")
    assert alt.endswith("; and 7 more. In 8 of the 12 mistakes the true digit is the runner-up.")
    right = probs.copy()
    right[0] = np.eye(10)[y[0]]
    alt = description(evaluation.plot_mistakes(x, y, right, rows[:1]))
    assert alt.endswith(f"#0, {article} {y[0]} read as {y[0]} (100.0%).")  # no mistake to count
    plt.close("all")
