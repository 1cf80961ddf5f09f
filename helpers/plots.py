"""The series' plot style and the figures several lessons share."""

from __future__ import annotations

import os
import weakref
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# One colour per digit, used for 0-9 in every lesson (matplotlib's tab10).
DIGIT_COLORS: tuple[str, ...] = tuple(mpl.colormaps["tab10"].colors)  # type: ignore[attr-defined]
IMAGE_CMAP = "gray_r"  # ink dark on white paper

STYLE: dict[str, object] = {
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "figure.figsize": (6.4, 3.6),
    "figure.autolayout": False,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "axes.prop_cycle": mpl.cycler(color=list(DIGIT_COLORS)),
    "image.cmap": IMAGE_CMAP,
    "font.size": 10,
    "legend.frameon": False,
    # Opaque white paper: Jupyter's inline backend makes figures transparent, which on a dark
    # theme puts black text and axes on a dark background.
    "figure.facecolor": "white",
    "figure.edgecolor": "white",
    "savefig.facecolor": "white",
}

READ_OUT_ENV = "MNIST_NN_READ_OUT"  # "1": print each figure's alt text under it
# Each figure's alt text: what it shows, for a reader who cannot see it (set by ``describe``).
_DESCRIPTIONS: weakref.WeakKeyDictionary[Figure, str] = weakref.WeakKeyDictionary()


def set_style() -> None:
    """Apply the series' matplotlib style (called by ``setup_notebook``)."""
    mpl.rcParams.update(STYLE)


def describe(fig: Figure, alt: str) -> Figure:
    """Attach ``alt``, a short description of what ``fig`` shows, and return ``fig``."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}.")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a sentence saying what the figure shows (its point, with "
                         f"its numbers), got {alt!r}.")
    _DESCRIPTIONS[fig] = " ".join(alt.split())
    return fig


def description(fig: Figure) -> str | None:
    """Return the alt text attached to ``fig`` by ``describe``, or None."""
    return _DESCRIPTIONS.get(fig)


def _listing(items: Sequence[object], limit: int = 10, sep: str = ", ") -> str:
    """Return the first ``limit`` items joined by ``sep``, then how many more there are."""
    shown = sep.join(str(item) for item in list(items)[:limit])
    return shown if len(items) <= limit else f"{shown}{sep}and {len(items) - limit} more"


def _number(value: float) -> str:
    """Return a count as '6,742', any other number with 3 significant digits."""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:.3g}"


def _spoken(value: float, digits: int = 2) -> str:
    """Return a number in decimals to ``digits`` significant digits: 0.0000011, never 1.1e-06."""
    return np.format_float_positional(float(value), precision=digits, unique=False,
                                      fractional=False, trim="-")


def _titled(title: str | None, text: str) -> str:
    """Return ``text`` preceded by ``title`` and a colon, when there is a title."""
    return f"{title}: {text}" if title else text


def read_out(on: bool = True) -> None:
    """Print each figure's alt text under it (for front ends that do not show alt text)."""
    os.environ[READ_OUT_ENV] = "1" if on else "0"


def reading_out() -> bool:
    """Return whether figures' alt texts are printed under them (``read_out``)."""
    return os.environ.get(READ_OUT_ENV) == "1"


def show(fig: Figure | None = None, alt: str | None = None) -> None:
    """Display ``fig`` (default: every open figure) as a PNG with its alt text, then close it.

    ``alt`` describes the figure when no helper did (``describe``); it needs a single figure.
    With ``read_out()`` (or ``$MNIST_NN_READ_OUT=1``) the alt text is also printed under it.
    """
    figures = [fig] if fig is not None else [plt.figure(n) for n in plt.get_fignums()]
    if not figures:
        raise ValueError("There is no figure to show: draw one first (a plots function, or "
                         "plt.subplots()), then call show().")
    if alt is not None:
        if len(figures) != 1:
            raise ValueError(f"alt describes one figure, but {len(figures)} are open: pass "
                             "the figure too, show(fig, alt=...), or describe(fig, alt) each.")
        describe(figures[0], alt)
    from IPython import get_ipython

    if get_ipython() is None:  # a script: matplotlib's own window, if any
        plt.show()
        return
    from IPython.display import display

    for figure in figures:
        text = description(figure)
        display(figure, metadata={"image/png": {"alt": text}} if text else None)
        plt.close(figure)
        if text and reading_out():
            print(f"Figure: {text}")


def digit_color(digit: int) -> str:
    """Return the series' colour for a digit 0-9."""
    if not 0 <= int(digit) <= 9:
        raise ValueError(f"digit must be 0-9, got {digit}.")
    return DIGIT_COLORS[int(digit)]


def _check_images(images: np.ndarray, name: str = "images") -> np.ndarray:
    """Return images as an (N, 28, 28) array or raise a clear error."""
    images = np.asarray(images)
    if images.ndim == 2 and images.shape[1] == 784:
        images = images.reshape(-1, 28, 28)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"{name} must have shape (N, 28, 28) or (N, 784), got {images.shape}.")
    if len(images) == 0:
        raise ValueError(f"{name} is empty; pass at least one image.")
    return images


def show_digits(images: np.ndarray, labels: Sequence[int] | np.ndarray | None = None, *,
                titles: Sequence[str] | None = None, ncols: int = 10,
                size: float = 0.9, suptitle: str | None = None) -> Figure:
    """Show images in a grid, each titled with its label (or a given title), colour-coded."""
    images = _check_images(images)
    n = len(images)
    if labels is not None and len(labels) != n:
        raise ValueError(f"labels has {len(labels)} entries but there are {n} images.")
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles has {len(titles)} entries but there are {n} images.")
    if ncols < 1:
        raise ValueError(f"ncols must be >= 1, got {ncols}.")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.15),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i], cmap=IMAGE_CMAP, vmin=0, vmax=images.max() or 1)
        if titles is not None:
            ax.set_title(titles[i], fontsize=8)
        elif labels is not None:
            ax.set_title(str(int(labels[i])), color=digit_color(int(labels[i])), fontsize=10)
    if suptitle:
        fig.suptitle(suptitle)
    grid = "in one row" if nrows == 1 else f"in {nrows} rows of {ncols}"
    alt = f"{n} images of handwritten digits {grid}" if n > 1 else "One handwritten digit"
    if titles is not None:
        alt += f", titled {_listing(titles, 5, '; ')}"
    elif labels is not None:
        alt += f", labelled {_listing([int(v) for v in labels])}"
    return describe(fig, _titled(suptitle, alt + "."))


def show_pixels(image: np.ndarray, title: str | None = None) -> Figure:
    """Show one 28x28 image as a heat map with every pixel's value written in it."""
    image = np.asarray(image)
    if image.shape == (784,):
        image = image.reshape(28, 28)
    if image.shape != (28, 28):
        raise ValueError(f"image must have shape (28, 28) or (784,), got {image.shape}.")
    fig, ax = plt.subplots(figsize=(9, 9))
    ax.imshow(image, cmap=IMAGE_CMAP)
    ax.grid(False)
    threshold = image.max() / 2 if image.max() else 1
    fmt = "{:d}" if np.issubdtype(image.dtype, np.integer) else "{:.1f}"
    for (r, c), v in np.ndenumerate(image):
        if v:
            ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=5.5,
                    color="white" if v > threshold else "black")
    ax.set_xticks(range(0, 28, 4))
    ax.set_yticks(range(0, 28, 4))
    if title:
        ax.set_title(title)
    return describe(fig, _titled(title, _pixels_alt(image)))


def _pixels_alt(image: np.ndarray) -> str:
    """Describe a 28x28 image's pixel values: how many hold ink, their range, where they lie."""
    rows, cols = np.nonzero(image)
    alt = "Heat map of one image's 28x28 pixel values, each written in its cell, darker for "
    if rows.size == 0:
        return alt + "higher values; all 784 pixels are 0."
    fmt = "{:d}" if np.issubdtype(image.dtype, np.integer) else "{:.2f}"
    ink = image[image != 0]
    return (alt + f"higher values. {rows.size} of the 784 pixels hold ink, from "
            f"{fmt.format(ink.min())} to {fmt.format(ink.max())}, in rows {rows.min()}-"
            f"{rows.max()} and columns {cols.min()}-{cols.max()}; all others are 0 and blank.")


def bar_counts(counts: Mapping[str, np.ndarray], title: str = "Images per digit") -> Figure:
    """Grouped bars of per-digit counts, one group per named split (e.g. train, test)."""
    if not counts:
        raise ValueError("counts is empty; pass e.g. {'train': counts_train}.")
    fig, ax = plt.subplots(figsize=(7, 3.2))
    width = 0.8 / len(counts)
    for k, (name, c) in enumerate(counts.items()):
        c = np.asarray(c)
        if c.shape != (10,):
            raise ValueError(f"counts['{name}'] must have 10 entries (digits 0-9), got {c.shape}.")
        ax.bar(np.arange(10) + (k - (len(counts) - 1) / 2) * width, c, width, label=name,
               color=DIGIT_COLORS, alpha=1.0 if k == 0 else 0.55,
               edgecolor="black", linewidth=0.3)
    ax.set_xticks(range(10))
    ax.set_xlabel("digit")
    ax.set_ylabel("images")
    ax.set_title(title)
    ax.legend()
    return describe(fig, f"Bar chart, {title}: one bar per digit 0-9 for each of "
                    f"{_listing(list(counts), sep=' and ')}. " + "; ".join(
                        _extremes(name, np.asarray(c)) for name, c in counts.items()) + ".")


def _extremes(name: str, values: np.ndarray) -> str:
    """Say which digit has the most and which the fewest of ``values`` (shares as percent)."""
    share = not np.all(np.mod(values, 1) == 0) and np.isclose(values.sum(), 1.0)
    fmt = (lambda v: f"{v:.1%}") if share else _number
    high, low = int(np.argmax(values)), int(np.argmin(values))
    return (f"{name} from {fmt(values[low])} (digit {low}) to {fmt(values[high])} "
            f"(digit {high})")


def learning_curves(history: Mapping[str, Sequence[float]],
                    metrics: Sequence[str] = ("loss", "accuracy"),
                    title: str | None = None) -> Figure:
    """Plot training and validation curves per epoch from a Keras-style history dict."""
    if hasattr(history, "history"):
        history = history.history  # accept a keras History object too
    missing = [m for m in metrics if m not in history]
    if missing:
        raise ValueError(f"history has no {missing}; it has {sorted(history)}.")
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.2), squeeze=False)
    for ax, m in zip(axes.flat, metrics, strict=True):
        epochs = np.arange(1, len(history[m]) + 1)
        ax.plot(epochs, history[m], "o-", ms=3, label="training", color="C0")
        if f"val_{m}" in history:
            ax.plot(epochs, history[f"val_{m}"], "s-", ms=3, label="validation", color="C1")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs only
        ax.set_ylabel(m)
        ax.legend()
    if title:
        fig.suptitle(title)
    epochs = len(history[metrics[0]])
    alt = (f"Learning curves, {_listing(list(metrics), sep=' and ')} per epoch over {epochs} "
           f"epoch{'s' if epochs != 1 else ''}, training and validation. ")
    return describe(fig, _titled(title, alt + " ".join(_curve_alt(history, m) for m in metrics)))


def _metric(name: str, value: float) -> str:
    """Format a metric as the lessons do: accuracy as a percentage, loss with 4 decimals."""
    return f"{value:.1%}" if "acc" in name else f"{value:.4f}"


def _curve_alt(history: Mapping[str, Sequence[float]], m: str) -> str:
    """Describe one metric's curves: where each starts and ends, and the best validation epoch."""
    train = np.asarray(history[m], dtype=float)
    if train.size == 0:
        return f"No {m} values."
    alt = f"{m.capitalize()}: training {_metric(m, train[0])} to {_metric(m, train[-1])}"
    val = np.asarray(history.get(f"val_{m}", []), dtype=float)
    if val.size == 0:
        return alt + "."
    alt += (f", validation {_metric(m, val[0])} after epoch 1 to {_metric(m, val[-1])} "
            f"after epoch {val.size}")
    if np.any(np.isfinite(val)):
        lower = "loss" in m or "error" in m
        best = int(np.nanargmin(val) if lower else np.nanargmax(val))
        if best != val.size - 1 and _metric(m, val[best]) != _metric(m, val[-1]):
            alt += (f" ({'lowest' if lower else 'highest'} {_metric(m, val[best])} after "
                    f"epoch {best + 1})")
    return alt + "."


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """Return counts[i, j] = number of images of true class i predicted as class j."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"y_true and y_pred must be 1-D and of the same length, got "
                         f"{y_true.shape} and {y_pred.shape}.")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.size and (y.min() < 0 or y.max() >= num_classes):
            raise ValueError(f"{name} must hold class ids 0-{num_classes - 1}, "
                             f"got {y.min()}..{y.max()}.")
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (y_true.astype(int), y_pred.astype(int)), 1)
    return counts


def plot_confusion(counts: np.ndarray, title: str = "Confusion matrix (test set)") -> Figure:
    """Show a confusion matrix with counts written in the cells; the diagonal is muted."""
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"counts must be a square matrix, got shape {counts.shape}.")
    off = counts.astype(float).copy()
    np.fill_diagonal(off, np.nan)
    fig, ax = plt.subplots(figsize=(5.4, 4.6))
    im = ax.imshow(off, cmap="Reds")
    ax.grid(False)
    dark = np.nanmax(off) * 0.6 if np.any(off > 0) else np.inf  # Reds darker than this: white
    for (i, j), v in np.ndenumerate(counts):
        color = "dimgray" if i == j else "white" if v > dark else "black"  # dimgray: 5.5:1
        ax.text(j, i, str(v), ha="center", va="center", fontsize=7, color=color)
    n = len(counts)
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title)
    fig.colorbar(im, ax=ax, shrink=0.8, label="errors")
    right, total = np.trace(counts), counts.sum()
    cells = sorted(((i, j) for i in range(n) for j in range(n) if i != j and counts[i, j] > 0),
                   key=lambda cell: -counts[cell])[:4]
    worst = "; ".join(f"{i} read as {j} ({_number(counts[i, j])} "
                      f"image{'s' if counts[i, j] != 1 else ''})" for i, j in cells)
    return describe(fig, f"{title}: true digit in rows, predicted digit in columns, each cell "
                    f"a count of images. {_number(right)} of {_number(total)} are on the "
                    f"diagonal (right). " + (f"The most frequent mistakes: {worst}."
                                             if cells else "There are no mistakes."))


def probability_bars(probs: np.ndarray, true_label: int | None = None,
                     ax: plt.Axes | None = None) -> plt.Axes:
    """Bar chart of 10 predicted probabilities; the true digit's bar is outlined."""
    probs = np.asarray(probs, dtype=float)
    if probs.shape != (10,):
        raise ValueError(f"probs must have shape (10,), got {probs.shape}.")
    if np.any(probs < 0) or not np.isclose(probs.sum(), 1.0, atol=1e-3):
        raise ValueError("probs must be non-negative and sum to 1 (apply softmax first).")
    created = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 2.4))
    bars = ax.bar(range(10), probs, color=DIGIT_COLORS)
    if true_label is not None:
        bars[int(true_label)].set_edgecolor("black")
        bars[int(true_label)].set_linewidth(2)
    ax.set_xticks(range(10))
    ax.set_ylim(0, 1)
    ax.set_xlabel("digit")
    ax.set_ylabel("probability")
    if created:
        describe(ax.figure, _probabilities_alt(probs, true_label))
    return ax


def _probabilities_alt(probs: np.ndarray, true_label: int | None) -> str:
    """Describe 10 predicted probabilities: the three largest, and the true digit's."""
    top = np.argsort(-probs, kind="stable")[:3]
    alt = (f"Bar chart of the predicted probability of each digit 0-9: digit {top[0]} is the "
           f"most likely at {probs[top[0]]:.1%}, then " +
           " and ".join(f"{d} at {probs[d]:.1%}" for d in top[1:]) + ".")
    if true_label is not None:
        alt += (f" The true digit, {int(true_label)}, is outlined; it gets "
                f"{probs[int(true_label)]:.1%}.")
    return alt


def pixel_histogram(images: np.ndarray, bins: int = 32, title: str | None = None) -> Figure:
    """Histogram of pixel values: all pixels on a log scale (left), ink pixels only (right).

    Integer images are read as 0-255, float images as [0, 1]. Background pixels (exactly 0)
    usually dwarf everything else, hence the log scale and the second, ink-only panel.
    """
    images = np.asarray(images)
    if not (np.issubdtype(images.dtype, np.integer) or np.issubdtype(images.dtype, np.floating)):
        raise TypeError(f"images must hold numbers, got dtype {images.dtype}.")
    if images.size == 0:
        raise ValueError("images is empty; pass at least one image.")
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 2:
        raise ValueError(f"bins must be an int >= 2, got {bins!r}.")
    integer = np.issubdtype(images.dtype, np.integer)
    top = 255 if integer else 1.0
    low, high = images.min(), images.max()
    if not (np.isfinite(low) and np.isfinite(high)) or low < 0 or high > top:
        raise ValueError(f"images must hold pixel values in [0, {top}] for dtype "
                         f"{images.dtype}, got {low}..{high}. Pass raw uint8 images or "
                         "images scaled to [0, 1].")
    edges = np.linspace(0.0, top, bins + 1)
    if integer:  # exact and fast for the 47 million pixels of MNIST
        per_value = np.bincount(images.ravel(), minlength=256)
        zero = int(per_value[0])
        ink_counts, _ = np.histogram(np.arange(1, 256), bins=edges, weights=per_value[1:])
    else:
        flat = images.ravel()
        zero = int(np.count_nonzero(flat == 0))
        ink_counts, _ = np.histogram(flat[flat > 0], bins=edges)
    all_counts = ink_counts.astype(float)
    all_counts[0] += zero
    centres, width = (edges[:-1] + edges[1:]) / 2, top / bins
    fig, (ax_all, ax_ink) = plt.subplots(1, 2, figsize=(8.4, 3.0))
    ax_all.bar(centres, all_counts, width=width, color=["0.3"] + ["C0"] * (bins - 1),
               edgecolor="white", linewidth=0.3)
    ax_all.set_yscale("log")
    ax_all.set_title(f"all pixels: {zero / images.size:.1%} are exactly 0")
    ax_all.set_ylabel("pixels (log scale)")
    ax_ink.bar(centres, ink_counts, width=width, color="C0", edgecolor="white", linewidth=0.3)
    ax_ink.set_title("ink pixels only (value > 0)")
    ax_ink.set_ylabel("pixels")
    ax_ink.yaxis.set_major_formatter(mpl.ticker.EngFormatter(sep=""))  # 500k, 1M, ...
    for ax in (ax_all, ax_ink):
        ax.set_xlabel("pixel value")
        ax.set_xlim(0, top)
    if title:
        fig.suptitle(title)
    alt = (f"Two histograms of the values of {images.size:,} pixels (0 to {top:g}). Left, on a "
           f"log scale: {zero / images.size:.1%} of all pixels are exactly 0, the background.")
    ink = ink_counts.sum()
    if ink:
        k = int(np.argmax(ink_counts))
        low, high = edges[k], edges[k + 1]
        if integer:  # the whole values in the bar [low, high), the last one [low, high]
            last = k == len(ink_counts) - 1
            low, high = max(np.ceil(low), 1), np.floor(high) if last else np.ceil(high) - 1
        digits = 0 if integer else 2
        alt += (f" Right, the ink pixels only (value above 0): the tallest bar, values "
                f"{low:.{digits}f} to {high:.{digits}f}, holds {ink_counts[k] / ink:.1%} of them.")
    return describe(fig, _titled(title, alt))


def hidden_weights(W: np.ndarray, n: int = 8, title: str | None = None) -> Figure:
    """Show the incoming weights of the first ``n`` hidden units as 28x28 images.

    ``W`` is a first-layer weight matrix of shape (784, units): column ``j`` holds the 784
    weights hidden unit ``j`` gives the pixels. Red is positive, blue negative, on one
    colour scale shared by all panels so that units can be compared.
    """
    W = np.asarray(W, dtype=float)
    if W.ndim != 2 or W.shape[0] != 784:
        raise ValueError(f"W must have shape (784, units), got {W.shape}; pass params['W1'].")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= W.shape[1]:
        raise ValueError(f"n must be an int from 1 to {W.shape[1]} (the number of units), "
                         f"got {n!r}.")
    limit = float(np.abs(W[:, :n]).max()) or 1.0
    fig, axes = plt.subplots(1, n, figsize=(0.95 * n, 1.3), squeeze=False)
    for j, ax in enumerate(axes.flat):
        ax.imshow(W[:, j].reshape(28, 28), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"unit {j}", fontsize=8)
        ax.axis("off")
    if title:
        fig.suptitle(title, fontsize=9)
    alt = (f"The 784 incoming weights of hidden units 0 to {n - 1} drawn as 28x28 images, red "
           f"positive and blue negative, on one scale from {-limit:.2g} to {limit:.2g}.")
    if n > 1:
        spread = float(np.abs(W[:, 1:n] - W[:, :1]).max())
        alt += (f" Units 0 to {n - 1} have exactly the same weights." if spread == 0 else
                f" Units 1 to {n - 1} differ from unit 0 by at most {_spoken(spread)}.")
    return describe(fig, _titled(title, alt))


def network_diagram(sizes: Sequence[int], names: Sequence[str] | None = None,
                    shown: int = 6) -> Figure:
    """Draw a dense network as columns of neurons joined by weights, each layer labelled.

    ``sizes`` lists the units per layer, input first, e.g. ``(784, 128, 10)``. A layer with
    more than ``shown`` units is drawn as its first and last few neurons with dots between,
    and every drawn pair of neighbouring neurons is joined by a line: one weight each.
    """
    if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence) or len(sizes) < 2:
        raise ValueError(f"sizes must list at least two layer sizes, e.g. (784, 128, 10), "
                         f"got {sizes!r}.")
    if not all(isinstance(n, int | np.integer) and not isinstance(n, bool) and n >= 1
               for n in sizes):
        raise ValueError(f"every layer size must be a whole number >= 1, got {list(sizes)}.")
    if names is not None and len(names) != len(sizes):
        raise ValueError(f"names has {len(names)} entries but sizes has {len(sizes)}: give "
                         "one name per layer, or none.")
    if isinstance(shown, bool) or not isinstance(shown, int) or shown < 2:
        raise ValueError(f"shown must be an int >= 2 (neurons drawn per layer), got {shown!r}.")
    if names is None:
        names = (["input"] + ["hidden"] * (len(sizes) - 2) + ["output"])
    fig, ax = plt.subplots(figsize=(2.3 * len(sizes) + 0.6, 3.6))
    ax.set_axis_off()
    columns = []
    for k, n in enumerate(sizes):
        if n <= shown:
            ys = list(np.linspace(-(n - 1) / 2, (n - 1) / 2, n)) if n > 1 else [0.0]
            gap = None
        else:
            half = shown // 2
            ys = [shown / 2 + 0.5 - i for i in range(half)]
            ys += [-shown / 2 - 0.5 + i for i in range(shown - half)][::-1]
            gap = 0.0
        columns.append((float(k), ys, gap))
    for (x0, ys0, _), (x1, ys1, _) in zip(columns[:-1], columns[1:], strict=True):
        for y0 in ys0:
            for y1 in ys1:
                ax.plot([x0, x1], [y0, y1], color="0.75", lw=0.5, zorder=1)
    for k, ((x, ys, gap), n) in enumerate(zip(columns, sizes, strict=True)):
        face = "white" if k == 0 else ("0.85" if k < len(sizes) - 1 else "0.55")
        ax.scatter([x] * len(ys), ys, s=160, facecolor=face, edgecolor="black", zorder=3)
        if gap is not None:
            ax.text(x, gap, "⋮", ha="center", va="center", fontsize=16, zorder=3)
        ax.text(x, -shown / 2 - 1.8, f"{names[k]}\n{n:,} {'values' if k == 0 else 'neurons'}",
                ha="center", va="top", fontsize=9)
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        ax.text(k + 0.5, shown / 2 + 1.6, f"W{k + 1}: {n_in:,} x {n_out:,}\nb{k + 1}: {n_out:,}",
                ha="center", va="bottom", fontsize=8, color="0.25")
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-shown / 2 - 3.6, shown / 2 + 3.0)
    layers = "; ".join(f"{name}, {n:,} {'values' if k == 0 else 'neurons'}"
                       for k, (name, n) in enumerate(zip(names, sizes, strict=True)))
    weights = ", ".join(f"W{k + 1} {a:,} x {b:,}" for k, (a, b) in
                        enumerate(zip(sizes[:-1], sizes[1:], strict=True)))
    params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    return describe(fig, f"Diagram of a dense network, one column of neurons per layer: "
                    f"{layers}. Lines join every neuron to every neuron of the next layer, "
                    f"one weight each: {weights}; with the biases, {params:,} parameters.")
