"""Checks for the exercises of lesson 02 (neuron math)."""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers import validate
from helpers.checks._core import (
    Feedback,
    check_function,
    check_integer,
    check_number,
    is_stub,
    malformed,
    right,
    unanswered,
    wrong,
)
from helpers.neuron import count_params
from helpers.validate import a_type_name

# Exercise 1: one neuron with a sigmoid.
X1 = np.array([1.0, 0.5, -2.0])
W1 = np.array([0.2, -0.4, 0.1])
B1 = 0.3

# Exercise 2: a dense layer of 64 units applied to a batch of 32 flattened images.
BATCH, N_IN, UNITS = 32, 784, 64

# Exercise 3: the network 784 -> 256 -> 64 -> 10.
SIZES = (784, 256, 64, 10)


def _is_number(x: Any) -> bool:
    """Return True for a finite real number (not a bool)."""
    return validate.is_number(x) and bool(np.isfinite(x))


def _z1() -> float:
    return float(X1 @ W1 + B1)


def neuron_output(answer: Any) -> Feedback:
    """Exercise 1: the output ``sigmoid(w . x + b)`` of the neuron given in the task."""
    z = _z1()
    expected = 1.0 / (1.0 + np.exp(-z))
    if _is_number(answer) and np.isclose(float(answer), z, rtol=1e-3, atol=1e-6):
        return wrong(f"{float(answer):.6g} is z = w . x + b, the input of the activation.",
                     "the output is sigmoid(z) = 1 / (1 + exp(-z)).")
    sigmoid = lambda t: 1.0 / (1.0 + np.exp(-t))  # noqa: E731
    mistakes = [(sigmoid(z - B1), f"is sigmoid(w . x) without the bias b = {B1:g}."),
                (sigmoid(-z), "is sigmoid(-z) = 1 / (1 + exp(z)): the sign in the exponent "
                              "is flipped.")]
    for value, message in mistakes:
        if _is_number(answer) and np.isclose(float(answer), value, rtol=1e-3, atol=1e-6):
            return wrong(f"{float(answer):.6g} {message}",
                         "y = 1 / (1 + exp(-z)) with z = w . x + b.")
    if _is_number(answer) and float(answer) == round(expected, 2):  # the task sets no precision
        return right(f"Correct, rounded: y = sigmoid({z:.6g}) = {expected:.6g}, "
                     f"{float(answer):g} to two decimals.")
    if _is_number(answer) and float(answer) == round(expected, 1):
        return wrong(f"{float(answer):g} is y rounded to one decimal, too coarse to tell it from "
                     "sigmoid(0) = 0.5.", "give at least two decimals.")
    return check_number(answer, expected, what="the neuron's output y", rtol=1e-3,
                        hint="compute z = w1*x1 + w2*x2 + w3*x3 + b first, then "
                             "y = 1 / (1 + exp(-z)).")


def layer_output_shape(answer: Any) -> Feedback:
    """Exercise 2: the shape of ``x @ W + b`` for a batch of 32 images and 64 units."""
    what = "the output shape, a tuple such as (rows, columns)"
    if (todo := unanswered(answer, what)) is not None:
        return todo
    if isinstance(answer, np.ndarray) or not isinstance(answer, tuple | list):
        return malformed(f"the shape should be a tuple of whole numbers such as (10, 20), "
                         f"but you gave {a_type_name(answer)}.")
    if not all(isinstance(n, int | np.integer) and not isinstance(n, bool) for n in answer):
        return malformed(f"every entry of the shape should be a whole number, got {answer!r}.")
    got, expected = tuple(int(n) for n in answer), (BATCH, UNITS)
    if got == expected:
        return right(f"Correct: ({BATCH}, {N_IN}) @ ({N_IN}, {UNITS}) + ({UNITS},) gives "
                     f"{expected}: one row per image, one column per neuron.")
    if got == (UNITS, BATCH):
        return wrong(f"{got} has the axes swapped.", "rows are images, columns are neurons.")
    if len(got) != 2:
        axes = "axis" if len(got) == 1 else "axes"
        return wrong(f"{got} has {len(got)} {axes}; the output of a batch has 2.",
                     "one axis for the images of the batch, one for the layer's neurons.")
    return wrong(f"{got} is not the shape of x @ W + b.",
                 "(N, n_in) @ (n_in, n_out) gives (N, n_out); the bias does not change it.")


def param_count(answer: Any) -> Feedback:
    """Exercise 3: the parameter count of dense layers 784 -> 256 -> 64 -> 10."""
    expected = count_params(SIZES)
    no_bias = expected - sum(SIZES[1:])
    if _is_number(answer) and float(answer) == no_bias:
        return wrong(f"{int(answer)} counts the weights only.",
                     "each neuron also has one bias: add n_out per layer.")
    return check_integer(answer, expected, what="the number of parameters",
                         hint="each layer has n_in * n_out weights plus n_out biases; "
                              "add the three layers.")


def dense_layer(fn: Any) -> Feedback:
    """Exercise 4: a function ``dense_relu(x, W, b)`` returning ``max(0, x @ W + b)``."""
    what = "your function dense_relu"
    if is_stub(fn):
        todo = unanswered(..., "the body of dense_relu")
        assert todo is not None
        return todo
    rng = np.random.default_rng(2)
    W = rng.normal(size=(4, 3))
    b = np.array([0.5, -0.5, 0.0])
    x_one = np.array([1.0, -2.0, 0.5, 3.0])
    x_batch = rng.normal(size=(5, 4))
    cases = [((x_one, W, b), np.maximum(x_one @ W + b, 0.0)),
             ((x_batch, W, b), np.maximum(x_batch @ W + b, 0.0))]
    fb = check_function(fn, cases, what=what,
                        hint="compute z = x @ W + b, then np.maximum(z, 0).")
    if fb.ok or fb.kind == "unanswered":
        return fb
    mistakes = [(lambda z, x: z, "it returns x @ W + b without the ReLU.",
                 "apply np.maximum(z, 0) to z = x @ W + b."),
                (lambda z, x: np.max(z, axis=0), "np.max(z, 0) takes the largest value along "
                 "axis 0; the ReLU compares every value with 0.",
                 "np.maximum(z, 0), with the -imum, works elementwise."),
                (lambda z, x: np.maximum(x @ W, 0.0) + b, "it adds the bias after the ReLU.",
                 "the bias goes inside: np.maximum(x @ W + b, 0)."),
                (lambda z, x: np.maximum(x @ W, 0.0), "it leaves out the bias b.",
                 "np.maximum(x @ W + b, 0).")]
    try:
        got = [np.asarray(fn(x.copy(), W, b), dtype=float) for x in (x_one, x_batch)]
    except Exception:  # already reported by check_function
        return fb
    for mistake, message, hint in mistakes:
        wants = [mistake(x @ W + b, x) for x in (x_one, x_batch)]
        if all(g.shape == w.shape and np.allclose(g, w) for g, w in zip(got, wants, strict=True)):
            return wrong(message, hint)
    return fb
