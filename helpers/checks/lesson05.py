"""Self-checks for lesson 05 (A Keras MLP): parameter counts, a deeper model, its accuracy.

A check never raises on an answer: it returns a :class:`Feedback` that says what is
right, what is off (with a hint), or what type or shape the answer should have.
"""

from __future__ import annotations

import functools
import hashlib
import warnings
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
from helpers.data import load_mnist, train_val_split
from helpers.neuron import count_params
from helpers.validate import a_type_name

__all__ = ["best_epoch", "deeper_model", "lecun_params", "validation_accuracy"]

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


def _activation_name(layer: Any) -> str | None:
    """Return the activation a layer applies on its own, or None if it is no activation layer."""
    import keras

    if isinstance(layer, keras.layers.ReLU):
        plain = (not getattr(layer, "negative_slope", 0.0) and layer.max_value is None
                 and not getattr(layer, "threshold", 0.0))
        return "relu" if plain else "leaky or capped relu"
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    if isinstance(layer, keras.layers.Activation):
        return getattr(layer.activation, "__name__", str(layer.activation))
    return None


def _is_chain(model: Any) -> bool:
    """Whether a Functional model's layers each take the previous one's output, in order."""
    import keras

    layers = [la for la in model.layers if not isinstance(la, keras.layers.InputLayer)]
    try:
        if len(model.inputs) != 1 or len(model.outputs) != 1:
            return False
        previous = model.inputs[0]
        for layer in layers:
            if layer.input is not previous:
                return False
            previous = layer.output
        return previous is model.outputs[0]
    except (AttributeError, ValueError, TypeError):  # a layer called twice, or never
        return False


def _blocks(model: Any) -> list[dict[str, Any]] | str:
    """Describe a Sequential MLP as blocks: each Dense with its activations and dropout rates.

    Returns a problem description (str) for a layer the exercise does not expect.
    """
    import keras

    blocks: list[dict[str, Any]] = []
    for layer in [la for la in model.layers if not isinstance(la, keras.layers.InputLayer)]:
        if isinstance(layer, keras.layers.Dense):
            name = getattr(layer.activation, "__name__", str(layer.activation))
            blocks.append({"units": layer.units, "acts": [] if name == "linear" else [name],
                           "dropout": []})
        elif not blocks:
            kind = type(layer).__name__
            return (f"a{'n' if kind[0] in 'AEIOU' else ''} {kind} layer comes before the first "
                    "Dense layer")
        elif (act := _activation_name(layer)) is not None:
            if act != "linear":
                blocks[-1]["acts"].append(act)
        elif isinstance(layer, keras.layers.Dropout):
            blocks[-1]["dropout"].append(float(layer.rate))
        else:
            return f"the model has {a_type_name(layer)} layer the task does not ask for"
    return blocks


def deeper_model(model: Any, hidden: Sequence[int] = (256, 128), dropout: float = 0.2
                 ) -> Feedback:
    """Check a Sequential MLP: 784 in, ReLU ``hidden`` layers with Dropout, 10 logits out.

    A ReLU or Softmax written as its own layer counts like the same ``activation=``.
    """
    what = "your model"
    if (todo := unanswered(model, "a keras.Sequential model")) is not None:
        return todo
    if not _is_keras_model(model):
        return malformed(f"{what} should be a Keras model (keras.Sequential([...])), but you "
                         f"gave {a_type_name(model)}.")
    import keras

    functional = not isinstance(model, keras.Sequential)
    if functional and not type(model).__module__.startswith("keras."):
        return malformed(f"{what} subclasses keras.Model ({type(model).__name__}), and the "
                         "check can read only models built from layers: use "
                         "keras.Sequential([...]) as the task asks.")
    width = _input_width(model)
    if width != 784:
        return malformed("start the model with keras.Input(shape=(784,)) so it takes flat "
                         f"28 x 28 images; yours takes inputs of shape "
                         f"{getattr(model, 'input_shape', 'unknown (no Input layer)')}.")
    if functional and not _is_chain(model):
        return wrong("your Functional model is not one straight chain of layers, each taking "
                     "the output of the one before.",
                     "stack the layers one after the other: keras.Sequential([...]).")
    blocks = _blocks(model)
    if isinstance(blocks, str):
        return wrong(f"{blocks}.", "use only Dense, Dropout and activation layers.")
    units = [b["units"] for b in blocks]
    want = [*hidden, 10]
    if units != want:
        return wrong(f"the Dense layers have {units} units; the task asks for {want}.",
                     "one Dense layer per hidden layer, then Dense(10) for the ten digits.")
    acts = [b["acts"] for b in blocks]
    hidden_acts = ["+".join(a) or "linear" for a in acts[:-1]]
    if any(a != ["relu"] for a in acts[:-1]):
        return wrong(f"the hidden layers use the activations {hidden_acts}.",
                     'give every hidden Dense layer activation="relu" (once).')
    if acts[-1]:
        return wrong(f"the output layer applies {'+'.join(acts[-1])!r}; this lesson's models "
                     "output logits.",
                     "end with Dense(10) and no activation: the loss applies the softmax "
                     "(from_logits=True).")
    rates = [b["dropout"] for b in blocks]
    if any(r != [dropout] for r in rates[:-1]):
        return wrong(f"the dropout after the hidden layers is {rates[:-1]}; the task asks for "
                     f"one Dropout({dropout:g}) after each hidden layer.",
                     f"add keras.layers.Dropout({dropout:g}) after each hidden Dense layer.")
    if rates[-1]:
        return wrong("there is a Dropout after the output layer.",
                     "dropout belongs after the hidden layers, not after the logits.")
    n = _dense_params([784, *want])
    api = " (built with the Functional API; keras.Sequential gives the same network)"
    return right(f"Correct: 784-{'-'.join(map(str, want))} with dropout {dropout:g}, "
                 f"{n:,} parameters{api if functional else ''}.")


def _fingerprints(x: np.ndarray) -> set[bytes]:
    """Return one short hash per image, of its pixels as whole numbers 0-255."""
    x = np.asarray(x).reshape(len(x), -1)
    with warnings.catch_warnings():  # an all-nan array: not scaled, and no warning about it
        warnings.simplefilter("ignore", RuntimeWarning)
        scaled = bool(np.issubdtype(x.dtype, np.floating) and x.size and np.nanmax(x) <= 1.0)
    out: set[bytes] = set()
    for start in range(0, len(x), 4096):  # in chunks: a float64 copy of all 55,000 is 345 MB
        rows = x[start:start + 4096]
        if rows.dtype != np.uint8:
            pixels = np.nan_to_num(rows.astype(np.float64) * (255 if scaled else 1))
            rows = np.clip(np.rint(pixels), 0, 255).astype(np.uint8)
        out.update(hashlib.blake2b(row.tobytes(), digest_size=8).digest() for row in rows)
    return out


@functools.cache
def _mnist_parts() -> tuple[set[bytes], set[bytes]] | None:
    """Return the fingerprints of MNIST's test images and of the lessons' training part."""
    try:
        (x_train, y_train), (x_test, _) = load_mnist()
        (train, _), _ = train_val_split(np.arange(len(x_train)), y_train)  # the lessons' split
    except Exception:  # no MNIST here: the check cannot tell the sets apart
        return None
    return _fingerprints(x_test), _fingerprints(x_train[train])


def _not_validation(x_val: np.ndarray) -> Feedback | None:
    """Return feedback if most of ``x_val`` are test images or training images, else None."""
    parts = _mnist_parts()
    if parts is None:
        if len(x_val) == 10_000:
            return malformed("these look like the 10,000 test images; the test set stays "
                             "locked. Pass x_val and y_val.")
        return None
    try:
        mine = _fingerprints(x_val)
    except (TypeError, ValueError):  # not numbers: model.predict below reports it
        return None
    test, train = (len(mine & part) / max(len(mine), 1) for part in parts)
    if test > 0.5:
        return malformed(f"{test:.0%} of these images are test images; the test set stays "
                         "locked while you choose. Pass x_val and y_val.")
    if train > 0.5:
        return malformed(f"{train:.0%} of these images are training images, which the network "
                         "learned from, so they overstate its accuracy on new digits. Pass "
                         "x_val and y_val.")
    return None


def validation_accuracy(model: Any, x_val: Any, y_val: Any, floor: float = 0.97,
                        hidden: Sequence[int] = (256, 128)) -> Feedback:
    """Check that the trained ``deeper`` network reaches ``floor`` on the validation set."""
    if (todo := unanswered(model, "your trained model")) is not None:
        return todo
    if not _is_keras_model(model):
        return malformed(f"pass your trained Keras model, not {a_type_name(model)}.")
    if not isinstance(x_val, np.ndarray) or not isinstance(y_val, np.ndarray):
        return malformed("pass the validation images and labels as NumPy arrays: "
                         "check.validation_accuracy(trained, x_val, y_val).")
    if y_val.ndim != 1 or len(y_val) != len(x_val) or len(y_val) == 0:
        return malformed(f"x_val and y_val must hold the same images and labels; got shapes "
                         f"{x_val.shape} and {y_val.shape}.")
    if (problem := _not_validation(x_val)) is not None:
        return problem
    width = _input_width(model)
    if width is not None and (x_val.ndim != 2 or x_val.shape[1] != width):
        return malformed(f"your model takes inputs of shape {model.input_shape} but x_val has "
                         f"shape {x_val.shape}; use the flat validation images (N, 784).")
    units = [layer.units for layer in model.layers if hasattr(layer, "units")]
    want = [*hidden, 10]
    if units != want:
        return wrong(f"this model's Dense layers have {units} units, not the {want} of "
                     "`deeper`; it is not the network of exercise 2.",
                     "compile and fit `deeper` itself, then pass it (not `final` or `model`).")
    try:
        out = np.asarray(model.predict(x_val, verbose=0))
    except Exception as exc:  # the learner's model failed: report, don't raise
        return malformed(f"model.predict failed with {type(exc).__name__}: {str(exc)[:200]}")
    if out.shape != (len(x_val), 10):
        return malformed(f"the model should output 10 numbers per image, shape "
                         f"({len(x_val)}, 10); yours gives {out.shape}.")
    acc = float((out.argmax(axis=1) == y_val).mean())
    if acc >= floor:
        return right(f"Validation accuracy {acc:.4f}, above {floor:.2f}. Compare it with "
                     "final's last val_accuracy to choose between them.")
    if acc < 0.5:
        hint = ("did you compile and fit the model before checking it? With a logits output "
                "the loss needs from_logits=True.")
    else:
        hint = "train for the full 10 epochs with Adam, and the loss from_logits=True."
    return wrong(f"validation accuracy {acc:.4f} is below {floor:.2f}.", hint)


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
                       hint=f"look for the epoch with the best {monitor} in the fit's "
                            f"history (history.history[{monitor!r}], one value per epoch).")
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
