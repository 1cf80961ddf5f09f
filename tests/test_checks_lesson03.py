"""Tests for helpers.checks.lesson03: right, wrong, malformed and unanswered for every check."""

from __future__ import annotations

import contextlib
import io

import check_recorder
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
    assert fb.kind == "wrong" and "overflows" in fb.message
    assert "z.max(axis=-1, keepdims=True)" in fb.message  # the per-row max from the first hint
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


# --- review 2026-12-05: correct alternatives and plausible wrong answers ---------------------

def softmax(z):
    """A learner's own helper, defined in their notebook: using it is allowed."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_logsumexp(z):
    m = z.max(axis=-1, keepdims=True)
    return np.exp(z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))


@pytest.mark.parametrize("fn", [
    softmax, lambda z: softmax(z), softmax_logsumexp,
    lambda z: (e := np.exp(z - z.max(-1)[..., None])) / e.sum(-1)[..., None],
])
def test_stable_softmax_accepts_other_stable_forms(fn):
    fb = check.stable_softmax(fn)
    assert fb.kind == "right", fb.message


def test_stable_softmax_refuses_the_forbidden_library_softmax():
    # Judged wrongly before (review C3): the exercise says "Do not call act.softmax".
    from helpers import activations as act

    for fn in (lambda z: act.softmax(z), act.softmax, lambda z: act.softmax(z, axis=-1)):
        fb = check.stable_softmax(fn)
        assert fb.kind == "wrong" and "uses act.softmax" in fb.message, fb.message
        assert "write it yourself" in fb.message


def test_stable_softmax_names_the_global_max_that_its_first_hint_used_to_suggest():
    # Review C3: the hint said "z - z.max()", and the same check then rejected that on a batch
    # with "rows sum to [nan, 1.0]". Now the hint names the per-row max, and a global max is
    # named as the problem.
    def global_max(z):
        e = np.exp(z - z.max())
        return e / e.sum(axis=-1, keepdims=True)

    fb = check.stable_softmax(global_max)
    assert fb.kind == "wrong", fb.message
    assert "largest logit of the whole batch" in fb.message and "0 / 0 = nan" in fb.message
    assert "z.max(axis=-1, keepdims=True)" in fb.message


def test_stable_softmax_wrong_axis():
    def columns(z):
        e = np.exp(z - z.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)

    fb = check.stable_softmax(columns)
    assert fb.kind == "wrong" and "each row" in fb.message and "last axis" in fb.message


@pytest.mark.parametrize("rounded", [1e-6, 9.5e-7, 9.54e-7, 9.537e-7, 9.5367e-7])
def test_sigmoid_chain_accepts_every_rounding(rounded):
    assert check.sigmoid_chain(rounded).kind == "right"


def test_sigmoid_chain_rejects_a_cut_off_value_it_called_rounded():
    # Judged wrongly before (review C5): 9e-7 was "Correct, rounded"; 9.54e-7 rounds to 1e-6.
    fb = check.sigmoid_chain(9e-7)
    assert fb.kind == "wrong" and "instead of rounding" in fb.message and "1e-06" in fb.message


@pytest.mark.parametrize(("answer", "says"), [
    (0.25 ** 9, "nine factors"), (0.5 ** 10, "not its derivative"),
    (0.25, "one layer"), (2.5, "added"), (0.25 * 10, "added"),
])
def test_sigmoid_chain_names_the_mistake(answer, says):
    fb = check.sigmoid_chain(answer)
    assert fb.kind == "wrong" and says in fb.message, fb.message


@pytest.mark.parametrize("fn", [
    lambda x: np.where(x > 0, x, np.expm1(x)),
    lambda x: np.where(x >= 0, x, np.exp(x) - 1),  # the same at 0: exp(0) - 1 = 0
    lambda x: np.maximum(x, 0) + np.minimum(np.exp(np.minimum(x, 0)) - 1, 0),
])
def test_elu_alternatives(fn):
    assert check.elu(fn).kind == "right"


@pytest.mark.parametrize("fn", [
    lambda x: np.exp(x) - 1,  # the negative piece everywhere
    lambda x: np.where(x > 0, x, np.exp(x)),  # forgot the - 1
    lambda x: np.where(x < 0, x, np.exp(x) - 1),  # the pieces swapped
])
def test_elu_wrong(fn):
    fb = check.elu(fn)
    assert fb.kind == "wrong" and "exp(x) - 1 elsewhere" in fb.message


@pytest.mark.parametrize("fn", [
    lambda x: np.where(x >= 0, 1.0, np.exp(x)),  # the same at 0: exp(0) = 1
    lambda x: np.minimum(np.exp(np.minimum(x, 0)), 1.0),
])
def test_elu_derivative_alternatives(fn):
    assert check.elu_derivative(fn).kind == "right"


@pytest.mark.parametrize("fn", [elu_right, lambda x: np.where(x > 0, 1.0, 0.0)])
def test_elu_derivative_wrong(fn):
    fb = check.elu_derivative(fn)
    assert fb.kind == "wrong" and "differentiate each piece" in fb.message


# Last in this file: every check of the lesson was given each kind of answer above.
def test_every_check_was_tested_right_wrong_malformed_unanswered(request):
    check_recorder.assert_every_check_tested("03", request)
