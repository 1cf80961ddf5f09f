"""Checks for lesson 03 (activation functions): ELU, its derivative, a stable softmax."""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.activations import softmax
from helpers.checks._core import (
    Feedback,
    check_function,
    check_number,
    not_a_function,
    right,
    uses,
    wrong,
)
from helpers.checks._core import unanswered_function as _todo

_X = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 2.0])
_X2 = np.array([[-2.0, 0.0, 1.5, 7.0], [4.0, -0.25, -6.0, 0.75]])


def _elu(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))


def _elu_derivative(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0)))


def _quietly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a learner's function so that NumPy's overflow warnings do not reach stderr."""

    def quiet(*args: Any) -> Any:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args)

    return quiet


def elu(fn: Any) -> Feedback:
    """Check ELU with alpha = 1: ``x`` for ``x > 0``, else ``exp(x) - 1``."""
    if (todo := _todo(fn, "your code for the body of elu")) is not None:
        return todo
    if callable(fn):
        fn = _quietly(fn)
    return check_function(fn, [((x.copy(),), _elu(x)) for x in (_X, _X2)], what="elu",
                          hint="ELU is x where x > 0 and exp(x) - 1 elsewhere; "
                               "np.where(condition, a, b) picks elementwise and keeps "
                               "the shape.")


def elu_derivative(fn: Any) -> Feedback:
    """Check ELU's derivative with alpha = 1: 1 for ``x > 0``, else ``exp(x)``."""
    if (todo := _todo(fn, "your code for the body of elu_derivative")) is not None:
        return todo
    if callable(fn):
        fn = _quietly(fn)
    return check_function(fn, [((x.copy(),), _elu_derivative(x)) for x in (_X, _X2)],
                          what="elu_derivative",
                          hint="differentiate each piece: x gives 1, and exp(x) - 1 gives "
                               "exp(x).")


# Softmaxes the exercise asks learners not to call, looked up only in modules already imported.
_LIBRARY_SOFTMAX_PATHS = ("keras.activations.softmax", "keras.ops.softmax",
                          "tensorflow.nn.softmax", "scipy.special.softmax")


def _library_softmaxes() -> list[tuple[Any, str]]:
    """Return this series' softmax and those of the libraries already imported, with names."""
    found: list[tuple[Any, str]] = [(softmax, "act.softmax")]
    for path in _LIBRARY_SOFTMAX_PATHS:
        obj: Any = sys.modules.get(path.split(".")[0])
        for attr in path.split(".")[1:]:
            obj = getattr(obj, attr, None)
        if obj is not None:
            found.append((obj, path))
    return found


def stable_softmax(fn: Any) -> Feedback:
    """Check a softmax over the last axis that stays finite for logits like 1000."""
    if (todo := _todo(fn, "your code for the body of stable_softmax")) is not None:
        return todo
    if (problem := not_a_function(fn, "stable_softmax")) is not None:
        return problem
    library = _library_softmaxes()
    if (used := uses(fn, [f for f, _ in library])) is not None:
        name = next(name for f, name in library if f is used)
        return wrong(f"stable_softmax uses {name}; the exercise is to write it yourself.",
                     "with NumPy only: subtract z.max(axis=-1, keepdims=True), take np.exp, "
                     "divide by the sum along axis=-1 (keepdims=True).")
    fn = _quietly(fn)
    small = np.array([1.0, 2.0, 3.0])
    large = np.array([1000.0, 1001.0, 1002.0])
    batch = np.array([[1.0, 2.0, 3.0, 4.0], [-1000.0, 0.0, 1000.0, 999.0]])
    first = check_function(fn, [((small.copy(),), softmax(small))], what="stable_softmax",
                           hint="exponentiate, then divide by the sum of the exponentials.")
    if not first:
        return first
    try:
        finite = bool(np.all(np.isfinite(np.asarray(fn(large.copy()), dtype=float))))
    except Exception:  # raised, or not numbers: check_function below reports it kindly
        finite = True
    if not finite:
        return wrong("stable_softmax([1000, 1001, 1002]) contains nan or inf: exp(1000) "
                     "overflows.", "subtract each row's largest logit, "
                     "z - z.max(axis=-1, keepdims=True), before np.exp; the result does not "
                     "change, and every exponent becomes <= 0.")
    feedback = check_function(fn, [((large.copy(),), softmax(large)),
                                   ((batch.copy(),), softmax(batch))], what="stable_softmax",
                              hint="subtract each row's largest logit, exponentiate, then "
                                   "divide by the sum of the exponentials.")
    if feedback.kind != "wrong":
        return feedback
    try:
        got = np.asarray(fn(batch.copy()), dtype=float)
    except Exception:  # the learner's function misbehaved on a second call: keep the first verdict
        return feedback
    with np.errstate(all="ignore"):
        e = np.exp(batch - batch.max())
        global_max = e / e.sum(axis=-1, keepdims=True)
    if got.shape == batch.shape and np.allclose(got, global_max, equal_nan=True):
        return wrong("you subtract the largest logit of the whole batch, z.max(); the row "
                     "[1, 2, 3, 4] lies about 1000 below it, so its exponentials all underflow "
                     "to 0 and it becomes 0 / 0 = nan.",
                     "subtract each row's own maximum: z.max(axis=-1, keepdims=True).")
    sums = got.sum(axis=-1)
    if np.allclose(sums, 1.0):
        return feedback
    return wrong(f"on a batch of shape {batch.shape} (one row of logits per image) each row "
                 f"should sum to 1, but yours sum to {np.round(sums, 4).tolist()}.",
                 "work along the last axis: z.max(axis=-1, keepdims=True) and "
                 "e.sum(axis=-1, keepdims=True).")


def _significant(x: float, digits: int, how: Callable[[float], float] = round) -> float:
    """Return ``x`` rounded (or cut, with ``how=math.trunc``) to ``digits`` significant digits."""
    scale = 10.0 ** (math.floor(math.log10(abs(x))) - digits + 1)
    return how(x / scale) * scale


def sigmoid_chain(answer: Any) -> Feedback:
    """Check the largest possible product of ten sigmoid derivatives: 0.25 ** 10.

    Rounded answers count: 1e-6 ("about one millionth"), 9.5e-7 (the solution's own
    rounding), 9.54e-7; cut-off digits (9e-7) do not, nor 0.25 ** 9 or 0.5 ** 10.
    """
    expected = 0.25 ** 10
    what = "the largest product of ten sigmoid derivatives"
    hint = "the sigmoid's derivative is largest at x = 0, where it is 0.25; multiply ten of them."
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if isinstance(answer, int | float | np.number) and not isinstance(answer, bool):
        if np.isclose(answer, 0.25):
            return wrong("0.25 is the bound for one layer; the question asks for ten.",
                         "the chain rule multiplies one factor per layer.")
        if np.isclose(answer, 2.5):
            return wrong("2.5 is ten factors added; the chain rule multiplies them.")
        if np.isclose(answer, 0.25 ** 9, rtol=1e-3, atol=0.0):
            return wrong(f"{float(answer):.4g} is 0.25 ** 9: nine factors; ten layers give ten.")
        if np.isclose(answer, 0.5 ** 10, rtol=1e-3, atol=0.0):
            return wrong(f"{float(answer):.4g} is 0.5 ** 10: 0.5 is the sigmoid's value at 0, "
                         "not its derivative.", hint)
        rounded = [_significant(expected, d) for d in (1, 2, 3)]
        if (np.isfinite(answer) and not np.isclose(answer, expected, rtol=1e-3, atol=0.0)
                and any(np.isclose(answer, r, rtol=1e-6, atol=0.0) for r in rounded)):
            return right(f"Correct, rounded: exactly it is 0.25 ** 10 = {expected:.4g}, "
                         "about one millionth.")
        for digits in (1, 2):
            cut = _significant(expected, digits, math.trunc)
            if np.isclose(answer, cut, rtol=1e-6, atol=0.0) and cut not in rounded:
                return wrong(f"{float(answer):.2g} cuts 0.25 ** 10 = {expected:.4g} off after "
                             f"{digits} digit{'s' if digits > 1 else ''} instead of rounding "
                             f"it: rounded, that is {_significant(expected, digits):.2g}.")
    return check_number(answer, expected, what=what, rtol=1e-3, atol=0.0, hint=hint)
