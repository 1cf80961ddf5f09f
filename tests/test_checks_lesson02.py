"""Tests for helpers.checks.lesson02: right, wrong, malformed and unanswered for each check."""

from __future__ import annotations

import check_recorder
import numpy as np
import pytest

from helpers.checks import lesson02 as check


def _kind(feedback):
    assert feedback.message  # every feedback shows a message
    return feedback.kind


# --- exercise 1: neuron output -------------------------------------------------------------

def test_neuron_output_right():
    y = 1 / (1 + np.exp(-0.1))
    assert _kind(check.neuron_output(y)) == "right"
    assert check.neuron_output(np.float32(0.525))
    assert check.neuron_output(np.array([0.525]))


def test_neuron_output_wrong():
    fb = check.neuron_output(0.6)
    assert _kind(fb) == "wrong" and "too large" in fb.message and "Hint" in fb.message
    assert _kind(check.neuron_output(float("nan"))) == "wrong"


def test_neuron_output_wrong_forgot_activation():
    fb = check.neuron_output(0.1)
    assert _kind(fb) == "wrong" and "sigmoid" in fb.message


@pytest.mark.parametrize("bad", ["0.525", [0.5, 0.5], True, {"y": 0.5}])
def test_neuron_output_malformed(bad):
    assert _kind(check.neuron_output(bad)) == "malformed"


def test_neuron_output_unanswered():
    fb = check.neuron_output(...)
    assert _kind(fb) == "unanswered" and not fb and "Not answered yet" in fb.message


# --- exercise 2: layer output shape --------------------------------------------------------

@pytest.mark.parametrize("answer", [(32, 64), [32, 64], (np.int64(32), 64)])
def test_layer_output_shape_right(answer):
    fb = check.layer_output_shape(answer)
    assert _kind(fb) == "right" and fb


@pytest.mark.parametrize(("answer", "says"), [((64, 32), "swapped"), ((32, 784), "n_out"),
                                              ((32,), "1 axis"), ((1, 32, 64), "3 axes")])
def test_layer_output_shape_wrong(answer, says):
    fb = check.layer_output_shape(answer)
    assert _kind(fb) == "wrong" and says in fb.message


@pytest.mark.parametrize("bad", [np.zeros((32, 64)), "(32, 64)", 2048, (32.0, 64), (True, 64)])
def test_layer_output_shape_malformed(bad):
    assert _kind(check.layer_output_shape(bad)) == "malformed"


def test_layer_output_shape_unanswered():
    assert _kind(check.layer_output_shape(...)) == "unanswered"
    assert _kind(check.layer_output_shape(None)) == "unanswered"


# --- exercise 3: parameter count -----------------------------------------------------------

def test_param_count_right():
    assert _kind(check.param_count(218_058)) == "right"
    assert _kind(check.param_count(np.int64(218_058))) == "right"
    assert _kind(check.param_count(218_058.0)) == "right"


def test_param_count_wrong():
    fb = check.param_count(101_770)
    assert _kind(fb) == "wrong" and "too small" in fb.message


def test_param_count_wrong_forgot_biases():
    fb = check.param_count(784 * 256 + 256 * 64 + 64 * 10)
    assert _kind(fb) == "wrong" and "bias" in fb.message


@pytest.mark.parametrize("bad", ["218058", 2.5, [218_058], True])
def test_param_count_malformed(bad):
    assert _kind(check.param_count(bad)) == "malformed"


def test_param_count_unanswered():
    assert _kind(check.param_count(...)) == "unanswered"


# --- exercise 4: dense layer function ------------------------------------------------------

def test_dense_layer_right():
    def dense_relu(x, W, b):
        return np.maximum(x @ W + b, 0.0)

    assert _kind(check.dense_layer(dense_relu)) == "right"


def test_dense_layer_wrong_without_relu():
    fb = check.dense_layer(lambda x, W, b: x @ W + b)
    assert _kind(fb) == "wrong" and "without the ReLU" in fb.message


def test_dense_layer_wrong_without_bias():
    fb = check.dense_layer(lambda x, W, b: np.maximum(x @ W, 0.0))
    assert _kind(fb) == "wrong" and "Hint" in fb.message


def test_dense_layer_wrong_only_for_batches():
    def one_image_only(x, W, b):
        if x.ndim == 2:
            return np.zeros((len(x), W.shape[1]))
        return np.maximum(x @ W + b, 0.0)

    assert _kind(check.dense_layer(one_image_only)) == "wrong"


@pytest.mark.parametrize("bad", [
    3,
    "np.maximum(x @ W + b, 0)",
    lambda x, W, b: (W @ x),  # wrong order of the product: raises
    "forgot_return",
    lambda x, W, b: np.maximum(x @ W + b, 0.0).sum(),  # wrong shape
])
def test_dense_layer_malformed(bad):
    if bad == "forgot_return":
        def bad(x, W, b):
            np.maximum(x @ W + b, 0.0)  # computed, but not returned

    assert _kind(check.dense_layer(bad)) == "malformed"


def test_dense_layer_unanswered():
    def dense_relu(x, W, b):
        """Return max(0, x @ W + b)."""
        ...

    def with_pass(x, W, b):
        pass

    assert _kind(check.dense_layer(dense_relu)) == "unanswered"
    assert _kind(check.dense_layer(with_pass)) == "unanswered"
    assert _kind(check.dense_layer(...)) == "unanswered"


# --- review 2026-12-05: correct alternatives and plausible wrong answers ---------------------

@pytest.mark.parametrize("answer", [0.52, 0.525, 0.5250, 0.52498, np.float64(0.52)])
def test_neuron_output_accepts_any_rounding_to_two_or_more_decimals(answer):
    # Judged wrongly before (review C4): 0.52, y to two decimals, was "too small".
    fb = check.neuron_output(answer)
    assert _kind(fb) == "right", fb.message


def test_neuron_output_rounded_answer_says_it_is_rounded_and_the_exact_answer_stays_as_it_was():
    fb = check.neuron_output(0.52)
    assert fb.message == "✅ Correct, rounded: y = sigmoid(0.1) = 0.524979, 0.52 to two decimals."
    exact = float(1 / (1 + np.exp(-(np.array([0.2, -0.4, 0.1]) @ np.array([1.0, 0.5, -2.0])
                                    + 0.3))))
    assert check.neuron_output(exact).message == "✅ Correct: the neuron's output y is 0.524979."


@pytest.mark.parametrize(("answer", "says"), [
    (0.5, "rounded to one decimal"),  # too coarse: sigmoid(0) is 0.5 too
    (0.53, "too large"),  # rounded the wrong way
    (0.45, "without the bias"),  # sigmoid(w . x)
    (0.475, "sign in the exponent"),  # 1 / (1 + exp(z))
    (0.1, "z = w . x + b"),  # no activation
])
def test_neuron_output_names_the_mistake(answer, says):
    fb = check.neuron_output(answer)
    assert _kind(fb) == "wrong" and says in fb.message, fb.message


@pytest.mark.parametrize("dense_relu", [
    lambda x, W, b: np.clip(x @ W + b, 0, None),
    lambda x, W, b: (x @ W + b) * (x @ W + b > 0),
    lambda x, W, b: np.where(np.dot(x, W) + b > 0, np.dot(x, W) + b, 0.0),
    lambda x, W, b: np.matmul(x, W).__add__(b).clip(min=0),
])
def test_dense_layer_accepts_other_ways_to_write_it(dense_relu):
    assert _kind(check.dense_layer(dense_relu)) == "right"


@pytest.mark.parametrize(("dense_relu", "says"), [
    (lambda x, W, b: np.max(x @ W + b, 0), "np.max(z, 0) takes the largest value"),
    (lambda x, W, b: np.maximum(x @ W, 0) + b, "bias after the ReLU"),
    (lambda x, W, b: np.maximum(x @ W, 0), "leaves out the bias"),
    (lambda x, W, b: x @ W + b, "without the ReLU"),
])
def test_dense_layer_names_the_mistake(dense_relu, says):
    fb = check.dense_layer(dense_relu)
    assert _kind(fb) == "wrong" and says in fb.message, fb.message


@pytest.mark.parametrize("answer", [(32, 64), np.array([32, 64]).tolist()])
def test_layer_output_shape_alternatives(answer):
    assert check.layer_output_shape(answer).ok


def test_param_count_alternative_and_near_misses():
    assert check.param_count(sum((i + 1) * o for i, o in [(784, 256), (256, 64), (64, 10)])).ok
    fb = check.param_count(218_058 - 10)  # the output layer's biases forgotten
    assert _kind(fb) == "wrong" and "too small" in fb.message


# Last in this file: every check of the lesson was given each kind of answer above.
def test_every_check_was_tested_right_wrong_malformed_unanswered(request):
    check_recorder.assert_every_check_tested("02", request)
