"""Lesson 01's exercise checks on the real MNIST: right, wrong, malformed and unanswered."""

from __future__ import annotations

import check_recorder
import numpy as np
import pytest

from helpers.checks import lesson01 as check


@pytest.fixture(scope="module")
def digits(mnist):
    """The real MNIST (tests/conftest.py loads it once per session)."""
    return mnist


@pytest.fixture(scope="module")
def train(digits):
    return digits[0]


@pytest.fixture(scope="module")
def test(digits):
    return digits[1]


def kinds(*feedbacks):
    return [f.kind for f in feedbacks]


# count_digit ------------------------------------------------------------------------------

def test_count_digit_right(test):
    _, y_test = test
    assert check.count_digit(1028, y_test, 7).kind == "right"  # MNIST has 1,028 test 7s
    assert check.count_digit(np.int64((y_test == 3).sum()), y_test, 3).ok
    assert check.count_digit(1028.0, y_test, 7).ok
    assert check.count_digit(np.array([1028]), y_test, 7).ok


def test_count_digit_wrong(test):
    _, y_test = test
    fb = check.count_digit(1027, y_test, 7)
    assert fb.kind == "wrong" and "too small" in fb.message and "Hint" in fb.message
    fb = check.count_digit(10000 - 1028, y_test, 7)
    assert fb.kind == "wrong" and "NOT a 7" in fb.message
    fb = check.count_digit(10000, y_test, 7)
    assert fb.kind == "wrong" and "all images" in fb.message
    assert not check.count_digit(1028, y_test, 1)


def test_count_digit_malformed_and_unanswered(test):
    _, y_test = test
    assert kinds(check.count_digit("1028", y_test, 7), check.count_digit(10.5, y_test, 7),
                 check.count_digit([1, 2], y_test, 7), check.count_digit(True, y_test, 7),
                 ) == ["malformed"] * 4
    assert check.count_digit(..., y_test, 7).kind == "unanswered"
    assert "Not answered yet" in check.count_digit(None, y_test, 7).message


def test_count_digit_bad_data(test):
    _, y_test = test
    with pytest.raises(TypeError, match="y must be a NumPy array"):
        check.count_digit(1, list(y_test), 7)
    with pytest.raises(ValueError, match="1-D integer"):
        check.count_digit(1, y_test.astype(float), 7)
    with pytest.raises(ValueError, match="digit must be an int 0-9"):
        check.count_digit(1, y_test, 10)
    with pytest.raises(ValueError, match="digit must be an int 0-9"):
        check.count_digit(1, y_test, True)


# most_ink ---------------------------------------------------------------------------------

def test_most_ink_right(train):
    x_train, _ = train
    best = int(np.argmax(x_train.sum(axis=(1, 2))))
    fb = check.most_ink(best, x_train)
    assert fb.kind == "right" and str(best) in fb.message
    assert check.most_ink(np.int64(best), x_train).ok
    assert check.most_ink(float(best), x_train).ok
    assert check.most_ink(np.argmax(x_train.reshape(60000, -1).sum(axis=1)), x_train).ok
    # On scaled images the answer is the same image.
    small = x_train[:1000]
    assert check.most_ink(int(np.argmax(small.sum(axis=(1, 2)))), small / 255.0).ok


def test_most_ink_wrong(train):
    x_train, _ = train
    ink = x_train.sum(axis=(1, 2))
    fb = check.most_ink(int(np.argmin(ink)), x_train)
    assert fb.kind == "wrong" and "LEAST" in fb.message
    fb = check.most_ink(0, x_train)
    assert fb.kind == "wrong" and "another image has" in fb.message
    fb = check.most_ink(5 * 60000 + 3, x_train)  # a position among all pixels
    assert fb.kind == "wrong" and "among all the pixels" in fb.message


def test_most_ink_malformed_and_unanswered(train):
    x_train, _ = train
    for answer in ("41358", 3.5, [1, 2], -1, 10**12, True, np.float64("nan")):
        assert check.most_ink(answer, x_train).kind == "malformed", answer
    assert check.most_ink(..., x_train).kind == "unanswered"


def test_most_ink_bad_data(train):
    x_train, _ = train
    with pytest.raises(TypeError, match="x must be a NumPy array"):
        check.most_ink(0, x_train[:2].tolist())
    with pytest.raises(ValueError, match="non-empty numeric"):
        check.most_ink(0, x_train[:0])


# ink_per_digit ----------------------------------------------------------------------------

def solution_ink(x, y):
    ink = x.sum(axis=(1, 2)) / 255  # sum first, then scale: the same, and cheaper
    return np.array([ink[y == d].mean() for d in range(10)])


def test_ink_per_digit_right(train):
    x_train, y_train = train
    answer = solution_ink(x_train, y_train)
    fb = check.ink_per_digit(answer, x_train, y_train)
    assert fb.kind == "right", fb.message
    assert check.ink_per_digit(answer.tolist(), x_train, y_train).ok
    # On a slice: the sum of a digit's mean image is its mean ink; scaled data work too.
    x, y = x_train[:3000], y_train[:3000]
    means = [(x[y == d] / 255).mean(axis=0).sum() for d in range(10)]
    assert check.ink_per_digit(means, x, y).ok
    assert check.ink_per_digit(solution_ink(x, y), x.astype(np.float32) / 255, y).ok


def test_ink_per_digit_wrong(train):
    x_train, y_train = train
    answer = solution_ink(x_train, y_train)
    fb = check.ink_per_digit(answer * 255, x_train, y_train)
    assert fb.kind == "wrong" and "255 times" in fb.message
    totals = answer * np.bincount(y_train)
    fb = check.ink_per_digit(totals, x_train, y_train)
    assert fb.kind == "wrong" and "TOTAL" in fb.message
    fb = check.ink_per_digit(answer[::-1], x_train, y_train)
    assert fb.kind == "wrong" and "Hint" in fb.message


def test_ink_per_digit_malformed_and_unanswered(train):
    x_train, y_train = train
    answer = solution_ink(x_train, y_train)
    for bad in (answer[:9], answer.reshape(2, 5), 3.0, "ink", ["a"] * 10, {"0": 1}):
        assert check.ink_per_digit(bad, x_train, y_train).kind == "malformed", bad
    assert check.ink_per_digit(..., x_train, y_train).kind == "unanswered"


def test_ink_per_digit_bad_data(train):
    x_train, y_train = train
    with pytest.raises(ValueError, match="labels but the images are"):
        check.ink_per_digit(..., x_train, y_train[:10])
    with pytest.raises(ValueError, match="every digit 0-9"):
        check.ink_per_digit(..., x_train[:3], y_train[:3])


# most_atypical ----------------------------------------------------------------------------

def solution_atypical(x, y, digit, k):
    idx = np.flatnonzero(y == digit)
    pixels = x[idx].reshape(len(idx), -1).astype(np.float32)
    dist = np.linalg.norm(pixels - pixels.mean(axis=0), axis=1)
    order = np.argsort(dist)[::-1]
    return idx[order[:k]], idx[order[-k:]], order[:k]


def test_most_atypical_right(train):
    x_train, y_train = train
    far, _, _ = solution_atypical(x_train, y_train, 3, 8)
    fb = check.most_atypical(far, x_train, y_train, digit=3, k=8)
    assert fb.kind == "right" and "farthest" in fb.message
    assert check.most_atypical(list(far[::-1]), x_train, y_train, 3, 8).ok  # order free
    assert check.most_atypical(far.astype(float), x_train, y_train, 3, 8).ok
    assert check.most_atypical(tuple(far), x_train.astype(np.float32) / 255, y_train, 3, 8).ok
    far7, _, _ = solution_atypical(x_train, y_train, 7, 1)
    assert check.most_atypical(far7, x_train, y_train, 7, 1).ok


def test_most_atypical_accepts_near_ties():
    x = np.zeros((6, 28, 28), dtype=np.uint8)
    x[0, 0, 0], x[1, 0, 1], x[2, 5, 5] = 200, 200, 10  # images 0 and 1 tie as farthest
    y = np.array([3, 3, 3, 3, 3, 4])
    assert check.most_atypical([0], x, y, 3, 1).ok
    assert check.most_atypical([1], x, y, 3, 1).ok
    assert not check.most_atypical([2], x, y, 3, 1).ok


def test_most_atypical_wrong(train):
    x_train, y_train = train
    far, near, positions = solution_atypical(x_train, y_train, 3, 8)
    fb = check.most_atypical(positions, x_train, y_train, 3, 8)
    assert fb.kind == "wrong" and "positions among the 3s" in fb.message
    fb = check.most_atypical(near, x_train, y_train, 3, 8)
    assert fb.kind == "wrong" and "TYPICAL" in fb.message
    not_three = int(np.flatnonzero(y_train != 3)[0])
    fb = check.most_atypical(np.r_[far[:7], not_three], x_train, y_train, 3, 8)
    assert fb.kind == "wrong" and f"image {not_three} is a" in fb.message
    fb = check.most_atypical(np.r_[far[:6], near[:2]], x_train, y_train, 3, 8)
    assert fb.kind == "wrong" and "6 of your 8" in fb.message


def test_most_atypical_malformed_and_unanswered(train):
    x_train, y_train = train
    far, _, _ = solution_atypical(x_train, y_train, 3, 8)
    bad_answers = [
        far[:7], far.reshape(2, 4), 5, "12345678", [1.5] * 8, list(far[:7]) + [far[0]],
        [-1] * 8, np.r_[far[:7], 60000], [[1, 2], [3]], {int(i) for i in far},
        far.astype(bool), far.astype(complex),
    ]
    for bad in bad_answers:
        fb = check.most_atypical(bad, x_train, y_train, 3, 8)
        assert fb.kind == "malformed", (bad, fb.message)
    assert check.most_atypical(..., x_train, y_train, 3, 8).kind == "unanswered"


def test_most_atypical_bad_data(train):
    x_train, y_train = train
    with pytest.raises(ValueError, match="k must be an int"):
        check.most_atypical(..., x_train, y_train, 3, 0)
    with pytest.raises(ValueError, match="k must be an int"):
        check.most_atypical(..., x_train, y_train, 3, 2.0)
    with pytest.raises(ValueError, match="digit must be an int 0-9"):
        check.most_atypical(..., x_train, y_train, -1, 3)
    with pytest.raises(ValueError, match="non-empty numeric"):
        check.most_atypical(..., x_train[0, 0], y_train, 3, 3)


# --- review 2026-12-05: correct alternatives and plausible wrong answers ---------------------

def test_count_digit_alternatives_and_wrong_answers(test, train):
    _, y_test = test
    _, y_train = train
    for answer in (list(y_test).count(7), np.bincount(y_test)[7], np.sum(y_test == 7),
                   len(y_test[y_test == 7])):
        assert check.count_digit(answer, y_test, 7).ok, answer
    fb = check.count_digit(int((y_train == 7).sum()), y_test, 7)  # counted in the training set
    assert fb.kind == "wrong" and "too large" in fb.message


def test_most_ink_alternatives_and_wrong_answers(train):
    x_train, _ = train
    best = int(np.argmax(x_train.sum(axis=(1, 2))))
    assert check.most_ink(int(np.argmax((x_train / 255).sum(axis=(1, 2)))), x_train).ok
    assert check.most_ink(int(np.argmax(x_train.astype(np.float32).mean(axis=(1, 2)))),
                          x_train).ok  # the mean has the same order
    wrapped = int(np.argmax(x_train.sum(axis=(1, 2), dtype=np.uint8)))  # uint8 wraps around
    assert wrapped != best
    fb = check.most_ink(wrapped, x_train)
    assert fb.kind == "wrong" and "another image has" in fb.message
    fb = check.most_ink(int(np.argmax(x_train.max(axis=(1, 2)))), x_train)  # the darkest pixel
    assert fb.kind == "wrong" and "Hint" in fb.message


def test_ink_per_digit_alternatives_and_wrong_answers(train):
    x_train, y_train = train
    answer = solution_ink(x_train, y_train)
    ink = x_train.sum(axis=(1, 2)) / 255
    assert check.ink_per_digit(np.bincount(y_train, weights=ink) / np.bincount(y_train),
                               x_train, y_train).ok
    assert check.ink_per_digit(answer.astype(np.float32), x_train, y_train).ok
    fb = check.ink_per_digit(answer / 784, x_train, y_train)  # the mean pixel, not the ink
    assert fb.kind == "wrong" and "mean pixel values" in fb.message
    median = np.array([np.median(ink[y_train == d]) for d in range(10)])
    fb = check.ink_per_digit(median, x_train, y_train)
    assert fb.kind == "wrong" and "average those sums" in fb.message


def test_most_atypical_alternatives_and_wrong_answers(train):
    x_train, y_train = train
    idx = np.flatnonzero(y_train == 3)
    pixels = x_train[idx].reshape(len(idx), -1).astype(np.float64)
    squared = ((pixels - pixels.mean(axis=0)) ** 2).sum(axis=1)  # the same order
    assert check.most_atypical(idx[np.argpartition(-squared, 8)[:8]], x_train, y_train, 3, 8).ok
    raw = x_train[idx].reshape(len(idx), -1)
    mean_u8 = raw.mean(axis=0).astype(np.uint8)
    wrapped = np.linalg.norm((raw - mean_u8).astype(np.float64), axis=1)  # uint8 wraps around
    fb = check.most_atypical(idx[np.argsort(wrapped)[::-1][:8]], x_train, y_train, 3, 8)
    assert fb.kind == "wrong" and "float pixels" in fb.message


# Last in this file: every check of the lesson was given each kind of answer above.
def test_every_check_was_tested_right_wrong_malformed_unanswered(request):
    check_recorder.assert_every_check_tested("01", request)
