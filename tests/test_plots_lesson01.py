"""The shared plot added for lesson 01: plots.pixel_histogram."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def mnist_subset(mnist):
    (x_train, _), _ = mnist
    return x_train[:500]


def bar_heights(ax):
    return np.array([p.get_height() for p in ax.patches])


def test_pixel_histogram_counts_uint8():
    images = np.zeros((2, 28, 28), dtype=np.uint8)
    images[0, 0, :4] = [1, 100, 255, 255]
    fig = plots.pixel_histogram(images, bins=4)
    ax_all, ax_ink = fig.axes
    assert bar_heights(ax_ink).tolist() == [1, 1, 0, 2]  # 1 | 100 | - | 255, 255
    assert bar_heights(ax_all).tolist() == [2 * 784 - 4 + 1, 1, 0, 2]
    assert ax_all.get_yscale() == "log"
    assert ax_all.get_title() == f"all pixels: {(2 * 784 - 4) / (2 * 784):.1%} are exactly 0"
    assert ax_all.get_xlim() == (0, 255)


def test_pixel_histogram_float_and_flat_images():
    rng = np.random.default_rng(0)
    images = rng.random((5, 784)).astype(np.float32)
    images[:, :392] = 0.0
    fig = plots.pixel_histogram(images, bins=10, title="scaled")
    ax_all, ax_ink = fig.axes
    assert bar_heights(ax_ink).sum() == 5 * 392
    assert bar_heights(ax_all).sum() == 5 * 784
    assert "50.0% are exactly 0" in ax_all.get_title()
    assert ax_ink.get_xlim() == (0, 1.0)
    assert fig.get_suptitle() == "scaled"


def test_pixel_histogram_on_real_mnist(mnist_subset):
    fig = plots.pixel_histogram(mnist_subset)
    ax_all, ax_ink = fig.axes
    assert bar_heights(ax_all).sum() == mnist_subset.size
    assert bar_heights(ax_ink).sum() == np.count_nonzero(mnist_subset)


@pytest.mark.parametrize(
    ("images", "error", "match"),
    [
        (np.zeros((0, 28, 28), dtype=np.uint8), ValueError, "empty"),
        (np.array([["a", "b"]]), TypeError, "must hold numbers"),
        (np.ones((2, 2), dtype=bool), TypeError, "must hold numbers"),
        (np.full((2, 2), 300, dtype=np.int64), ValueError, r"\[0, 255\]"),
        (np.full((2, 2), -1, dtype=np.int64), ValueError, r"\[0, 255\]"),
        (np.full((2, 2), 2.0), ValueError, r"\[0, 1.0\]"),
        (np.full((2, 2), np.nan), ValueError, r"\[0, 1.0\]"),
    ],
)
def test_pixel_histogram_bad_images(images, error, match):
    with pytest.raises(error, match=match):
        plots.pixel_histogram(images)


@pytest.mark.parametrize("bins", [1, 0, 2.5, True, "32"])
def test_pixel_histogram_bad_bins(bins):
    with pytest.raises(ValueError, match="bins must be an int >= 2"):
        plots.pixel_histogram(np.zeros((1, 28, 28), dtype=np.uint8), bins=bins)


def test_pixel_histogram_description_gives_the_share_of_zeros_and_the_tallest_ink_bar():
    images = np.zeros((2, 28, 28), dtype=np.uint8)
    images[0, 0, :4] = [1, 100, 255, 255]
    alt = plots.description(plots.pixel_histogram(images, bins=4, title="Two images"))
    edges = np.linspace(0, 255, 5)
    assert alt.startswith(f"Two images: Two histograms of the values of {2 * 784:,} pixels "
                          "(0 to 255).")
    assert f"{(2 * 784 - 4) / (2 * 784):.1%} of all pixels are exactly 0" in alt
    # edges 0, 63.75, 127.5, 191.25, 255: the last bar holds the whole values 192 to 255
    assert edges[3] == 191.25
    assert "the tallest bar, values 192 to 255, holds 50.0% of them." in alt  # the two 255s
    alt = plots.description(plots.pixel_histogram(np.zeros((1, 28, 28)), bins=4))
    assert "100.0% of all pixels are exactly 0" in alt and "ink pixels only" not in alt


def test_pixel_histogram_description_of_float_images():
    images = np.zeros((4, 784), dtype=np.float32)
    images[:, :10] = 0.95
    images[:, 10:13] = 0.3
    alt = plots.description(plots.pixel_histogram(images, bins=10))
    assert f"{1 - 13 / 784:.1%} of all pixels are exactly 0" in alt
    assert f"values 0.90 to 1.00, holds {10 / 13:.1%} of them." in alt


def test_pixel_histogram_description_counts_the_whole_values_inside_a_middle_bar():
    images = np.zeros((1, 28, 28), dtype=np.uint8)
    images[0, 0, :3] = [8, 15, 16]  # bins of 8 values: [8, 16) holds 8 and 15, 16 the next
    alt = plots.description(plots.pixel_histogram(images, bins=32))
    assert "the tallest bar, values 8 to 15, holds 66.7% of them." in alt
