"""Checks for lesson 07, Inside the trained network."""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.checks._core import (
    Feedback,
    check_number,
    malformed,
    multiple_choice,
    right,
    unanswered,
    wrong,
)

WHY_BRITTLE_OPTIONS = ("a", "b", "c", "d")
WHY_BRITTLE = "b"


def calibration_error(answer: Any, probs: Any, y: Any, bins: int = 10) -> Feedback:
    """Check an expected calibration error computed from the reliability bins."""
    from helpers.inspection import expected_calibration_error

    expected = expected_calibration_error(probs, y, bins)
    return check_number(answer, expected, what="the expected calibration error", rtol=1e-3,
                        atol=1e-6,
                        hint="per bin take |accuracy - confidence|, weight it by the bin's "
                             "count, add up, and divide by the number of images.")


def _cases() -> list[np.ndarray]:
    """Return drawings to try a preparation on: off-centre, wide, tall, tiny, grey."""
    canvas = np.zeros((60, 90))
    canvas[5:25, 50:80] = 1.0  # a wide block, off-centre
    tall = np.zeros((100, 40))
    tall[10:90, 18:24] = 0.8  # a thin upright stroke (a 1)
    tiny = np.zeros((30, 30))
    tiny[2:6, 3:5] = 1.0
    ring = np.zeros((70, 70))
    rows, cols = np.indices(ring.shape)
    ring[np.abs(np.hypot(rows - 40, cols - 25) - 15) < 3] = 1.0
    return [canvas, tall, tiny, ring]


def prepare_function(fn: Any) -> Feedback:
    """Check a function that prepares a drawing exactly as ``drawing.prepare_digit`` does."""
    from helpers.drawing import prepare_digit

    if (todo := unanswered(fn, "your function mnist_like")) is not None:
        return todo
    if not callable(fn):
        return malformed(f"mnist_like should be a function (def mnist_like(image): ...), but "
                         f"you gave a {type(fn).__name__}.")
    for k, image in enumerate(_cases()):
        try:
            got = fn(image.copy())
        except Exception as error:  # the learner's code: report what it raised
            return wrong(f"mnist_like raised {type(error).__name__}: {error} on test drawing "
                         f"{k} of shape {image.shape}.",
                         "chain the three steps: crop_to_ink, then scale_to_box, then "
                         "place_by_centre_of_mass.")
        got = np.asarray(got)
        if got.shape != (28, 28):
            return malformed(f"mnist_like should return a 28x28 image, got shape {got.shape} "
                             f"for test drawing {k}.")
        want = prepare_digit(image)
        if not np.allclose(got, want, atol=1e-6):
            return wrong(f"on test drawing {k} (shape {image.shape}) your image differs from "
                         f"MNIST's preparation by up to {np.abs(got - want).max():.3f}.",
                         "the order matters: crop first (so the digit, not the canvas, is "
                         "scaled), scale the longer side to 20, then centre.")
    return right("Correct: cropped, scaled into 20x20 and centred by centre of mass, as "
                 "MNIST's digits were.")


def first_shift_below_half(answer: Any, accuracy: Any) -> Feedback:
    """Check the smallest shift (pixels) at which the accuracy falls below one half."""
    if (todo := unanswered(answer, "the smallest shift below 50% accuracy")) is not None:
        return todo
    if not isinstance(accuracy, dict) or not accuracy or not all(
            isinstance(k, int) for k in accuracy):
        return malformed("pass the dict your sweep returned, e.g. accuracy = "
                         "inspection.shift_accuracy(network, x, y, range(9)).")
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        return malformed(f"give the shift as a whole number of pixels, got "
                         f"{type(answer).__name__}.")
    below = [s for s in sorted(accuracy) if accuracy[s] < 0.5]
    if not below:
        return wrong(f"no shift in your sweep ({min(accuracy)}..{max(accuracy)} pixels) drops "
                     "below 50%.", "sweep further, e.g. range(9).")
    first = below[0]
    if int(answer) == first:
        return right(f"Correct: at {first} pixels the accuracy is {accuracy[first]:.1%}; a "
                     "digit moved that far is mostly new pixels to the first layer.")
    if int(answer) not in accuracy:
        return malformed(f"{int(answer)} is not one of the shifts you swept: {sorted(accuracy)}.")
    return wrong(f"at {int(answer)} pixels the accuracy is {accuracy[int(answer)]:.1%}.",
                 "find the smallest shift whose accuracy is below 0.5.")


why_brittle = multiple_choice(
    __name__, "why_brittle", WHY_BRITTLE, WHY_BRITTLE_OPTIONS,
    hint="look at the first layer's weight images again: each weight belongs to one "
         "pixel position. What happens to w . x when the ink moves to other pixels?",
    doc="Check the multiple-choice question on why a shift hurts the MLP.")
