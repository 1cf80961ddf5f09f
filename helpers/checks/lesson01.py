"""Self-checks for lesson 01 (Dataset tour): each takes your answer and the data it is about.

The expected value is computed from the data you pass, so a check works on any slice of
MNIST. A check never raises on an answer: it returns a :class:`Feedback` that says what is
right, what is off (with a hint), or what shape or type the answer should have.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.checks._core import (
    Feedback,
    check_array,
    check_integer,
    malformed,
    right,
    unanswered,
    wrong,
)
from helpers.validate import a_type_name

__all__ = ["count_digit", "ink_per_digit", "most_atypical", "most_ink"]


def _images(x: Any, name: str = "x") -> np.ndarray:
    """Return the data argument ``x`` as a non-empty (N, ...) numeric array, or raise."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array of images, got {type(x).__name__}; "
                        "pass e.g. x_train as loaded.")
    if x.ndim < 2 or len(x) == 0 or not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"{name} must be a non-empty numeric array of images, shape (N, 28, 28) "
                         f"or (N, 784), got shape {x.shape} and dtype {x.dtype}.")
    return x


def _labels(y: Any, n: int | None = None, name: str = "y") -> np.ndarray:
    """Return the data argument ``y`` as a 1-D array of digit labels, or raise."""
    if not isinstance(y, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array of labels, got {type(y).__name__}; "
                        "pass e.g. y_train as loaded.")
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{name} must be a 1-D integer array of labels 0-9, got shape "
                         f"{y.shape} and dtype {y.dtype}.")
    if n is not None and len(y) != n:
        raise ValueError(f"{name} has {len(y)} labels but the images are {n}; pass matching "
                         "arrays (x_train with y_train).")
    return y


def _digit(digit: Any) -> int:
    """Return ``digit`` as an int 0-9, or raise."""
    if isinstance(digit, bool) or not isinstance(digit, int | np.integer) or not 0 <= digit <= 9:
        raise ValueError(f"digit must be an int 0-9, got {digit!r}.")
    return int(digit)


def _ink(x: np.ndarray) -> np.ndarray:
    """Return each image's ink: the sum of its pixel values (exact for integer pixels)."""
    flat = x.reshape(len(x), -1)
    if np.issubdtype(x.dtype, np.integer):
        return flat.sum(axis=1, dtype=np.int64)
    return flat.sum(axis=1, dtype=np.float64)


def _fmt(value: float) -> str:
    """Format an amount of ink: exact for whole numbers, 5 significant digits otherwise."""
    return f"{int(value)}" if float(value).is_integer() else f"{float(value):.5g}"


def _as_index(answer: Any, what: str) -> int | Feedback:
    """Return a whole-number answer as an int, or a malformed Feedback."""
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if isinstance(answer, float | np.floating) and float(answer).is_integer():
        answer = int(answer)
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        return malformed(f"{what} should be a whole number (an int index), but you gave a "
                         f"{type(answer).__name__}: {answer!r:.60}.")
    return int(answer)


def count_digit(answer: Any, y: np.ndarray, digit: int) -> Feedback:
    """Check the number of images labelled ``digit`` in the labels ``y``."""
    y, digit = _labels(y), _digit(digit)
    expected = int(np.count_nonzero(y == digit))
    what = f"the number of {digit}s"
    hint = f"compare the labels with {digit} and count the True values: (y == {digit}).sum()."
    if isinstance(answer, int | np.integer) and not isinstance(answer, bool):
        if int(answer) == len(y) - expected:
            return wrong(f"{int(answer)} is the number of images that are NOT a {digit}.", hint)
        if int(answer) == len(y):
            return wrong(f"{int(answer)} is the number of all images.", hint)
    return check_integer(answer, expected, what=what, hint=hint)


def most_ink(answer: Any, x: np.ndarray) -> Feedback:
    """Check the index of the image in ``x`` with the most ink (largest sum of pixel values)."""
    x = _images(x)
    if (todo := unanswered(answer, "the index of the image with the most ink")) is not None:
        return todo
    index = _as_index(answer, "The index")
    if isinstance(index, Feedback):
        return index
    ink = _ink(x)
    best = ink.max()
    hint = ("sum each image's pixels with x.sum(axis=(1, 2)) (one number per image), "
            "then take np.argmax of those sums.")
    if index < 0:
        return malformed(f"The index should be between 0 and {len(x) - 1}; {index} is negative "
                         "(use the positive position that np.argmax returns).")
    if index >= len(x):
        if index < x.size:
            return wrong(f"{index} is larger than the number of images ({len(x)}): it looks "
                         "like a position among all the pixels, as np.argmax(x) gives.", hint)
        return malformed(f"The index should be between 0 and {len(x) - 1}, got {index}.")
    if ink[index] == best:
        return right(f"Correct: image {index} has the most ink, its pixels sum to {_fmt(best)}.")
    if ink[index] == ink.min():
        return wrong(f"image {index} has the LEAST ink ({_fmt(ink[index])}); you want the most.",
                     "np.argmax, not np.argmin.")
    return wrong(f"image {index} has ink {_fmt(ink[index])}, but another image has "
                 f"{_fmt(best)}.", hint)


def ink_per_digit(answer: Any, x: np.ndarray, y: np.ndarray) -> Feedback:
    """Check the mean ink per digit 0-9, with pixels scaled to [0, 1], as 10 numbers."""
    x = _images(x)
    y = _labels(y, len(x))
    if not np.all(np.isin(np.arange(10), y)):
        raise ValueError("y must contain every digit 0-9 at least once; pass the full labels.")
    totals = np.bincount(y, weights=_ink(x).astype(np.float64), minlength=10)[:10]
    if np.issubdtype(x.dtype, np.integer):
        totals = totals / 255.0  # ink in units of one fully black pixel
    expected = totals / np.bincount(y, minlength=10)[:10]
    what = "the mean ink of each digit"
    if (todo := unanswered(answer, what)) is not None:
        return todo
    feedback = check_array(answer, expected, what=what, rtol=1e-4, atol=1e-6,
                           hint="for each digit d, take the images x[y == d], scale them to "
                                "[0, 1], sum each image, and average those sums.")
    if feedback.kind != "wrong":
        return feedback
    got = np.asarray(answer.numpy() if hasattr(answer, "numpy") else answer, dtype=float)
    if np.allclose(got, expected * 255, rtol=1e-4):
        return wrong("your values are 255 times too large.",
                     "scale the pixels to [0, 1] first (data.scale, or divide by 255).")
    if np.allclose(got, totals, rtol=1e-4) or np.allclose(got, totals * 255, rtol=1e-4):
        return wrong("these look like the TOTAL ink of each digit, not the mean per image.",
                     "divide by the number of images of each digit (or use .mean()).")
    pixels = expected / (x[0].size)
    if np.allclose(got, pixels, rtol=1e-4) or np.allclose(got, pixels * 255, rtol=1e-4):
        return wrong(f"these are mean pixel values: the ink divided by the {x[0].size} pixels "
                     "of an image.", "sum each image's pixels first, x.sum(axis=(1, 2)), then "
                     "average those sums over the images of each digit.")
    return feedback


def _as_indices(answer: Any, k: int, n: int) -> np.ndarray | Feedback:
    """Return ``answer`` as k distinct int indices in [0, n), or a malformed Feedback."""
    if isinstance(answer, str | bytes | dict | set) or not hasattr(answer, "__len__"):
        return malformed(f"Your answer should be a list or array of {k} indices, but you gave "
                         f"{a_type_name(answer)}.")
    try:
        got = np.asarray(answer)
    except (TypeError, ValueError):
        return malformed(f"Your answer should be a list or array of {k} whole numbers.")
    if got.ndim != 1 or len(got) != k:
        return malformed(f"Your answer should hold {k} indices in a flat list or 1-D array, "
                         f"but it has shape {got.shape}.")
    if not (np.issubdtype(got.dtype, np.integer) or np.issubdtype(got.dtype, np.floating)):
        return malformed(f"Your answer should hold {k} whole-number indices, not "
                         f"{got.dtype} values.")
    if not np.all(np.isfinite(got)) or not np.all(got == np.round(got)):
        return malformed("The indices should be whole numbers (ints).")
    got = got.astype(np.int64)
    if got.min() < 0 or got.max() >= n:
        return malformed(f"The indices should be between 0 and {n - 1}, got values from "
                         f"{got.min()} to {got.max()}.")
    if len(np.unique(got)) != k:
        return malformed(f"Your answer repeats some indices; give {k} different images.")
    return got


def most_atypical(answer: Any, x: np.ndarray, y: np.ndarray, digit: int, k: int) -> Feedback:
    """Check the indices (into ``x``) of the k images of ``digit`` farthest from its mean image.

    Distance is Euclidean over all pixels: ``||x_i - mean||``. The order of the indices does
    not matter. Near-ties are accepted: any image at least as far as the k-th farthest counts.
    """
    x = _images(x)
    y, digit = _labels(y, len(x)), _digit(digit)
    members = np.flatnonzero(y == digit)
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 < k < len(members):
        raise ValueError(f"k must be an int between 1 and {len(members) - 1} (the number of "
                         f"{digit}s minus one), got {k!r}.")
    what = f"the indices of the {k} most atypical {digit}s"
    if (todo := unanswered(answer, what)) is not None:
        return todo
    got = _as_indices(answer, int(k), len(x))
    if isinstance(got, Feedback):
        return got
    pixels = x[members].reshape(len(members), -1).astype(np.float64)
    dist = np.linalg.norm(pixels - pixels.mean(axis=0), axis=1)
    order = np.argsort(-dist, kind="stable")
    near = members[order[::-1][:k]]
    kth = dist[order[k - 1]]
    hint = (f"take the mean image of the {digit}s, the distance of every {digit} to it "
            "(np.linalg.norm(..., axis=1) on float pixels), and the k largest with np.argsort; "
            f"then map those positions back to indices into x with np.flatnonzero(y == {digit}).")
    position = {int(m): i for i, m in enumerate(members)}
    is_member = y[got] == digit
    got_dist = np.array([dist[position[int(g)]] if ok else -1.0
                         for g, ok in zip(got, is_member, strict=True)])
    far_enough = got_dist >= kth * (1 - 1e-6)  # near-ties with the k-th count as right
    if np.all(far_enough):
        return right(f"Correct: these are the {k} images of a {digit} farthest from the mean "
                     f"{digit} (distances {kth:.4g} to {dist[order[0]]:.4g}).")
    if set(got.tolist()) == set(order[:k].tolist()):
        return wrong(f"these are positions among the {digit}s only, not indices into x.",
                     f"map them back: np.flatnonzero(y == {digit})[positions].")
    if not np.all(is_member):
        other = int(got[~is_member][0])
        return wrong(f"image {other} is a {y[other]}, not a {digit}.", hint)
    if set(got.tolist()) == set(near.tolist()):
        return wrong(f"these are the {k} most TYPICAL {digit}s (nearest to the mean).",
                     "sort by distance in decreasing order: the farthest come first.")
    return wrong(f"{int(far_enough.sum())} of your {k} images are among the {k} farthest from "
                 f"the mean {digit}.", hint)
