"""Tests for helpers.checks.lesson04: right, wrong, malformed and unanswered for every check."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from helpers.checks import lesson04 as check


def quiet(feedback_fn, *args):
    """Run a check, asserting it writes nothing to stdout or stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        feedback = feedback_fn(*args)
    assert out.getvalue() == "" and err.getvalue() == ""
    return feedback


def placeholder(*args):
    ...


def raises(*args):
    raise RuntimeError("boom")


def returns_none(*args):
    np.asarray(args[0]).sum()  # computes, but forgets to return


CHECKS = [check.grad_W2, check.softmax_ce_grad, check.momentum_step, check.forward_two_hidden]


@pytest.mark.parametrize("fn", CHECKS)
def test_unanswered(fn):
    for answer in (..., None, placeholder):
        feedback = quiet(fn, answer)
        assert not feedback and feedback.kind == "unanswered"
        assert "Not answered yet" in feedback.message


@pytest.mark.parametrize("fn", CHECKS)
@pytest.mark.parametrize("answer, words", [
    (42, "should be a function"),
    (raises, "raised RuntimeError: boom"),
    (returns_none, "forget `return`"),
    (lambda *args: "text", "array of numbers|two arrays"),
])
def test_malformed_common(fn, answer, words):
    feedback = quiet(fn, answer)
    assert not feedback and feedback.kind == "malformed", feedback.message
    assert any(w in feedback.message for w in words.split("|"))


# --- 1. grad_W2


def test_grad_W2_right():
    feedback = quiet(check.grad_W2, lambda A1, dZ2: A1.T @ dZ2)
    assert feedback and feedback.kind == "right"


@pytest.mark.parametrize("answer, words", [
    (lambda A1, dZ2: A1.T @ dZ2 / len(A1), "divided by the batch size again"),
    (lambda A1, dZ2: A1.T @ dZ2 + 1, "values differ"),
    (lambda A1, dZ2: np.abs(A1.T @ dZ2), "values differ"),
])
def test_grad_W2_wrong(answer, words):
    feedback = quiet(check.grad_W2, answer)
    assert not feedback and feedback.kind == "wrong"
    assert words in feedback.message and "Hint" in feedback.message


@pytest.mark.parametrize("answer, words", [
    (lambda A1, dZ2: dZ2.T @ A1, "transpose"),
    (lambda A1, dZ2: A1.T @ dZ2[:, :1], "returned shape"),
    (lambda A1, dZ2: dZ2 @ A1, "raised ValueError"),
])
def test_grad_W2_malformed(answer, words):
    feedback = quiet(check.grad_W2, answer)
    assert not feedback and feedback.kind == "malformed"
    assert words in feedback.message


# --- 2. softmax_ce_grad


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def test_softmax_ce_grad_right():
    def right(Z, y):
        return (softmax(Z) - np.eye(Z.shape[1])[y]) / len(Z)

    assert quiet(check.softmax_ce_grad, right).kind == "right"


def naive(Z, y):
    E = np.exp(Z)
    return (E / E.sum(axis=1, keepdims=True) - np.eye(Z.shape[1])[y]) / len(Z)


@pytest.mark.parametrize("answer, words", [
    (lambda Z, y: softmax(Z) - np.eye(Z.shape[1])[y], "N times too large"),
    (lambda Z, y: softmax(Z) / len(Z), "without subtracting the true class"),
    (naive, "nan or inf"),
    (lambda Z, y: (softmax(Z) - np.eye(Z.shape[1])[(y + 1) % Z.shape[1]]) / len(Z),
     "values differ"),
])
def test_softmax_ce_grad_wrong(answer, words):
    feedback = quiet(check.softmax_ce_grad, answer)
    assert not feedback and feedback.kind == "wrong", feedback.message
    assert words in feedback.message


def test_softmax_ce_grad_malformed():
    feedback = quiet(check.softmax_ce_grad, lambda Z, y: softmax(Z).T)
    assert feedback.kind == "malformed" and "returned shape" in feedback.message


# --- 3. momentum_step


def test_momentum_step_right():
    def right(W, v, dW, lr, momentum):
        v = momentum * v - lr * dW
        return W + v, v

    assert quiet(check.momentum_step, right).kind == "right"
    assert quiet(check.momentum_step, lambda W, v, dW, lr, m: [W + m * v - lr * dW,
                                                                 m * v - lr * dW]).ok


@pytest.mark.parametrize("answer, words", [
    (lambda W, v, dW, lr, m: (W + m * v + lr * dW, m * v + lr * dW), "step up the gradient"),
    (lambda W, v, dW, lr, m: (W - lr * dW, m * v - lr * dW), "new_v is right but new_W"),
    (lambda W, v, dW, lr, m: (W + v - lr * dW, v - lr * dW), "velocity is off"),
    (lambda W, v, dW, lr, m: (W - 2 * lr * dW, -2 * lr * dW), "plain gradient descent"),
])
def test_momentum_step_wrong(answer, words):
    feedback = quiet(check.momentum_step, answer)
    assert not feedback and feedback.kind == "wrong", feedback.message
    assert words in feedback.message


@pytest.mark.parametrize("answer, words", [
    (lambda W, v, dW, lr, m: W - lr * dW, "should return two arrays"),
    (lambda W, v, dW, lr, m: (W, v, dW), "should return two arrays"),
    (lambda W, v, dW, lr, m: (W.T, v), "as new_W"),
    (lambda W, v, dW, lr, m: (W, "v"), "as new_v"),
])
def test_momentum_step_malformed(answer, words):
    feedback = quiet(check.momentum_step, answer)
    assert not feedback and feedback.kind == "malformed", feedback.message
    assert words in feedback.message


# --- 4. forward_two_hidden


def forward(X, p, relu2=True, bias=True, last_softmax=True):
    A1 = np.maximum(X @ p["W1"] + p["b1"], 0)
    Z2 = A1 @ p["W2"] + (p["b2"] if bias else 0)
    A2 = np.maximum(Z2, 0) if relu2 else Z2
    Z3 = A2 @ p["W3"] + p["b3"]
    return softmax(Z3) if last_softmax else Z3


def test_forward_two_hidden_right():
    assert quiet(check.forward_two_hidden, forward).kind == "right"


@pytest.mark.parametrize("answer, words", [
    (lambda X, p: forward(X, p, last_softmax=False), "do not sum to 1"),
    (lambda X, p: forward(X, p, relu2=False), "probabilities differ"),
    (lambda X, p: forward(X, p, bias=False), "probabilities differ"),
])
def test_forward_two_hidden_wrong(answer, words):
    feedback = quiet(check.forward_two_hidden, answer)
    assert not feedback and feedback.kind == "wrong", feedback.message
    assert words in feedback.message and "Hint" in feedback.message


@pytest.mark.parametrize("answer, words", [
    (lambda X, p: forward(X, p)[:, :5], "returned shape (5, 5)"),
    (lambda X, p: X @ p["W2"], "raised ValueError"),
    (lambda X, p: p["W9"], "raised KeyError"),
])
def test_forward_two_hidden_malformed(answer, words):
    feedback = quiet(check.forward_two_hidden, answer)
    assert not feedback and feedback.kind == "malformed", feedback.message
    assert words in feedback.message


def test_checks_do_not_change_the_learners_inputs_or_fail_on_mutation():
    def mutating(W, v, dW, lr, momentum):
        W += 1  # in place: the check must pass copies
        return W, v

    assert quiet(check.momentum_step, mutating).kind == "wrong"
    assert quiet(check.momentum_step, lambda W, v, dW, lr, m: (W + m * v - lr * dW,
                                                                 m * v - lr * dW)).ok


# --- 5. backprop_by_hand


def test_backprop_by_hand_intermediates_are_the_ones_the_lesson_shows():
    parts = check._by_hand_parts()
    np.testing.assert_allclose(parts["z1"], [0.75, -0.25])
    np.testing.assert_allclose(parts["dA1"], [0.85, 0.2])
    np.testing.assert_allclose(parts["dW1"][1], [1.7, 0.0])


@pytest.mark.parametrize("answer", [(1.7, 0.0), [1.7, 0], np.array([1.7, 0.0]), (1.7002, 1e-4),
                                    (np.float32(1.7), -0.0)])
def test_backprop_by_hand_right(answer):
    feedback = quiet(check.backprop_by_hand, answer)
    assert feedback.kind == "right", feedback.message
    assert "ReLU is off" in feedback.message


@pytest.mark.parametrize("answer, words", [
    ((1.7, 0.4), "lets the gradient through a ReLU that is off"),  # forgot relu'(z1)
    ((1.7, 0.3), "dW1[1, 1] = 0.3 is off"),
    ((0.85, 0.0), "missing the right input factor"),  # forgot x[1]
    ((0.425, 0.0), "missing the right input factor"),  # used x[0]
    ((-1.7, 0.0), "wrong sign"),
    ((1.2, 0.0), "dW1[1, 0] = 1.2 is off"),
    ((np.nan, 0.0), "nan or inf"),
])
def test_backprop_by_hand_wrong(answer, words):
    feedback = quiet(check.backprop_by_hand, answer)
    assert not feedback and feedback.kind == "wrong", feedback.message
    assert words in feedback.message


@pytest.mark.parametrize("answer, words", [
    (1.7, "should be two numbers"),
    ("1.7, 0", "should be two numbers"),
    ((1.7, 0.0, 0.0), "but you gave 3"),
    (("a", "b"), "should be two numbers"),
])
def test_backprop_by_hand_malformed(answer, words):
    feedback = quiet(check.backprop_by_hand, answer)
    assert not feedback and feedback.kind == "malformed", feedback.message
    assert words in feedback.message


def test_backprop_by_hand_unanswered():
    assert quiet(check.backprop_by_hand, ...).kind == "unanswered"


# --- momentum_step: PyTorch's form of momentum


def pytorch_momentum(W, v, dW, lr, momentum):
    v = momentum * v + dW
    return W - lr * v, v


def test_momentum_step_accepts_pytorch_form_it_once_failed_at_momentum_0():
    # This answer used to fail the momentum=0 case with "the step is just W - lr * dW",
    # although its new_W was exactly that.
    feedback = quiet(check.momentum_step, pytorch_momentum)
    assert feedback.kind == "right", feedback.message
    assert "PyTorch" in feedback.message and "same steps" in feedback.message


def test_momentum_step_right_W_wrong_v_says_so_at_momentum_0():
    feedback = quiet(check.momentum_step, lambda W, v, dW, lr, m: (W + m * v - lr * dW, dW))
    assert feedback.kind == "wrong"
    assert "momentum=0.0 new_W is right but new_v is not" in feedback.message
    assert "just W - lr * dW" not in feedback.message
