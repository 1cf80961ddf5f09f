"""Lesson 02: one neuron and one dense layer in NumPy, parameter counts, and their figures.

A neuron computes ``y = f(w . x + b)``: a weighted sum of its inputs plus a bias, passed
through an activation ``f``. A dense layer is many neurons side by side: ``f(x @ W + b)``,
where column ``j`` of ``W`` holds the weights of neuron ``j``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers import scratch, validate
from helpers.plots import describe
from helpers.text import table_lines

Activation = str | Callable[[np.ndarray], np.ndarray] | None

# The 2-input neuron's picture: a few labelled points of the input plane.
POINTS: dict[str, tuple[float, float]] = {"A": (2.0, 1.0), "B": (-1.0, 2.0),
                                          "C": (-2.0, -1.5), "D": (1.0, -2.0)}
OUTPUT_CMAP = "RdBu_r"  # blue = output near 0, white = 0.5, red = output near 1
WEIGHT_CMAP = "RdBu_r"  # blue = negative weight, white = 0, red = positive weight


# --- validation -------------------------------------------------------------------------------

def _as_float_array(x: Any, name: str) -> np.ndarray:
    """Return ``x`` as a finite float array (float32 stays float32), or raise naming ``name``."""
    arr = validate.real_array(x, name, finite=False)
    if not np.all(np.isfinite(arr)):
        bad = int(np.sum(~np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); a neuron needs "
                         "finite numbers. Check how the values were computed.")
    return arr


_as_scalar = validate.finite_scalar


# --- activations ------------------------------------------------------------------------------

def sigmoid(z: Any) -> np.ndarray:
    """Return ``1 / (1 + exp(-z))`` elementwise, computed without overflow for large ``|z|``.

    It squashes any real number into (0, 1), so the output reads as a probability.
    """
    z = _as_float_array(z, "z")
    return np.exp(-np.logaddexp(0.0, -z)).astype(z.dtype)


def relu(z: Any) -> np.ndarray:
    """Return ``max(0, z)`` elementwise."""
    return scratch.relu(_as_float_array(z, "z"))


def step(z: Any) -> np.ndarray:
    """Return 1 where ``z > 0`` and 0 elsewhere (the perceptron's activation)."""
    z = _as_float_array(z, "z")
    return (z > 0).astype(z.dtype)


_BY_NAME: dict[str, Callable[[np.ndarray], np.ndarray]] = {  # activation= names
    "linear": lambda z: z, "sigmoid": sigmoid, "relu": relu, "step": step, "tanh": np.tanh,
}


def _activation(f: Activation) -> Callable[[np.ndarray], np.ndarray]:
    """Return the activation function named or given by ``f`` (None means linear)."""
    if f is None:
        return _BY_NAME["linear"]
    if isinstance(f, str):
        if f not in _BY_NAME:
            raise ValueError(f"activation must be one of {sorted(_BY_NAME)} or a function, "
                             f"got '{f}'.")
        return _BY_NAME[f]
    if callable(f):
        return f
    raise TypeError(f"activation must be a name such as 'sigmoid', a function or None, "
                    f"got {type(f).__name__}.")


# --- one neuron, one layer --------------------------------------------------------------------

def neuron(x: Any, w: Any, b: float, activation: Activation = "sigmoid") -> np.ndarray:
    """Return one neuron's output ``f(w . x + b)``.

    ``x`` holds one input vector of shape (n,) or a batch of shape (N, n); ``w`` has shape
    (n,) and ``b`` is one number. The result has shape () for one input, (N,) for a batch.
    Example: ``neuron([1, 2], [0.5, -0.25], 0.0, activation=None)`` is 0.0.
    """
    x, w, b = _as_float_array(x, "x"), _as_float_array(w, "w"), _as_scalar(b, "b")
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"w must be a non-empty 1-D vector of weights, got shape {w.shape}.")
    if x.ndim not in (1, 2) or x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has shape {x.shape} but w has shape {w.shape}: x needs one value "
                         f"per weight, shape ({w.shape[0]},) or (N, {w.shape[0]}).")
    return _activation(activation)(x @ w + b)


def dense(x: Any, W: Any, b: Any, activation: Activation = None) -> np.ndarray:
    """Return a dense layer's output ``f(x @ W + b)``.

    ``x`` has shape (n_in,) or (N, n_in), ``W`` shape (n_in, n_out) with one column per
    neuron, ``b`` shape (n_out,). The result has shape (n_out,) or (N, n_out): ``b`` is
    broadcast (added to every row). This is what ``keras.layers.Dense`` computes.
    """
    x, W, b = _as_float_array(x, "x"), _as_float_array(W, "W"), _as_float_array(b, "b")
    if W.ndim != 2:
        raise ValueError(f"W must be a 2-D matrix of shape (n_in, n_out), got shape {W.shape}.")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b has shape {b.shape} but W has {W.shape[1]} columns (neurons); "
                         f"b needs one bias per neuron, shape ({W.shape[1]},).")
    if x.ndim not in (1, 2) or x.shape[-1] != W.shape[0]:
        raise ValueError(f"x has shape {x.shape} but W has shape {W.shape}: the last axis of x "
                         f"must match the rows of W, e.g. x of shape (N, {W.shape[0]}).")
    return _activation(activation)(x @ W + b)


# --- parameter counts -------------------------------------------------------------------------

def _layer_sizes(sizes: Sequence[int]) -> list[int]:
    """Validate layer sizes such as [784, 128, 10] and return them as a list of ints."""
    return list(validate.layer_sizes(sizes))


def count_params(sizes: Sequence[int]) -> int:
    """Return the number of weights and biases of dense layers of widths ``sizes``.

    A layer from ``n_in`` to ``n_out`` units has ``n_in * n_out`` weights and ``n_out``
    biases. Example: ``count_params([784, 128, 10])`` is 101,770.
    """
    s = _layer_sizes(sizes)
    return sum(n_in * n_out + n_out for n_in, n_out in zip(s[:-1], s[1:], strict=True))


def param_table(sizes: Sequence[int]) -> str:
    """Return a table of each dense layer's weights, biases and total, for printing."""
    s = _layer_sizes(sizes)
    rows = [["layer", "shape of W", "weights", "biases", "total"]]
    for k, (n_in, n_out) in enumerate(zip(s[:-1], s[1:], strict=True), start=1):
        rows.append([str(k), f"{n_in} x {n_out}", f"{n_in * n_out:,}", f"{n_out:,}",
                     f"{n_in * n_out + n_out:,}"])
    rows.append(["all", "", "", "", f"{count_params(s):,}"])
    return "\n".join(table_lines(rows, "<>>>>", widths=(7, 14, 11, 9, 11), sep=""))


# --- ours versus theirs -----------------------------------------------------------------------

class Comparison(NamedTuple):
    """The result of :func:`compare`: equal bit for bit, close, and the largest difference."""

    name: str
    exact: bool
    close: bool
    max_diff: float

    def __str__(self) -> str:
        return (f"{self.name:<24} exact: {self.exact!s:<5}  close: {self.close!s:<5}  "
                f"max diff: {self.max_diff:.2g}")


def compare(name: str, ours: Any, theirs: Any, *, rtol: float = 1e-5, atol: float = 1e-6,
            verbose: bool = True) -> Comparison:
    """Compare our result with a reference (e.g. Keras): exact, close, and max difference.

    Prints one line (unless ``verbose=False``) and returns a :class:`Comparison`. ``close``
    uses ``np.allclose(ours, theirs, rtol, atol)``; float32 rounding makes values close
    rather than exact when two libraries add the same numbers in a different order.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string describing what is compared, got "
                        f"{type(name).__name__}.")
    a = np.asarray(ours.numpy() if hasattr(ours, "numpy") else ours)
    t = np.asarray(theirs.numpy() if hasattr(theirs, "numpy") else theirs)
    for arg, arr in (("ours", a), ("theirs", t)):
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                       or arr.dtype == bool):
            raise TypeError(f"{arg} must be numbers (an array or a tensor), got dtype "
                            f"{arr.dtype}.")
    if a.shape != t.shape:
        raise ValueError(f"ours has shape {a.shape} but theirs has shape {t.shape}; compare "
                         "results of the same shape (check the transpose or the batch axis).")
    a64, t64 = a.astype(np.float64), t.astype(np.float64)
    exact = bool(np.array_equal(a64, t64))
    close = bool(np.allclose(a64, t64, rtol=rtol, atol=atol))
    max_diff = float(np.max(np.abs(a64 - t64))) if a.size else 0.0
    result = Comparison(name, exact, close, max_diff)
    if verbose:
        print(result)
    return result


# --- the 2-input neuron's picture -------------------------------------------------------------

def _check_limit(limit: Any) -> float:
    limit = _as_scalar(limit, "limit")
    if limit <= 0:
        raise ValueError(f"limit must be positive (the plane spans -limit..limit), got {limit}.")
    return limit


def boundary_segment(w1: float, w2: float, b: float,
                     limit: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """Return the x1 and x2 ends of the line ``w1*x1 + w2*x2 + b = 0`` inside the square.

    The square is ``[-limit, limit]`` on both axes. Both arrays are empty when the line
    misses the square, or when ``w1 = w2 = 0`` (then there is no boundary at all).
    """
    w1, w2, b = _as_scalar(w1, "w1"), _as_scalar(w2, "w2"), _as_scalar(b, "b")
    limit = _check_limit(limit)
    norm2 = w1 * w1 + w2 * w2
    empty = (np.empty(0), np.empty(0))
    if norm2 == 0.0:
        return empty
    p0 = np.array([-b * w1 / norm2, -b * w2 / norm2])  # the boundary point nearest the origin
    d = np.array([-w2, w1]) / np.sqrt(norm2)  # unit direction along the boundary
    t_lo, t_hi = -np.inf, np.inf  # clip p0 + t*d to the square (Liang-Barsky)
    for k in range(2):
        if d[k] == 0.0:
            if abs(p0[k]) > limit:
                return empty
            continue
        t1, t2 = sorted(((-limit - p0[k]) / d[k], (limit - p0[k]) / d[k]))
        t_lo, t_hi = max(t_lo, t1), min(t_hi, t2)
    if t_lo >= t_hi:
        return empty
    ends = np.array([p0 + t_lo * d, p0 + t_hi * d])
    return ends[:, 0], ends[:, 1]


def neuron_outputs_2d(w1: float, w2: float, b: float,
                      points: dict[str, tuple[float, float]] | None = None) -> dict[str, float]:
    """Return ``sigmoid(w1*x1 + w2*x2 + b)`` for each named point (default: ``POINTS``)."""
    w = np.array([_as_scalar(w1, "w1"), _as_scalar(w2, "w2")])
    b = _as_scalar(b, "b")
    points = POINTS if points is None else points
    return {name: float(neuron(np.asarray(p, dtype=float), w, b)) for name, p in points.items()}


@dataclass
class NeuronDrawing:
    """The artists of one 2-input neuron picture, so that an explorer can redraw them."""

    ax: Axes
    field: Any  # AxesImage of the sigmoid output over the plane
    boundary: Any  # Line2D of w1*x1 + w2*x2 + b = 0
    arrow: Any  # Annotation: the weight vector, pointing to the side where y > 0.5
    labels: dict[str, Any]  # Text beside each labelled point
    limit: float
    grid: tuple[np.ndarray, np.ndarray]

    def update(self, w1: float, w2: float, b: float) -> None:
        """Redraw the colour field, boundary, weight arrow, point labels and title."""
        w1, w2, b = _as_scalar(w1, "w1"), _as_scalar(w2, "w2"), _as_scalar(b, "b")
        g1, g2 = self.grid
        self.field.set_data(sigmoid(w1 * g1 + w2 * g2 + b))
        self.boundary.set_data(*boundary_segment(w1, w2, b, self.limit))
        norm2 = w1 * w1 + w2 * w2
        if norm2 > 0:
            tail = np.array([-b * w1, -b * w2]) / norm2
            tip = tail + np.array([w1, w2]) / np.sqrt(norm2) * 0.3 * self.limit
            inside = bool(np.all(np.abs(tail) <= self.limit))
            self.arrow.xy, self.arrow.xyann = tuple(tip), tuple(tail)
            self.arrow.set_visible(inside)
        else:
            self.arrow.set_visible(False)
        for name, y in neuron_outputs_2d(w1, w2, b, {n: POINTS[n] for n in self.labels}).items():
            self.labels[name].set_text(f"{name} {y:.2f}")
        self.ax.set_title(f"$w_1$={w1:.2f}, $w_2$={w2:.2f}, $b$={b:.2f}")


def draw_neuron_2d(ax: Axes, w1: float, w2: float, b: float, *,
                   limit: float = 3.0) -> NeuronDrawing:
    """Draw a 2-input sigmoid neuron on ``ax`` and return its artists for redrawing.

    The colour field is the output ``sigmoid(w1*x1 + w2*x2 + b)`` over the input plane, the
    black line is the decision boundary (output 0.5), the arrow is the weight vector.
    """
    limit = _check_limit(limit)
    side = np.linspace(-limit, limit, 121)
    g1, g2 = np.meshgrid(side, side)
    field = ax.imshow(np.zeros_like(g1), origin="lower", extent=(-limit, limit, -limit, limit),
                      cmap=OUTPUT_CMAP, vmin=0.0, vmax=1.0, alpha=0.85, interpolation="bilinear")
    (boundary,) = ax.plot([], [], color="black", lw=2, label="boundary: output 0.5")
    arrow = ax.annotate("", xy=(0.0, 0.0), xytext=(0.0, 0.0),
                        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5})
    labels = {}
    for name, (p1, p2) in POINTS.items():
        ax.plot(p1, p2, "o", color="white", mec="black", ms=7)
        labels[name] = ax.text(p1 + 0.18, p2 + 0.18, name, fontsize=9,
                               bbox={"boxstyle": "round,pad=0.15", "fc": "white", "alpha": 0.8,
                                     "lw": 0})
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    drawing = NeuronDrawing(ax, field, boundary, arrow, labels, limit, (g1, g2))
    drawing.update(w1, w2, b)
    return drawing


def _outputs_alt(w1: float, w2: float, b: float, names: bool = True) -> str:
    """Return the outputs at the labelled points, e.g. 'A 0.95, B 0.73, C 0.03, D 0.27'."""
    return ", ".join(f"{name} {y:.2f}" if names else f"{y:.2f}"
                     for name, y in neuron_outputs_2d(w1, w2, b).items())


def _points_alt() -> str:
    """Return where the labelled points are, e.g. 'A (2, 1), B (-1, 2), ...'."""
    return ", ".join(f"{name} ({x1:g}, {x2:g})" for name, (x1, x2) in POINTS.items())


def _neuron_2d_alt(w1: float, w2: float, b: float, limit: float = 3.0) -> str:
    """Describe :func:`plot_neuron_2d`'s picture in words (its alt text), with its numbers."""
    w1, w2, b, limit = (float(_as_scalar(v, n)) for v, n in
                        ((w1, "w1"), (w2, "w2"), (b, "b"), (limit, "limit")))
    alt = (f"A sigmoid neuron's output over the input plane, x1 and x2 from {-limit:g} to "
           f"{limit:g}, for w1 = {w1:g}, w2 = {w2:g}, b = {b:g}: red above 0.5, blue below. ")
    norm = float(np.hypot(w1, w2))
    if norm == 0.0:
        alt += (f"With both weights 0 there is no boundary: the output is {sigmoid(b):.2f} "
                "everywhere.")
    elif boundary_segment(w1, w2, b, limit)[0].size == 0:
        alt += (f"The decision boundary (output 0.5) lies outside the square, "
                f"{abs(b) / norm:.2f} from the origin.")
    else:
        where = f"{abs(b) / norm:.2f} from" if b else "through"
        alt += f"A black line, the decision boundary (output 0.5), passes {where} the origin."
    return alt + f" Outputs at the points {_points_alt()}: {_outputs_alt(w1, w2, b)}."


def plot_neuron_2d(w1: float, w2: float, b: float, *, ax: Axes | None = None,
                   colorbar: bool = True, limit: float = 3.0) -> Figure:
    """Plot a 2-input sigmoid neuron: output colour field, decision boundary, labelled points.

    Returns the figure; pass ``ax`` to draw into an existing axes.
    """
    created = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 3.8))
    drawing = draw_neuron_2d(ax, w1, w2, b, limit=limit)
    fig = ax.get_figure()
    if colorbar:
        fig.colorbar(drawing.field, ax=ax, shrink=0.85, label="output $y$")
    return describe(fig, _neuron_2d_alt(w1, w2, b, limit)) if created else fig


def plot_neuron_row(settings: Sequence[tuple[float, float, float]], *,
                    limit: float = 3.0) -> Figure:
    """Plot several 2-input neurons ``(w1, w2, b)`` side by side, with one shared colour bar."""
    if isinstance(settings, str) or not isinstance(settings, Sequence) or not settings:
        raise ValueError("settings must be a non-empty list of (w1, w2, b) tuples.")
    for s in settings:
        if not isinstance(s, Sequence) or len(s) != 3:
            raise ValueError(f"each setting must be a (w1, w2, b) tuple, got {s!r}.")
    fig, axes = plt.subplots(1, len(settings), figsize=(2.9 * len(settings) + 1.0, 3.3),
                             squeeze=False)
    for ax, (w1, w2, b) in zip(axes.flat, settings, strict=True):
        drawing = draw_neuron_2d(ax, w1, w2, b, limit=limit)
    fig.colorbar(drawing.field, ax=list(axes.flat), shrink=0.85, label="output $y$")
    panels = "; ".join(f"w1 = {float(w1):g}, w2 = {float(w2):g}, b = {float(b):g}: "
                       + _outputs_alt(w1, w2, b, names=False)
                       for w1, w2, b in settings)
    return describe(fig, f"{len(settings)} panels, each a sigmoid neuron's output over the "
                    f"input plane (x1, x2 from {-limit:g} to {limit:g}): red above 0.5, blue "
                    f"below, a black line at 0.5. Points {_points_alt()}. Outputs at A, B, "
                    f"C, D for {panels}.")


# --- a neuron's 784 weights as an image -------------------------------------------------------

def plot_weights(w: Any, *, ax: Axes | None = None, title: str = "weights",
                 colorbar: bool = True) -> Figure:
    """Show 784 weights as a 28x28 image, red positive and blue negative, white at 0."""
    w = _as_float_array(w, "w")
    if w.size != 784:
        raise ValueError(f"w must hold 784 weights (one per pixel), got shape {w.shape}.")
    created = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(3.6, 3.0))
    vmax = float(np.max(np.abs(w))) or 1.0
    im = ax.imshow(w.reshape(28, 28), cmap=WEIGHT_CMAP, vmin=-vmax, vmax=vmax)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig = ax.get_figure()
    if colorbar:
        fig.colorbar(im, ax=ax, shrink=0.85)
    if not created:
        return fig
    (r_max, c_max), (r_min, c_min) = (divmod(int(k), 28) for k in (w.argmax(), w.argmin()))
    return describe(fig, f"{title}: 784 weights shown as a 28x28 image, one per pixel, red "
                    f"positive, blue negative, white 0. They range from {w.min():.2g} (row "
                    f"{r_min}, column {c_min}) to {w.max():.2g} (row {r_max}, column {c_max}); "
                    f"{np.sum(w > 0)} are positive and {np.sum(w < 0)} negative.")
