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
        (100 * weighted / n, "that is the ECE in percent (times 100); return it as a fraction, "
                             "as inspection.expected_calibration_error does."),
    ]
    rounding = ("that rounds confidence * bins to the nearest bin; a bin holds the confidences "
                "from its lower edge up to the next one, so round down: np.floor, or .astype(int).")
    for options in ({}, {"last_holds_one": False}, {"last_holds_one": False, "drop_last": True}):
        r_count, r_conf, r_acc, _ = _bin_stats(conf, correct, bins, rounded=True, **options)
        mistakes.append((float(r_count @ np.abs(r_acc - r_conf)) / n, rounding))
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
                         _ece_error_hint(error))
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


def _pixels(shifts: list[int]) -> str:
    """Return shifts as words: '5', '1 and 3', '1, 3, 5 and 7'."""
    words = [str(s) for s in shifts]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def first_shift_below_quarter(answer: Any, accuracy: Any) -> Feedback:
    """Check the smallest shift (pixels) at which the accuracy falls below 25%."""
    level = f"{SHIFT_LEVEL:.0%}"
    hint = f"find the smallest shift whose accuracy is below {SHIFT_LEVEL}."
    if (todo := unanswered(answer, f"the smallest shift below {level} accuracy")) is not None:
        return todo
    if (todo := unanswered(accuracy, "the accuracies of your sweep, {shift: accuracy}")
            ) is not None:
        return todo
    if not isinstance(accuracy, dict) or not accuracy or not all(
            validate.is_int(k) for k in accuracy):
        return malformed("pass the dict your sweep returned, {shift: accuracy}, as "
                         "inspection.shift_accuracy returns it.")
    values = {int(k): validate.real_number(v) for k, v in accuracy.items()}
    if any(v is None for v in values.values()):
        return malformed("the accuracies in your dict should be numbers, as "
                         "inspection.shift_accuracy returns them.")
    accuracy = dict(sorted(values.items()))
    if max(accuracy.values()) > 1:  # 97.65 for 97.65%: a percentage, not a fraction
        first = next(iter(accuracy))
        return malformed(f"your accuracies look like percentages ({accuracy[first]:g} at "
                         f"{first} pixels); keep the fractions inspection.shift_accuracy "
                         f"returns ({accuracy[first] / 100:.4g}), or divide by 100.")
    if (shift := _whole_number(answer)) is None:
        return malformed(f"give the shift as a whole number of pixels, got "
                         f"{type(validate.item(answer)).__name__}: {answer!r:.40}.")
    below = [s for s in accuracy if accuracy[s] < SHIFT_LEVEL]
    if not below:
        return wrong(f"no shift in your sweep ({min(accuracy)}..{max(accuracy)} pixels) drops "
                     f"below {level}.", "sweep further, e.g. range(9).")
    first = below[0]
    if any(s not in accuracy for s in range(first)):  # range(0, 9, 2) jumps over shifts
        skipped = [s for s in range(max(accuracy)) if s not in accuracy]
        return wrong(f"your sweep skips {_pixels(skipped)} pixels, and its first shift below "
                     f"{level} is {first} pixels: a shift it skipped may already fall below.",
                     "sweep every whole shift from 0 to 8 pixels: shifts=range(9).")
    if shift == first:
        return right(f"Correct: at {first} pixels the accuracy is {accuracy[first]:.1%} (a "
                     "guess would be right 10% of the time). The moved ink meets first-layer "
                     "weights trained for other positions, and at large shifts some of it "
                     "leaves the 28x28 image as well.")
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
# as the lesson's lands within 1% of the minimum too. 2% accepts both; a grid several times
# coarser than the lesson's misses by more and is told so.
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


def _read_temperature(value: Any, where: str, want: float) -> float | Feedback:
    """Return the learner's result as a float T > 0, or the feedback that says what is off."""
    number = validate.real_number(value)
    if number is None:
        what = ("None: is the return missing?" if value is None else
                f"a {type(value).__name__}: {value!r:.60}.")
        return malformed(f"fit_T should return one number, the temperature T, but {where} it "
                         f"returned {what}")
    if np.isnan(number) or np.isinf(number):
        return wrong(f"{where} your fit_T returns {number}, not a temperature.",
                     "a nan NLL can win the search: subtract each row's largest logit before "
                     "np.exp (lesson 03's stable softmax), or use inspection.nll.")
    if number <= 0:
        log_t = (" That is log T: if you searched over log T, return np.exp of it."
                 if np.isclose(number, np.log(want), rtol=T_RTOL) else "")
        return malformed(f"fit_T should return a temperature T > 0, but {where} it returned "
                         f"{number:.4g}.{log_t}")
    return number


def _temperature_mistake(fits: list[_Fit], test_T: Callable[[], float]) -> Feedback:
    """Return what a fit_T that is wrong on some of ``fits`` does, as specifically as possible."""
    from helpers import activations, inspection

    bad = [f for f in fits if not _same_T(f.got, f.want)]
    first = bad[0]
    hint_grid = ("let the search reach past the lowest NLL on both sides of 1, e.g. "
                 "np.geomspace(0.05, 20, 601).")
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
        if isinstance(f.got, int) and f.got > 20:
            return wrong(f"on {f.where}, your fit_T returns {f.got}, which looks like a position "
                         f"in your grid, not a T; the lowest NLL is at T = {f.want:.3g}.",
                         "return the grid's value there: grid[np.argmin(losses)].")
    for f in bad:
        if _same_T(f.got, _lowest(activations.softmax(f.logits, axis=1), f.y)):
            return wrong(f"on {f.where}, your fit_T gives T = {f.got:.3g}, the best T for "
                         "softmax(softmax(logits) / T): the softmax is applied twice. The NLL "
                         f"of softmax(logits / T) is lowest at T = {f.want:.3g}.",
                         "divide the logits themselves by T, before the one softmax; "
                         "probabilities are not logits.")
    losses = [(inspection.nll(f.logits, f.y, f.got), inspection.nll(f.logits, f.y)) for f in fits]
    if len(bad) == len(fits) and all(at_got > at_one for at_got, at_one in losses):
        at_got, at_one = losses[0]
        return wrong(f"your fit_T is wrong on every case, and each time its T is worse than "
                     f"leaving T at 1: on {fits[0].where} it gives T = {fits[0].got:.3g}, NLL "
                     f"{at_got:.4g}, against {at_one:.4g} at T = 1. It finds the highest NLL, "
                     "not the lowest.",
                     "keep the T with the lowest NLL: np.argmin, not np.argmax (min, not max).")
    for f in bad:
        if f.got < f.want and _overflows(f.logits, f.got):
            return wrong(f"on {f.where}, your fit_T gives T = {f.got:.3g}: there exp(logits / T) "
                         f"overflows (logits / T reaches {f.logits.max() / f.got:.0f}, and exp "
                         "of anything above about 709 is too large for a float), so the NLL is "
                         "nan, and np.argmin returns the first nan.",
                         "subtract each row's largest value before np.exp, as lesson 03's "
                         "stable softmax does, or use inspection.nll.")
    if abs(first.got / first.want - 1) <= 0.15:
        return wrong(f"on {first.where}, your fit_T gives T = {first.got:.3g}, "
                     f"{abs(first.got / first.want - 1):.0%} from the lowest NLL at T = "
                     f"{first.want:.3g}; the check accepts {T_RTOL:.0%}.",
                     "search more finely: steps of 1% or less, as in np.geomspace(0.05, 20, "
                     "601), or narrow an interval around the lowest point.")
    for side in ([f for f in bad if f.got < f.want], [f for f in bad if f.got > f.want]):
        if len(side) >= 2 and all(f.got == side[0].got for f in side):
            a, b = side[0], side[1]
            return wrong(f"your fit_T gives T = {a.got:.3g} both on {a.where} and on {b.where}, "
                         f"whose lowest NLL lies beyond it, at T = {a.want:.3g} and "
                         f"{b.want:.3g}: {a.got:.3g} looks like the end of your grid.",
                         hint_grid)
    at_got, at_want = (inspection.nll(first.logits, first.y, t) for t in (first.got, first.want))
    return wrong(f"on {first.where}, your fit_T gives T = {first.got:.3g}, NLL {at_got:.4g}; "
                 f"the NLL falls all the way from there to T = {first.want:.3g}, where it is "
                 f"{at_want:.4g}. If you search a grid, it stops short of the lowest point.",
                 hint_grid)


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
        try:
            got = _call_quietly(fn, logits.copy(), y.copy())
        except Exception as error:  # the learner's code: report what it raised
            return wrong(f"on {where}, your fit_T raised {type(error).__name__}: {error}.",
                         "logits is an (N, 10) array, one row of ten logits per image, and "
                         "labels an array of N digits; the true digit's log-probability of "
                         "each row is log_p[np.arange(len(labels)), labels].")
        if isinstance(t := _read_temperature(got, f"on {where}", want), Feedback):
            return t
        number = int(got) if validate.is_int(validate.item(got)) else t
        fits.append(_Fit(where, logits, y, number, want))

    def test_T() -> float:
        return _fitted_T(test_logits, y_test)

    if not all(_same_T(f.got, f.want) for f in fits):
        return _temperature_mistake(fits, test_T)
    want = fits[-1].want
    if (todo := unanswered(val_T, "fit_T(val_logits, splits.y_val)")) is not None:
        return Feedback(False, todo.message.replace("Not answered yet:", "Your fit_T is right. "
                                                    "Not answered yet:"), todo.kind)
    value = validate.real_number(val_T)
    if value is None:
        return malformed(f"val_T should be one number, fit_T(val_logits, splits.y_val), but it "
                         f"is a {type(val_T).__name__}.")
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
