"""Tests for helpers.checks.lesson03: right, wrong, malformed and unanswered for every check."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from helpers.checks import lesson03 as check


def elu_right(x):
    return np.where(x > 0, x, np.exp(x) - 1)


def elu_derivative_right(x):
    return np.where(x > 0, 1.0, np.exp(x))


def softmax_right(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_naive(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_no_axis(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def _raises(x):
    raise RuntimeError("boom")


def _shape_wrong(x):
    return np.zeros(3)


def _no_return(x):
    np.exp(x)


@pytest.mark.parametrize("fn", [check.elu, check.elu_derivative, check.stable_softmax])
def test_unanswered(fn):
    fb = fn(...)
    assert not fb and fb.kind == "unanswered" and "Not answered yet" in fb.message


@pytest.mark.parametrize("fn", [check.elu, check.elu_derivative, check.stable_softmax])
def test_placeholder_function_is_unanswered(fn):
    def placeholder(x):
        """Return something."""
        ...

    def passing(x):
        pass

    for f in (placeholder, passing):
        fb = fn(f)
        assert not fb and fb.kind == "unanswered" and "Not answered yet" in fb.message
    fb = fn(_no_return)  # has a body but forgot `return`: not the same thing
    assert fb.kind == "malformed" and "return" in fb.message


def test_sigmoid_chain_unanswered():
    fb = check.sigmoid_chain(...)
    assert not fb and fb.kind == "unanswered"


def test_elu():
    assert check.elu(elu_right).kind == "right"
    fb = check.elu(lambda x: np.maximum(x, 0))  # ReLU, not ELU
    assert fb.kind == "wrong" and "exp(x) - 1" in fb.message
    assert check.elu(lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))).kind == "wrong"
    assert check.elu(_raises).kind == "malformed"
    assert check.elu(_shape_wrong).kind == "malformed"
    assert check.elu(_no_return).kind == "malformed"
    assert check.elu(3.0).kind == "malformed"
    # a scalar-only implementation fails on arrays: reported, not raised
    fb = check.elu(lambda x: x if x > 0 else np.exp(x) - 1)
    assert fb.kind == "malformed" and "ValueError" in fb.message


def test_elu_derivative():
    assert check.elu_derivative(elu_derivative_right).kind == "right"
    fb = check.elu_derivative(lambda x: np.where(x > 0, 1.0, np.exp(x) - 1))
    assert fb.kind == "wrong" and "exp(x)" in fb.message
    assert check.elu_derivative(_raises).kind == "malformed"
    assert check.elu_derivative(_shape_wrong).kind == "malformed"
    assert check.elu_derivative("exp").kind == "malformed"


def test_stable_softmax_right():
    assert check.stable_softmax(softmax_right).kind == "right"


def test_stable_softmax_naive_is_wrong_without_warnings():
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a RuntimeWarning escaping would raise here
            fb = check.stable_softmax(softmax_naive)
    assert fb.kind == "wrong" and "overflows" in fb.message and "z.max()" in fb.message
    assert err.getvalue() == ""


def test_stable_softmax_other_wrong_answers():
    fb = check.stable_softmax(softmax_no_axis)  # right for one vector, wrong for a batch
    assert fb.kind == "wrong" and "keepdims=True" in fb.message
    fb = check.stable_softmax(lambda z: np.exp(z))  # forgot to normalise
    assert fb.kind == "wrong" and "divide by the sum" in fb.message


def test_stable_softmax_malformed():
    assert check.stable_softmax(_raises).kind == "malformed"
    assert check.stable_softmax(_no_return).kind == "malformed"
    assert check.stable_softmax(lambda z: z.sum()).kind == "malformed"  # wrong shape
    assert check.stable_softmax([0.1, 0.2, 0.7]).kind == "malformed"
    # right on small logits, raises on large ones: reported as malformed, not raised
    fb = check.stable_softmax(lambda z: softmax_right(z) if z.max() < 10 else _raises(z))
    assert fb.kind == "malformed" and "RuntimeError" in fb.message


def test_sigmoid_chain():
    assert check.sigmoid_chain(0.25 ** 10).kind == "right"
    assert check.sigmoid_chain(9.537e-7).kind == "right"
    fb = check.sigmoid_chain(0.25)
    assert fb.kind == "wrong" and "ten" in fb.message
    fb = check.sigmoid_chain(2.5)
    assert fb.kind == "wrong" and "multiplies" in fb.message
    assert check.sigmoid_chain(0.5 ** 10).kind == "wrong"
    assert check.sigmoid_chain("0.25**10").kind == "malformed"


def test_sigmoid_chain_accepts_the_rounded_answers_it_once_rejected():
    # The solution quotes "about 9.5e-07" and the lesson "about one millionth": both are right.
    for rounded in (9.5e-7, 1e-6, 0.000001, np.float32(9.5e-7), np.array(1e-6)):
        fb = check.sigmoid_chain(rounded)
        assert fb.kind == "right", (rounded, fb.message)
        assert "9.537e-07" in fb.message and "one millionth" in fb.message
    assert "Correct: " in check.sigmoid_chain(0.25 ** 10).message
    for wrong_answer in (0.25 ** 9, 0.25 ** 11, 1.1e-6, 8.9e-7, -9.5e-7, 0.0):
        assert check.sigmoid_chain(wrong_answer).kind == "wrong", wrong_answer
    assert check.sigmoid_chain([0.25] * 10).kind == "malformed"


@pytest.mark.parametrize("fn", [check.elu, check.elu_derivative, check.stable_softmax])
def test_return_zero_is_an_answer_not_a_placeholder(fn):
    """Issue 14: a learner's ``return 0`` is a (wrong) answer, never 'not answered yet'."""
    def returns_zero(x):
        return 0

    def returns_zero_float(x):
        return 0.0

    for answer in (returns_zero, returns_zero_float):
        fb = fn(answer)
        assert not fb and fb.kind in ("wrong", "malformed"), fb.message
        assert "Not answered yet" not in fb.message


@pytest.mark.parametrize("fn", [check.elu, check.elu_derivative, check.stable_softmax])
def test_raise_not_implemented_is_unanswered(fn):
    def todo(x):
        raise NotImplementedError

    def todo_call(x):
        """Return something."""
        raise NotImplementedError()

    for answer in (todo, todo_call):
        assert fn(answer).kind == "unanswered"
