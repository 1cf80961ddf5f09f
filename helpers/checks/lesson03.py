"""Checks for lesson 03 (activation functions): ELU, its derivative, a stable softmax."""

from __future__ import annotations

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


def stable_softmax(fn: Any) -> Feedback:
    """Check a softmax over the last axis that stays finite for logits like 1000."""
    if (todo := _todo(fn, "your code for the body of stable_softmax")) is not None:
        return todo
    if (problem := not_a_function(fn, "stable_softmax")) is not None:
        return problem
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
                     "overflows.", "subtract the largest logit, z - z.max(), before np.exp; "
                     "the result does not change, and every exponent becomes <= 0.")
    feedback = check_function(fn, [((large.copy(),), softmax(large)),
                                   ((batch.copy(),), softmax(batch))], what="stable_softmax",
                              hint="subtract the largest logit, exponentiate, then divide by "
                                   "the sum of the exponentials.")
    if feedback.kind != "wrong":
        return feedback
    try:
        sums = np.asarray(fn(batch.copy()), dtype=float).sum(axis=-1)
    except Exception:  # the learner's function misbehaved on a second call: keep the first verdict
        return feedback
    if np.allclose(sums, 1.0):
        return feedback
    return wrong(f"on a batch of shape {batch.shape} (one row of logits per image) each row "
                 f"should sum to 1, but yours sum to {np.round(sums, 4).tolist()}.",
                 "work along the last axis: z.max(axis=-1, keepdims=True) and "
                 "e.sum(axis=-1, keepdims=True).")


def sigmoid_chain(answer: Any) -> Feedback:
    """Check the largest possible product of ten sigmoid derivatives: 0.25 ** 10.

    Rounded answers count: 9.5e-7 (the solution's own rounding) and 1e-6 ("about one
    millionth", 5% above the exact value) are right; 0.25 ** 9 or 0.5 ** 10 are not.
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
        if (np.isfinite(answer) and not np.isclose(answer, expected, rtol=1e-3, atol=0.0)
                and np.isclose(answer, expected, rtol=0.06, atol=0.0)):
            return right(f"Correct, rounded: exactly it is 0.25 ** 10 = {expected:.4g}, "
                         "about one millionth.")
    return check_number(answer, expected, what=what, rtol=1e-3, atol=0.0, hint=hint)
