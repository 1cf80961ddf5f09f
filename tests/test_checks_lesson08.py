"""Tests for helpers.checks.lesson08: right, wrong, malformed and unanswered for every check."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers.checks import lesson08 as check


def kind(feedback: check.Feedback) -> str:
    assert isinstance(feedback, check.Feedback)
    assert feedback.message
    return feedback.kind


@pytest.fixture(scope="module")
def cnn():
    import keras

    return keras.Sequential([keras.Input((784,)), keras.layers.Reshape((28, 28, 1)),
                             keras.layers.Conv2D(2, 5, padding="same"),
                             keras.layers.MaxPooling2D(),
                             keras.layers.Conv2D(2, 5, padding="same"),
                             keras.layers.MaxPooling2D(),
                             keras.layers.Flatten(), keras.layers.Dense(10)])


def test_output_size_function() -> None:
    def conv_output(n, k, stride, padding):
        if padding == "same":
            return math.ceil(n / stride)
        return (n - k) // stride + 1

    def no_plus_one(n, k, stride, padding):
        return math.ceil(n / stride) if padding == "same" else (n - k) // stride

    def rounded(n, k, stride, padding):
        return math.ceil(n / stride) if padding == "same" else math.ceil((n - k) / stride) + 1

    def same_as_valid(n, k, stride, padding):
        return (n - k) // stride + 1 if padding == "valid" else n

    def same_keeps_kernel(n, k, stride, padding):
        return (n - k) // stride + 1 if padding == "valid" else (n - 1) // stride + 1 - k

    def todo(n, k, stride, padding):
        ...

    def broken(n, k, stride, padding):
        raise ZeroDivisionError("oops")

    assert kind(check.output_size_function(conv_output)) == "right"
    assert kind(check.output_size_function(
        lambda n, k, s, p: float(conv_output(n, k, s, p)))) == "right"
    fb = check.output_size_function(no_plus_one)
    assert kind(fb) == "wrong" and "+ 1" in fb.message
    fb = check.output_size_function(rounded)
    assert kind(fb) == "wrong" and "round down" in fb.message
    fb = check.output_size_function(same_as_valid)
    assert kind(fb) == "wrong" and "ceil(n / stride)" in fb.message
    fb = check.output_size_function(same_keeps_kernel)
    assert kind(fb) == "wrong" and "as wide as the input" in fb.message
    fb = check.output_size_function(lambda n, k, s, p: 0)
    assert kind(fb) == "wrong" and "(n - k) // stride + 1" in fb.message
    fb = check.output_size_function(broken)
    assert kind(fb) == "malformed" and "ZeroDivisionError" in fb.message
    fb = check.output_size_function(lambda n, k, s, p: n / s + 0.5)
    assert kind(fb) == "malformed" and "whole number" in fb.message
    assert kind(check.output_size_function(lambda n, k, s, p: "24")) == "malformed"
    assert kind(check.output_size_function(24)) == "malformed"
    assert kind(check.output_size_function(todo)) == "unanswered"
    assert kind(check.output_size_function(...)) == "unanswered"


@pytest.mark.parametrize(("answer", "expected", "words"), [
    (18496, "right", "18496"), (np.int64(18496), "right", "18496"),
    (18496.0, "right", "18496"), (18432, "wrong", "bias"), (640, "wrong", "all 32 input"),
    (576, "wrong", "all 32 input"), (289, "wrong", "one filter"), (288, "wrong", "one filter"),
    (1000, "wrong", "plus one bias"), ("18496", "malformed", "whole number"),
    ([18496], "malformed", "whole number"), (..., "unanswered", "Not answered")])
def test_conv_layer_params(answer, expected, words) -> None:
    fb = check.conv_layer_params(answer)
    assert kind(fb) == expected and words in fb.message


def test_max_pool_function() -> None:
    def max_pool(fmap):
        h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
        return fmap[:2 * h, :2 * w].reshape(h, 2, w, 2).max(axis=(1, 3))

    def mean_pool(fmap):
        h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
        return fmap[:2 * h, :2 * w].reshape(h, 2, w, 2).mean(axis=(1, 3))

    def keeps_edge(fmap):
        padded = np.pad(fmap, ((0, fmap.shape[0] % 2), (0, fmap.shape[1] % 2)),
                        constant_values=-np.inf)
        return max_pool(padded)

    def min_pool(fmap):
        return -max_pool(-fmap)

    def broken(fmap):
        raise IndexError("out of range")

    def todo(fmap):
        pass

    assert kind(check.max_pool_function(max_pool)) == "right"
    assert kind(check.max_pool_function(lambda f: max_pool(f).tolist())) == "right"
    fb = check.max_pool_function(lambda f: f)
    assert kind(fb) == "wrong" and "no downsampling" in fb.message
    fb = check.max_pool_function(mean_pool)
    assert kind(fb) == "wrong" and "averaged" in fb.message
    fb = check.max_pool_function(keeps_edge)
    assert kind(fb) == "wrong" and "drop the last row" in fb.message
    fb = check.max_pool_function(min_pool)
    assert kind(fb) == "wrong" and "fmap[2i:2i+2" in fb.message
    fb = check.max_pool_function(broken)
    assert kind(fb) == "malformed" and "IndexError" in fb.message
    assert kind(check.max_pool_function(lambda f: f[:1, :1])) == "malformed"
    assert kind(check.max_pool_function(lambda f: "pooled")) == "malformed"
    assert kind(check.max_pool_function("max")) == "malformed"
    assert kind(check.max_pool_function(todo)) == "unanswered"
    assert kind(check.max_pool_function(...)) == "unanswered"


@pytest.mark.parametrize(("answer", "expected", "words"), [
    (24, "right", "24"), (np.int64(24), "right", "24"), (18, "wrong", "2 x 4"),
    (3, "wrong", "own kernel"), (16, "wrong", "widens"), (30, "wrong", "(3 - 1) x jump"),
    (24.5, "malformed", "whole number"), ("24", "malformed", "whole number"),
    (..., "unanswered", "Not answered")])
def test_receptive_field(cnn, answer, expected, words) -> None:
    fb = check.receptive_field(answer, cnn)
    assert kind(fb) == expected and words in fb.message


def test_receptive_field_needs_a_cnn() -> None:
    import keras

    mlp = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])
    with pytest.raises(ValueError, match="Conv2D"):
        check.receptive_field(24, mlp)
    with pytest.raises(TypeError, match="model must be"):
        check.receptive_field(24, "cnn")


def test_why_robust_options_are_written_out() -> None:
    assert set(check.WHY_ROBUST_CHOICES) == set(check.WHY_ROBUST_OPTIONS)
    assert check.WHY_ROBUST_QUESTION in " ".join(check.__doc__.split())


@pytest.mark.parametrize(("answer", "expected", "words"), [
    ("b", "right", "Correct"), (" B ", "right", "Correct"), ("a", "wrong", "fewer parameters"),
    ("c", "wrong", "same unshifted"), ("D", "wrong", "moved feature map"),
    ("e", "malformed", "not one of"), (2, "malformed", "strings"),
    (..., "unanswered", "Not answered")])
def test_why_robust(answer, expected, words) -> None:
    fb = check.why_robust(answer)
    assert kind(fb) == expected and words in fb.message
