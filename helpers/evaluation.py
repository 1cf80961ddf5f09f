"""Where a trained classifier fails: confused digit pairs and a gallery of its mistakes."""

from __future__ import annotations

from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from helpers.plots import IMAGE_CMAP, _listing, describe, digit_color, probability_bars
from helpers.text import table_lines


class Confusion(NamedTuple):
    """A confusion-matrix cell: ``count`` images of digit ``true`` predicted as ``pred``."""

    true: int
    pred: int
    count: int


def _check_counts(counts: np.ndarray) -> np.ndarray:
    """Return ``counts`` as a square integer matrix or raise a clear error."""
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.shape[0] < 2:
        raise ValueError(f"counts must be a square confusion matrix (e.g. 10 x 10), got shape "
                         f"{counts.shape}; build it with helpers.plots.confusion_matrix.")
    if not np.issubdtype(counts.dtype, np.integer) or counts.min() < 0:
        raise ValueError("counts must hold non-negative whole numbers (image counts); "
                         "build it with helpers.plots.confusion_matrix.")
    return counts


def most_confused(counts: np.ndarray, k: int = 5) -> list[Confusion]:
    """Return the ``k`` largest off-diagonal cells of a confusion matrix, largest first.

    Each is ``(true, pred, count)``: ``count`` images of digit ``true`` were predicted as
    ``pred``. Ties are ordered by ``true`` then ``pred``; cells with no errors are left out.
    """
    counts = _check_counts(counts)
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a positive int (how many pairs to return), got {k!r}.")
    n = len(counts)
    cells = [Confusion(i, j, int(counts[i, j]))
             for i in range(n) for j in range(n) if i != j and counts[i, j] > 0]
    cells.sort(key=lambda c: (-c.count, c.true, c.pred))
    return cells[:k]


def confused_pairs_table(counts: np.ndarray, k: int = 5) -> str:
    """Return the ``k`` most frequent mistakes as a small text table (true, predicted, count)."""
    rows = most_confused(counts, k)
    total = int(counts.sum() - np.trace(counts))
    cells = [["true", "predicted", "images", "share of errors"]]
    cells += [[str(c.true), str(c.pred), str(c.count), f"{c.count / total if total else 0.0:.1%}"]
              for c in rows]
    lines = table_lines(cells, ">>>>")
    if not rows:
        lines.append("(no mistakes)")
    return "\n".join(lines)


def _check_probs(y_true: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return labels and probabilities as arrays of matching length or raise."""
    y_true, probs = np.asarray(y_true), np.asarray(probs)
    if probs.ndim != 2 or probs.shape[1] < 2:
        raise ValueError(f"probs must have shape (N, classes), one row of predicted "
                         f"probabilities per image, got {probs.shape}; use model.predict(x).")
    if y_true.ndim != 1 or len(y_true) != len(probs):
        raise ValueError(f"y_true must be 1-D with one label per row of probs: got shapes "
                         f"{y_true.shape} and {probs.shape}.")
    if not np.issubdtype(y_true.dtype, np.integer):
        raise ValueError(f"y_true must hold integer labels, got dtype {y_true.dtype}.")
    return y_true, probs


def misclassified(y_true: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Return the indices of the wrongly predicted images, most confident mistakes first.

    The confidence of a mistake is the probability the model gave its (wrong) top class;
    ties keep the images' original order.
    """
    y_true, probs = _check_probs(y_true, probs)
    pred = probs.argmax(axis=1)
    wrong = np.flatnonzero(pred != y_true)
    confidence = probs[wrong, pred[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")]


def plot_mistakes(images: np.ndarray, y_true: np.ndarray, probs: np.ndarray,
                  indices: np.ndarray, ncols: int = 4) -> Figure:
    """Show each chosen image beside a bar chart of its 10 predicted probabilities.

    The title gives the true and the predicted digit; the true digit's bar is outlined in
    black and its tick label is bold, in the digit's colour.
    """
    y_true, probs = _check_probs(y_true, probs)
    images = np.asarray(images)
    if images.ndim == 2 and images.shape[1] == 784:
        images = images.reshape(-1, 28, 28)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) != len(y_true):
        raise ValueError(f"images must have shape (N, 28, 28) or (N, 784) with one image per "
                         f"label, got {images.shape} for {len(y_true)} labels.")
    indices = np.asarray(indices)
    if indices.ndim != 1 or len(indices) == 0 or not np.issubdtype(indices.dtype, np.integer):
        raise ValueError("indices must be a non-empty 1-D array of image indices, "
                         "e.g. misclassified(y_true, probs)[:8].")
    if indices.min() < 0 or indices.max() >= len(images):
        raise ValueError(f"indices must be in 0..{len(images) - 1}, got "
                         f"{indices.min()}..{indices.max()}.")
    if ncols < 1:
        raise ValueError(f"ncols must be >= 1, got {ncols}.")
    ncols = min(ncols, len(indices))
    nrows = -(-len(indices) // ncols)
    fig, axes = plt.subplots(nrows, 2 * ncols, figsize=(2.6 * ncols, 1.55 * nrows),
                             squeeze=False, gridspec_kw={"width_ratios": [1, 1.5] * ncols})
    for k in range(nrows * ncols):
        ax_img, ax_bar = axes[k // ncols, 2 * (k % ncols)], axes[k // ncols, 2 * (k % ncols) + 1]
        if k >= len(indices):
            ax_img.axis("off")
            ax_bar.axis("off")
            continue
        i = int(indices[k])
        true, pred = int(y_true[i]), int(probs[i].argmax())
        ax_img.imshow(images[i], cmap=IMAGE_CMAP, vmin=0, vmax=images[i].max() or 1)
        ax_img.set_axis_off()
        ax_img.set_title(f"#{i}", fontsize=7, color="gray")
        probability_bars(probs[i] / probs[i].sum(), true_label=true, ax=ax_bar)
        ax_bar.set_title(f"true {true}, predicted {pred}", fontsize=8)
        ax_bar.set_xlabel("")
        ax_bar.set_ylabel("")
        ax_bar.set_yticks([0, 0.5, 1])
        ax_bar.tick_params(labelsize=6)
        label = ax_bar.get_xticklabels()[true]  # the true digit's tick, bold in its colour
        label.set_fontweight("bold")
        label.set_color(digit_color(true))
        label.set_fontsize(8)
    return describe(fig, _mistakes_alt(y_true, probs, indices))


def _mistakes_alt(y_true: np.ndarray, probs: np.ndarray, indices: np.ndarray) -> str:
    """Describe the gallery: each image's true and predicted digit, and the runners-up."""
    shown = [(int(i), int(y_true[i]), int(probs[i].argmax()), probs[i] / probs[i].sum())
             for i in indices]
    second = sum(int(np.argsort(-p, kind="stable")[1]) == t for _, t, pred, p in shown
                 if pred != t)
    wrong = sum(pred != t for _, t, pred, _ in shown)
    alt = (f"{len(shown)} test images, each beside a bar chart of its predicted probabilities "
           "for the digits 0-9, the true digit's bar outlined: " + _listing(
               [f"#{i}, {'an' if t == 8 else 'a'} {t} read as {pred} ({p[pred]:.1%})"
                for i, t, pred, p in shown],
               5, "; ") + ".")
    if wrong:
        alt += f" In {second} of the {wrong} mistakes the true digit is the runner-up."
    return alt
