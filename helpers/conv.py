"""Convolution and pooling in NumPy, and a look inside a convolutional network (lesson 08).

:func:`convolve` and :func:`max_pool` compute exactly what ``keras.layers.Conv2D`` (one input
and one output channel, no bias) and ``keras.layers.MaxPooling2D`` compute on one 2-D image,
with TensorFlow's "valid" and "same" padding. Like Keras, :func:`convolve` slides the kernel
without flipping it (a cross-correlation). The other functions count parameters, measure
receptive fields, read a trained network's feature maps and draw them. Keras is imported
inside the functions that need it, so importing this module is cheap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.lib.stride_tricks import sliding_window_view

from helpers import validate
from helpers.plots import IMAGE_CMAP, describe

SIGNED_CMAP = "RdBu_r"  # red positive, blue negative, white at 0
COUNT_CMAP = "Reds"  # for values >= 0 (ReLU outputs): white at 0
PADDINGS = ("valid", "same")
LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P")
# Layers that do not change where a unit looks: receptive_fields walks past them.
_PASS_THROUGH = ("InputLayer", "Reshape", "Dropout", "Rescaling", "BatchNormalization",
                 "Activation", "ReLU")
_STOP = ("Flatten", "Dense", "GlobalMaxPooling2D", "GlobalAveragePooling2D")


# --- checks ---------------------------------------------------------------------------------

def _map(x: Any, name: str) -> np.ndarray:
    """Return ``x`` as a finite 2-D float64 array, or raise naming ``name``."""
    array = validate.real_array(x, name, dtype=np.float64, used_by="convolution and pooling")
    if array.ndim != 2:
        raise ValueError(f"{name} must be 2-D (rows, columns), got shape {array.shape}; pass "
                         f"one image or one channel, e.g. {name}[:, :, 0] or "
                         f"image.reshape(28, 28).")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); pass at least one pixel.")
    return array


def _padding(padding: Any) -> str:
    """Return ``padding`` if it is "valid" or "same", else raise."""
    if not isinstance(padding, str):
        raise TypeError(f"padding must be the string 'valid' or 'same', got "
                        f"{type(padding).__name__}: {padding!r:.40}.")
    if padding not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same' (lower case, as in Keras), got "
                         f"{padding!r}.")
    return padding


def _stride(stride: Any, name: str = "stride") -> int:
    """Return ``stride`` as an int of at least 1, else raise."""
    return validate.whole_number(stride, name, minimum=1, fix="use e.g. 1 or 2")


def _pad_amounts(n: int, k: int, stride: int) -> tuple[int, int]:
    """Return TensorFlow's "same" padding (before, after) along one axis: the smaller half first."""
    total = max((math.ceil(n / stride) - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


# --- the arithmetic -------------------------------------------------------------------------

def output_size(n: int, kernel: int, stride: int = 1, padding: str = "valid") -> int:
    """Return a convolution's or pooling's output width along one axis of ``n`` pixels."""
    n = validate.whole_number(n, "n", fix="give the input's width in pixels, e.g. 28")
    kernel = validate.whole_number(kernel, "kernel", fix="give the kernel's width, e.g. 3")
    stride, padding = _stride(stride), _padding(padding)
    if padding == "same":
        return math.ceil(n / stride)
    if kernel > n:
        raise ValueError(f"kernel ({kernel}) is wider than the input (n={n}); with padding="
                         f"'valid' it must fit: use a smaller kernel or padding='same'.")
    return (n - kernel) // stride + 1


def convolve(image: Any, kernel: Any, *, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """Slide ``kernel`` over ``image`` (no flip) as Keras's Conv2D does; return the float64 map."""
    image, kernel = _map(image, "image"), _map(kernel, "kernel")
    stride, padding = _stride(stride), _padding(padding)
    (n_r, n_c), (k_r, k_c) = image.shape, kernel.shape
    if padding == "same":
        image = np.pad(image, (_pad_amounts(n_r, k_r, stride), _pad_amounts(n_c, k_c, stride)))
    if k_r > image.shape[0] or k_c > image.shape[1]:
        raise ValueError(f"kernel {kernel.shape} is larger than the image {image.shape}; use a "
                         f"smaller kernel or padding='same'.")
    windows = sliding_window_view(image, kernel.shape)[::stride, ::stride]
    rows, cols = output_size(n_r, k_r, stride, padding), output_size(n_c, k_c, stride, padding)
    return np.einsum("ijkl,kl->ij", windows[:rows, :cols], kernel)


def max_pool(feature_map: Any, size: int = 2, stride: int | None = None) -> np.ndarray:
    """Return the largest value of each ``size`` x ``size`` window, as Keras's MaxPooling2D does.

    Windows step by ``stride`` (default ``size``); rows and columns left over at the bottom and
    right edges are dropped (Keras's padding="valid").
    """
    fmap = _map(feature_map, "feature_map")
    size = validate.whole_number(size, "size", fix="use e.g. size=2")
    stride = size if stride is None else _stride(stride)
    if size > min(fmap.shape):
        raise ValueError(f"size ({size}) is larger than the feature_map {fmap.shape}; use a "
                         f"smaller pool size.")
    return sliding_window_view(fmap, (size, size))[::stride, ::stride].max(axis=(2, 3))


def conv_params(kernel_size: Any, in_channels: int, filters: int, *, bias: bool = True) -> int:
    """Return the parameter count of a Conv2D layer: kh * kw * in_channels * filters (+ biases)."""
    if validate.is_int(kernel_size):
        kernel_size = (kernel_size, kernel_size)
    if (isinstance(kernel_size, str) or not isinstance(kernel_size, Sequence)
            or len(kernel_size) != 2):
        raise TypeError(f"kernel_size must be an int or a (height, width) pair such as (3, 3), "
                        f"got {kernel_size!r:.40}.")
    kh, kw = (validate.whole_number(k, "kernel_size", fix="use e.g. 3 or (3, 3)")
              for k in kernel_size)
    in_channels = validate.whole_number(in_channels, "in_channels",
                                        fix="use 1 for grey images")
    filters = validate.whole_number(filters, "filters", fix="use e.g. 32")
    return kh * kw * in_channels * filters + (filters if bias else 0)


# --- a Keras network's geometry -------------------------------------------------------------

def _keras_model(model: Any, name: str = "model") -> Any:
    """Return ``model`` if it is a Keras model, else raise TypeError."""
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"{name} must be a Keras model, got {type(model).__name__}; pass the "
                        f"convolutional network of this lesson.")
    return model


def _square(value: Any, what: str, layer: str) -> int:
    """Return one side of a square Keras size (an int or an equal pair), else raise."""
    sides = tuple(value) if isinstance(value, Sequence) else (value, value)
    if len(set(sides)) != 1:
        raise ValueError(f"layer {layer} has a non-square {what} {sides}; receptive_fields "
                         f"handles square kernels, pools and strides only.")
    return int(sides[0])


def _geometry(model: Any) -> list[tuple[str, str, int, int]]:
    """Return (name, "conv" or "pool", size, stride) for a model's layers up to its Flatten."""
    import keras

    steps = []
    for layer in _keras_model(model).layers:
        kind = type(layer).__name__
        if isinstance(layer, keras.layers.Conv2D):
            dilation = _square(layer.dilation_rate, "dilation_rate", layer.name)
            if dilation != 1:
                raise ValueError(f"layer {layer.name} is dilated (dilation_rate "
                                 f"{layer.dilation_rate}); receptive_fields handles "
                                 f"dilation_rate=1 only.")
            steps.append((layer.name, "conv", _square(layer.kernel_size, "kernel", layer.name),
                          _square(layer.strides, "stride", layer.name)))
        elif isinstance(layer, keras.layers.MaxPooling2D | keras.layers.AveragePooling2D):
            steps.append((layer.name, "pool", _square(layer.pool_size, "pool", layer.name),
                          _square(layer.strides, "stride", layer.name)))
        elif kind in _STOP:
            break
        elif not (kind in _PASS_THROUGH or kind.startswith("Random")):
            raise ValueError(f"receptive_fields does not know how layer {layer.name} "
                             f"({kind}) moves the view; use Conv2D, MaxPooling2D, Reshape, "
                             f"Dropout or Random* layers before the Flatten.")
    return steps


def _steps(model: Any) -> list[tuple[str, str, int, int]]:
    """Return the (name, kind, size, stride) of a Keras model or of a list of tuples."""
    if not isinstance(model, list | tuple):
        return _geometry(model)
    steps, counts = [], {"conv": 0, "pool": 0}
    for step in model:
        if not isinstance(step, tuple | list) or len(step) != 3 or step[0] not in counts:
            raise ValueError(f"model as a list must hold ('conv' or 'pool', size, stride) "
                             f"tuples such as ('conv', 5, 1), got {step!r:.40}.")
        kind, size, stride = step
        counts[kind] += 1
        steps.append((f"{kind}{counts[kind]}", kind,
                      validate.whole_number(size, "size", fix="use e.g. 3"), _stride(stride)))
    return steps


def receptive_fields(model: Any) -> list[tuple[str, int]]:
    """Return each Conv2D/MaxPooling2D layer's name and its units' receptive-field width in pixels.

    ``model`` is a Keras model, or for teaching a list of ("conv" or "pool", size, stride)
    tuples such as ``[("conv", 5, 1), ("pool", 2, 2)]`` (named conv1, pool1, ...). Each layer
    widens the field by (size - 1) steps of its input, and one step of its input is ``jump``
    input pixels, the product of the strides before it.
    """
    steps = _steps(model)
    if not steps:
        raise ValueError("model has no Conv2D or MaxPooling2D layer before its Flatten; pass "
                         "a convolutional network, or a non-empty list such as "
                         "[('conv', 5, 1), ('pool', 2, 2)].")
    width, jump, out = 1, 1, []
    for name, _, size, stride in steps:
        width += (size - 1) * jump
        jump *= stride
        out.append((name, width))
    return out


def _model_input(model: Any, image: Any) -> np.ndarray:
    """Return one image as the batch of one that ``model`` takes: (1, 784), (1, 28, 28[, 1])."""
    from helpers.inspection import _flat_images

    array = np.asarray(image)
    if array.shape not in ((784,), (28, 28)):
        raise ValueError(f"image must be one digit of shape (784,) or (28, 28), got "
                         f"{array.shape}; pick one image, e.g. x_test[0].")
    flat = _flat_images(array.reshape(1, 784), "image")
    try:
        shape = tuple(model.inputs[0].shape[1:])
    except (AttributeError, IndexError, ValueError) as exc:
        raise ValueError("model has no input shape yet; build it with keras.Input((784,)) as "
                         "its first layer.") from exc
    if shape in ((784,), (28, 28), (28, 28, 1)):
        return flat.reshape((1, *shape))
    raise ValueError(f"model must take 784 pixels or a 28x28(x1) image, but its input shape "
                     f"is {shape}.")


def feature_maps(model: Any, image: Any) -> list[tuple[str, np.ndarray]]:
    """Return the name and (H, W, C) output of every Conv2D and MaxPooling2D layer for one image."""
    import keras

    layers = [layer for layer in _keras_model(model).layers
              if isinstance(layer, keras.layers.Conv2D | keras.layers.MaxPooling2D)]
    if not layers:
        raise ValueError("model has no Conv2D or MaxPooling2D layer: pass a convolutional "
                         "network.")
    x = _model_input(model, image)
    if len(model.inputs) != 1:
        raise ValueError(f"model must have one input (the image), got {len(model.inputs)}.")
    probe = keras.Model(model.inputs[0], [layer.output for layer in layers])
    outputs = probe(x, training=False)
    return [(layer.name, np.asarray(keras.ops.convert_to_numpy(out)[0], dtype=np.float64))
            for layer, out in zip(layers, outputs, strict=True)]


# --- figures --------------------------------------------------------------------------------

def _limit(*arrays: np.ndarray) -> float:
    """Return the largest absolute value of ``arrays`` (1 if all are 0): a symmetric scale."""
    return max(float(np.abs(a).max()) for a in arrays) or 1.0


def _digit(image: Any, name: str = "image") -> np.ndarray:
    """Return one digit as a 28x28 array, or raise naming ``name``."""
    array = validate.real_array(image, name)
    if array.shape == (784,):
        array = array.reshape(28, 28)
    if array.ndim != 2:
        raise ValueError(f"{name} must be one 2-D image such as a (28, 28) digit or shape "
                         f"(784,), got shape {array.shape}.")
    return array


def _bare(ax: Any) -> None:
    """Hide an image axes' ticks and grid; frame it with a thin grey line on all four sides."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_linewidth(0.5)
        spine.set_edgecolor("0.6")


def _size(array: np.ndarray) -> str:
    """Return an array's shape as ``26x26`` or ``24x24x16``."""
    return "x".join(map(str, array.shape))


def _kernel_text(kernel: np.ndarray) -> str:
    """Return a small kernel's values row by row, or a large one's range."""
    if kernel.size > 9:
        return f"values from {kernel.min():.2g} to {kernel.max():.2g}"
    rows = ", ".join("(" + ", ".join(f"{v:.2g}" for v in row) + ")" for row in kernel)
    return f"values by row {rows}"


def _named(title: str, array: np.ndarray) -> str:
    """Return a panel's title with its size, unless the title gives it already."""
    return title if _size(array) in title else f"{title} ({_size(array)})"


def plot_convolution(image: Any, kernel: Any, feature_map: Any,
                     titles: Sequence[str] | None = None) -> Figure:
    """Show an image, a kernel with its values written in, and the feature map it produces."""
    image, kernel, fmap = _digit(image), _map(kernel, "kernel"), _map(feature_map, "feature_map")
    titles = list(titles) if titles is not None else ["image", "kernel", "feature map"]
    if len(titles) != 3 or not all(isinstance(t, str) for t in titles):
        raise ValueError(f"titles must be three strings (image, kernel, feature map), got "
                         f"{titles!r:.60}.")
    fig, axes = plt.subplots(1, 3, figsize=(8.4, 3.0))
    axes[0].imshow(image, cmap=IMAGE_CMAP, vmin=0, vmax=max(1.0, float(image.max())))
    limit = _limit(kernel)
    axes[1].imshow(kernel, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
    size = 9 if max(kernel.shape) <= 5 else 6
    for (r, c), value in np.ndenumerate(kernel):
        axes[1].text(c, r, f"{value:.2g}", ha="center", va="center", fontsize=size,
                     color="white" if abs(value) > 0.6 * limit else "black")
    limit = _limit(fmap)
    shown = axes[2].imshow(fmap, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
    fig.colorbar(shown, ax=axes[2], shrink=0.8)
    for ax, title in zip(axes, titles, strict=True):
        _bare(ax)
        ax.set_title(title, fontsize=10)
    return describe(fig, f"Three panels, left to right: {_named(titles[0], image)}; "
                         f"{_named(titles[1], kernel)} with {_kernel_text(kernel)}; "
                         f"{_named(titles[2], fmap)}, red positive, blue negative, from "
                         f"{fmap.min():.2g} to {fmap.max():.2g}.")


def _conv_layer(model: Any, layer: int) -> Any:
    """Return the ``layer``-th Conv2D layer of ``model``, or raise naming the problem."""
    import keras

    convs = [x for x in _keras_model(model).layers if isinstance(x, keras.layers.Conv2D)]
    if not convs:
        raise ValueError("model has no Conv2D layer: pass a convolutional network.")
    layer = validate.whole_number(layer, "layer", minimum=0, fix="0 is the first Conv2D layer")
    if layer >= len(convs):
        raise ValueError(f"layer must be 0..{len(convs) - 1} (the model has {len(convs)} "
                         f"Conv2D layers), got {layer}.")
    return convs[layer]


def plot_filters(model: Any, layer: int = 0) -> Figure:
    """Show each filter (input channel 0) of the model's ``layer``-th Conv2D layer, one scale."""
    conv = _conv_layer(model, layer)
    kernels = np.asarray(conv.get_weights()[0], dtype=np.float64)[:, :, 0, :]  # (kh, kw, filters)
    n = kernels.shape[-1]
    ncols = min(8, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.1 * ncols, 1.2 * nrows + 0.3),
                             squeeze=False)
    limit = _limit(kernels)
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.set_axis_off()
            continue
        ax.imshow(kernels[:, :, k], cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        ax.set_title(f"filter {k}", fontsize=8)
        _bare(ax)
    fig.suptitle(f"The {n} filters of {conv.name} (red +, blue -, one scale)", fontsize=10)
    channel = " (input channel 0 of each)" if conv.get_weights()[0].shape[2] > 1 else ""
    return describe(fig, f"The {n} filters of {conv.name}, convolutional layer {layer + 1}, "
                         f"each a {_size(kernels[:, :, 0])} image of weights{channel} on one "
                         f"colour scale, red positive, blue negative; the weights run from "
                         f"{kernels.min():.2g} to {kernels.max():.2g}.")


def _check_maps(maps: Any) -> list[tuple[str, np.ndarray]]:
    """Return feature_maps() output checked: (name, (H, W, C) array) pairs."""
    if not isinstance(maps, list | tuple) or not maps:
        raise TypeError(f"maps must be the list that feature_maps(model, image) returns, got "
                        f"{type(maps).__name__}.")
    out = []
    for entry in maps:
        if not (isinstance(entry, tuple | list) and len(entry) == 2
                and isinstance(entry[0], str)):
            raise ValueError("maps must hold (layer name, array) pairs, as feature_maps() "
                             "returns.")
        array = validate.real_array(entry[1], f"the map of {entry[0]}")
        if array.ndim != 3:
            raise ValueError(f"the map of {entry[0]} must have shape (H, W, channels), got "
                             f"{array.shape}.")
        out.append((entry[0], array))
    return out


def plot_feature_maps(maps: Any, image: Any = None, channels: int = 8) -> Figure:
    """Show the first ``channels`` channels of each layer's map, one row per layer."""
    maps = _check_maps(maps)
    channels = validate.whole_number(channels, "channels", fix="use e.g. 8")
    rows = len(maps) + (image is not None)
    fig, axes = plt.subplots(rows, channels, figsize=(1.1 * channels, 1.2 * rows),
                             squeeze=False)
    for ax in axes.flat:
        _bare(ax)
        ax.set_axis_off()
    row = 0
    if image is not None:
        axes[0, 0].set_axis_on()
        axes[0, 0].imshow(_digit(image), cmap=IMAGE_CMAP, vmin=0, vmax=1)
        axes[0, 0].set_ylabel("input\n28x28", fontsize=8)
        row = 1
    signed = any(float(fmap.min()) < 0 for _, fmap in maps)
    for r, (name, fmap) in enumerate(maps, start=row):
        limit = _limit(fmap[:, :, :channels])
        # ReLU outputs are >= 0: a sequential scale from white (0) uses all of its colours.
        scale = ({"cmap": SIGNED_CMAP, "vmin": -limit, "vmax": limit} if signed
                 else {"cmap": COUNT_CMAP, "vmin": 0.0, "vmax": limit})
        for c in range(min(channels, fmap.shape[2])):
            ax = axes[r, c]
            ax.set_axis_on()
            ax.imshow(fmap[:, :, c], **scale)
            if r == row:
                ax.set_title(f"channel {c}", fontsize=8)
        h, w, ch = fmap.shape
        axes[r, 0].set_ylabel(f"{name}\n{h}x{w}x{ch}", fontsize=8)
    fig.suptitle("Feature maps, one colour scale per row: "
                 + ("red +, blue -" if signed else "white 0, darker = larger"), fontsize=10)
    layers = ", ".join(f"{name} {_size(fmap)}"
                       + ("" if signed else f" ({(fmap == 0).mean():.1%} zeros)")
                       for name, fmap in maps)
    start = "The input digit in the first row, then feature maps:" if row else "Feature maps:"
    scale = "red positive, blue negative" if signed else "white 0, darker larger"
    return describe(fig, f"{start} one row per layer, up to {channels} channels each ({scale}). "
                         f"Layers, height x width x channels: {layers}.")


def _check_fields(fields: Any) -> list[tuple[str, int]]:
    """Return receptive_fields() output checked: (name, width) pairs."""
    if not isinstance(fields, list | tuple) or not fields:
        raise TypeError(f"fields must be the list that receptive_fields(model) returns, got "
                        f"{type(fields).__name__}.")
    for entry in fields:
        if not (isinstance(entry, tuple | list) and len(entry) == 2
                and isinstance(entry[0], str) and validate.is_int(entry[1]) and entry[1] >= 1):
            raise ValueError(f"fields must hold (layer name, width in pixels) pairs such as "
                             f"('conv2d', 5), got {entry!r:.40}.")
    return [(name, int(width)) for name, width in fields]


def plot_receptive_fields(image: Any, fields: Any, corner: Any = (4, 4)) -> Figure:
    """Outline on the digit the pixels seen by one unit of each layer, fields sharing a corner.

    Each layer's field is the square of its width whose top-left pixel is ``corner``: in a
    network of 2x2 poolings and stride-1 convolutions, with ``corner`` a multiple of the last
    layer's spacing (4 after two poolings), these are the fields of real units on one path
    from the last layer down to the first. Outlines are inset by a hair so none hides another.
    """
    image, fields = _digit(image), _check_fields(fields)
    if (not isinstance(corner, tuple | list) or len(corner) != 2
            or not all(validate.is_int(v) and 0 <= v < n for v, n in zip(corner, image.shape,
                                                                         strict=False))):
        raise ValueError(f"corner must be a (row, column) pixel inside the image, such as "
                         f"(4, 4), got {corner!r:.40}.")
    row, col = (int(v) for v in corner)
    widest = max(width for _, width in fields)
    if row + widest > image.shape[0] or col + widest > image.shape[1]:
        raise ValueError(f"a {widest}x{widest} field from corner {tuple(corner)} leaves the "
                         f"{image.shape[0]}x{image.shape[1]} image; use a corner nearer the "
                         f"top left, such as (4, 4).")
    fig, ax = plt.subplots(figsize=(6.2, 3.6))
    ax.imshow(image, cmap=IMAGE_CMAP, vmin=0, vmax=max(1.0, float(image.max())))
    colors = plt.get_cmap("tab10").colors  # type: ignore[attr-defined]
    for k, (name, width) in enumerate(fields):
        inset = 0.1 * (len(fields) - 1 - k)  # the widest outline sits on the true edge
        ax.add_patch(Rectangle((col - 0.5 + inset, row - 0.5 + inset), width - 2 * inset,
                               width - 2 * inset, fill=False, linewidth=2,
                               linestyle=LINE_STYLES[k % len(LINE_STYLES)],
                               edgecolor=colors[k % len(colors)],
                               label=f"{name}: {width}x{width} pixels"))
    _bare(ax)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.set_title("Pixels seen by one unit of each layer", fontsize=10)
    seen = ", ".join(f"{name} {width}x{width}" for name, width in fields)
    return describe(fig, f"The digit with one square outline per layer, all from pixel "
                         f"(row {row}, column {col}): the pixels one unit of each layer sees, "
                         f"{seen} pixels.")


def plot_shift_curves(curves: Mapping[str, Mapping[int, float]],
                      title: str | None = None) -> Figure:
    """Plot test accuracy against the shift in pixels for several networks on one axes."""
    if not isinstance(curves, Mapping) or not curves or not all(
            isinstance(c, Mapping) and c for c in curves.values()):
        raise TypeError("curves must map each network's name to its shift_accuracy() dict, "
                        "e.g. {'MLP': acc_mlp, 'CNN': acc_cnn}.")
    fig, ax = plt.subplots(figsize=(5.4, 3.4))
    shifts: set[int] = set()
    for k, (name, accuracy) in enumerate(curves.items()):
        xs = sorted(accuracy)
        shifts.update(xs)
        ax.plot(xs, [accuracy[s] for s in xs], marker=MARKERS[k % len(MARKERS)],
                linestyle=LINE_STYLES[k % len(LINE_STYLES)], label=str(name))
    ax.set_xticks(sorted(shifts))
    ax.set_ylim(0, 1)
    ax.set_xlabel("shift in pixels (mean over left, right, up and down)")
    ax.set_ylabel("test accuracy")
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(title or "Accuracy on shifted digits", fontsize=10)
    from helpers.inspection import _shift_change

    each = "; ".join(f"{name} {_shift_change(accuracy)} (" + ", ".join(
        f"{s} px {a:.1%}" for s, a in sorted(accuracy.items())) + ")"
        for name, accuracy in curves.items())
    return describe(fig, f'Line chart "{ax.get_title()}": test accuracy against the shift in '
                         f"pixels, one line per network. {each}.")
