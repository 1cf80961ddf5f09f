"""Look inside a trained MLP: its first-layer weights, its hidden layers, its confidence.

The functions take a Keras model made of ``Dense`` layers (``Dropout`` is skipped: it only
acts in training) and compute its layers in NumPy from the model's weights, so every step is
plain ``x @ W + b`` followed by ReLU, as in lessons 02 and 04. The last layer's outputs are
logits; :func:`predict_probs` turns them into probabilities with a stable softmax.
:func:`predict_probs` and :func:`shift_accuracy` also take any other Keras model that maps
784-pixel rows to 10 logits (a CNN, an MLP with augmentation layers): it predicts for itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers import activations, scratch, validate
from helpers.plots import IMAGE_CMAP, describe, digit_color

WEIGHT_CMAP = "RdBu_r"  # diverging: red for positive weights, blue for negative, white at 0


def _keras_network(network: Any) -> Any:
    """Return ``network`` if it is a Keras model, else raise TypeError."""
    import keras

    if not isinstance(network, keras.Model):
        raise TypeError(f"network must be a Keras model, got {type(network).__name__}; use "
                        f"the model from models.load_or_train_lesson05().")
    return network


def _is_dense_mlp(network: Any) -> bool:
    """Return True if every layer of Keras model ``network`` is Dense or Dropout (lesson 05's)."""
    import keras

    kinds = (keras.layers.Dense, keras.layers.Dropout, keras.layers.InputLayer)
    return all(isinstance(layer, kinds) for layer in _keras_network(network).layers)


def check_network(network: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return the ``(W, b)`` of every Dense layer of ``network``, checked: 784 pixels to 10."""
    import keras

    network = _keras_network(network)
    layers = [layer for layer in network.layers if isinstance(layer, keras.layers.Dense)]
    params = [tuple(layer.get_weights()) for layer in layers]
    if not params or any(len(p) != 2 for p in params):
        raise ValueError("network must be made of Dense layers with weights and biases.")
    if params[0][0].shape[0] != 784 or params[-1][0].shape[1] != 10:
        raise ValueError(f"network must take 784 pixels and output 10 logits, got "
                         f"{params[0][0].shape[0]} inputs and {params[-1][0].shape[1]} outputs.")
    for layer in layers[:-1]:
        if getattr(layer.activation, "__name__", "") != "relu":
            raise ValueError(f"hidden layer {layer.name} must use ReLU, as lesson 05's does.")
    if getattr(layers[-1].activation, "__name__", "") != "linear":
        raise ValueError("network's last layer must output logits (no softmax).")
    return [(np.asarray(W, np.float32), np.asarray(b, np.float32)) for W, b in params]


def _flat_images(x: Any, name: str = "x") -> np.ndarray:
    """Return ``x`` as float32 of shape (N, 784) with values in [0, 1], or raise naming it."""
    array = np.asarray(x)
    if array.ndim == 3 and array.shape[1:] == (28, 28):
        array = array.reshape(len(array), 784)
    if array.ndim != 2 or array.shape[1] != 784:
        raise ValueError(f"{name} must have shape (N, 784) or (N, 28, 28), got {array.shape}.")
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"{name} must hold floats in [0, 1], got dtype {array.dtype}; use "
                        f"data.prepare_mnist() or divide by 255.")
    if len(array) and (not np.isfinite(array).all() or array.min() < 0 or array.max() > 1):
        raise ValueError(f"{name}'s values must be finite and in [0, 1].")
    return array.astype(np.float32, copy=False)


def layer_outputs(network: Any, x: Any) -> list[np.ndarray]:
    """Return every layer's output for images ``x``: each hidden layer's ReLU, then the logits."""
    params, h = check_network(network), _flat_images(x)
    outputs = []
    for k, (W, b) in enumerate(params):
        z = h @ W + b
        h = scratch.relu(z) if k < len(params) - 1 else z
        outputs.append(h)
    return outputs


def predict_probs(network: Any, x: Any) -> np.ndarray:
    """Return the network's probabilities for images ``x``: the softmax of its logits.

    A Dense-only MLP is computed in NumPy (:func:`layer_outputs`); any other Keras model (a
    CNN, or an MLP with Reshape or augmentation layers) by its own ``predict`` on 784-pixel rows.
    """
    return activations.softmax(predict_logits(network, x), axis=1)


# --- the first layer ------------------------------------------------------------------------

def plot_first_layer(network: Any, units: Any, title: str | None = None) -> Figure:
    """Show the 784 incoming weights of each chosen first-layer unit as a 28x28 image.

    Red pixels push the unit's input up, blue ones down; each image's colour scale is
    symmetric about 0, so white means a weight of 0.
    """
    W = check_network(network)[0][0]
    units = _unit_list(units, W.shape[1])
    ncols = min(8, len(units))
    nrows = -(-len(units) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.2 * ncols, 1.3 * nrows), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, unit in zip(axes.flat, units, strict=False):
        w = W[:, unit].reshape(28, 28)
        limit = float(np.abs(w).max()) or 1.0
        ax.imshow(w, cmap=WEIGHT_CMAP, vmin=-limit, vmax=limit)
        ax.set_title(f"unit {unit}", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    chosen = W[:, units]
    return describe(fig, f"{title + ': ' if title else ''}{len(units)} images of 28x28 "
                         f"weights, one per first-layer unit ({_units_text(units)} of "
                         f"{W.shape[1]}): red pixels are positive weights, blue negative, "
                         f"white 0, each on its own scale; the weights run from "
                         f"{chosen.min():.2g} to {chosen.max():.2g}.")


def _unit_list(units: Any, n: int) -> list[int]:
    """Return ``units`` as a list of ints in 0..n-1, or raise naming the problem."""
    array = np.atleast_1d(np.asarray(units))
    if array.ndim != 1 or len(array) == 0 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError("units must be a non-empty list of unit numbers, e.g. [0, 1, 2].")
    if array.min() < 0 or array.max() >= n:
        raise ValueError(f"units must be in 0..{n - 1}, got {array.min()}..{array.max()}.")
    return [int(u) for u in array]


def _units_text(units: list[int]) -> str:
    """Return units as ``units 0-15`` when consecutive, else ``units 3, 7, 9``."""
    if len(units) > 2 and units == list(range(units[0], units[-1] + 1)):
        return f"units {units[0]}-{units[-1]}"
    return ("unit " if len(units) == 1 else "units ") + ", ".join(map(str, units))


def top_images(network: Any, x: Any, unit: int, k: int = 6) -> np.ndarray:
    """Return the indices of the ``k`` images of ``x`` that excite first-layer ``unit`` most."""
    h = layer_outputs(network, x)[0]
    (unit,) = _unit_list([unit], h.shape[1])
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= len(h):
        raise ValueError(f"k must be an int in 1..{len(h)}, got {k!r}.")
    return np.argsort(-h[:, unit], kind="stable")[:k]


def plot_unit_favourites(network: Any, x: Any, units: Any, k: int = 6,
                         labels: Any = None) -> Figure:
    """For each chosen unit, its weights as an image, then the ``k`` images that excite it most.

    ``labels`` (one per image of ``x``) puts the favourites' digits in the alt text.
    """
    W = check_network(network)[0][0]
    images = _flat_images(x)
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"labels has {len(labels)} entries but x has {len(images)} images: "
                         "pass the labels of x (e.g. y_test with x_test).")
    units = _unit_list(units, W.shape[1])
    fig, axes = plt.subplots(len(units), k + 1, figsize=(1.05 * (k + 1), 1.15 * len(units)),
                             squeeze=False)
    digits, on_red = [], []  # per unit: its favourites' labels, the share of their ink on red
    for row, unit in enumerate(units):
        w = W[:, unit].reshape(28, 28)
        limit = float(np.abs(w).max()) or 1.0
        axes[row, 0].imshow(w, cmap=WEIGHT_CMAP, vmin=-limit, vmax=limit)
        axes[row, 0].set_title(f"unit {unit}", fontsize=8)
        favourites = top_images(network, images, unit, k)
        ink = images[favourites]
        on_red.append(f"{float((ink * (W[:, unit] > 0)).sum() / (ink.sum() or 1.0)):.0%}")
        if labels is not None:
            digits.append(f"unit {unit}: " + ", ".join(str(int(labels[i])) for i in favourites))
        for col, i in enumerate(favourites, start=1):
            axes[row, col].imshow(images[i].reshape(28, 28), cmap=IMAGE_CMAP, vmin=0, vmax=1)
        for ax in axes[row]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 1].set_title("images that excite it most", fontsize=8, loc="left")
    alt = (f"One row per first-layer unit ({_units_text(units)}): its weights as a 28x28 "
           f"image (red positive, blue negative), then the {k} images that excite it most")
    alt += f". Their digits, {'; '.join(digits)}." if digits else "."
    return describe(fig, alt + f" Of their ink, {', '.join(on_red)} (unit by unit) lies where "
                               "the unit's weights are red, positive.")


# --- the hidden layers: a 2-D projection ----------------------------------------------------

def pca_2d(X: Any) -> np.ndarray:
    """Project the rows of ``X`` onto their first two principal components (NumPy's SVD).

    Centre the data, take the SVD ``Xc = U S Vt``; the first two rows of ``Vt`` are the
    directions of largest variance. Each direction's sign is fixed so that its largest
    entry is positive (the SVD may return either sign).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 3 or X.shape[1] < 2:
        raise ValueError(f"X must be 2-D with at least 3 rows and 2 columns, got {X.shape}.")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values.")
    Xc = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    V = Vt[:2].T
    V = V * np.sign(V[np.abs(V).argmax(axis=0), [0, 1]])
    return Xc @ V


def separation(points: Any, labels: Any) -> float:
    """Return the share of points whose nearest class centre (mean point) is their own class's."""
    points, labels = np.asarray(points, dtype=np.float64), np.asarray(labels)
    if points.ndim != 2 or labels.shape != (len(points),):
        raise ValueError(f"points must be (N, d) with one label each, got {points.shape} and "
                         f"{labels.shape}.")
    classes = np.unique(labels)
    centres = np.stack([points[labels == c].mean(axis=0) for c in classes])
    distance = ((points[:, None, :] - centres[None]) ** 2).sum(axis=2)
    return float((classes[distance.argmin(axis=1)] == labels).mean())


def projections(network: Any, x: Any) -> dict[str, np.ndarray]:
    """Return the 2-D PCA projection of the raw pixels and of each hidden layer's outputs."""
    images = _flat_images(x)
    hidden = layer_outputs(network, images)[:-1]
    out = {"pixels": pca_2d(images)}
    for k, h in enumerate(hidden, start=1):
        out[f"hidden layer {k}"] = pca_2d(h)
    return out


def plot_projections(projected: dict[str, np.ndarray], labels: Any) -> Figure:
    """Scatter each 2-D projection side by side, one colour per digit."""
    labels = np.asarray(labels)
    if not projected or any(p.shape != (len(labels), 2) for p in projected.values()):
        raise ValueError("projected must map names to (N, 2) arrays with one label per row.")
    fig, axes = plt.subplots(1, len(projected), figsize=(3.3 * len(projected), 3.4))
    for ax, (name, points) in zip(np.atleast_1d(axes), projected.items(), strict=True):
        for digit in range(10):
            mine = labels == digit
            ax.scatter(points[mine, 0], points[mine, 1], s=3, alpha=0.5,
                       color=digit_color(digit), label=str(digit), rasterized=True)
        ax.set_title(name, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("1st principal component", fontsize=8)
    np.atleast_1d(axes)[0].set_ylabel("2nd principal component", fontsize=8)
    handles = np.atleast_1d(axes)[-1].legend(markerscale=4, fontsize=7, loc="center left",
                                             bbox_to_anchor=(1.0, 0.5), title="digit")
    handles.get_title().set_fontsize(8)
    shares = ", ".join(f"{name} {separation(points, labels):.1%}"
                       for name, points in projected.items())
    return describe(fig, f"{len(projected)} scatter plots side by side ("
                         f"{', '.join(projected)}): {len(labels):,} images as points on the "
                         f"first two principal components, each coloured by its true digit. "
                         f"Share of points nearest to their own digit's centre: {shares}.")


# --- confidence -----------------------------------------------------------------------------

def _check_labelled(probs: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return ``probs`` (N, classes) and integer labels ``y`` (N,), or raise naming the problem."""
    probs, y = np.asarray(probs, dtype=np.float64), np.asarray(y)
    if probs.ndim != 2 or probs.shape[1] < 2:
        raise ValueError(f"probs must have shape (N, classes), got {probs.shape}.")
    if y.shape != (len(probs),) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold one integer label per row of probs, got shape {y.shape} "
                         f"and dtype {y.dtype}.")
    if not np.allclose(probs.sum(axis=1), 1, atol=1e-4) or probs.min() < 0:
        raise ValueError("each row of probs must be probabilities that sum to 1; apply "
                         "softmax to logits first (predict_probs does).")
    return probs, y


def reliability(probs: Any, y: Any, bins: int = 10) -> list[dict[str, float]]:
    """Group predictions into ``bins`` equal-width confidence bins: count, confidence, accuracy.

    The confidence of a prediction is its top probability; a bin's accuracy is the share of
    its predictions that are right. Empty bins are left out.
    """
    probs, y = _check_labelled(probs, y)
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins must be a positive int, got {bins!r}.")
    confidence, right = probs.max(axis=1), probs.argmax(axis=1) == y
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        mine = which == b
        if mine.any():
            rows.append({"low": b / bins, "high": (b + 1) / bins, "count": int(mine.sum()),
                         "confidence": float(confidence[mine].mean()),
                         "accuracy": float(right[mine].mean())})
    return rows


def reliability_table(rows: list[dict[str, float]], merge_below: float = 0.5) -> str:
    """Return the bins of :func:`reliability` as text, one line each; the low ones merged.

    Few predictions have a low confidence, and which low bins hold any changes from run to
    run, so they are merged into one line.
    """
    if not rows or not all({"low", "high", "count", "confidence", "accuracy"} <= set(r)
                           for r in rows):
        raise ValueError("rows must be the list of bins that reliability() returns.")
    low = [r for r in rows if r["high"] <= merge_below + 1e-9]
    lines = []
    if low:
        n = sum(r["count"] for r in low)
        conf = sum(r["count"] * r["confidence"] for r in low) / n
        acc = sum(r["count"] * r["accuracy"] for r in low) / n
        lines.append(f"{n:>5} images with confidence below {merge_below:.1f}: right "
                     f"{acc:.1%} of the time, at a mean confidence of {conf:.1%}")
    for r in rows:
        if r["high"] > merge_below + 1e-9:
            lines.append(f"{r['count']:>5} images with confidence {r['low']:.1f}-{r['high']:.1f}: "
                         f"mean confidence {r['confidence']:.3f}, accuracy {r['accuracy']:.3f}")
    return "\n".join(lines)


def expected_calibration_error(probs: Any, y: Any, bins: int = 10) -> float:
    """Return the ECE: the count-weighted mean gap |accuracy - confidence| over the bins."""
    return _ece(reliability(probs, y, bins))


def _ece(rows: list[dict[str, float]]) -> float:
    """Return the ECE of the bins of :func:`reliability`."""
    n = sum(r["count"] for r in rows)
    return float(sum(r["count"] * abs(r["accuracy"] - r["confidence"]) for r in rows) / n)


def _top_bin(rows: list[dict[str, float]]) -> tuple[dict[str, float], str, str]:
    """Return the most confident bin, its range (``0.9-1.0``) and its share of predictions."""
    top, n = rows[-1], sum(r["count"] for r in rows)
    digits = 1 if all(round(top[end] * 10, 9).is_integer() for end in ("low", "high")) else 2
    return top, f"{top['low']:.{digits}f}-{top['high']:.{digits}f}", f"{top['count'] / n:.1%}"


def _below_top(rows: list[dict[str, float]]) -> str:
    """Return how the predictions below the most confident bin fare, together, in words."""
    below = [r for r in rows[:-1] if r["count"]]
    n = sum(r["count"] for r in below)
    if not n:
        return "No prediction falls below it."
    accuracy = sum(r["accuracy"] * r["count"] for r in below) / n
    confidence = sum(r["confidence"] * r["count"] for r in below) / n
    return (f"The {n:,} predictions below it are right {accuracy:.1%} of the time at a mean "
            f"confidence of {confidence:.1%}.")


def _draw_reliability(ax: Axes, ax_n: Axes, rows: list[dict[str, float]], bins: int,
                      legend: bool = True) -> None:
    """Draw the bins of :func:`reliability`: accuracy on ``ax``, counts on ``ax_n`` (log)."""
    centres = [(r["low"] + r["high"]) / 2 for r in rows]
    ax.plot([0, 1], [0, 1], color="gray", linestyle="--", linewidth=1, label="perfectly calibrated")
    ax.bar(centres, [r["accuracy"] for r in rows], width=1 / bins, edgecolor="black",
           color="#1f77b4", alpha=0.8, label="accuracy in the bin")
    ax.plot([r["confidence"] for r in rows], [r["accuracy"] for r in rows], "o", color="black",
            markersize=3, label="(mean confidence, accuracy)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (top probability)")
    ax.set_ylabel("accuracy")
    if legend:
        ax.legend(fontsize=7, loc="upper left")
    ax_n.bar(centres, [r["count"] for r in rows], width=1 / bins, edgecolor="black",
             color="#7f7f7f")
    ax_n.set_yscale("log")
    ax_n.set_xlim(0, 1)
    ax_n.set_xlabel("confidence (top probability)")
    ax_n.set_ylabel("test images (log scale)")


def plot_reliability(probs: Any, y: Any, bins: int = 10) -> Figure:
    """Draw a reliability diagram: accuracy against confidence per bin, beside the diagonal."""
    rows = reliability(probs, y, bins)
    fig, (ax, ax_n) = plt.subplots(1, 2, figsize=(7.4, 3.2))
    _draw_reliability(ax, ax_n, rows, bins)
    ax.set_title("Reliability diagram", fontsize=10)
    ax_n.set_title("How many predictions per bin", fontsize=10)
    top, span, share = _top_bin(rows)
    return describe(fig, f"Reliability diagram of {sum(r['count'] for r in rows):,} "
                         f"predictions in {bins} confidence bins: accuracy against confidence "
                         f"beside the diagonal of perfect calibration, and the predictions per "
                         f"bin on a log scale. Expected calibration error {_ece(rows):.4f}. "
                         f"The most confident bin, {span}, holds {share} of the predictions, "
                         f"at a mean confidence of {top['confidence']:.1%} and an accuracy of "
                         f"{top['accuracy']:.1%}. {_below_top(rows)}")


def plot_reliability_compare(probs: dict[str, Any], y: Any, bins: int = 10) -> Figure:
    """Draw reliability diagrams side by side, one column per name, their counts on one scale."""
    if (not isinstance(probs, dict) or not probs
            or not all(isinstance(name, str) for name in probs)):
        raise ValueError("probs must be a non-empty dict of names to probabilities, e.g. "
                         "{'before': probs, 'after': probs_T}.")
    tables = {}
    for name, p in probs.items():
        try:
            tables[name] = reliability(p, y, bins)
        except ValueError as error:
            raise ValueError(f"probs[{name!r}]: {error}") from error
    fig, axes = plt.subplots(2, len(tables), figsize=(3.7 * len(tables), 5.6), sharey="row",
                             squeeze=False)
    for k, (name, rows) in enumerate(tables.items()):
        _draw_reliability(axes[0, k], axes[1, k], rows, bins, legend=k == 0)
        axes[0, k].set_title(name, fontsize=10)
        axes[1, k].set_title("How many predictions per bin", fontsize=10)
        if k:  # the rows share their y-axis: one label each
            axes[0, k].set_ylabel("")
            axes[1, k].set_ylabel("")
    each = " ".join(f"{name}: expected calibration error {_ece(rows):.4f}, "
                    f"{_top_bin(rows)[2]} of predictions in the top bin, {_top_bin(rows)[1]}. "
                    f"{_below_top(rows)}" for name, rows in tables.items())
    return describe(fig, f"{len(tables)} reliability diagrams side by side, accuracy against "
                         f"confidence above, predictions per bin on one log scale below. "
                         f"{each}")


# --- brittleness: shifted digits ------------------------------------------------------------

def shift_images(x: Any, dx: int = 0, dy: int = 0) -> np.ndarray:
    """Return images ``x`` moved ``dx`` pixels right and ``dy`` down (negative: left, up)."""
    for name, value in (("dx", dx), ("dy", dy)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or abs(value) > 27:
            raise ValueError(f"{name} must be a whole number of pixels in -27..27, got {value!r}.")
    images = _flat_images(x).reshape(-1, 28, 28)
    out = np.zeros_like(images)
    rs, rd = (slice(0, 28 - dy), slice(dy, 28)) if dy >= 0 else (slice(-dy, 28), slice(0, 28 + dy))
    cs, cd = (slice(0, 28 - dx), slice(dx, 28)) if dx >= 0 else (slice(-dx, 28), slice(0, 28 + dx))
    out[:, rd, cd] = images[:, rs, cs]
    return out.reshape(-1, 784)


def shift_accuracy(network: Any, x: Any, y: Any, shifts: Any = range(5)) -> dict[int, float]:
    """Return the accuracy on ``x`` moved by each shift, averaged over the four directions."""
    y = np.asarray(y)
    images = _flat_images(x)
    if y.shape != (len(images),):
        raise ValueError(f"y must hold one label per image, got {y.shape} for {len(images)}.")
    out = {}
    for s in shifts:
        s = int(s)
        moves = [(0, 0)] if s == 0 else [(s, 0), (-s, 0), (0, s), (0, -s)]
        accs = [(predict_probs(network, shift_images(images, dx, dy)).argmax(axis=1) == y).mean()
                for dx, dy in moves]
        out[s] = float(np.mean(accs))
    return out


def _at_shift(shift: int) -> str:
    """Return ``no shift`` or ``a shift of 3 pixels``."""
    return "no shift" if shift == 0 else f"a shift of {shift} pixel{'' if shift == 1 else 's'}"


def _shift_change(accuracy: Mapping[int, float]) -> str:
    """Return how accuracy goes from the smallest shift to the largest, e.g. ``falls from ...``."""
    shifts = sorted(accuracy)
    first, last = accuracy[shifts[0]], accuracy[shifts[-1]]
    if len(shifts) == 1 or first == last:
        ends = dict.fromkeys((shifts[0], shifts[-1]))
        return f"is {first:.1%} at {' and at '.join(_at_shift(s) for s in ends)}"
    return (f"{'falls' if last < first else 'rises'} from {first:.1%} at {_at_shift(shifts[0])} "
            f"to {last:.1%} at {_at_shift(shifts[-1])}")


def plot_shift_accuracy(accuracy: dict[int, float], title: str | None = None) -> Figure:
    """Plot test accuracy against the shift in pixels."""
    if not accuracy:
        raise ValueError("accuracy must map shifts (pixels) to accuracies, from "
                         "shift_accuracy().")
    fig, ax = plt.subplots(figsize=(4.6, 3.0))
    shifts = sorted(accuracy)
    ax.plot(shifts, [accuracy[s] for s in shifts], "o-")
    ax.set_xticks(shifts)
    ax.set_ylim(0, 1)
    ax.set_xlabel("shift (pixels, any of 4 directions)")
    ax.set_ylabel("test accuracy")
    ax.set_title(title or "A shifted digit is a new pattern to an MLP", fontsize=10)
    points = ", ".join(f"{s} px {accuracy[s]:.1%}" for s in shifts)
    return describe(fig, f'Line chart "{ax.get_title()}": test accuracy against the shift in '
                         f"pixels (averaged over the 4 directions). Accuracy "
                         f"{_shift_change(accuracy)} "
                         f"({points}).")


# --- temperature scaling --------------------------------------------------------------------

TEMPERATURE_GRID = np.geomspace(0.05, 20.0, 601)  # 0.05 to 20, each T about 1% above the last


def predict_logits(network: Any, x: Any) -> np.ndarray:
    """Return the network's logits for images ``x`` (float64): its outputs before the softmax."""
    if _is_dense_mlp(network):
        return layer_outputs(network, x)[-1].astype(np.float64)
    last = network.layers[-1] if network.layers else None
    if getattr(getattr(last, "activation", None), "__name__", "") == "softmax":
        raise ValueError("network's last layer must output logits (no softmax).")
    return np.asarray(network.predict(_flat_images(x), batch_size=1000, verbose=0), np.float64)


def _check_logits(logits: Any, y: Any = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Return ``logits`` (N, classes) as float64 and labels ``y`` (if given), or raise."""
    logits = validate.real_array(logits, "logits", dtype=np.float64, used_by="the softmax")
    if logits.ndim != 2 or logits.shape[1] < 2 or len(logits) == 0:
        raise ValueError(f"logits must have shape (N, classes) with N >= 1 and at least 2 "
                         f"classes, got {logits.shape}; use predict_logits(network, x).")
    if y is not None:
        y = validate.class_labels(y, len(logits), logits.shape[1], "y", "logits")
    return logits, y


def _temperature(temperature: Any) -> float:
    """Return ``temperature`` as a float > 0, or raise naming it."""
    return validate.positive_number(temperature, "temperature", example="1.5")


def temperature_softmax(logits: Any, temperature: float = 1.0) -> np.ndarray:
    """Return the softmax of ``logits / temperature``, row by row.

    T > 1 softens the probabilities (the top one falls), T < 1 sharpens them (it rises).
    Dividing a row by the same T > 0 keeps the order of its logits: the top class is unchanged.
    """
    logits, _ = _check_logits(logits)
    return activations.softmax(logits / _temperature(temperature), axis=1)


def nll(logits: Any, y: Any, temperature: float = 1.0) -> float:
    """Return the negative log-likelihood: the mean of -log p(true class) under softmax(logits / T).

    That is lesson 04's cross-entropy loss (:func:`helpers.scratch.cross_entropy`, a stable
    log-softmax), so a probability too small for float64 still gives a finite value.
    """
    logits, y = _check_logits(logits, y)
    return scratch.cross_entropy(logits / _temperature(temperature), y)


def nll_each(logits: Any, y: Any, temperature: float = 1.0) -> np.ndarray:
    """Return -log p(true class) under softmax(logits / T) for every row: :func:`nll` unaveraged."""
    logits, y = _check_logits(logits, y)
    logp = scratch.log_softmax(logits / _temperature(temperature))
    return -logp[np.arange(len(y)), y]


def fit_temperature(logits: Any, y: Any, grid: Any = None) -> float:
    """Return the temperature on ``grid`` with the lowest :func:`nll` of ``logits`` and ``y``.

    The default grid runs from 0.05 to 20, each value about 1% above the one before. Fit on
    validation data, never on the test set: the test set is for the final measurement.
    """
    logits, y = _check_logits(logits, y)
    grid = TEMPERATURE_GRID if grid is None else validate.real_array(grid, "grid", dtype=np.float64)
    if grid.ndim != 1 or len(grid) < 3 or grid.min() <= 0:
        raise ValueError(f"grid must be a 1-D array of at least 3 temperatures > 0, got "
                         f"shape {grid.shape}; e.g. np.geomspace(0.05, 20, 601).")
    grid = np.unique(grid)
    losses = [nll(logits, y, t) for t in grid]
    best = int(np.argmin(losses))
    if best in (0, len(grid) - 1):
        raise ValueError(f"the lowest NLL is at the edge of the grid (T = {grid[best]:.3g}), so "
                         f"the best T may lie beyond it; widen the grid.")
    return float(grid[best])


def plot_named_images(images: dict[str, Any]) -> Figure:
    """Show 28x28 images side by side, ink dark on white, each framed and titled by its name."""
    if not isinstance(images, dict) or not images:
        raise ValueError("images must be a non-empty dict of names to 28x28 images.")
    bad = [name for name, image in images.items() if np.shape(image) != (28, 28)]
    if bad:
        raise ValueError(f"images must each be 28x28; {bad[0]!r} has shape "
                         f"{np.shape(images[bad[0]])}.")
    arrays = _flat_images(np.stack([np.asarray(v, dtype=np.float64) for v in images.values()]),
                          "images")
    fig, axes = plt.subplots(1, len(images), figsize=(1.35 * len(images), 1.6), squeeze=False)
    for ax, name, image in zip(axes[0], images, arrays, strict=True):
        ax.imshow(image.reshape(28, 28), cmap=IMAGE_CMAP, vmin=0, vmax=1)
        ax.set_title(name, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():  # a frame, so that a blank page shows too
            spine.set_visible(True)
            spine.set_color("#999999")
    inked = ", ".join(f"{name} (ink on {(image > 0).mean():.1%} of pixels)"
                      for name, image in zip(images, arrays, strict=True))
    return describe(fig, f"{len(images)} images of 28x28 pixels side by side, ink dark on "
                         f"white: {inked}.")
