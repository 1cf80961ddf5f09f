"""Checks for lesson 07, Inside the trained network."""

from __future__ import annotations

import hashlib
import inspect
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers import validate
from helpers.checks._core import (
    Feedback,
    a_type_name,
    check_choice,
    choice_question,
    malformed,
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
     "on 11 made-up predictions in 4 bins (one empty, the others holding 3, 2 and 6)"),
]


def _bin_stats(conf: np.ndarray, correct: np.ndarray, bins: int, *, last_holds_one: bool = True,
               rounded: bool = False, drop_last: bool = False
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return each non-empty bin's count, mean confidence, accuracy and middle.

    The bins are the lesson's: ``bins`` equal widths on [0, 1], the last one including 1.0.
    Plausible mistakes: ``last_holds_one=False`` gives 1.0 a bin of its own; ``rounded`` rounds
    ``confidence * bins`` to the nearest bin index instead of rounding it down; with
    ``drop_last`` the index ``bins`` (past the last bin) is left out, as a loop over
    ``range(bins)`` does.
    """
    which = (np.round(conf * bins) if rounded else np.floor(conf * bins)).astype(int)
    if last_holds_one:
        which = np.minimum(which, bins - 1)
    used = np.unique(which)
    if drop_last:
        used = used[used < bins]
    count = np.array([(which == b).sum() for b in used], dtype=float)
    mean_conf = np.array([conf[which == b].mean() for b in used])
    accuracy = np.array([correct[which == b].mean() for b in used])
    return count, mean_conf, accuracy, (used + 0.5) / bins


def _ece(conf: np.ndarray, correct: np.ndarray, bins: int) -> float:
    """Return the ECE of predictions: sum over bins of n_b / N * |accuracy_b - confidence_b|."""
    count, mean_conf, accuracy, _ = _bin_stats(conf, correct, bins)
    return float(count @ np.abs(accuracy - mean_conf) / len(conf))


def _gap_sum(conf: np.ndarray, correct: np.ndarray, which: np.ndarray, keep: np.ndarray) -> float:
    """Return the sum of n_b * |accuracy_b - confidence_b| / N over the bins of ``keep``."""
    which, gap = which[keep], correct[keep].astype(float) - conf[keep]
    return float(np.abs(np.bincount(which, weights=gap)).sum() / len(conf)) if keep.any() else 0.0


def _edges_ece(conf: np.ndarray, correct: np.ndarray, edges: np.ndarray) -> float:
    """Return the ECE with bins between ``edges``, the last one closed, as np.histogram has them."""
    if len(edges) < 2:  # a single edge makes no bin: np.histogram counts nothing
        return 0.0
    which = np.minimum(np.searchsorted(edges, conf, side="right") - 1, len(edges) - 2)
    return _gap_sum(conf, correct, np.maximum(which, 0), (conf >= edges[0]) & (conf <= edges[-1]))


def _binning_mistakes(conf: np.ndarray, correct: np.ndarray, bins: int) -> list[tuple[float, str]]:
    """Return what ECE functions with wrong bin edges give, and what is wrong."""
    low, high = float(conf.min()), float(conf.max())
    data_edges = np.linspace(low, high, bins + 1) if high > low else np.linspace(
        low - 0.5, high + 0.5, bins + 1)  # np.histogram's range for data of one value
    which = np.minimum(np.floor(conf * bins), bins - 1).astype(int)
    return [
        (_edges_ece(conf, correct, data_edges),
         "that spreads the bins from the smallest confidence to the largest, as np.histogram "
         "does unless you pass range=(0, 1); the bins divide 0 to 1 into equal widths."),
        (_edges_ece(conf, correct, np.linspace(0, 1, bins)),
         "np.linspace(0, 1, bins) makes bins - 1 bins: the edges are np.linspace(0, 1, "
         "bins + 1)."),
        (_gap_sum(conf, correct, which, which < bins - 1),
         f"that leaves the top bin ({1 - 1 / bins:.2g}-1.0) out, so some predictions are in no "
         "bin: the n_b must add up to N (np.digitize counts its bins from 1, not 0)."),
    ]


def _ece_mistakes(conf: np.ndarray, correct: np.ndarray, bins: int) -> list[tuple[float, str]]:
    """Return what plausible wrong ECE functions give on these predictions, and what is wrong.

    The list has the same mistakes in the same order for any predictions, so that a mistake is
    named only if it gives the learner's number on every case.
    """
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
        (abs(float(count @ gap)) / n, cancel),
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
        (100 * weighted / n, "that is the ECE in percent (times 100); return it as a fraction, "
                             "as inspection.expected_calibration_error does."),
    ]
    rounding = ("that rounds confidence * bins to the nearest bin; a bin holds the confidences "
                "from its lower edge up to the next one, so round down: np.floor, or .astype(int).")
    for options in ({}, {"last_holds_one": False}, {"last_holds_one": False, "drop_last": True}):
        r_count, r_conf, r_acc, _ = _bin_stats(conf, correct, bins, rounded=True, **options)
        mistakes.append((float(r_count @ np.abs(r_acc - r_conf)) / n, rounding))
    mistakes.append((_ece(conf, correct, 10), f"that is the ECE with 10 bins; use the "
                                              f"argument bins ({bins} here)."))
    keep = (conf < 1.0) | (conf == 1.0).all()  # without a confidence of 1.0: the ECE itself
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
    return mistakes + _binning_mistakes(conf, correct, bins)


def _close(a: float, b: float) -> bool:
    """Return whether two ECE values agree (to 0.01%, so float32 sums pass)."""
    return bool(np.isclose(a, b, rtol=1e-4, atol=1e-9))


def _returned(value: Any) -> str:
    """Return what a learner's function returned, in words, for a message: one line, short."""
    if value is None:
        return "None: is the return missing?"
    return f"{a_type_name(value)}: {' '.join(repr(value).split()):.60}."


def _raised(error: Exception) -> str:
    """Return an exception as 'ValueError: what it says', without a trailing full stop."""
    return f"{type(error).__name__}: {str(error).rstrip('.')}"


@dataclass(frozen=True)
class _EceCase:
    """One case of exercise 1: the predictions, the ECE, and what the learner's ece gave."""

    conf: np.ndarray
    correct: np.ndarray
    bins: int
    where: str
    want: float
    got: Any  # the learner's result, or the exception it raised



def _number_after_right_function(value: Any, name: str, fn_name: str,
                                 call: str) -> tuple[float | None, Feedback | None]:
    """Return (value as a float, None), or (None, feedback) when it is unanswered or malformed."""
    if (todo := unanswered(value, call)) is not None:
        return None, Feedback(False, todo.message.replace(
            "Not answered yet:", f"Your {fn_name} is right. Not answered yet:"), todo.kind)
    number = validate.real_number(value)
    if number is None:
        return None, malformed(f"{name} should be one number, {call}, but it is "
                               f"{a_type_name(value)}.")
    return number, None

def _shared_mistake(case: _EceCase, cases: list[_EceCase]) -> str | None:
    """Return the mistake that gives the learner's number on every case that gave one, if any.

    A mistake named from one case alone can be a coincidence of values; on all of them it is not.
    Signs are ignored: every mistake's value is a size, except that without the absolute value
    per bin the sign depends on how the learner subtracts.
    """
    numbers = [(abs(x), _ece_mistakes(c.conf, c.correct, c.bins)) for c in cases
               if not isinstance(c.got, Exception)
               and (x := validate.real_number(c.got)) is not None and not np.isnan(x)]
    mine = _ece_mistakes(case.conf, case.correct, case.bins)  # worded for the case judged
    return next((message for k, (_, message) in enumerate(mine)
                 if all(_close(x, mistakes[k][0]) for x, mistakes in numbers)), None)


def _judge_ece(case: _EceCase, cases: list[_EceCase]) -> Feedback | None:
    """Return feedback if the learner's result on ``case`` is not the ECE, else None."""
    where, want = case.where, case.want
    if isinstance(case.got, Exception):
        return wrong(f"{where} your ece raised {_raised(case.got)}.", _ece_error_hint(case.got))
    number = validate.real_number(case.got)
    if number is None:
        return malformed(f"ece should return one number, but {where} it returned "
                         f"{_returned(case.got)}")
    if _close(number, want):
        return None
    if np.isnan(number):
        empty = case.bins - len(_bin_stats(case.conf, case.correct, case.bins)[0])
        why = (f"; {empty} of the {case.bins} bins are empty here, and the mean of no "
               "predictions is nan" if empty else "")
        return wrong(f"{where} your ece returns nan, not {want:.6g}{why}.",
                     "skip the bins without predictions (their weight n_b / N is 0).")
    mistake = _shared_mistake(case, cases)
    return wrong(f"{where} your ece gives {number:.6g}, not the ECE {want:.6g}"
                 f"{': ' + mistake if mistake else '.'}",
                 "sum over bins of n_b / N * |accuracy_b - confidence_b|.")


def _ece_error_hint(error: Exception) -> str:
    """Return a hint for what a learner's ece raised: empty bins and 1.0 only where they fit."""
    if isinstance(error, np.exceptions.AxisError):  # also an IndexError: test it first
        return ("confidence is already one number per prediction (the top probability), a 1-D "
                "array with no axis 1: the top probability is taken outside ece, as in "
                "ece(probs.max(axis=1), y_pred == y_test).")
    if isinstance(error, ZeroDivisionError):
        return "a bin without predictions has no mean: skip it (its weight n_b / N is 0)."
    if isinstance(error, IndexError):
        return ("a confidence of exactly 1.0 gives the bin index bins, one past the last bin: "
                "the last bin includes 1.0 (np.minimum(index, bins - 1)); and an empty bin has "
                "no first element.")
    return ("ece gets confidence, a 1-D array of top probabilities, correct, a 1-D array of "
            "True and False of the same length, and bins, an int; the error names the line "
            "that failed.")


def _call_quietly(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a learner's function with NumPy's warnings (a mean of nothing) kept off stderr."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args)


def _try(fn: Callable[..., Any], *args: Any) -> Any:
    """Return what a learner's function returns quietly, or the exception it raised."""
    try:
        return _call_quietly(fn, *args)
    except Exception as error:  # the learner's code: the check reports what it raised
        return error


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
    inputs = [(np.array(c, dtype=float), np.array(r, dtype=bool), b, where)
              for c, r, b, where in ECE_CASES] + [network]
    cases = [_EceCase(conf, correct, bins, where, _ece(conf, correct, bins),
                      _try(fn, conf.copy(), correct.copy(), bins))
             for conf, correct, bins, where in inputs]
    for case in cases:
        if (feedback := _judge_ece(case, cases)) is not None:
            return feedback
    want = inspection.expected_calibration_error(probs, y)
    value, problem = _number_after_right_function(
        network_ece, "network_ece", "ece", "ece(probs.max(axis=1), y_pred == y_test)")
    if problem is not None:
        return problem
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
                         f"you gave {a_type_name(fn)}.")
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
            return malformed(f"mnist_like should return an image of numbers, but it returned "
                             f"{a_type_name(got)} for test drawing {k}.")
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


def _pixels(shifts: list[int]) -> str:
    """Return shifts as words: '5', '1 and 3', '1, 3, 5 and 7'."""
    words = [str(s) for s in shifts]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _read_sweep(accuracy: Any) -> dict[int, float] | Feedback:
    """Return the learner's sweep as {shift: accuracy}, sorted, or the feedback on its form."""
    if not isinstance(accuracy, dict) or not accuracy:
        return malformed("pass the dict your sweep returned, {shift: accuracy}, as "
                         "inspection.shift_accuracy returns it.")
    shifts = {k: _whole_number(k) for k in accuracy}
    if (odd := next((k for k, s in shifts.items() if s is None), None)) is not None:
        return malformed(f"the shifts (the dict's keys) should be whole numbers of pixels, as "
                         f"inspection.shift_accuracy returns them; got {odd!r:.40}.")
    values = {shifts[k]: validate.real_number(v) for k, v in accuracy.items()}
    if any(v is None for v in values.values()):
        return malformed("the accuracies in your dict should be numbers, as "
                         "inspection.shift_accuracy returns them.")
    sweep = dict(sorted(values.items()))
    if max(sweep.values()) > 1:  # 97.65 for 97.65%: a percentage, not a fraction
        first = next(iter(sweep))
        return malformed(f"your accuracies look like percentages ({sweep[first]:g} at "
                         f"{first} pixels); keep the fractions inspection.shift_accuracy "
                         f"returns ({sweep[first] / 100:.4g}), or divide by 100.")
    return sweep


UNMOVED_LEVEL = 0.9  # below this at 0 pixels, a sweep is not the accuracy of the lesson's network


def _implausible_sweep(sweep: dict[int, float]) -> Feedback | None:
    """Return feedback if the sweep cannot be the lesson's network's accuracies, else None."""
    error_rate = ("is that the error rate? Keep the accuracy, the share of images read right "
                  "(1 - the error rate), as inspection.shift_accuracy returns it.")
    if 0 in sweep and sweep[0] < UNMOVED_LEVEL:
        return wrong(f"at 0 pixels (nothing moved) your sweep gives {sweep[0]:.1%}, but the "
                     "network reads about 98% of the unmoved test images right (section "
                     "\"Where the network is brittle\").",
                     error_rate if sweep[0] < 0.5 else
                     "measure the lesson's network on the first 2,000 test images and their "
                     "labels.")
    low, high = min(sweep), max(sweep)
    if sweep[high] > sweep[low] + 0.25:  # a real sweep falls: moved digits are read worse
        return wrong(f"your numbers grow with the shift, from {sweep[low]:.1%} at a shift of "
                     f"{low} to {sweep[high]:.1%} at {high} pixels, but moving the digits costs "
                     "accuracy.",
                     error_rate)
    return None


def first_shift_below_quarter(answer: Any, accuracy: Any) -> Feedback:
    """Check the smallest shift (pixels) at which the accuracy falls below 25%."""
    level = f"{SHIFT_LEVEL:.0%}"
    hint = f"find the smallest shift whose accuracy is below {level}."
    if (todo := unanswered(answer, f"the smallest shift below {level} accuracy")) is not None:
        return todo
    if (todo := unanswered(accuracy, "the accuracies of your sweep, {shift: accuracy}")
            ) is not None:
        return todo
    if isinstance(sweep := _read_sweep(accuracy), Feedback):
        return sweep
    if (feedback := _implausible_sweep(sweep)) is not None:
        return feedback
    if (shift := _whole_number(answer)) is None:
        return malformed(f"give the shift as a whole number of pixels, got "
                         f"{type(validate.item(answer)).__name__}: {answer!r:.40}.")
    if shift < 1:
        return malformed(f"give a shift of at least 1 pixel (at 0 pixels nothing has moved), "
                         f"got {shift}.")
    below = [s for s in sweep if sweep[s] < SHIFT_LEVEL]
    if not below:
        return wrong(f"no shift in your sweep ({min(sweep)}..{max(sweep)} pixels) drops "
                     f"below {level}.", "sweep further, e.g. range(9).")
    first = below[0]
    if any(s not in sweep for s in range(1, first)):  # range(0, 9, 2) jumps over shifts
        skipped = [s for s in range(1, max(sweep)) if s not in sweep]
        return wrong(f"your sweep skips {_pixels(skipped)} pixels, and its first shift below "
                     f"{level} is {first} pixels: a shift it skipped may already fall below.",
                     "sweep every whole shift from 0 to 8 pixels: shifts=range(9).")
    if shift == first:
        return right(f"Correct: at {first} pixels the accuracy is {sweep[first]:.1%} (a "
                     "guess would be right 10% of the time). The moved ink meets first-layer "
                     "weights trained for other positions.")
    if shift not in sweep:
        return malformed(f"{shift} is not one of the shifts you swept: {sorted(sweep)}.")
    if sweep[shift] >= SHIFT_LEVEL:
        return wrong(f"at {shift} pixels the accuracy is {sweep[shift]:.1%}, not yet below "
                     f"{level}.", hint)
    return wrong(f"at {shift} pixels the accuracy is below {level}, but it already is at a "
                 "smaller shift.", hint)


# One hint per wrong option. Each asks about the lesson's evidence against that option and
# none quotes or paraphrases b or gives its distances: after one wrong try, matching the
# hint's words to an option must not be enough to reach b.
WHY_BRITTLE_HINTS = {
    "a": "what in an MLP's weights could mark the middle of the image? The network learns "
         "only from the images it is trained on: where did this one's training digits sit?",
    "c": "what in the network could have learned that digits move? Every training digit "
         "was moved the same way: did the network ever see one digit in two places?",
    "d": "in the table of section \"Where the network is brittle\", did a move of 1 pixel "
         "cost as much as a move of 4? And has the accuracy stopped falling by 4 pixels, or "
         "is it still falling steeply there?",
}
WHY_BRITTLE_REASON = ("Its first layer learned where the moved training digits had their ink, "
                      "and the accuracy falls pixel by pixel with the distance from there: 0 "
                      "pixels for the right-moved copy, 3 for the unmoved one and 6 for the "
                      "left-moved one.")


def _letter_in(answer: str, options: tuple[str, ...]) -> str | None:
    """Return the option letter in an answer like "(b)", "b)", "B." or "'b'", else None.

    Only a single letter wrapped in brackets, quotes or punctuation counts: "ab" and "e." do not.
    """
    letter = answer.strip().strip("()[]{}'\"`.,:;!?* ").lower()
    return letter if letter in options and letter != answer.strip().lower() else None


@choice_question(WHY_BRITTLE_OPTIONS)
def why_brittle(answer: Any) -> Feedback:
    """Check the multiple-choice question on an MLP trained on digits moved 3 pixels right."""
    options = WHY_BRITTLE_OPTIONS
    if isinstance(answer, str) and (letter := _letter_in(answer, options)) is not None:
        return malformed(f"{str(answer)!r} is not one of the options {', '.join(options[:-1])} "
                         f"or {options[-1]}: give just the letter, as in answer = "
                         f"\"{letter}\".")
    feedback = check_choice(answer, WHY_BRITTLE, options=options)
    if feedback.kind == "right":
        return right(f"Correct: {WHY_BRITTLE}. {WHY_BRITTLE_REASON}")
    if feedback.kind == "wrong":
        letter = answer.strip().lower()
        return wrong(f"'{answer.strip()}' is not the best choice.", WHY_BRITTLE_HINTS[letter])
    return feedback


# --- exercise 5: fit the temperature yourself -------------------------------------------------

# Made-up logits for exercise 5 (true T, seed, what they are). Labels are drawn from softmax(z)
# of base logits z, so z itself is calibrated (its best T is near 1); the logits given are
# z * true T, whose best T is near true T. One case lies below 1 and two above, so a search
# that stops short on either side of 1 misses one of them.
TEMPERATURE_CASES: list[tuple[float, int, str]] = [
    (0.5, 1, "made-up logits of a network that claims too little"),
    (2.5, 2, "made-up logits of an overconfident network"),
    (4.0, 3, "made-up logits of a network more overconfident still"),
]
# How close a learner's T must come to inspection.fit_temperature's. The NLL has one lowest
# point and fit_temperature's grid steps are 1% apart, so its T lies within one step (1%) of
# the exact minimum; an exact search (golden section, bisection on the slope) or a grid as fine
# as the lesson's lands within 1% of the minimum too. 2% accepts both, and the NLL is flat there
# (2% off raises it by about 0.0001). A grid with steps over about 4% can miss by more than 2%,
# depending on where its values fall, and is then told so.
T_RTOL = 0.02
WIDE_GRID = np.geomspace(0.005, 50.0, 1601)  # where plausible mistakes end up (steps of 0.6%)


@dataclass(frozen=True)
class _Fit:
    """One case of exercise 5: the logits, the labels, the learner's T and the lesson's T."""

    where: str
    logits: np.ndarray
    y: np.ndarray
    got: float
    want: float


def _made_up_logits(true_T: float, seed: int, n: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Return made-up logits of ``n`` images, lowest NLL near T = ``true_T``, and their labels."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 10)) * rng.choice([2.0, 5.0, 10.0], size=(n, 1))
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    y = (p.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)  # each label drawn from p
    return z * true_T, y


def _same_T(a: float, b: float) -> bool:
    """Return whether two temperatures agree within ``T_RTOL``."""
    return bool(np.isclose(a, b, rtol=T_RTOL, atol=0.0))


_FITTED: dict[tuple[Any, ...], float] = {}  # inspection.fit_temperature's T, by content


def _fitted_T(logits: np.ndarray, y: np.ndarray) -> float:
    """Return ``inspection.fit_temperature(logits, y)``, computed once for the same arrays."""
    from helpers import inspection

    logits, y = np.ascontiguousarray(logits), np.ascontiguousarray(y)
    key = (logits.shape, logits.dtype.str, hashlib.sha256(logits).hexdigest(), y.dtype.str,
           hashlib.sha256(y).hexdigest())
    if key not in _FITTED:
        if len(_FITTED) >= 16:  # a notebook's few arrays, or a test run's: keep it small
            _FITTED.clear()
        _FITTED[key] = inspection.fit_temperature(logits, y)
    return _FITTED[key]


def _nll_curve(logits: np.ndarray, y: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Return the NLL of softmax(logits / T) for each T of ``grid``, 64 temperatures at a time."""
    out = []
    rows = np.arange(len(y))
    for start in range(0, len(grid), 64):
        z = logits[None] / grid[start:start + 64, None, None]
        z = z - z.max(axis=2, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=2, keepdims=True))
        out.append(-log_p[:, rows, y].mean(axis=1))
    return np.concatenate(out)


def _lowest(logits: np.ndarray, y: np.ndarray, grid: np.ndarray = WIDE_GRID) -> float:
    """Return the T on ``grid`` with the lowest NLL; unlike fit_temperature, the edge is allowed."""
    return float(grid[int(np.argmin(_nll_curve(logits, y, grid)))])


def _overflows(logits: np.ndarray, t: float) -> bool:
    """Return whether softmax(logits / t) without subtracting the row's largest value is nan."""
    with np.errstate(all="ignore"):
        e = np.exp(logits / t)
        return bool(np.isnan(e / e.sum(axis=1, keepdims=True)).any())


def _ece_curve(logits: np.ndarray, y: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Return the ECE (10 bins) of softmax(logits / T) for each T of ``grid``."""
    d = logits - logits.max(axis=1, keepdims=True)
    correct = (d.argmax(axis=1) == y).astype(float)  # T > 0 never changes the digit
    out = []
    for start in range(0, len(grid), 64):
        conf = 1 / np.exp(d[None] / grid[start:start + 64, None, None]).sum(axis=2)  # top p
        which = np.minimum((conf * 10).astype(int), 9) + 10 * np.arange(len(conf))[:, None]
        gaps = np.bincount(which.ravel(), weights=(correct - conf).ravel(),
                           minlength=10 * len(conf))  # per bin: n_b * (accuracy - confidence)
        out.append(np.abs(gaps).reshape(-1, 10).sum(axis=1) / len(y))
    return np.concatenate(out)


ABOVE_ZERO = ("Start a grid above 0 (np.geomspace(0.05, 20, 601)), bound an optimiser "
              "(bounds=(0.05, 20), method='bounded') or search over log T.")
T_ZERO = "T must be above 0: at T = 0, logits / 0 is inf and the NLL nan. " + ABOVE_ZERO
GRID_HINT = ("let the search reach past the lowest NLL on both sides of 1, e.g. "
             "np.geomspace(0.05, 20, 601).")
TRUE_DIGIT = "log_p[np.arange(len(labels)), labels]"  # the true digit's log-probability per row


def _fit_error_hint(error: Exception) -> str:
    """Return a hint for what a learner's fit_T raised, fitting the exception."""
    if isinstance(error, ValueError) and "temperature" in str(error):  # inspection.nll's check
        return T_ZERO
    if isinstance(error, ZeroDivisionError):
        return "a division by zero: was T = 0 tried? " + ABOVE_ZERO
    if isinstance(error, IndexError):
        return ("logits is an (N, 10) array, one row of ten logits per image, and labels an "
                f"array of N digits; the true digit's log-probability of each row is {TRUE_DIGIT}.")
    return ("fit_T gets logits, an (N, 10) array, and labels, an array of N digits, and returns "
            "one number; the error names the line that failed.")


def _optimiser_x(value: Any) -> float | None:
    """Return ``value.x`` as a number if ``value`` looks like an optimiser's result, else None."""
    try:
        return validate.real_number(getattr(value, "x", None))
    except Exception:  # a learner's object whose attribute lookup fails in its own way
        return None


def _read_temperature(value: Any, where: str, want: float) -> float | Feedback:
    """Return the learner's result as a float T > 0, or the feedback that says what is off."""
    number = validate.real_number(value)
    if number is None:
        if _optimiser_x(value) is not None:  # scipy's OptimizeResult, for one
            return malformed(f"fit_T should return one number, the temperature T, but {where} it "
                             f"returned an optimiser's result ({type(value).__name__}): return "
                             "its .x, the T it found.")
        return malformed(f"fit_T should return one number, the temperature T, but {where} it "
                         f"returned {_returned(value)}")
    if np.isnan(number):
        return wrong(f"{where}, your fit_T returns nan, not a temperature.",
                     "a nan NLL can win the search (np.argmin returns the first nan). The usual "
                     "causes: trying T = 0 or below (logits / 0 is inf), or exp(logits / T) "
                     "overflowing when each row's largest logit is not subtracted first (lesson "
                     "03's stable softmax). Search T > 0 only: np.geomspace(0.05, 20, 601), "
                     "bounds=(0.05, 20) with method='bounded', or a search over log T.")
    if np.isinf(number):
        return wrong(f"{where}, your fit_T returns {number}, not a temperature.",
                     "keep the search within bounds, e.g. T from 0.05 to 20.")
    if number <= 0:
        return malformed(f"fit_T should return a temperature T > 0, but {where} it returned "
                         f"{number:.4g}. {_why_not_positive(number, want)}")
    return number


def _why_not_positive(number: float, want: float) -> str:
    """Return why a learner's fit_T may have returned ``number`` <= 0, and what to do instead."""
    if np.isclose(number, np.log(want), rtol=T_RTOL):
        return "That is log T: if you searched over log T, return np.exp of it."
    if number == 0:
        return ("T = 0 is no temperature: if your search tried it, logits / 0 is inf, its NLL "
                "nan, and np.argmin returns the position of the first nan. " + ABOVE_ZERO)
    return ABOVE_ZERO


def _span(fits: list[_Fit]) -> str:
    """Return the range of the cases' lowest-NLL temperatures, e.g. 'T = 0.523 to 3.93'."""
    wants = [f.want for f in fits]
    return f"T = {min(wants):.3g} to {max(wants):.3g}"


def _minimises_ece(fits: list[_Fit]) -> bool:
    """Return whether on every case the learner's T has nearly the lowest ECE on WIDE_GRID.

    "Nearly": at most 60% of the way from the lowest ECE to the ECE at the NLL's T, or within 10%
    of the lowest (ECE minimisers on other grids land there), so that a T near the NLL's passes
    only on cases where the NLL's T is nearly ECE-optimal itself; the made-up cases are not.
    """
    for f in fits:
        lowest = _ece_curve(f.logits, f.y, WIDE_GRID).min()
        at_got, at_want = _ece_curve(f.logits, f.y, np.array([f.got, f.want]))
        if at_got > max(lowest + 0.6 * (at_want - lowest), 1.1 * lowest):
            return False
    return True


def _wrong_loss(fits: list[_Fit], first: _Fit) -> Feedback | None:
    """Return feedback if the learner's temperatures point to a loss other than the NLL."""
    from helpers import inspection

    t = fits[0].got
    same = all(np.isclose(f.got, t, rtol=1e-9) for f in fits)
    if same and t >= 10 and all(t > f.want for f in fits):
        return wrong(f"your fit_T gives T = {t:.3g} on every case, though the lowest NLL lies far "
                     f"below it ({_span(fits)}). If your search reaches below {t:.3g}, the loss "
                     "it minimises keeps falling as T grows, which the NLL does not.",
                     f"the NLL takes the true digit's log-probability of each row, {TRUE_DIGIT} "
                     "(lesson 04's cross_entropy); log_p[:, labels] and log_p[labels] take other "
                     "entries too.")
    if same and t <= 0.1 * (1 + 1e-9) and all(
            t < f.want and inspection.nll(f.logits, f.y, t) > inspection.nll(f.logits, f.y)
            for f in fits):
        return wrong(f"your fit_T gives T = {t:.3g} on every case, far below the lowest NLL "
                     f"({_span(fits)}), where the NLL is higher than at T = 1. Either it keeps "
                     "the highest NLL, or it minimises a loss that keeps falling as T shrinks, "
                     "such as -log of the top probability.",
                     "keep the T of the lowest NLL (np.argmin, not np.argmax), and take the "
                     f"true digit's log-probability, {TRUE_DIGIT}, not the top one's.")
    if _minimises_ece(fits):
        return wrong(f"on {first.where}, your fit_T gives T = {first.got:.3g}, but the NLL is "
                     f"lowest at T = {first.want:.3g}; on every case your T has nearly the "
                     "lowest expected calibration error instead. Does it minimise the ECE "
                     "rather than the NLL?",
                     "the NLL is the mean of -log p of the true digit, "
                     f"-{TRUE_DIGIT}.mean(); the lesson fits T by it, as "
                     "inspection.fit_temperature does.")
    return None


def _misread_result(f: _Fit) -> Feedback | None:
    """Return feedback if the learner's T on one case is a transform of the right one, else None."""
    from helpers import inspection

    if _same_T(f.got, 1 / f.want):
        return wrong(f"on {f.where}, your fit_T gives {f.got:.3g}, which is 1 / T: the "
                     f"lowest NLL is at T = {f.want:.3g}.",
                     "softmax(logits / T) divides the logits by T; a value that multiplies "
                     "them is 1 / T.")
    if f.want > 1.1 and _same_T(f.got, np.log(f.want)):
        return wrong(f"on {f.where}, your fit_T gives {f.got:.3g}, which is log T: the "
                     f"lowest NLL is at T = {f.want:.3g}.",
                     "if you searched over log T, return np.exp of it.")
    if np.isclose(f.got, inspection.nll(f.logits, f.y, f.want), rtol=T_RTOL):
        return wrong(f"on {f.where}, your fit_T returns {f.got:.4g}, the lowest NLL itself, "
                     f"not the T where it is reached ({f.want:.3g}).",
                     "return the grid's value at the lowest loss: grid[np.argmin(losses)].")
    if isinstance(f.got, int):
        return wrong(f"on {f.where}, your fit_T returns {f.got}, a whole number: is that a "
                     "position in your grid (what np.argmin returns) rather than a T? The "
                     f"lowest NLL is at T = {f.want:.3g}.",
                     "return the grid's value there: grid[np.argmin(losses)].")
    return None


def _missed_range(first: _Fit, fits: list[_Fit]) -> Feedback:
    """Return feedback for a T short of the lowest NLL: a search too coarse, or one too short."""
    from helpers import inspection

    off = f"{abs(first.got / first.want - 1):.0%} from the lowest NLL at T = {first.want:.3g}"
    above = first.got < first.want  # the lowest point lies above the learner's T
    past = next((f for f in fits if (f.got >= first.want if above else f.got <= first.want)),
                None)  # a T beyond the lowest point: the search reaches past it
    if past is not None:
        return wrong(f"on {first.where}, your fit_T gives T = {first.got:.3g}, {off}; the check "
                     f"accepts {T_RTOL:.0%}. Your search reaches past it (T = {past.got:.3g} on "
                     f"{past.where}), so it steps over the lowest point.",
                     "search more finely: steps of 1% or less (a step of 0.05 is 10% at T = "
                     "0.5), as in np.geomspace(0.05, 20, 601), or narrow an interval around "
                     "the lowest point.")
    edge, side = ("ends", "below") if above else ("starts", "above")
    if abs(first.got / first.want - 1) <= 0.15:
        return wrong(f"on {first.where}, your fit_T gives T = {first.got:.3g}, {off}; the check "
                     f"accepts {T_RTOL:.0%}. Either your search is too coarse there, or it "
                     f"{edge} at T = {first.got:.3g}, {side} the lowest NLL.",
                     "make it reach from 0.05 to 20 in steps of 1% or less, e.g. "
                     "np.geomspace(0.05, 20, 601).")
    at_got, at_want = (inspection.nll(first.logits, first.y, t) for t in (first.got, first.want))
    return wrong(f"on {first.where}, your fit_T gives T = {first.got:.3g}, NLL {at_got:.4g}; "
                 f"the NLL falls all the way from there to T = {first.want:.3g}, where it is "
                 f"{at_want:.4g}. If you search a grid, it {edge} {side} the lowest point.",
                 GRID_HINT)


def _temperature_mistake(fits: list[_Fit], test_T: Callable[[], float]) -> Feedback:
    """Return what a fit_T that is wrong on some of ``fits`` does, as specifically as possible."""
    from helpers import activations, inspection

    bad = [f for f in fits if not _same_T(f.got, f.want)]
    first = bad[0]
    if all(f.got == fits[0].got for f in fits):  # one T whatever the logits: fixed data
        if _same_T(fits[0].got, test_T()):
            return wrong(f"your fit_T returns T = {fits[0].got:.3g} whatever logits it gets: "
                         "the T fitted on the test set.",
                         "fit the logits and labels fit_T is given; a T chosen on the test set "
                         "makes the test numbers look better than they will be on new images.")
        if _same_T(fits[0].got, fits[-1].want):
            return wrong(f"your fit_T returns T = {fits[0].got:.3g} whatever logits it gets: "
                         "the T of the network's validation logits.",
                         "fit the logits and labels fit_T is given, so that the same function "
                         "fits any network.")
    for f in bad:
        if (feedback := _misread_result(f)) is not None:
            return feedback
    for f in bad:
        if _same_T(f.got, _lowest(activations.softmax(f.logits, axis=1), f.y)):
            return wrong(f"on {f.where}, your fit_T gives T = {f.got:.3g}, the best T for "
                         "softmax(softmax(logits) / T): the softmax is applied twice. The NLL "
                         f"of softmax(logits / T) is lowest at T = {f.want:.3g}.",
                         "divide the logits themselves by T, before the one softmax; "
                         "probabilities are not logits.")
    if (feedback := _wrong_loss(fits, first)) is not None:
        return feedback
    losses = [(inspection.nll(f.logits, f.y, f.got), inspection.nll(f.logits, f.y)) for f in fits]
    if len(bad) == len(fits) and all(at_got > at_one for at_got, at_one in losses):
        at_got, at_one = losses[0]
        return wrong(f"your fit_T is wrong on every case, and each time its T is worse than "
                     f"leaving T at 1: on {fits[0].where} it gives T = {fits[0].got:.3g}, NLL "
                     f"{at_got:.4g}, against {at_one:.4g} at T = 1. It does not find the "
                     "lowest NLL.",
                     "keep the T with the lowest NLL (np.argmin, not np.argmax), and check "
                     f"that the loss is the NLL: -{TRUE_DIGIT}.mean().")
    for f in bad:
        if f.got < f.want and _overflows(f.logits, f.got):
            return wrong(f"on {f.where}, your fit_T gives T = {f.got:.3g}: there exp(logits / T) "
                         f"overflows (logits / T reaches {f.logits.max() / f.got:.0f}, and exp "
                         "of anything above about 709 is too large for a float), so the NLL is "
                         "nan, and np.argmin returns the first nan.",
                         "subtract each row's largest value before np.exp, as lesson 03's "
                         "stable softmax does, or use inspection.nll.")
    for side, word in (([f for f in bad if f.got < f.want], "above it"),
                       ([f for f in bad if f.got > f.want], "below it")):
        if len(side) >= 2 and all(f.got == side[0].got for f in side):
            a, b = side[0], side[1]
            edge = "end" if a.got < a.want else "start"
            return wrong(f"your fit_T gives T = {a.got:.3g} both on {a.where} and on {b.where}, "
                         f"whose lowest NLL lies {word}, at T = {a.want:.3g} and {b.want:.3g}: "
                         f"{a.got:.3g} looks like the {edge} of your grid.", GRID_HINT)
    return _missed_range(first, fits)


def temperature_fit(fn: Any, val_T: Any, val_logits: Any, y_val: Any, test_logits: Any,
                    y_test: Any) -> Feedback:
    """Check ``fit_T(logits, labels)``, the T of lowest NLL, against inspection.fit_temperature.

    The function is tried on made-up logits whose best T lies below 1 and far above it, and on
    the network's validation logits; ``val_T`` is the learner's ``fit_T`` of those. The T
    fitted on the test logits is only computed to recognise it.
    """
    from helpers import activations, inspection

    if (todo := unanswered_function(fn, "your code for the body of fit_T")) is not None:
        return todo
    if (problem := not_a_function(fn, "fit_T")) is not None:
        return problem
    try:
        inspect.signature(fn).bind(np.zeros((1, 10)), np.zeros(1, int))
    except TypeError:
        return malformed("fit_T should take two arguments: def fit_T(logits, labels).")
    except ValueError:  # a callable without a signature Python can read: just try it
        pass
    if (used := uses(fn, [inspection.fit_temperature])) is not None:
        return wrong(f"fit_T calls inspection.{used.__name__}, which does the search for you.",
                     "try the values of T of a grid yourself and keep the one with the lowest "
                     "NLL (inspection.nll may compute the NLL).")
    if uses(fn, [test_logits, y_test]) is not None:
        return wrong("fit_T reads test_logits or y_test itself.",
                     "fit the logits and labels fit_T is given, and give it the validation set: "
                     "a T chosen on the test set makes the test numbers look better than they "
                     "will be on new images.")
    try:
        val_logits, test_logits = (np.asarray(a, dtype=np.float64)
                                   for a in (val_logits, test_logits))
        y_val, y_test = np.asarray(y_val, dtype=int), np.asarray(y_test, dtype=int)
    except (TypeError, ValueError):
        val_logits = None
    if val_logits is None or any(a.ndim != 2 or y.shape != (len(a),) for a, y in
                                 ((val_logits, y_val), (test_logits, y_test))):
        return malformed("pass the lesson's arrays after val_T, as the cell does: val_logits, "
                         "splits.y_val, test_logits, y_test.")
    cases = [(where, *_made_up_logits(true_T, seed)) for true_T, seed, where in TEMPERATURE_CASES]
    cases.append(("the network's validation logits", val_logits, y_val))
    fits = []
    for where, logits, y in cases:
        want = _fitted_T(logits, y)
        if isinstance(got := _try(fn, logits.copy(), y.copy()), Exception):
            return wrong(f"on {where}, your fit_T raised {_raised(got)}.", _fit_error_hint(got))
        if isinstance(t := _read_temperature(got, f"on {where}", want), Feedback):
            return t
        number = int(got) if validate.is_int(validate.item(got)) else t
        fits.append(_Fit(where, logits, y, number, want))

    def test_T() -> float:
        return _fitted_T(test_logits, y_test)

    if not all(_same_T(f.got, f.want) for f in fits):
        return _temperature_mistake(fits, test_T)
    want = fits[-1].want
    value, problem = _number_after_right_function(
        val_T, "val_T", "fit_T", "fit_T(val_logits, splits.y_val)")
    if problem is not None:
        return problem
    if _same_T(value, want):
        made_up = ", ".join(f"{f.want:.2f}" for f in fits[:-1])
        return right(f"Correct: your fit_T finds T = {fits[-1].got:.3g} on the network's "
                     f"validation logits, where inspection.fit_temperature finds {want:.3g}, "
                     f"and the lowest NLL on made-up logits far from calibrated too (T = "
                     f"{made_up}).")
    if _same_T(value, test_T()):
        return wrong(f"your fit_T is right, but val_T = {value:.3g} is the T fitted on the test "
                     "set (test_logits, y_test).",
                     "val_T = fit_T(val_logits, splits.y_val): a T chosen on the test set makes "
                     "the test numbers look better than they will be on new images.")
    for logits, y, which in ((val_logits, y_val, "the validation set's"),
                             (test_logits, y_test, "the test set's (probs)")):
        if _same_T(value, _lowest(activations.softmax(logits, axis=1), y)):
            return wrong(f"your fit_T is right, but val_T = {value:.3g} is what it gives on "
                         f"{which} probabilities, not on the validation logits: the softmax is "
                         "applied twice.",
                         "val_T = fit_T(val_logits, splits.y_val): give fit_T the logits.")
    return wrong(f"your fit_T is right, but val_T = {value:.3g} is not what it gives on the "
                 f"network's validation logits, {want:.3g}.",
                 "val_T = fit_T(val_logits, splits.y_val).")
