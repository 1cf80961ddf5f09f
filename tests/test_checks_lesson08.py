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
    assert kind(fb) == "wrong" and "+ 1 comes after the division" in fb.message
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


# --- review 2026-12-05: correct alternatives and plausible wrong answers ---------------------

def test_output_size_cases_match_keras_and_include_even_kernels_with_same() -> None:
    import keras

    from helpers.conv import output_size

    assert any(k % 2 == 0 and p == "same" for _, k, _, p in check.OUTPUT_SIZE_CASES)
    for n, k, s, p in check.OUTPUT_SIZE_CASES:
        layer = keras.layers.Conv2D(1, k, strides=s, padding=p)
        assert layer(np.zeros((1, n, n, 1), np.float32)).shape[1] == output_size(n, k, s, p)


def cs231n(n, k, stride, padding):
    pad = (k - 1) // 2 if padding == "same" else 0
    return (n - k + 2 * pad) // stride + 1


@pytest.mark.parametrize("conv_output", [
    lambda n, k, s, p: -(-n // s) if p == "same" else (n - k) // s + 1,
    lambda n, k, s, p: (n + s - 1) // s if p == "same" else math.floor((n - k) / s) + 1,
    lambda n, k, s, p: math.ceil(n / s) if p == "same" else math.ceil((n - k + 1) / s),
    lambda n, k, s, p: np.ceil(n / s) if p == "same" else np.floor((n - k) / s) + 1,
    lambda n, k, s, p: int(np.ceil(n / s)) if p.lower() == "same" else int((n - k) / s) + 1,
])
def test_output_size_function_alternatives(conv_output) -> None:
    assert kind(check.output_size_function(conv_output)) == "right"


def test_output_size_function_refuses_rounding_instead_of_the_floor() -> None:
    def rounded(n, k, stride, padding):
        return math.ceil(n / stride) if padding == "same" else round((n - k) / stride) + 1

    assert kind(check.output_size_function(rounded)) == "wrong"


def test_output_size_function_refuses_the_cs231n_formula_for_even_kernels() -> None:
    # Judged wrongly before (review 29): right for odd kernels only; Keras gives 28, not 27,
    # for conv_output(28, 2, 1, "same").
    fb = check.output_size_function(cs231n)
    assert kind(fb) == "wrong" and "conv_output(28, 2, 1, 'same') gave 27" in fb.message
    assert "even kernel" in fb.message and "ceil(n / stride)" in fb.message


@pytest.mark.parametrize(("conv_output", "words"), [
    (lambda n, k, s, p: math.ceil(n / s) if p == "same" else (n - k + 1) // s,
     "+ 1 comes after the division"),
    (lambda n, k, s, p: n // s if p == "same" else (n - k) // s + 1, "ceil(n / stride)"),
    (lambda n, k, s, p: math.ceil(n / s) if p == "valid" else (n - k) // s + 1,
     "'valid' padding"),  # the paddings swapped
])
def test_output_size_function_names_the_mistake(conv_output, words) -> None:
    fb = check.output_size_function(conv_output)
    assert kind(fb) == "wrong" and words in fb.message, fb.message


def test_max_pool_function_alternatives() -> None:
    from numpy.lib.stride_tricks import sliding_window_view

    def windows(fmap):
        h, w = fmap.shape[0] // 2 * 2, fmap.shape[1] // 2 * 2
        return sliding_window_view(fmap[:h, :w], (2, 2))[::2, ::2].max(axis=(2, 3))

    def four_maxima(fmap):
        h, w = fmap.shape[0] // 2 * 2, fmap.shape[1] // 2 * 2
        f = fmap[:h, :w]
        return np.maximum.reduce([f[0::2, 0::2], f[0::2, 1::2], f[1::2, 0::2], f[1::2, 1::2]])

    assert kind(check.max_pool_function(windows)) == "right"
    assert kind(check.max_pool_function(four_maxima)) == "right"


def test_max_pool_function_more_wrong_answers() -> None:
    def abs_max(fmap):  # the largest magnitude: wrong on negative maps
        h, w = fmap.shape[0] // 2, fmap.shape[1] // 2
        return np.abs(fmap[:2 * h, :2 * w]).reshape(h, 2, w, 2).max(axis=(1, 3))

    fb = check.max_pool_function(abs_max)
    assert kind(fb) == "wrong" and "differ from max pooling" in fb.message


@pytest.mark.parametrize(("answer", "words"), [
    (3 * 3 * 32 * 64 + 64, "Correct"), (64 * (9 * 32 + 1), "Correct"),
    (3 * 3 * 64 + 64, "all 32 input"), (3 * 3 * 32 * 64, "bias")])
def test_conv_layer_params_alternatives_and_wrong_answers(answer, words) -> None:
    assert words in check.conv_layer_params(answer).message


def test_receptive_field_alternatives(cnn) -> None:
    assert kind(check.receptive_field(24.0, cnn)) == "right"
    assert kind(check.receptive_field(np.array([24]), cnn)) == "right"
