"""Checks for lesson 07, Inside the trained network."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers import validate
from helpers.checks._core import (
    Feedback,
    check_number,
    malformed,
    multiple_choice,
    right,
    unanswered,
    unanswered_function,
    uses,
    wrong,
)

WHY_BRITTLE_OPTIONS = ("a", "b", "c", "d")
WHY_BRITTLE = "b"


def _mixed_bins() -> tuple[np.ndarray, np.ndarray]:
    """Ten predictions whose bins are under- and overconfident: their gaps cancel when signed.

    Four at confidence 0.55, all right (underconfident by 0.45); two at 0.75, one right, and
    four at 0.95, two right (overconfident by 0.25 and 0.45). ECE 0.41; signed, -0.05.
    """
    conf = np.repeat([0.55, 0.75, 0.95], [4, 2, 4])
    probs = np.stack([conf, 1 - conf], axis=1)
    y = np.array([0, 0, 0, 0, 0, 1, 0, 0, 1, 1])
    return probs, y


def _ece_mistake(value: float, rows: list[dict[str, float]]) -> str | None:
    """Return what is wrong if ``value`` is a plausible wrong ECE of ``rows``, else None."""
    n = sum(r["count"] for r in rows)
    gaps = [r["accuracy"] - r["confidence"] for r in rows]
    weighted = [r["count"] * g for r, g in zip(rows, gaps, strict=True)]
    ece = sum(abs(w) for w in weighted) / n
    cancel = ("the absolute value |accuracy - confidence| belongs in each bin; without it, "
              "or with one for the total, over- and underconfident bins cancel.")
    mistakes = [
        (sum(weighted) / n, cancel),
        (-sum(weighted) / n, cancel),  # confidence - accuracy, or the absolute value of the sum
        (float(np.mean([abs(g) for g in gaps])), "that is the plain mean of the bins' gaps; "
                                                 "weight each by its share, count / N."),
        (ece * n, "that is the count-weighted sum, not yet divided by N, the number of "
                  "predictions."),
    ]
    if np.isclose(value, ece, rtol=1e-3, atol=1e-6):
        return None
    return next((message for wrong_value, message in mistakes
                 if np.isclose(value, wrong_value, rtol=1e-3, atol=1e-6)), None)


def calibration_error(answer: Any, probs: Any, y: Any, bins: int = 10) -> Feedback:
    """Check the ECE of ``probs``: a number, or a function of the reliability rows.

    A function is also tried on bins that are under- and overconfident, where a formula
    without the absolute value per bin gives another number.
    """
    from helpers.inspection import expected_calibration_error, reliability

    expected = expected_calibration_error(probs, y, bins)
    rows = reliability(probs, y, bins)
    formula = "sum over bins of count / N * |accuracy - confidence|."
    if callable(answer):
        return _calibration_function(answer, rows, expected, bins)
    value = validate.real_number(answer)
    if value is not None and (mistake := _ece_mistake(value, rows)) is not None:
        return wrong(f"{value:.6g} is not the ECE: {mistake}", formula)
    return check_number(answer, expected, what="the expected calibration error", rtol=1e-3,
                        atol=1e-6,
                        hint="per bin take |accuracy - confidence|, weight it by the bin's "
                             "count, add up, and divide by the number of images.")


def _calibration_function(fn: Any, rows: list[dict[str, float]], expected: float,
                          bins: int) -> Feedback:
    """Check a function ``ece(bins)`` on the lesson's rows and on mixed rows."""
    from helpers.inspection import expected_calibration_error, reliability

    if (todo := unanswered_function(fn, "your function of the bins")) is not None:
        return todo
    mixed = _mixed_bins()
    cases = [(rows, expected, "on the lesson's bins"),
             (reliability(*mixed, bins), expected_calibration_error(*mixed, bins),
              "on bins that are partly under- and partly overconfident")]
    for case_rows, want, where in cases:
        try:
            got = fn([dict(r) for r in case_rows])
        except Exception as error:  # the learner's code: report what it raised
            return malformed(f"your function raised {type(error).__name__}: {error} {where} "
                             "(a list of dicts with count, confidence and accuracy).")
        value = validate.real_number(got)
        if value is None:
            return malformed(f"your function should return one number, but it returned a "
                             f"{type(got).__name__}.")
        if np.isclose(value, want, rtol=1e-3, atol=1e-6):
            continue
        mistake = _ece_mistake(value, case_rows)
        return wrong(f"{where} your function gives {value:.6g}, not the ECE {want:.6g}"
                     f"{': ' + mistake if mistake else '.'}",
                     "sum over bins of count / N * |accuracy - confidence|.")
    return right(f"Correct: your function gives the expected calibration error, "
                 f"{expected:.6g} here, and also where over- and underconfidence would cancel.")


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


def _centre_box(image: np.ndarray, size: int = 28) -> np.ndarray:
    """Paste ``image`` into the middle of a ``size`` x ``size`` field (its box centred)."""
    out = np.zeros((size, size))
    h, w = image.shape
    top, left = (size - h) // 2, (size - w) // 2
    out[top:top + h, left:left + w] = image
    return out


def _preparation_mistakes(image: np.ndarray) -> list[tuple[np.ndarray, str, str]]:
    """Results of plausible wrong preparations of ``image``, with what is wrong and a hint."""
    from helpers import drawing as d

    steps = "crop_to_ink, then scale_to_box (box 20), then place_by_centre_of_mass."
    mistakes: list[tuple[Callable[[np.ndarray], np.ndarray], str, str]] = [
        (lambda im: d.place_by_centre_of_mass(d.scale_to_box(im)),
         "it scales the whole canvas, not the digit: crop_to_ink comes first.", steps),
        (lambda im: _centre_box(d.scale_to_box(d.crop_to_ink(im))),
         "it centres the digit's box; MNIST centres its centre of mass.",
         "finish with drawing.place_by_centre_of_mass."),
        (lambda im: d.place_by_centre_of_mass(d.crop_to_ink(im)),
         "the cropped digit is not scaled into the 20x20 box.", steps),
        *((lambda im, box=box: d.place_by_centre_of_mass(d.scale_to_box(d.crop_to_ink(im), box)),
           f"it scales the digit into a {box}x{box} box; MNIST's digits fit 20x20.",
           "scale_to_box(cropped, 20), or leave box at its default 20.")
          for box in (*range(8, 20), *range(21, 29))),
    ]
    out = []
    for mistake, message, hint in mistakes:
        try:
            out.append((mistake(image), message, hint))
        except ValueError:  # this mistake cannot even run on this drawing
            pass
    return out


def prepare_function(fn: Any) -> Feedback:
    """Check a function that prepares a drawing exactly as ``drawing.prepare_digit`` does."""
    from helpers import drawing

    if (todo := unanswered(fn, "your function mnist_like")) is not None:
        return todo
    if not callable(fn):
        return malformed(f"mnist_like should be a function (def mnist_like(image): ...), but "
                         f"you gave a {type(fn).__name__}.")
    if uses(fn, [drawing.prepare_digit]) is not None:
        return wrong("mnist_like uses drawing.prepare_digit, which does the whole preparation "
                     "for you.", "write it with the three steps: drawing.crop_to_ink, "
                     "drawing.scale_to_box and drawing.place_by_centre_of_mass.")
    for k, image in enumerate(_cases()):
        try:
            got = fn(image.copy())
        except Exception as error:  # the learner's code: report what it raised
            return wrong(f"mnist_like raised {type(error).__name__}: {error} on test drawing "
                         f"{k} of shape {image.shape}.",
                         "chain the three steps: crop_to_ink, then scale_to_box, then "
                         "place_by_centre_of_mass.")
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return malformed(f"mnist_like should return an image of numbers, but it returned a "
                             f"{type(got).__name__} for test drawing {k}.")
        if got.shape != (28, 28):
            return malformed(f"mnist_like should return a 28x28 image, got shape {got.shape} "
                             f"for test drawing {k}.")
        want = drawing.prepare_digit(image)
        if np.allclose(got, want, atol=1e-6):
            continue
        for result, message, hint in _preparation_mistakes(image):
            if np.allclose(got, result, atol=1e-6):
                return wrong(f"on test drawing {k} (shape {image.shape}) {message}", hint)
        return wrong(f"on test drawing {k} (shape {image.shape}) your image differs from "
                     f"MNIST's preparation by up to {np.abs(got - want).max():.3f}.",
                     "crop_to_ink, then scale_to_box (the longer side to 20), then "
                     "place_by_centre_of_mass, each on the result of the one before.")
    return right("Correct: cropped, scaled into 20x20 and centred by centre of mass, as "
                 "MNIST's digits were.")


def _whole_number(answer: Any) -> int | None:
    """Return a whole-number answer (int, whole float, one-element array) as an int, else None."""
    answer = validate.item(answer)
    if isinstance(answer, float | np.floating) and float(answer).is_integer():
        return int(answer)
    return int(answer) if validate.is_int(answer) else None


def first_shift_below_half(answer: Any, accuracy: Any) -> Feedback:
    """Check the smallest shift (pixels) at which the accuracy falls below one half."""
    if (todo := unanswered(answer, "the smallest shift below 50% accuracy")) is not None:
        return todo
    if not isinstance(accuracy, dict) or not accuracy or not all(
            validate.is_int(k) for k in accuracy):
        return malformed("pass the dict your sweep returned, e.g. accuracy = "
                         "inspection.shift_accuracy(network, x, y, range(9)).")
    if (shift := _whole_number(answer)) is None:
        return malformed(f"give the shift as a whole number of pixels, got "
                         f"{type(validate.item(answer)).__name__}: {answer!r:.40}.")
    answer = shift
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
    if accuracy[int(answer)] >= 0.5:
        return wrong(f"at {int(answer)} pixels the accuracy is {accuracy[int(answer)]:.1%}, "
                     "not yet below 50%.", "find the smallest shift whose accuracy is below 0.5.")
    return wrong(f"at {int(answer)} pixels the accuracy is below 50%, but it already is at a "
                 "smaller shift.", "find the smallest shift whose accuracy is below 0.5.")


why_brittle = multiple_choice(
    __name__, "why_brittle", WHY_BRITTLE, WHY_BRITTLE_OPTIONS,
    hint="look at the first layer's weight images again: each weight belongs to one "
         "pixel position. What happens to w . x when the ink moves to other pixels?",
    doc="Check the multiple-choice question on why a shift hurts the MLP.")
