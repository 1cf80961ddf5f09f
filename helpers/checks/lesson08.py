"""Checks for lesson 08, A convolutional network.

The multiple-choice question of :func:`why_robust` (the notebook shows it as written here):

Why does the CNN lose less accuracy than the MLP when a digit moves by 2 pixels?

- a: It has more parameters than the MLP.
- b: A filter has the same weights at every position, so a moved input gives moved feature
  maps, and pooling tolerates small moves.
- c: It was trained on shifted digits.
- d: Convolution blurs the image, so the shift disappears.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from helpers.checks._core import (
    Feedback,
    check_integer,
    malformed,
    multiple_choice,
    not_a_function,
    right,
    unanswered,
    unanswered_function,
    wrong,
)

WHY_ROBUST_QUESTION = ("Why does the CNN lose less accuracy than the MLP when a digit moves "
                       "by 2 pixels?")
WHY_ROBUST_CHOICES = {
    "a": "It has more parameters than the MLP.",
    "b": "A filter has the same weights at every position, so a moved input gives moved "
         "feature maps, and pooling tolerates small moves.",
    "c": "It was trained on shifted digits.",
    "d": "Convolution blurs the image, so the shift disappears.",
}
WHY_ROBUST_OPTIONS = ("a", "b", "c", "d")
WHY_ROBUST = "b"
_WHY_NOT = {
    "a": "More weights do not buy robustness: the CNN reuses each small filter at every "
         "position, so it has fewer parameters than the MLP.",
    "c": "Both networks were trained on the same unshifted training images.",
    "d": "A convolution does not remove a shift: a moved input gives a moved feature map.",
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


def _pool_cases() -> list[np.ndarray]:
    """Return maps to pool: 4x4, odd 7x7 and 5x6, negative values, a 28x28 map."""
    rng = np.random.default_rng(8)
    return [np.arange(16.0).reshape(4, 4), rng.normal(size=(7, 7)), -rng.random((5, 6)),
            rng.normal(size=(28, 28))]


def max_pool_function(fn: Any) -> Feedback:
    """Check the learner's max_pool(fmap) (2x2 windows, stride 2) against conv.max_pool."""
    from helpers.conv import max_pool

    if (todo := unanswered_function(fn, "your function max_pool")) is not None:
        return todo
    if (problem := not_a_function(fn, "max_pool")) is not None:
        return problem
    for fmap in _pool_cases():
        try:
            got = fn(fmap.copy())
        except Exception as error:  # the learner's code: report what it raised
            return malformed(f"max_pool raised {type(error).__name__}: {error} on a map of "
                             f"shape {fmap.shape}.")
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return malformed(f"max_pool returned a {type(got).__name__} that is not an array "
                             f"of numbers.")
        want = max_pool(fmap)
        if got.shape == fmap.shape:
            return wrong(f"on a {fmap.shape} map you returned shape {got.shape}: no "
                         f"downsampling.", "keep one value, the largest, per 2x2 window, "
                         "stepping 2 pixels at a time.")
        rows, cols = fmap.shape[0] // 2, fmap.shape[1] // 2
        if got.shape == (-(-fmap.shape[0] // 2), -(-fmap.shape[1] // 2)) != want.shape:
            return wrong(f"on a {fmap.shape} map you returned shape {got.shape}, expected "
                         f"{want.shape}.", "like Keras, drop the last row or column when it "
                         "has no partner: fmap[:2 * (h // 2), :2 * (w // 2)].")
        if got.shape != want.shape:
            return malformed(f"on a {fmap.shape} map max_pool should return shape "
                             f"{want.shape}, got {got.shape}.")
        if np.allclose(got, want):
            continue
        mean = fmap[:2 * rows, :2 * cols].reshape(rows, 2, cols, 2).mean(axis=(1, 3))
        hint = ("you averaged each window; take its largest value (max)."
                if np.allclose(got, mean) else
                "each output is the max of fmap[2i:2i+2, 2j:2j+2].")
        return wrong(f"on a {fmap.shape} map {int((~np.isclose(got, want)).sum())} of "
                     f"{want.size} values differ from max pooling.", hint)
    return right("Correct: the largest value of each 2x2 window, odd edges dropped as Keras "
                 "does.")


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


def why_robust(answer: Any) -> Feedback:
    """Check the multiple-choice question on why the CNN is less hurt by a shift."""
    feedback = _why_robust(answer)
    if feedback.kind == "wrong":
        letter = answer.strip().lower()
        return wrong(f"'{answer}' is not the best choice. {_WHY_NOT[letter]}",
                     "what does a convolution do with a stroke that moved 2 pixels?")
    return feedback


_why_robust = multiple_choice(
    __name__, "why_robust", WHY_ROBUST, WHY_ROBUST_OPTIONS,
    hint="what does a convolution do with a stroke that moved 2 pixels?",
    doc="Check the multiple-choice question on why the CNN is less hurt by a shift.")
