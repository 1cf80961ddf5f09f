"""Checks for lesson 08, A convolutional network.

The multiple-choice question of :func:`why_robust` (the notebook shows it as written here):

The CNN reads test digits moved by 1 pixel almost as well as unmoved ones, and digits moved
by 4 pixels much worse. Which explanation fits both?

- a: conv1 uses padding "valid", so no position of a 5x5 filter is centred on the two
  outermost rows and columns of the image. A 4-pixel move brings strokes to those pixels,
  where conv1 cannot see them; a 1-pixel move does not.
- b: After the two poolings, neighbouring units of pool2's maps are 4 input pixels apart. A
  1-pixel move is a quarter of that step and changes the maps only a little; a 4-pixel move
  carries every feature to the neighbouring unit, where Dense(128) reads it through other
  weights, and pushes one row or column of each map off it.
- c: A 4-pixel move pushes one row or column of each 4x4 map after pool2 off the map, while
  the rest of the map stays where it was; the features lost at the edge are the whole drop,
  and a 1-pixel move pushes nothing off.
- d: The units after the second pooling see only 16x16 pixels each, so a digit moved by 4
  pixels falls partly outside what they see.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from helpers import validate
from helpers.checks._core import (
    TODO,
    Feedback,
    check_integer,
    choice_question,
    malformed,
    multiple_choice,
    not_a_function,
    right,
    unanswered,
    unanswered_function,
    wrong,
)
from helpers.validate import a_type_name

WHY_ROBUST_QUESTION = ("The CNN reads test digits moved by 1 pixel almost as well as unmoved "
                       "ones, and digits moved by 4 pixels much worse. Which explanation fits "
                       "both?")
WHY_ROBUST_CHOICES = {
    "a": "conv1 uses padding \"valid\", so no position of a 5x5 filter is centred on the "
         "two outermost rows and columns of the image. A 4-pixel move brings strokes to those "
         "pixels, where conv1 cannot see them; a 1-pixel move does not.",
    "b": "After the two poolings, neighbouring units of pool2's maps are 4 input pixels apart. "
         "A 1-pixel move is a quarter of that step and changes the maps only a little; a "
         "4-pixel move carries every feature to the neighbouring unit, where Dense(128) reads "
         "it through other weights, and pushes one row or column of each map off it.",
    "c": "A 4-pixel move pushes one row or column of each 4x4 map after pool2 off the map, "
         "while the rest of the map stays where it was; the features lost at the edge are the "
         "whole drop, and a 1-pixel move pushes nothing off.",
    "d": "The units after the second pooling see only 16x16 pixels each, so a digit moved by "
         "4 pixels falls partly outside what they see.",
}
WHY_ROBUST_OPTIONS = ("a", "b", "c", "d")
WHY_ROBUST = "b"
WHY_ROBUST_HINT = ("follow a 4-pixel move through the layers: by how many positions does it "
                   "move the maps of conv1, pool1, conv2 and pool2?")
_WHY_NOT = {
    "a": "A filter at the position centred two pixels in still covers the outermost pixels: "
         "every pixel of the image lies in some 5x5 window of conv1, so a stroke at the "
         "border is still found, at the edge of the map.",
    "c": "A row or column of each 4x4 map does leave it, but does the rest of the map stay "
         "where it was?",
    "d": "The fields of pool2's 4x4 units are 16 pixels wide and start 4 pixels apart, so "
         "together they cover the whole image: a moved stroke falls in a neighbouring unit's "
         "field.",
}

OUTPUT_SIZE_CASES = ((28, 5, 1, "valid"), (28, 5, 1, "same"), (28, 3, 2, "valid"),
                     (28, 3, 2, "same"), (27, 2, 2, "valid"), (14, 5, 1, "valid"),
                     (7, 3, 3, "same"), (28, 4, 2, "valid"), (28, 2, 1, "same"),
                     (9, 4, 2, "same"), (30, 3, 2, "valid"))  # the last: floor, not round
CONV_LAYER_PARAMS = 3 * 3 * 32 * 64 + 64  # Conv2D(64, 3) after a layer with 32 filters


def _output_size_hint(n: int, k: int, s: int, padding: str, got: int) -> str:
    """Return a targeted hint for a wrong conv_output(n, k, s, padding)."""
    if padding == "valid":
        if got == (n - k) // s or got == (n - k + 1) // s:
            return ("one position is missing: the kernel's first position counts, then one "
                    "more per stride, so the + 1 comes after the division: "
                    "(n - k) // stride + 1.")
        if got in (round((n - k) / s) + 1, math.ceil((n - k) / s) + 1):
            return ("with 'valid' padding a window that does not fit is dropped: round down, "
                    "(n - k) // stride + 1.")
        return "with 'valid' padding the answer is (n - k) // stride + 1."
    if k % 2 == 0 and got == (n - k + 2 * ((k - 1) // 2)) // s + 1:
        return ("with an even kernel the padding cannot be split evenly, so Keras pads one "
                "pixel more on one side: (n - k + 2P) // stride + 1 with P = (k - 1) // 2 "
                "falls short. 'same' gives ceil(n / stride) for every kernel.")
    if s > 1:
        return ("with 'same' padding the answer does not depend on the kernel: "
                "ceil(n / stride), e.g. math.ceil(n / stride).")
    return "with 'same' padding and stride 1 the output is as wide as the input."


def output_size_function(fn: Any) -> Feedback:
    """Check the learner's conv_output(n, k, stride, padding) against conv.output_size."""
    from helpers.conv import output_size

    if (todo := unanswered_function(fn, "your function conv_output")) is not None:
        return todo
    if (problem := not_a_function(fn, "conv_output")) is not None:
        return problem
    for n, k, s, padding in OUTPUT_SIZE_CASES:
        call = f"conv_output({n}, {k}, {s}, {padding!r})"
        try:
            got = fn(n, k, s, padding)
        except Exception as error:  # the learner's code: report what it raised
            return malformed(f"{call} raised {type(error).__name__}: {error}.")
        if isinstance(got, float) and got.is_integer():
            got = int(got)
        if isinstance(got, bool) or not isinstance(got, int | np.integer):
            return malformed(f"{call} returned {got!r:.40} ({type(got).__name__}); return a "
                             f"whole number (int) of pixels.")
        want = output_size(n, k, s, padding)
        if int(got) != want:
            return wrong(f"{call} gave {int(got)}, expected {want}.",
                         _output_size_hint(n, k, s, padding, int(got)))
    return right("Correct: 'valid' gives (n - k) // stride + 1, 'same' gives "
                 "ceil(n / stride).")


def conv_layer_params(answer: Any) -> Feedback:
    """Check the parameter count of Conv2D(64, kernel_size=3) after a layer with 32 filters."""
    what = "the number of parameters"
    if (todo := unanswered(answer, what)) is not None:
        return todo
    hints = {3 * 3 * 32 * 64: "each of the 64 filters also has a bias.",
             3 * 3 * 64 + 64: "each filter spans all 32 input channels: 3 x 3 x 32 weights.",
             3 * 3 * 64: "each filter spans all 32 input channels (3 x 3 x 32 weights) and "
                         "has a bias.",
             3 * 3 * 32 + 1: "that is one filter; the layer has 64.",
             3 * 3 * 32: "that is one filter without its bias; the layer has 64 filters."}
    feedback = check_integer(answer, CONV_LAYER_PARAMS, what=what)
    if feedback.kind == "wrong":
        hint = hints.get(int(np.asarray(answer).item()),
                         "count kernel height x width x input channels weights per filter, "
                         "times the filters, plus one bias per filter.")
        return wrong(feedback.message.split(": ", 1)[1], hint)
    return feedback


def receptive_field(answer: Any, model: Any) -> Feedback:
    """Check the receptive field of a Conv2D(kernel_size=3) added after the model's last pool."""
    import keras

    from helpers.conv import _geometry, receptive_fields

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be the lesson's Keras CNN, got {type(model).__name__}; "
                        f"pass your trained CNN.")
    if not any(isinstance(layer, keras.layers.Conv2D) for layer in model.layers):
        raise ValueError("model has no Conv2D layer; pass the lesson's CNN, not the MLP.")
    what = "the receptive-field width in pixels"
    if (todo := unanswered(answer, what)) is not None:
        return todo
    width = receptive_fields(model)[-1][1]
    jump = math.prod(stride for *_, stride in _geometry(model))
    expected = width + 2 * jump
    feedback = check_integer(answer, expected, what=what)
    if feedback.kind != "wrong":
        return feedback
    got = int(np.asarray(answer).item())
    if got == width + 2:
        hint = (f"one step of the new layer's input is {jump} input pixels (the strides so "
                f"far multiply), so its 3-wide kernel adds 2 x {jump} pixels.")
    elif got == 3:
        hint = "3 is the new layer's own kernel, in its input's units, not in pixels."
    elif got == width:
        hint = "that is the last layer's field; the new 3x3 layer widens it."
    else:
        hint = f"start from the last layer's {width} pixels and add (3 - 1) x jump."
    return wrong(feedback.message.split(": ", 1)[1], hint)


@choice_question(WHY_ROBUST_OPTIONS)
def why_robust(answer: Any) -> Feedback:
    """Check the multiple-choice question on a 1-pixel against a 4-pixel move of a digit."""
    feedback = _why_robust(answer)
    if feedback.kind == "wrong":
        letter = answer.strip().lower()
        return wrong(f"'{answer}' is not the best choice. {_WHY_NOT[letter]}", WHY_ROBUST_HINT)
    return feedback


_why_robust = multiple_choice(
    __name__, "why_robust", WHY_ROBUST, WHY_ROBUST_OPTIONS, hint=WHY_ROBUST_HINT,
    doc="Check the multiple-choice question on a 1-pixel against a 4-pixel move of a digit.")


# --- exercise 5: a global-average-pooling head ----------------------------------------------

LESSON_CURVES = ("MLP (lesson 05)", "CNN", "MLP, shifted training")  # the lesson's curves
TRAIN_IMAGES, BATCH, EPOCHS = 55_000, 128, 4  # the lesson's training set and cnn's recipe
STEPS_PER_EPOCH = math.ceil(TRAIN_IMAGES / BATCH)  # 430 batches, the last one smaller
LESSON_STEPS = EPOCHS * STEPS_PER_EPOCH  # 1,720 optimiser steps: how cnn was trained
GAP_FLOOR = 0.8  # 0-pixel accuracy any trained CNN here clears by far (chance: 0.1)
_HEAD_HINT = ("after pool2 put keras.layers.GlobalAveragePooling2D() and then "
              "keras.layers.Dense(10), and nothing else.")
_TRAIN_HINT = ("run the build cell again (a new model, compiled with a new "
               "keras.optimizers.Adam(schedule): cosine decay from 0.002), then fit it once, "
               "as cnn was: gap_cnn.fit(x_train, y_train, epochs=epochs, batch_size=batch, "
               "validation_data=(x_val, y_val), verbose=0, callbacks=[EpochLog()]). Running "
               "fit again continues from the trained weights.")


def _steps_problem(steps: int) -> Feedback | None:
    """Return what is wrong if the optimiser took another number of steps than cnn's, or None."""
    if steps == LESSON_STEPS:
        return None
    plural = "s" * (steps != 1)
    if steps % STEPS_PER_EPOCH == 0:
        epochs = steps // STEPS_PER_EPOCH
        took = (f"{steps:,} steps, as many as {epochs} epoch{'s' * (epochs != 1)} of "
                f"{STEPS_PER_EPOCH} batches of {BATCH}")
    else:
        took = f"{steps:,} step{plural}"
    return wrong(f"gap_cnn was trained for {took}; cnn was trained for {LESSON_STEPS:,} "
                 f"({EPOCHS} epochs of {STEPS_PER_EPOCH} batches of {BATCH}), so the "
                 "comparison with cnn is fair only when gap_cnn is trained the same way.",
                 _TRAIN_HINT)


def _still_to_do(message: str) -> Feedback:
    """Return 'not finished yet' feedback: what is done is right, ``message`` says what is next."""
    return Feedback(False, f"{TODO} {message}", "unanswered")


def _layers(model: Any) -> list[Any]:
    """Return a model's layers in order, nested models opened up, without the InputLayer."""
    import keras

    out = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out += _layers(layer)
        elif not isinstance(layer, keras.layers.InputLayer):
            out.append(layer)
    return out


def _activation(layer: Any) -> str | None:
    """Return the activation a Dense or activation layer applies ('linear' for none), else None."""
    import keras

    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    if isinstance(layer, keras.layers.ReLU):
        return "relu"
    if isinstance(layer, keras.layers.Dense | keras.layers.Activation):
        return getattr(layer.activation, "__name__", str(layer.activation))
    return None


def _input_shape(model: Any) -> tuple | None:
    """Return the model's input shape without the batch axis, or None if it has none yet."""
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return None
    if not inputs or len(inputs) != 1:
        return None
    return tuple(inputs[0].shape)[1:]


_ORDINALS = ("first", "second", "third", "fourth", "fifth")


def _nth(k: int) -> str:
    """Return 'the first Conv2D', 'the second Conv2D', ... for the k-th (from 0) convolution."""
    return f"the {_ORDINALS[k]} Conv2D" if k < len(_ORDINALS) else f"Conv2D number {k + 1}"


def _map_size(layer: Any) -> tuple | None:
    """Return the (height, width) of the maps a layer reads, or None if unknown."""
    try:
        return tuple(layer.input.shape)[1:3]
    except (AttributeError, ValueError, TypeError):  # a layer used in several models
        return None


def _nin_head(layers: list[Any]) -> Any:
    """Return the Conv2D of a Network-in-Network head, or None if the model does not end so.

    That head is a 1x1 Conv2D, then the global average, then at most activations: no Dense.
    """
    import keras

    def skip_activations(k: int) -> int:
        while k >= 0 and _activation(layers[k]) is not None \
                and not isinstance(layers[k], keras.layers.Dense):
            k -= 1
        return k

    k = skip_activations(len(layers) - 1)
    if k < 0 or not isinstance(layers[k], keras.layers.GlobalAveragePooling2D):
        return None
    k = skip_activations(k - 1)
    if k >= 0 and isinstance(layers[k], keras.layers.Conv2D) \
            and tuple(layers[k].kernel_size) == (1, 1):
        return layers[k]
    return None


def _is_pool2(layer: Any) -> bool:
    """Whether ``layer`` is the lesson's pooling, MaxPooling2D(2): 2x2 windows, stride 2."""
    import keras

    return (isinstance(layer, keras.layers.MaxPooling2D)
            and tuple(layer.pool_size) == (2, 2) and tuple(layer.strides) == (2, 2))


def _pooling_problem(between: list[Any], where: str) -> Feedback | None:
    """Return what is wrong if ``between`` (the layers ``where``) holds no MaxPooling2D(2)."""
    import keras

    if any(_is_pool2(layer) for layer in between):
        return None
    fix = ("put keras.layers.MaxPooling2D(2) right after each of the first two Conv2D "
           "layers, as cnn does with pool1 and pool2.")
    for layer in between:
        if isinstance(layer, keras.layers.MaxPooling2D):
            return wrong(f"{where}, gap_cnn pools with MaxPooling2D(pool_size="
                         f"{tuple(layer.pool_size)}, strides={tuple(layer.strides)}); cnn "
                         "takes the maximum of 2x2 windows, 2 apart, which halves the maps.",
                         fix)
        if isinstance(layer, keras.layers.AveragePooling2D):
            return wrong(f"{where}, gap_cnn pools with AveragePooling2D; cnn takes the "
                         "maximum of each 2x2 window, not its average.", fix)
    return wrong(f"{where}, gap_cnn has no MaxPooling2D(2); without it the maps stay twice as "
                 "large, and gap_cnn is no longer the lesson's CNN with another head.", fix)


def _body_problem(layers: list[Any], convs: list[Any]) -> Feedback | None:
    """Return what differs from cnn's two blocks (Conv2D with ReLU, MaxPooling2D(2)), or None."""
    for k, conv in enumerate(convs):
        if tuple(conv.strides) != (1, 1):
            return wrong(f"{_nth(k)} layer of gap_cnn has strides={tuple(conv.strides)}; "
                         "cnn's convolutions move by one pixel and leave the shrinking to "
                         "MaxPooling2D(2).", "leave strides out of Conv2D (the default is 1), "
                         "and pool with keras.layers.MaxPooling2D(2) after it.")
    for k, conv in enumerate(convs):
        act = getattr(conv.activation, "__name__", str(conv.activation))
        i = layers.index(conv)
        after = layers[i + 1] if i + 1 < len(layers) else None
        if act == "relu" or (after is not None and _activation(after) == "relu"):
            continue
        applies = "none (linear)" if act == "linear" else act
        return wrong(f"{_nth(k)} layer of gap_cnn has no ReLU, its activation is {applies}; cnn's "
                     "convolutions each apply one, so that a map keeps only where its "
                     "filter responds and is zero elsewhere.",
                     'give each Conv2D activation="relu", as cnn does: '
                     'keras.layers.Conv2D(16, 5, activation="relu").')
    first, second = layers.index(convs[0]), layers.index(convs[1])
    problem = _pooling_problem(layers[first + 1:second], "between the first and the second Conv2D")
    if problem is not None:  # Feedback is falsy when not ok, so no `or` here
        return problem
    return _pooling_problem(layers[second + 1:], "after the second Conv2D")


def _head_problem(model: Any, layers: list[Any]) -> Feedback | None:
    """Return what is wrong with the layers of a would-be gap_cnn, or None if they are right."""
    import keras

    def named(kind: type) -> list[Any]:
        return [layer for layer in layers if isinstance(layer, kind)]

    convs = named(keras.layers.Conv2D)
    if len(convs) < 2:
        return wrong(f"gap_cnn has {len(convs) or 'no'} Conv2D layer{'s' * (len(convs) != 1)}; "
                     "the lesson's cnn has two.",
                     "keep cnn's two blocks, conv1 and pool1, conv2 and pool2 (as new layers), "
                     "so that only the head differs.")
    if any(len(getattr(layer, "_inbound_nodes", ())) > 1 for layer in convs):
        return wrong("gap_cnn's Conv2D layers belong to another model too (cnn's own "
                     "layers?), so they share its weights: training gap_cnn would change "
                     "that model as well.", "create new layers for gap_cnn: "
                     'keras.layers.Conv2D(16, 5, activation="relu"), and so on.')
    if (nin := _nin_head(layers)) is not None:
        return wrong(f"gap_cnn ends with Conv2D({nin.filters}, 1) and the global average, with "
                     "no Dense layer: that is the head of Network in Network (Lin, Chen and "
                     "Yan), one final map per class. This exercise asks for the head of later "
                     "networks such as GoogLeNet and ResNet: the average of each map, then a "
                     "dense layer.", f"replace Conv2D({nin.filters}, 1) and what follows by "
                     "keras.layers.GlobalAveragePooling2D() and keras.layers.Dense(10).")
    if (problem := _body_problem(layers, convs)) is not None:
        return problem
    if not named(keras.layers.GlobalAveragePooling2D):
        for pool in named(keras.layers.AveragePooling2D):
            size = _map_size(pool)
            if size is not None and tuple(pool.pool_size) == size:
                height, width = size
                return wrong(f"AveragePooling2D({pool.pool_size[0]}) averages over the whole "
                             f"{height}x{width} map, the same numbers as "
                             "GlobalAveragePooling2D here, but only for this map size: with "
                             "other inputs or padding the maps have another size, and it no "
                             "longer averages each whole map.",
                             "use keras.layers.GlobalAveragePooling2D(), which works for any "
                             "size, then keras.layers.Dense(10).")
        if named(keras.layers.AveragePooling2D):
            return wrong("AveragePooling2D averages small windows and keeps a map of "
                         "positions; the global version averages each whole map to one "
                         "number.", "use keras.layers.GlobalAveragePooling2D().")
        if named(keras.layers.Flatten):
            return wrong("gap_cnn still has Flatten: it lays out every position of the maps, "
                         "so the layer after it has a weight for each position.",
                         "replace Flatten and the layers after it by "
                         "keras.layers.GlobalAveragePooling2D() and Dense(10).")
        if named(keras.layers.GlobalMaxPooling2D):
            return wrong("GlobalMaxPooling2D keeps the largest value of each map; this "
                         "exercise is about the average.",
                         "use keras.layers.GlobalAveragePooling2D().")
        return wrong("gap_cnn has no GlobalAveragePooling2D layer.", _HEAD_HINT)
    tail = []  # activation layers after the last Dense count as its activation
    k = len(layers) - 1
    while k >= 0 and _activation(layers[k]) is not None \
            and not isinstance(layers[k], keras.layers.Dense):
        tail.append(_activation(layers[k]))
        k -= 1
    last = layers[k] if k >= 0 else None
    if not isinstance(last, keras.layers.Dense):
        shown = type(layers[-1]).__name__
        return wrong(f"gap_cnn ends with {shown}; its last layer should be Dense(10), the ten "
                     "logits.", _HEAD_HINT)
    acts = [a for a in [_activation(last), *reversed(tail)] if a != "linear"]
    if "softmax" in acts:
        return wrong("the output goes through a softmax, so gap_cnn outputs probabilities; "
                     "the lesson's loss takes logits (from_logits=True) and applies the "
                     "softmax itself.", "leave the activation out: keras.layers.Dense(10).")
    if acts:
        return wrong(f"the output goes through {' and '.join(acts)}; logits are any real "
                     "numbers, and the loss applies the softmax.",
                     "leave the activation out: keras.layers.Dense(10).")
    if last.units != 10:
        return wrong(f"the last layer has {last.units} unit{'s' * (last.units != 1)}; gap_cnn "
                     "needs one logit per digit.", "end with keras.layers.Dense(10).")
    hidden = [layer for layer in named(keras.layers.Dense) if layer is not last]
    if hidden:
        return wrong(f"gap_cnn keeps a Dense({hidden[0].units}) besides the output; here the "
                     "head is the average alone, then Dense(10), so each logit is a weighted "
                     "sum of the channel averages.", _HEAD_HINT)
    shape = tuple(model.outputs[0].shape)[1:]
    if shape != (10,):
        return wrong(f"gap_cnn outputs shape {shape} per image, not 10 logits.",
                     "GlobalAveragePooling2D() without keepdims=True gives one number per "
                     "channel; Dense(10) then gives the 10 logits.")
    return None


def _describe(model: Any, layers: list[Any]) -> str:
    """Return e.g. '2 Conv2D layers, the average of each of its 32 maps of 4x4, ...'."""
    import keras

    convs = [layer for layer in layers if isinstance(layer, keras.layers.Conv2D)]
    gap = next(layer for layer in layers if isinstance(layer, keras.layers.GlobalAveragePooling2D))
    try:
        height, width, channels = tuple(gap.input.shape)[1:]
        averaged = f"the average of each of its {channels} maps of {height}x{width}"
    except (AttributeError, ValueError, TypeError):  # a layer used in several models
        averaged = "GlobalAveragePooling2D"
    return (f"{len(convs)} Conv2D layers, {averaged}, Dense(10) logits: "
            f"{model.count_params():,} parameters")


def _accuracies(curve: Any) -> list[float]:
    """Return a well-formed curve's accuracies at 0, 1, 2, 3 and 4 pixels."""
    return [float(validate.real_number(curve[s])) for s in range(5)]


def _percentages(accuracies: list[float]) -> str:
    """Return accuracies as percentages, e.g. '98.8 / 98.1 / 94.3 / 83.4 / 61.6%'."""
    return " / ".join(f"{100 * a:.1f}" for a in accuracies) + "%"


def _curve_problem(curve: Any) -> Feedback | None:
    """Return malformed feedback unless ``curve`` maps the shifts 0 to 4 to accuracies."""
    what = ("gap_curve should be what inspection.shift_accuracy(gap_cnn, x_some, y_some) "
            "returns: a dict from each shift, 0 to 4 pixels, to an accuracy between 0 and 1")
    if not isinstance(curve, Mapping):
        return malformed(f"{what}; you gave {a_type_name(curve)}.")
    if not all(s in curve for s in range(5)):
        return malformed(f"{what}; yours has the shifts {sorted(curve)!r:.60}.")
    values = [validate.real_number(curve[s]) for s in range(5)]
    if any(v is None or not 0 <= v <= 1 for v in values):
        return malformed(f"{what}; yours holds {[curve[s] for s in range(5)]!r:.80}.")
    return None


def gap_head(model: Any, curve: Any = None, curves: Any = None) -> Feedback:
    """Check gap_cnn, the lesson's CNN with GlobalAveragePooling2D and Dense(10) as its head.

    ``curve`` is gap_cnn's shift_accuracy() dict, ``curves`` the lesson's dict of curves (its
    "CNN" curve is shown beside gap_cnn's). A model built right but not trained yet, or
    trained without its curve, gets what to do next; one whose optimiser took another number
    of steps than cnn's LESSON_STEPS (4 epochs of 430 batches) is wrong, since only the same
    training makes the comparison fair. The checks do not depend on the seed.
    """
    import keras

    if curves is not None and not isinstance(curves, Mapping):
        raise TypeError(f"curves must be the lesson's dict of shift curves, got "
                        f"{type(curves).__name__}; pass curves.")
    if (todo := unanswered(model, "your model gap_cnn")) is not None:
        return todo
    if isinstance(model, type) and issubclass(model, keras.Model):
        return malformed(f"gap_cnn is the class {model.__name__} itself; call it with your "
                         "layers: keras.Sequential([keras.Input(shape=(784,)), ...]).")
    if isinstance(model, list | tuple):
        return malformed("gap_cnn is a list of layers; wrap it in a model: "
                         "keras.Sequential([keras.Input(shape=(784,)), ...]).")
    if not isinstance(model, keras.Model):
        return malformed(f"gap_cnn should be a Keras model, keras.Sequential([...]), but you "
                         f"gave {a_type_name(model)}.")
    shape = _input_shape(model)
    if shape is None:
        return malformed("gap_cnn has no input shape yet: start its layers with "
                         "keras.Input(shape=(784,)), as cnn does.")
    if shape != (784,):
        return wrong(f"gap_cnn takes inputs of shape {shape}, but x_some holds rows of 784 "
                     "pixels.", "start with keras.Input(shape=(784,)) and "
                     "keras.layers.Reshape((28, 28, 1)), as cnn does.")
    layers = _layers(model)
    if (problem := _head_problem(model, layers)) is not None:
        return problem
    built = _describe(model, layers)
    optimizer = getattr(model, "optimizer", None)
    steps = 0 if optimizer is None else int(optimizer.iterations)
    if steps == 0:
        return _still_to_do(f"Built right: {built}. Now compile and fit it as the task says, "
                            "then run this cell again.")
    if (problem := _steps_problem(steps)) is not None:
        return problem
    if curve is None or curve is ...:
        return _still_to_do(f"Built right and trained: {built}. Now compute gap_curve = "
                            "inspection.shift_accuracy(gap_cnn, x_some, y_some), then run "
                            "this cell again.")
    if (problem := _curve_problem(curve)) is not None:
        return problem
    curve = _accuracies(curve)
    for name in LESSON_CURVES:
        other = (curves or {}).get(name)
        if _curve_problem(other) is None and np.allclose(_accuracies(other), curve):
            return wrong(f"gap_curve is the curve of {name!r} from the lesson.",
                         "compute it from your model: "
                         "inspection.shift_accuracy(gap_cnn, x_some, y_some).")
    reference = (curves or {}).get("CNN")
    reference = _accuracies(reference) if _curve_problem(reference) is None else None
    if curve[0] < GAP_FLOOR:
        cnn_reads = f" ({reference[0]:.1%})" if reference is not None else ""
        return wrong(f"gap_cnn reads only {curve[0]:.1%} of the unshifted digits right, "
                     f"far fewer than the lesson's CNN{cnn_reads}.",
                     "train it as the lesson trained cnn: the loss with from_logits=True, Adam "
                     "with cosine decay from 0.002, 4 epochs on x_train, y_train.")
    beside = f"; the lesson's CNN: {_percentages(reference)}" if reference is not None else ""
    return right(f"Built right and trained: {built}. Accuracy at 0 / 1 / 2 / 3 / 4 pixels, "
                 f"gap_cnn: {_percentages(curve)}{beside}.")
