"""Tests for helpers.checks.lesson07: right, wrong, malformed and unanswered for every check."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import drawing
from helpers.checks import lesson07 as check

PROBS = np.array([[0.95, 0.05], [0.95, 0.05], [0.6, 0.4], [0.3, 0.7]])
Y = np.array([0, 1, 0, 1])
ECE = (2 * 0.45 + 0.4 + 0.3) / 4
SHIFTS = {0: 0.98, 1: 0.96, 2: 0.83, 3: 0.57, 4: 0.34}


def kind(feedback: check.Feedback) -> str:
    assert isinstance(feedback, check.Feedback)
    assert feedback.message
    return feedback.kind


def test_calibration_error() -> None:
    assert kind(check.calibration_error(ECE, PROBS, Y)) == "right"
    assert kind(check.calibration_error(2 * ECE, PROBS, Y)) == "wrong"
    assert kind(check.calibration_error("0.4", PROBS, Y)) == "malformed"
    assert kind(check.calibration_error(..., PROBS, Y)) == "unanswered"


def test_prepare_function() -> None:
    def mnist_like(image):
        return drawing.place_by_centre_of_mass(drawing.scale_to_box(drawing.crop_to_ink(image)))

    def no_crop(image):
        return drawing.place_by_centre_of_mass(drawing.scale_to_box(image))

    def broken(image):
        raise RuntimeError("oops")

    assert kind(check.prepare_function(mnist_like)) == "right"
    fb = check.prepare_function(no_crop)
    assert kind(fb) == "wrong" and "crop_to_ink comes first" in fb.message
    assert kind(check.prepare_function(broken)) == "wrong"
    assert kind(check.prepare_function(lambda image: np.zeros((20, 20)))) == "malformed"
    assert kind(check.prepare_function(42)) == "malformed"
    assert kind(check.prepare_function(...)) == "unanswered"


def test_first_shift_below_half() -> None:
    assert kind(check.first_shift_below_half(4, SHIFTS)) == "right"
    assert kind(check.first_shift_below_half(np.int64(4), SHIFTS)) == "right"
    assert kind(check.first_shift_below_half(3, SHIFTS)) == "wrong"
    fb = check.first_shift_below_half(1, {0: 0.9, 1: 0.8})
    assert kind(fb) == "wrong" and "sweep further" in fb.message
    assert kind(check.first_shift_below_half(9, SHIFTS)) == "malformed"
    assert kind(check.first_shift_below_half(4.5, SHIFTS)) == "malformed"
    assert kind(check.first_shift_below_half(4, [0.9, 0.3])) == "malformed"
    assert kind(check.first_shift_below_half(..., SHIFTS)) == "unanswered"


@pytest.mark.parametrize(("answer", "expected"), [
    ("b", "right"), (" B ", "right"), ("a", "wrong"), ("e", "malformed"), (2, "malformed"),
    (..., "unanswered")])
def test_why_brittle(answer, expected) -> None:
    assert kind(check.why_brittle(answer)) == expected


# --- review 2026-12-05: correct alternatives and plausible wrong answers ---------------------

def rows_of(probs, y):
    from helpers.inspection import reliability

    return reliability(probs, y)


def ece_right(bins):
    n = sum(row["count"] for row in bins)
    return sum(row["count"] / n * abs(row["accuracy"] - row["confidence"]) for row in bins)


def ece_vectorised(bins):
    count = np.array([b["count"] for b in bins])
    gap = np.abs([b["accuracy"] - b["confidence"] for b in bins])
    return float(count @ gap / count.sum())


def ece_no_abs(bins):  # review 27: right on the lesson's data, where every bin is overconfident
    n = sum(row["count"] for row in bins)
    return abs(sum(row["count"] / n * (row["accuracy"] - row["confidence"]) for row in bins))


def ece_signed(bins):
    n = sum(row["count"] for row in bins)
    return sum(row["count"] / n * (row["confidence"] - row["accuracy"]) for row in bins)


def ece_unweighted(bins):
    return float(np.mean([abs(b["accuracy"] - b["confidence"]) for b in bins]))


OVERCONFIDENT = (np.array([[0.95, 0.05]] * 10 + [[0.75, 0.25]] * 10),
                 np.array([0] * 8 + [1] * 2 + [0] * 5 + [1] * 5))


def test_calibration_error_test_data_mix_under_and_overconfident_bins() -> None:
    probs, y = check._mixed_bins()
    gaps = [r["accuracy"] - r["confidence"] for r in rows_of(probs, y)]
    assert min(gaps) < 0 < max(gaps)
    assert np.isclose(ece_right(rows_of(probs, y)), 0.41)
    assert np.isclose(ece_no_abs(rows_of(probs, y)), 0.05)
    overconfident = [r["accuracy"] - r["confidence"] for r in rows_of(*OVERCONFIDENT)]
    assert max(overconfident) < 0  # like the lesson's: the missing abs does not show here


@pytest.mark.parametrize("fn", [ece_right, ece_vectorised])
def test_calibration_error_function_right(fn) -> None:
    fb = check.calibration_error(fn, *OVERCONFIDENT)
    assert kind(fb) == "right" and "also where over- and underconfidence" in fb.message


@pytest.mark.parametrize(("fn", "words"), [
    (ece_no_abs, "over- and underconfident bins cancel"),
    (ece_signed, "over- and underconfident bins cancel"),
    (ece_unweighted, "plain mean of the bins' gaps"),
    (lambda bins: ece_right(bins) * sum(b["count"] for b in bins), "not yet divided by N"),
])
def test_calibration_error_function_names_the_mistake(fn, words) -> None:
    # Judged wrongly before (review 27): without the absolute value per bin a formula gives
    # the ECE exactly when every bin is overconfident; the check now also tries mixed bins.
    fb = check.calibration_error(fn, *OVERCONFIDENT)
    assert kind(fb) == "wrong" and words in fb.message, fb.message
    assert "|accuracy - confidence|" in fb.message


def test_calibration_error_missing_abs_is_caught_on_mixed_bins_even_if_right_on_these() -> None:
    fb = check.calibration_error(ece_no_abs, *OVERCONFIDENT)
    assert "partly under- and partly overconfident" in fb.message and "0.05" in fb.message


@pytest.mark.parametrize(("fn", "expected"), [
    (lambda bins: "0.4", "malformed"), (lambda bins: bins[99], "malformed"),
    (lambda bins: [0.4], "malformed")])
def test_calibration_error_function_malformed(fn, expected) -> None:
    assert kind(check.calibration_error(fn, PROBS, Y)) == expected


def test_calibration_error_function_unanswered() -> None:
    def ece(bins):
        ...

    assert kind(check.calibration_error(ece, PROBS, Y)) == "unanswered"


MIXED = check._mixed_bins()


@pytest.mark.parametrize(("answer", "words"), [
    (abs(np.mean(MIXED[0].argmax(1) == MIXED[1]) - MIXED[0].max(1).mean()),  # the review's
     "bins cancel"),
    (-0.05, "bins cancel"), (0.05, "bins cancel"),
    ((0.45 + 0.25 + 0.45) / 3, "plain mean"), (4.1, "not yet divided by N"),
])
def test_calibration_error_number_names_the_mistake_where_the_data_show_it(answer, words) -> None:
    fb = check.calibration_error(answer, *MIXED)
    assert kind(fb) == "wrong" and words in fb.message, fb.message
    assert kind(check.calibration_error(0.41, *MIXED)) == "right"


def test_calibration_error_number_right_message_unchanged() -> None:
    assert check.calibration_error(ECE, PROBS, Y).message == \
        "✅ Correct: the expected calibration error is 0.4."
    assert kind(check.calibration_error(np.float32(ECE), PROBS, Y)) == "right"
    assert kind(check.calibration_error(np.array([ECE]), PROBS, Y)) == "right"


def test_prepare_function_alternatives() -> None:
    def step_by_step(image):
        cropped = drawing.crop_to_ink(image)
        scaled = drawing.scale_to_box(cropped, 20)
        return drawing.place_by_centre_of_mass(scaled, 28)

    assert kind(check.prepare_function(step_by_step)) == "right"
    assert kind(check.prepare_function(
        lambda im: drawing.place_by_centre_of_mass(drawing.scale_to_box(
            drawing.crop_to_ink(im))).astype(np.float32))) == "right"


def test_prepare_function_refuses_prepare_digit_itself() -> None:
    # Review 14: the check accepted drawing.prepare_digit, which skips the exercise.
    for fn in (drawing.prepare_digit, lambda image: drawing.prepare_digit(image)):
        fb = check.prepare_function(fn)
        assert kind(fb) == "wrong" and "uses drawing.prepare_digit" in fb.message


def centre_the_box(image):
    scaled = drawing.scale_to_box(drawing.crop_to_ink(image))
    out = np.zeros((28, 28))
    top, left = (28 - scaled.shape[0]) // 2, (28 - scaled.shape[1]) // 2
    out[top:top + scaled.shape[0], left:left + scaled.shape[1]] = scaled
    return out


@pytest.mark.parametrize(("fn", "words"), [
    (lambda im: drawing.place_by_centre_of_mass(drawing.scale_to_box(drawing.crop_to_ink(im),
                                                                     28)), "28x28 box"),
    (lambda im: drawing.place_by_centre_of_mass(drawing.scale_to_box(drawing.crop_to_ink(im),
                                                                     22)), "22x22 box"),
    (centre_the_box, "centres the digit's box"),
    (lambda im: drawing.place_by_centre_of_mass(drawing.crop_to_ink(im)), "not scaled"),
    (lambda im: drawing.place_by_centre_of_mass(drawing.scale_to_box(im)),
     "crop_to_ink comes first"),
    (lambda im: drawing.place_by_centre_of_mass(drawing.scale_to_box(drawing.crop_to_ink(im)))
     ** 2, "differs from MNIST's preparation"),
])
def test_prepare_function_names_the_mistake(fn, words) -> None:
    # Judged wrongly before (review 31): every wrong image got "the order matters: crop
    # first", even with the right order and a wrong box size or box centring.
    fb = check.prepare_function(fn)
    assert kind(fb) == "wrong" and words in fb.message, fb.message
    if words != "crop_to_ink comes first":
        assert "order matters" not in fb.message


@pytest.mark.parametrize("answer", [4, 4.0, np.float64(4.0), np.int32(4), np.array([4])])
def test_first_shift_below_half_accepts_whole_numbers_of_any_type(answer) -> None:
    # Judged wrongly before (review 32): 4.0 was "got float".
    assert kind(check.first_shift_below_half(answer, SHIFTS)) == "right"


def test_first_shift_below_half_names_the_mistake() -> None:
    fb = check.first_shift_below_half(3, SHIFTS)  # the last shift still above one half
    assert kind(fb) == "wrong" and "not yet below 50%" in fb.message
    fb = check.first_shift_below_half(5, {**SHIFTS, 5: 0.2})  # below, but not the first
    assert kind(fb) == "wrong" and "already is at a smaller shift" in fb.message
    keys = {np.int64(k): v for k, v in SHIFTS.items()}
    assert kind(check.first_shift_below_half(4, keys)) == "right"


def test_prepare_function_non_numeric_image_is_malformed() -> None:
    fb = check.prepare_function(lambda image: np.full((28, 28), "ink"))
    assert kind(fb) == "malformed" and "image of numbers" in fb.message
