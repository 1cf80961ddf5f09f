"""Input checks shared by every helper: each error names the argument, the problem and the fix.

Predicates (``is_int``, ``is_number``) answer yes or no; checkers return the value in its
normal form or raise ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind,
wrong value). Importing this module is cheap: NumPy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def a_type_name(x: Any) -> str:
    """Return the type of ``x`` with its article, as said aloud: "an int", "a list", "a uint8"."""
    name = type(x).__name__
    lower = name.lower()  # "an ndarray" (en-dee), "a uint8" (you-int), "an UnboundLocalError"
    vowel_sound = lower.startswith(("a", "e", "i", "o", "nd")) or (
        lower.startswith("un") and not lower.startswith("uni"))
    return f"{'an' if vowel_sound else 'a'} {name}"

def is_int(x: Any) -> bool:
    """Return True for a Python or NumPy integer (not a bool)."""
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def is_number(x: Any) -> bool:
    """Return True for a real Python or NumPy number (not a bool, not complex)."""
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)


def item(x: Any) -> Any:
    """Return the value of a one-element NumPy array such as ``array([3])``, else ``x``."""
    if isinstance(x, np.ndarray) and x.size == 1:
        return x.item()
    return x


def real_number(x: Any) -> float | None:
    """Return ``x`` (or a one-element array) as a float if it is a real number, else None."""
    x = item(x)
    return float(x) if is_number(x) else None


def whole_number(value: Any, name: str, *, minimum: int = 1, fix: str = "") -> int:
    """Return ``value`` as an int of at least ``minimum``, else raise naming ``name``.

    ``fix`` ends the ValueError's message, e.g. "give a positive budget".
    """
    if not is_int(value):
        raise TypeError(f"{name} must be a whole number (int), got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}"
                         f"{'; ' + fix if fix else ''}.")
    return int(value)


def seed(value: Any) -> int:
    """Return a random seed (an int >= 0), else raise ValueError with an example."""
    if not is_int(value) or value < 0:
        raise ValueError(f"seed must be a non-negative int, got {value!r}; use e.g. seed=42.")
    return int(value)


def finite_scalar(x: Any, name: str) -> float:
    """Return ``x`` (or a one-element array) as a finite float, else raise naming ``name``."""
    x = item(x)
    if not is_number(x):
        raise TypeError(f"{name} must be a single real number, got {type(x).__name__}: "
                        f"{x!r:.40}.")
    if not np.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {x}.")
    return float(x)


def layer_sizes(sizes: Any, name: str = "sizes") -> tuple[int, ...]:
    """Return layer widths such as (784, 128, 10) as a tuple of ints, else raise naming ``name``.

    At least an input and an output width, every one a positive int.
    """
    if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence | np.ndarray):
        raise TypeError(f"{name} must be a list of layer widths such as [784, 128, 10], "
                        f"got {type(sizes).__name__}.")
    if len(sizes) < 2:
        raise ValueError(f"{name} needs at least an input and an output width, e.g. "
                         f"[784, 10]; got {list(sizes)}.")
    for width in sizes:
        if not is_int(width) or width < 1:
            raise ValueError(f"every width in {name} must be a positive int, got {width!r} in "
                             f"{list(sizes)}.")
    return tuple(int(s) for s in sizes)


def positive_number(value: Any, name: str, *, example: str, allow_inf: bool = False) -> float:
    """Return ``value`` as a float > 0 (finite unless ``allow_inf``), else raise naming ``name``."""
    if not is_number(value):
        raise TypeError(f"{name} must be a positive number such as {example}, got {value!r}.")
    if np.isnan(value) or value <= 0 or (np.isinf(value) and not allow_inf):
        raise ValueError(f"{name} must be a positive number such as {example}, got {value!r}.")
    return float(value)


def rate(value: Any, name: str, *, example: str) -> float:
    """Return ``value`` as a float in [0, 1) (a rate, a momentum, a slope), else raise naming it."""
    if not is_number(value):
        raise TypeError(f"{name} must be a number in [0, 1) such as {example}, got "
                        f"{type(value).__name__}: {value!r:.40}.")
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1) such as {example}, got {value!r}.")
    return float(value)


def real_array(x: Any, name: str, *, dtype: Any = None, used_by: str = "the helpers",
               finite: bool = True) -> np.ndarray:
    """Return ``x`` (number, list, array or tensor) as a finite float array, else raise naming it.

    Integers become float64; floats keep their precision unless ``dtype`` is given.
    ``used_by`` names what needs finite numbers in the NaN/inf message, e.g. "activations";
    ``finite=False`` lets NaN and inf through, for a caller that words that error itself.
    """
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):
        x = x.numpy()  # a TensorFlow tensor
    if x is None or isinstance(x, str | bytes | dict | set):
        raise TypeError(f"{name} must be a number or an array of numbers, got "
                        f"{type(x).__name__}; pass e.g. np.array([-1.0, 0.0, 2.0]).")
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested lists
        raise TypeError(f"{name} must be a rectangular array of numbers; NumPy could not read "
                        f"it ({exc}).") from exc
    if arr.dtype.kind not in "iuf":
        what = {"b": "booleans", "c": "complex numbers"}.get(arr.dtype.kind,
                                                             f"values of dtype {arr.dtype}")
        raise TypeError(f"{name} must hold real numbers, got {what}; pass e.g. "
                        "np.array([-1.0, 0.0, 2.0]).")
    if dtype is not None:
        arr = arr.astype(dtype)
    elif arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    bad = ~np.isfinite(arr)
    if finite and bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(arr[bad]).any() else "infinite"
        raise ValueError(f"{name} contains {int(bad.sum())} {kind} value(s) (the first at index "
                         f"{first if arr.ndim else ()}); {used_by} need finite numbers. "
                         "Find where the NaN or inf came from (e.g. a division by zero).")
    return arr


def feature_rows(x: Any, name: str, width: int, dtype: Any) -> np.ndarray:
    """Return ``x`` as a non-empty, finite (N, width) array of ``dtype``, else raise ValueError."""
    if not isinstance(x, np.ndarray | list | tuple):
        raise ValueError(f"{name} must be a NumPy array of shape (N, {width}), "
                         f"got {a_type_name(x)}.")
    try:
        x = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must hold numbers; it could not be converted "
                         f"({exc}).") from exc
    if x.ndim != 2 or x.shape[1] != width:
        raise ValueError(f"{name} must have shape (N, {width}), got {x.shape}. "
                         "Flatten images to rows first (helpers.data.flatten).")
    if len(x) == 0:
        raise ValueError(f"{name} is empty; pass at least one row.")
    if not np.isfinite(x).all():
        raise ValueError(f"{name} contains NaN or infinite values; clean the data first.")
    return x


def class_labels(y: Any, n: int, classes: int, name: str = "y", rows_of: str = "x") -> np.ndarray:
    """Return ``y`` as ``n`` class ids 0..classes-1 (one per row of ``rows_of``), else raise."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class ids 0-{classes - 1}, "
                         f"got shape {y.shape}. Pass labels, not one-hot rows.")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{name} must hold integer class ids, got dtype {y.dtype}; "
                         "use y.astype(int) if they are whole numbers.")
    if len(y) != n:
        raise ValueError(f"{rows_of} has {n} rows but {name} has {len(y)} labels; "
                         "they must have the same length.")
    if y.min() < 0 or y.max() >= classes:
        raise ValueError(f"{name} must hold class ids 0-{classes - 1}, got values "
                         f"from {y.min()} to {y.max()}.")
    return y.astype(np.intp)
