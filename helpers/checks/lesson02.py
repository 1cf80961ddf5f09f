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
                         f"but you gave a {type(answer).__name__}.")
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
    if fb.kind == "wrong":
        linear = x_batch @ W + b
        try:
            got = np.asarray(fn(x_batch, W, b), dtype=float)
        except Exception:  # already reported as wrong on an earlier case
            return fb
        if got.shape == linear.shape and np.allclose(got, linear):
            return wrong("it returns x @ W + b without the ReLU.",
                         "apply np.maximum(z, 0) to z = x @ W + b.")
    return fb
