"""Checks for lesson 07, Inside the trained network."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from helpers import validate
from helpers.checks._core import (
    Feedback,
    malformed,
    multiple_choice,
    not_a_function,
    right,
    unanswered,
    unanswered_function,
    uses,
    wrong,
)

WHY_BRITTLE_OPTIONS = ("a", "b", "c", "d")
WHY_BRITTLE = "b"


# Made-up predictions for exercise 1 (confidence, correct, bins, where). No confidence but 1.0
# lies on a bin edge, so every way of binning that puts 1.0 in the last bin (np.digitize,
# np.histogram, a loop over edges, closed on either side) gives the same bins.
ECE_CASES: list[tuple[list[float], list[int], int, str]] = [
    ([0.34, 0.52, 0.56, 0.58, 0.54, 0.51, 0.72, 0.78, 0.91, 0.93, 0.95, 0.97, 0.99, 1.0],
     [1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0], 10,
     "on 14 made-up predictions in 10 bins (2 bins underconfident, 2 overconfident, 6 empty)"),
    ([0.62, 0.66, 0.81, 0.93, 0.97, 1.0], [1, 0, 0, 1, 1, 1], 1, "with bins=1 (a single bin)"),
    ([0.3, 0.42, 0.45, 0.61, 0.66, 0.8, 0.86, 0.9, 0.95, 0.97, 0.99],
     [0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1], 4,
     "on 11 made-up predictions in 4 bins of 3, 2 and 6 predictions"),
]


def _bin_stats(conf: np.ndarray, correct: np.ndarray, bins: int, *, last_holds_one: bool = True
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return each non-empty bin's count, mean confidence, accuracy and middle.

    The bins are the lesson's: ``bins`` equal widths on [0, 1], the last one including 1.0
    (with ``last_holds_one=False``, 1.0 gets a bin of its own, a plausible mistake).
    """
    which = np.floor(conf * bins).astype(int)
    if last_holds_one:
        which = np.minimum(which, bins - 1)
    used = np.unique(which)
    count = np.array([(which == b).sum() for b in used], dtype=float)
    mean_conf = np.array([conf[which == b].mean() for b in used])
    accuracy = np.array([correct[which == b].mean() for b in used])
    return count, mean_conf, accuracy, (used + 0.5) / bins


def _ece(conf: np.ndarray, correct: np.ndarray, bins: int) -> float:
    """Return the ECE of predictions: sum over bins of n_b / N * |accuracy_b - confidence_b|."""
    count, mean_conf, accuracy, _ = _bin_stats(conf, correct, bins)
    return float(count @ np.abs(accuracy - mean_conf) / len(conf))


def _ece_mistakes(conf: np.ndarray, correct: np.ndarray, bins: int) -> list[tuple[float, str]]:
    """Return what plausible wrong ECE functions give on these predictions, and what is wrong."""
    n = len(conf)
    count, mean_conf, accuracy, middle = _bin_stats(conf, correct, bins)
    gap = accuracy - mean_conf
    weighted = float(count @ np.abs(gap))
    cancel = ("the absolute value |accuracy - confidence| belongs in each bin; without it, or "
              "with one around the total, over- and underconfident bins cancel.")
    plain = ("that is the plain mean of the bins' gaps; weight each bin by its share of the "
             "predictions, n_b / N, so that a bin with few predictions counts for little.")
    per_bin = "that divides by the number of bins; divide by N, the number of predictions."
    mistakes = [
        (float(count @ gap) / n, cancel), (-float(count @ gap) / n, cancel),
        (float(np.abs(gap).mean()), plain), (float(np.abs(gap).sum()) / bins, plain),
        (weighted / bins, per_bin), (weighted / len(count), per_bin),
        (weighted, "that is the count-weighted sum, not yet divided by N, the number of "
                   "predictions."),
        (float(np.abs(correct - conf).mean()),
         "that takes |correct - confidence| prediction by prediction; the ECE first averages "
         "each bin (its accuracy, its mean confidence), then takes |accuracy - confidence|."),
        (float(count @ np.abs(accuracy - middle)) / n,
         "that compares each bin's accuracy with the middle of the bin; use the mean "
         "confidence of the predictions in it."),
        (float(count @ gap ** 2) / n, "that squares the gaps; the ECE takes their absolute "
                                      "values."),
    ]
    if bins != 10:
        mistakes.append((_ece(conf, correct, 10), f"that is the ECE with 10 bins; use the "
                                                  f"argument bins ({bins} here)."))
    if (conf == 1.0).any():
        keep = conf < 1.0
        dropped = ("the predictions with confidence exactly 1.0 are left out; the last bin "
                   f"({1 - 1 / bins:.2g}-1.0) includes 1.0, as in inspection.reliability.")
        c_in, m_in, a_in, _ = _bin_stats(conf[keep], correct[keep], bins)
        own = _bin_stats(conf, correct, bins, last_holds_one=False)
        mistakes += [
            (float(c_in @ np.abs(a_in - m_in)) / n, dropped),
            (_ece(conf[keep], correct[keep], bins), dropped),
            (float(own[0] @ np.abs(own[2] - own[1])) / n,
             "the predictions with confidence exactly 1.0 get a bin of their own; the last "
             f"bin ({1 - 1 / bins:.2g}-1.0) includes 1.0, as in inspection.reliability."),
        ]
    return mistakes


def _close(a: float, b: float) -> bool:
    """Return whether two ECE values agree (to 0.01%, so float32 sums pass)."""
    return bool(np.isclose(a, b, rtol=1e-4, atol=1e-9))


def _judge_ece(value: Any, want: float, conf: np.ndarray, correct: np.ndarray, bins: int,
               where: str) -> Feedback | None:
    """Return feedback if ``value`` (the learner's result ``where``) is not ``want``, else None."""
    number = validate.real_number(value)
    if number is None:
        return malformed(f"ece should return one number, but {where} it returned a "
                         f"{type(value).__name__}: {value!r:.60}.")
    if _close(number, want):
        return None
    formula = "sum over bins of n_b / N * |accuracy_b - confidence_b|."
    if np.isnan(number):
        empty = bins - len(_bin_stats(conf, correct, bins)[0])
        why = (f"; {empty} of the {bins} bins are empty here, and the mean of no predictions is "
               "nan" if empty else "")
        return wrong(f"{where} your ece returns nan, not {want:.6g}{why}.",
                     "skip the bins without predictions (their weight n_b / N is 0).")
    mistake = next((m for v, m in _ece_mistakes(conf, correct, bins) if _close(number, v)), None)
    return wrong(f"{where} your ece gives {number:.6g}, not the ECE {want:.6g}"
                 f"{': ' + mistake if mistake else '.'}", formula)


def _call_quietly(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a learner's function with NumPy's warnings (a mean of nothing) kept off stderr."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args)


def calibration_error(fn: Any, network_ece: Any, probs: Any, y: Any) -> Feedback:
    """Check ``ece(confidence, correct, bins=10)`` on made-up predictions, then on the network.

    The made-up predictions mix under- and overconfident bins of different sizes, with empty
    bins, and one case has a single bin, so the usual slips (no absolute value per bin, an
    unweighted mean, dividing by the number of bins) each give another number, and are named.
    ``network_ece`` is the learner's ``ece`` applied to the network's test predictions.
    """
    from helpers import inspection

    if (todo := unanswered_function(fn, "your code for the body of ece")) is not None:
        return todo
    if (problem := not_a_function(fn, "ece")) is not None:
        return problem
    try:
        inspect.signature(fn).bind(np.zeros(1), np.zeros(1, bool), 10)
    except TypeError:
        return malformed("ece should take three arguments: def ece(confidence, correct, "
                         "bins=10).")
    except ValueError:  # a callable without a signature Python can read: just try it
        pass
    if (used := uses(fn, [inspection.expected_calibration_error, inspection.reliability])):
        return wrong(f"ece calls inspection.{used.__name__}, which does the binning for you.",
                     "sort the predictions into bins yourself, e.g. with "
                     "np.minimum((confidence * bins).astype(int), bins - 1).")
    probs = np.asarray(probs, dtype=np.float64)
    network = (probs.max(axis=1), probs.argmax(axis=1) == np.asarray(y), 10,
               f"on the network's {len(probs):,} test predictions")
    cases = [(np.array(c, dtype=float), np.array(r, dtype=bool), b, where)
             for c, r, b, where in ECE_CASES] + [network]
    for conf, correct, bins, where in cases:
        want = _ece(conf, correct, bins)
        try:
            got = _call_quietly(fn, conf.copy(), correct.copy(), bins)
        except Exception as error:  # the learner's code: report what it raised
            return wrong(f"{where} your ece raised {type(error).__name__}: {error}.",
                         "a bin without predictions has no mean: skip it (its weight n_b / N "
                         "is 0); and the last bin includes a confidence of exactly 1.0.")
        if (feedback := _judge_ece(got, want, conf, correct, bins, where)) is not None:
            return feedback
    want = inspection.expected_calibration_error(probs, y)
    if (todo := unanswered(network_ece, "ece(probs.max(axis=1), y_pred == y_test)")) is not None:
        return Feedback(False, todo.message.replace("Not answered yet:", "Your ece is right. "
                                                    "Not answered yet:"), todo.kind)
    value = validate.real_number(network_ece)
    if value is None:
        return malformed(f"network_ece should be one number, ece(probs.max(axis=1), y_pred == "
                         f"y_test), but it is a {type(network_ece).__name__}.")
    if not _close(value, want):
        return wrong(f"your ece is right, but network_ece = {value:.6g} is not what it gives on "
                     f"the network's test predictions, {want:.6g}.",
                     "network_ece = ece(probs.max(axis=1), y_pred == y_test): the top "
                     "probability of each prediction, and whether it is right.")
    return right(f"Correct: on the network's test predictions your ece gives {want:.4f}, the "
                 "expected calibration error printed above; it is also right on made-up "
                 "predictions with under- and overconfident bins, empty bins and a single bin.")


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


SHIFT_LEVEL = 0.25  # exercise 3: the smallest shift with an accuracy below 25% (guessing: 10%)


def first_shift_below_quarter(answer: Any, accuracy: Any) -> Feedback:
    """Check the smallest shift (pixels) at which the accuracy falls below 25%."""
    level = f"{SHIFT_LEVEL:.0%}"
    hint = f"find the smallest shift whose accuracy is below {SHIFT_LEVEL}."
    if (todo := unanswered(answer, f"the smallest shift below {level} accuracy")) is not None:
        return todo
    if not isinstance(accuracy, dict) or not accuracy or not all(
            validate.is_int(k) for k in accuracy):
        return malformed("pass the dict your sweep returned, e.g. further = "
                         "inspection.shift_accuracy(network, x, y, range(9)).")
    if (shift := _whole_number(answer)) is None:
        return malformed(f"give the shift as a whole number of pixels, got "
                         f"{type(validate.item(answer)).__name__}: {answer!r:.40}.")
    below = [s for s in sorted(accuracy) if accuracy[s] < SHIFT_LEVEL]
    if not below:
        return wrong(f"no shift in your sweep ({min(accuracy)}..{max(accuracy)} pixels) drops "
                     f"below {level}.", "sweep further, e.g. range(9).")
    first = below[0]
    if shift == first:
        return right(f"Correct: at {first} pixels the accuracy is {accuracy[first]:.1%} (a "
                     "guess would be right 10% of the time); a digit moved that far is mostly "
                     "new pixels to the first layer.")
    if shift not in accuracy:
        return malformed(f"{shift} is not one of the shifts you swept: {sorted(accuracy)}.")
    if accuracy[shift] >= SHIFT_LEVEL:
        return wrong(f"at {shift} pixels the accuracy is {accuracy[shift]:.1%}, not yet below "
                     f"{level}.", hint)
    return wrong(f"at {shift} pixels the accuracy is below {level}, but it already is at a "
                 "smaller shift.", hint)


why_brittle = multiple_choice(
    __name__, "why_brittle", WHY_BRITTLE, WHY_BRITTLE_OPTIONS,
    hint="look at the first layer's weight images again: each weight belongs to one "
         "pixel position. What happens to w . x when the ink moves to other pixels?",
    doc="Check the multiple-choice question on why a shift hurts the MLP.")
