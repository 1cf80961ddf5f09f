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
    assert kind(fb) == "wrong" and "crop first" in fb.message
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
    assert kind(check.first_shift_below_half(4.0, SHIFTS)) == "malformed"
    assert kind(check.first_shift_below_half(4, [0.9, 0.3])) == "malformed"
    assert kind(check.first_shift_below_half(..., SHIFTS)) == "unanswered"


@pytest.mark.parametrize(("answer", "expected"), [
    ("b", "right"), (" B ", "right"), ("a", "wrong"), ("e", "malformed"), (2, "malformed"),
    (..., "unanswered")])
def test_why_brittle(answer, expected) -> None:
    assert kind(check.why_brittle(answer)) == expected
