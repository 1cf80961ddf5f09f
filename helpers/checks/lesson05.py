"""Self-checks for lesson 05 (A Keras MLP): parameter counts, a deeper model, its accuracy.

A check never raises on an answer: it returns a :class:`Feedback` that says what is
right, what is off (with a hint), or what type or shape the answer should have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from helpers import validate
from helpers.checks._core import (
    Feedback,
    check_integer,
    malformed,
    right,
    unanswered,
    wrong,
)
from helpers.neuron import count_params

__all__ = ["best_epoch", "deeper_model", "lecun_params", "test_accuracy"]

LECUN_SIZES = (784, 300, 100, 10)


_dense_params = count_params


def lecun_params(answer: Any) -> Feedback:
    """Check the parameter count of LeCun et al.'s (1998) 784-300-100-10 network."""
    what = "the number of parameters of 784-300-100-10"
    if (todo := unanswered(answer, what)) is not None:
        return todo
    expected = _dense_params(LECUN_SIZES)
    weights = expected - sum(LECUN_SIZES[1:])
    fb = check_integer(answer, expected, what=what,
                       hint="each Dense layer has n_in * n_out weights plus n_out biases; "
                            "add the three layers.")
    if fb.kind == "wrong" and _as_int(answer) == weights:
        return wrong(f"{weights} counts the weights only.",
                     "each unit of a Dense layer also has one bias: add 300 + 100 + 10.")
    if fb.kind == "wrong" and _as_int(answer) == expected - (300 * 100 + 100):
        return wrong(f"{_as_int(answer)} leaves out the layer from 300 to 100 units.",
                     "there are three Dense layers: 784->300, 300->100 and 100->10.")
    return fb


def _as_int(answer: Any) -> int:
    """Return a whole-number answer (already accepted by check_integer) as an int."""
    return int(validate.item(answer))


def _is_keras_model(model: Any) -> bool:
    """Return True if ``model`` is a Keras model (checked without importing Keras eagerly)."""
    import keras

    return isinstance(model, keras.Model)


def _input_width(model: Any) -> int | None:
    """Return the width the model's input expects (784 for flat MNIST), or None if unknown."""
    try:
        shape = model.input_shape
    except (AttributeError, ValueError):
        return None
    if not isinstance(shape, tuple) or len(shape) != 2:
        return None
    return shape[1]


def deeper_model(model: Any, hidden: Sequence[int] = (256, 128)) -> Feedback:
    """Check a Sequential MLP: input 784, ReLU hidden Dense layers ``hidden``, softmax 10."""
    what = "your model"
    if (todo := unanswered(model, "a keras.Sequential model")) is not None:
        return todo
    if not _is_keras_model(model):
        return malformed(f"{what} should be a Keras model (keras.Sequential([...])), but you "
                         f"gave a {type(model).__name__}.")
    width = _input_width(model)
    if width != 784:
        return malformed("start the model with keras.Input(shape=(784,)) so it takes flat "
                         f"28 x 28 images; yours takes inputs of shape "
                         f"{getattr(model, 'input_shape', 'unknown (no Input layer)')}.")
    import keras

    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    units = [layer.units for layer in dense]
    want = [*hidden, 10]
    if units != want:
        return wrong(f"the Dense layers have {units} units; the task asks for {want}.",
                     "one Dense layer per hidden layer, then Dense(10) for the ten digits.")
    names = [getattr(layer.activation, "__name__", str(layer.activation)) for layer in dense]
    if any(n != "relu" for n in names[:-1]):
        return wrong(f"the hidden layers use the activations {names[:-1]}.",
                     'give every hidden Dense layer activation="relu".')
    if names[-1] != "softmax":
        return wrong(f"the output layer's activation is {names[-1]!r}.",
                     'use Dense(10, activation="softmax") so it outputs probabilities.')
    n = _dense_params([784, *want])
    return right(f"Correct: 784-{'-'.join(map(str, want))}, {n:,} parameters.")


def test_accuracy(model: Any, x_test: Any, y_test: Any, floor: float = 0.975) -> Feedback:
    """Evaluate a trained model on the test set and say whether it beats ``floor``."""
    if (todo := unanswered(model, "your trained model")) is not None:
        return todo
    if not _is_keras_model(model):
        return malformed(f"pass your trained Keras model, not a {type(model).__name__}.")
    if not isinstance(x_test, np.ndarray) or not isinstance(y_test, np.ndarray):
        return malformed("pass the test images and labels as NumPy arrays: "
                         "check.test_accuracy(model, x_test, y_test).")
    if y_test.ndim != 1 or len(y_test) != len(x_test) or len(y_test) == 0:
        return malformed(f"x_test and y_test must hold the same images and labels; got shapes "
                         f"{x_test.shape} and {y_test.shape}.")
    width = _input_width(model)
    if width is not None and (x_test.ndim != 2 or x_test.shape[1] != width):
        return malformed(f"your model takes inputs of shape {model.input_shape} but x_test has "
                         f"shape {x_test.shape}; use the flat test images (N, 784).")
    try:
        probs = np.asarray(model.predict(x_test, verbose=0))
    except Exception as exc:  # the learner's model failed: report, don't raise
        return malformed(f"model.predict failed with {type(exc).__name__}: {str(exc)[:200]}")
    if probs.shape != (len(x_test), 10):
        return malformed(f"the model should output 10 numbers per image, shape "
                         f"({len(x_test)}, 10); yours gives {probs.shape}.")
    acc = float((probs.argmax(axis=1) == y_test).mean())
    if acc >= floor:
        return right(f"Test accuracy {acc:.4f} beats the floor of {floor:.3f}.")
    hint = ("did you compile and fit the model before checking it?" if acc < 0.5 else
            "train for a few more epochs, or add Dropout and EarlyStopping.")
    return wrong(f"test accuracy {acc:.4f} is below the floor of {floor:.3f}.", hint)


def best_epoch(answer: Any, history: Any, monitor: str = "val_loss") -> Feedback:
    """Check which epoch's weights EarlyStopping(restore_best_weights=True) kept (from 1)."""
    what = "the epoch whose weights the model holds"
    if hasattr(history, "history"):
        history = history.history
    if not isinstance(history, Mapping) or monitor not in history or not history[monitor]:
        raise ValueError(f"history must be the dict from model.fit(...).history with a "
                         f"non-empty {monitor!r} entry; got {type(history).__name__}.")
    values = np.asarray(history[monitor], dtype=float)
    best = int(values.argmax() if "acc" in monitor else values.argmin()) + 1
    fb = check_integer(answer, best, what=what,
                       hint=f"look for the best {monitor} in the epoch log.")
    if fb.kind != "wrong":
        return fb
    given = _as_int(answer)
    if given == len(values) and best != len(values):
        return wrong(f"epoch {given} is the last epoch trained, but "
                     "restore_best_weights=True put back the weights of the best epoch.",
                     f"which epoch has the {'highest' if 'acc' in monitor else 'lowest'} "
                     f"{monitor}?")
    if given == best - 1:
        return wrong(f"epoch {given} is one too early.",
                     "the log counts epochs from 1, not from 0.")
    return fb
