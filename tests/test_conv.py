"""Tests for helpers.conv: NumPy convolution and pooling equal Keras's; geometry; the figures."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import conv
from helpers.plots import description


@pytest.fixture(scope="module")
def cnn():
    import keras

    keras.utils.set_random_seed(3)
    return keras.Sequential([keras.Input((784,)), keras.layers.Reshape((28, 28, 1)),
                             keras.layers.Conv2D(4, 5, padding="same", activation="relu"),
                             keras.layers.MaxPooling2D(),
                             keras.layers.Conv2D(8, 5, padding="same", activation="relu"),
                             keras.layers.MaxPooling2D(),
                             keras.layers.Flatten(), keras.layers.Dense(10)])


@pytest.fixture(scope="module")
def digit() -> np.ndarray:
    return np.random.default_rng(0).random((28, 28))


def keras_conv(image: np.ndarray, kernel: np.ndarray, stride: int, padding: str) -> np.ndarray:
    import keras

    layer = keras.layers.Conv2D(1, kernel.shape, strides=stride, padding=padding,
                                use_bias=False)
    layer.build((1, *image.shape, 1))
    layer.set_weights([kernel[:, :, None, None].astype(np.float32)])
    out = layer(image[None, :, :, None].astype(np.float32))
    return keras.ops.convert_to_numpy(out)[0, :, :, 0]


def loop_convolve(image: np.ndarray, kernel: np.ndarray, stride: int = 1) -> np.ndarray:
    (kh, kw), rows, cols = kernel.shape, (image.shape[0] - kernel.shape[0]) // stride + 1, \
        (image.shape[1] - kernel.shape[1]) // stride + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = (image[i * stride:i * stride + kh, j * stride:j * stride + kw]
                         * kernel).sum()
    return out


@pytest.mark.parametrize(("shape", "kshape", "stride", "padding"), list(itertools.product(
    [(28, 28), (11, 9)], [(3, 3), (5, 5), (3, 2)], [1, 2, 3], ["valid", "same"])))
def test_convolve_equals_keras(shape, kshape, stride, padding) -> None:
    rng = np.random.default_rng(sum(shape) + sum(kshape) + stride)
    image, kernel = rng.random(shape), rng.normal(size=kshape)
    ours = conv.convolve(image, kernel, stride=stride, padding=padding)
    assert ours.dtype == np.float64
    assert np.allclose(ours, keras_conv(image, kernel, stride, padding), atol=1e-5)


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_convolve_equals_the_loop(stride) -> None:
    rng = np.random.default_rng(stride)
    image, kernel = rng.random((11, 9)), rng.normal(size=(3, 2))
    assert np.allclose(conv.convolve(image, kernel, stride=stride),
                       loop_convolve(image, kernel, stride))
    assert conv.convolve([[1, 2], [3, 4]], [[1]]).tolist() == [[1.0, 2.0], [3.0, 4.0]]


def keras_pool(fmap: np.ndarray, size: int, stride: int | None) -> np.ndarray:
    import keras

    layer = keras.layers.MaxPooling2D(pool_size=size, strides=stride, padding="valid")
    return keras.ops.convert_to_numpy(layer(fmap[None, :, :, None].astype(np.float32)))[0, :, :, 0]


@pytest.mark.parametrize(("shape", "size", "stride"), [
    ((28, 28), 2, None), ((7, 7), 2, None), ((9, 8), 3, None), ((9, 8), 3, 2),
    ((5, 6), 2, 1), ((11, 7), 3, 3)])
def test_max_pool_equals_keras(shape, size, stride) -> None:
    fmap = np.random.default_rng(size).normal(size=shape)
    ours = conv.max_pool(fmap, size, stride)
    assert np.allclose(ours, keras_pool(fmap, size, stride), atol=1e-6)
    assert conv.max_pool(-np.ones((3, 3))).tolist() == [[-1.0]]


def test_output_size_equals_keras() -> None:
    import keras

    for n, k, s, padding in itertools.product([7, 12, 27, 28], [1, 2, 3, 5], [1, 2, 3],
                                              ["valid", "same"]):
        layer = keras.layers.Conv2D(1, k, strides=s, padding=padding)
        want = layer.compute_output_shape((1, n, n, 1))[1]
        assert conv.output_size(n, k, s, padding) == want, (n, k, s, padding)
    assert conv.output_size(28, 2, 2) == 14 and conv.output_size(7, 3, 3, "same") == 3


def test_conv_params_equals_keras() -> None:
    import keras

    for kernel, channels, filters, bias in [(3, 1, 32, True), ((5, 3), 32, 64, True),
                                            (3, 32, 64, False)]:
        layer = keras.layers.Conv2D(filters, kernel, use_bias=bias)
        layer.build((None, 28, 28, channels))
        assert conv.conv_params(kernel, channels, filters, bias=bias) == layer.count_params()


def test_receptive_fields(cnn) -> None:
    import keras

    names = [layer.name for layer in cnn.layers if "conv" in layer.name or "pool" in layer.name]
    assert conv.receptive_fields(cnn) == list(zip(names, [5, 6, 14, 16], strict=True))
    steps = [("conv", 5, 1), ("pool", 2, 2), ("conv", 5, 1), ("pool", 2, 2)]
    assert conv.receptive_fields(steps) == [("conv1", 5), ("pool1", 6), ("conv2", 14),
                                            ("pool2", 16)]
    assert conv.receptive_fields([("conv", 3, 2), ("conv", 3, 1)]) == [("conv1", 3),
                                                                      ("conv2", 7)]
    augmented = keras.Sequential([keras.Input((784,)), keras.layers.Reshape((28, 28, 1)),
                                  keras.layers.RandomTranslation(0.1, 0.1),
                                  keras.layers.Conv2D(2, 3), keras.layers.Dropout(0.1),
                                  keras.layers.Flatten(), keras.layers.Dense(10),
                                  ])
    assert [w for _, w in conv.receptive_fields(augmented)] == [3]


def test_feature_maps(cnn, digit) -> None:
    maps = conv.feature_maps(cnn, digit)
    assert [m.shape for _, m in maps] == [(28, 28, 4), (14, 14, 4), (14, 14, 8), (7, 7, 8)]
    assert all(m.dtype == np.float64 for _, m in maps)
    flat = conv.feature_maps(cnn, digit.reshape(784))
    assert all(np.allclose(a, b) for (_, a), (_, b) in zip(maps, flat, strict=True))
    assert np.allclose(maps[1][1][:, :, 0], conv.max_pool(maps[0][1][:, :, 0]), atol=1e-6)


def n_axes(fig) -> int:
    count = len(fig.axes)
    plt.close(fig)
    return count


def test_plots(cnn, digit) -> None:
    from matplotlib.figure import Figure

    kernel = np.array([[-1.0, 0.0, 1.0]] * 3)
    fig = conv.plot_convolution(digit, kernel, conv.convolve(digit, kernel))
    assert isinstance(fig, Figure) and n_axes(fig) == 4  # three panels and a colour bar
    assert n_axes(conv.plot_filters(cnn)) == 4
    assert n_axes(conv.plot_filters(cnn, layer=1)) == 8
    maps = conv.feature_maps(cnn, digit)
    assert n_axes(conv.plot_feature_maps(maps, digit, channels=6)) == 5 * 6
    assert n_axes(conv.plot_feature_maps(maps)) == 4 * 8
    fig = conv.plot_receptive_fields(digit, conv.receptive_fields(cnn))
    patches = fig.axes[0].patches
    assert len(patches) == 4 and n_axes(fig) == 1  # one square per conv or pool layer
    assert patches[-1].get_xy() == (3.5, 3.5) and patches[-1].get_width() == 16  # pool2, exact
    assert all(p.get_xy()[0] >= 3.5 for p in patches)  # all from the shared corner (4, 4)
    fig = conv.plot_shift_curves({"MLP": {0: 0.98, 1: 0.9, 2: 0.6}, "CNN": {0: 0.99, 2: 0.9}})
    ax = fig.axes[0]
    assert len({line.get_linestyle() for line in ax.lines}) == 2
    assert ax.get_ylim() == (0, 1) and n_axes(fig) == 1


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda: conv.convolve(np.ones((3, 3, 1)), np.ones((2, 2))), ValueError, "image must be 2-D"),
    (lambda: conv.convolve(np.ones(5), np.ones((2, 2))), ValueError, "image must be 2-D"),
    (lambda: conv.convolve(np.ones((5, 5)), np.ones(2)), ValueError, "kernel must be 2-D"),
    (lambda: conv.convolve(np.full((5, 5), np.nan), np.ones((2, 2))), ValueError, "image"),
    (lambda: conv.convolve("image", np.ones((2, 2))), TypeError, "image"),
    (lambda: conv.convolve(np.ones((5, 5)), np.ones((2, 2)), stride=0), ValueError, "stride"),
    (lambda: conv.convolve(np.ones((5, 5)), np.ones((2, 2)), stride=1.5), TypeError, "stride"),
    (lambda: conv.convolve(np.ones((5, 5)), np.ones((2, 2)), padding="SAME"), ValueError,
     "padding"),
    (lambda: conv.convolve(np.ones((5, 5)), np.ones((2, 2)), padding=0), TypeError, "padding"),
    (lambda: conv.convolve(np.ones((3, 3)), np.ones((4, 2))), ValueError, "kernel"),
    (lambda: conv.max_pool(np.ones((3, 3)), 4), ValueError, "size"),
    (lambda: conv.max_pool(np.ones((4, 4)), 2, stride=0), ValueError, "stride"),
    (lambda: conv.max_pool(np.ones((4, 4, 2))), ValueError, "feature_map"),
    (lambda: conv.output_size(3, 5), ValueError, "kernel"),
    (lambda: conv.output_size(28.0, 5), TypeError, "n must"),
    (lambda: conv.output_size(28, 5, padding="full"), ValueError, "padding"),
    (lambda: conv.conv_params("3", 1, 8), TypeError, "kernel_size"),
    (lambda: conv.conv_params(3, 0, 8), ValueError, "in_channels"),
    (lambda: conv.receptive_fields("model"), TypeError, "model must be a Keras model"),
    (lambda: conv.receptive_fields([("dense", 3, 1)]), ValueError, "model as a list"),
    (lambda: conv.receptive_fields([]), ValueError, "model has no Conv2D"),
    (lambda: conv.feature_maps(np.ones(3), np.zeros(784)), TypeError, "model must"),
])
def test_errors_name_the_argument(call, error, words) -> None:
    with pytest.raises(error, match=words):
        call()


def test_keras_errors(cnn, digit) -> None:
    import keras

    dilated = keras.Sequential([keras.Input((28, 28, 1)),
                                keras.layers.Conv2D(2, 3, dilation_rate=2)])
    with pytest.raises(ValueError, match="dilat"):
        conv.receptive_fields(dilated)
    with pytest.raises(ValueError, match="image must be one digit"):
        conv.feature_maps(cnn, np.zeros((27, 27)))
    with pytest.raises(TypeError, match="image must hold floats"):
        conv.feature_maps(cnn, np.zeros((28, 28), dtype=int))
    with pytest.raises(ValueError, match="layer must be 0..1"):
        conv.plot_filters(cnn, layer=2)
    with pytest.raises(ValueError, match="corner"):
        conv.plot_receptive_fields(digit, [("c", 5)], corner=(30, 3))
    with pytest.raises(ValueError, match="leaves the 28x28 image"):
        conv.plot_receptive_fields(digit, [("c", 16)], corner=(20, 4))
    with pytest.raises(ValueError, match="fields"):
        conv.plot_receptive_fields(digit, [("c", 0)])
    with pytest.raises(TypeError, match="maps"):
        conv.plot_feature_maps({})
    with pytest.raises(TypeError, match="curves"):
        conv.plot_shift_curves({"MLP": {}})


# --- alt text: each figure says what it shows, with its numbers -----------------------------

def _alt(fig) -> str:
    """Return a figure's alt text (closing the figure); it must have one."""
    alt = description(fig)
    plt.close(fig)
    assert alt, "the figure has no alt text"
    return alt


def _convs(cnn) -> list:
    import keras

    return [layer for layer in cnn.layers if isinstance(layer, keras.layers.Conv2D)]


def test_plot_convolution_describes_its_three_panels(digit) -> None:
    kernel = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    fmap = conv.convolve(digit, kernel)
    alt = _alt(conv.plot_convolution(digit, kernel, fmap))
    assert alt.startswith("Three panels, left to right: image (28x28); kernel (3x3) with values "
                          "by row (-1, 0, 1), (-2, 0, 2), (-1, 0, 1); feature map (26x26)")
    assert f"from {fmap.min():.2g} to {fmap.max():.2g}." in alt
    alt = _alt(conv.plot_convolution(digit, np.ones((5, 5)) / 25, fmap,
                                     titles=["a 7", "blur", "map (26x26)"]))
    assert "blur (5x5) with values from 0.04 to 0.04; map (26x26), red" in alt


def test_plot_filters_counts_them_and_gives_their_range(cnn) -> None:
    for layer, conv_layer in enumerate(_convs(cnn)):
        kernels = conv_layer.get_weights()[0][:, :, 0, :]
        alt = _alt(conv.plot_filters(cnn, layer=layer))
        assert alt.startswith(f"The {kernels.shape[-1]} filters of {conv_layer.name}, "
                              f"convolutional layer {layer + 1}, each a 5x5 image of weights")
        assert f"from {kernels.min():.2g} to {kernels.max():.2g}." in alt
        assert ("(input channel 0 of each)" in alt) == (layer == 1)


def test_plot_feature_maps_gives_each_layer_its_shape_and_zeros(cnn, digit) -> None:
    maps = conv.feature_maps(cnn, digit)
    alt = _alt(conv.plot_feature_maps(maps, digit, channels=6))
    assert alt.startswith("The input digit in the first row, then feature maps: one row per "
                          "layer, up to 6 channels each (white 0, darker larger).")
    for name, fmap in maps:
        h, w, c = fmap.shape
        assert f"{name} {h}x{w}x{c} ({(fmap == 0).mean():.1%} zeros)" in alt
    signed = [("a", np.full((3, 4, 2), -1.0)), ("b", np.ones((2, 2, 1)))]
    alt = _alt(conv.plot_feature_maps(signed))
    assert alt.startswith("Feature maps: one row per layer, up to 8 channels each (red "
                          "positive, blue negative).")
    assert alt.endswith("a 3x4x2, b 2x2x1.")


def test_plot_receptive_fields_gives_each_field(cnn, digit) -> None:
    fields = conv.receptive_fields(cnn)
    alt = _alt(conv.plot_receptive_fields(digit, fields, corner=(2, 3)))
    assert "from pixel (row 2, column 3)" in alt
    assert ", ".join(f"{name} {w}x{w}" for name, w in fields) + " pixels." in alt


def test_plot_shift_curves_gives_each_network_its_fall() -> None:
    curves = {"MLP": {0: 0.98, 1: 0.9, 2: 0.6}, "CNN": {0: 0.99, 2: 0.9}}
    alt = _alt(conv.plot_shift_curves(curves, title="Shifted"))
    assert alt.startswith('Line chart "Shifted": test accuracy against the shift in pixels')
    for name, acc in curves.items():
        assert (f"{name} falls from {acc[0]:.1%} at no shift to {acc[2]:.1%} at a shift of 2 "
                f"pixels") in alt
    assert "MLP falls" in alt and "(0 px 98.0%, 1 px 90.0%, 2 px 60.0%)" in alt  # every point
    assert 'Line chart "Accuracy on shifted digits"' in _alt(conv.plot_shift_curves(curves))
