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
    (lambda W, v, dW, lr, m: (W + m * v + lr * dW, m * v + lr * dW),
     "momentum=0.0 new_W moves up the gradient"),
    (lambda W, v, dW, lr, m: (W - lr * dW, m * v - lr * dW),
     "momentum=0.9 new_v follows the lesson's formula but new_W does not"),
    (lambda W, v, dW, lr, m: (W + v - lr * dW, v - lr * dW), "never multiplied by momentum"),
    (lambda W, v, dW, lr, m: (W - 2 * lr * dW, -2 * lr * dW),
     "(plain gradient descent) new_W should be W - lr * dW"),
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
    (lambda X, p: forward(X, p, last_softmax=False), "you return the logits Z3"),
    (lambda X, p: forward(X, p, relu2=False), "the second hidden layer has no ReLU"),
    (lambda X, p: forward(X, p, bias=False), "the bias b2 is missing"),
    (lambda X, p: forward(X, p) * 2, "do not sum to 1"),
    (lambda X, p: forward(X, p)[::-1], "probabilities differ"),
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


def test_momentum_step_right_W_wrong_v_says_so():
    # At momentum 0 its new_v = dW is PyTorch's velocity, so the first call is right; at
    # momentum 0.9 new_W is still right and new_v is not.
    feedback = quiet(check.momentum_step, lambda W, v, dW, lr, m: (W + m * v - lr * dW, dW))
    assert feedback.kind == "wrong"
    assert "momentum=0.9 new_W is right but new_v is not" in feedback.message
    assert "just W - lr * dW" not in feedback.message


# --- review 2026-12-05: correct alternatives and plausible wrong answers ---------------------


def ruder_momentum(W, v, dW, lr, momentum):
    new_v = momentum * v + lr * dW  # Ruder (2016), CS231n: v is the lesson's v negated
    return W - new_v, new_v


def test_momentum_step_accepts_ruders_form():
    # Judged wrongly before (review C1): "with lr=0.1, momentum=0.0 you step up the gradient",
    # although this form steps down the gradient, exactly as the lesson's does.
    feedback = quiet(check.momentum_step, ruder_momentum)
    assert feedback.kind == "right", feedback.message
    assert "Ruder's form" in feedback.message and "same steps" in feedback.message
    assert "negated" in feedback.message


def test_momentum_step_keeps_its_message_for_the_lessons_solution():
    def momentum_step(W, v, dW, lr, momentum):
        new_v = momentum * v - lr * dW
        return W + new_v, new_v

    assert quiet(check.momentum_step, momentum_step).message == \
        "✅ Correct: v = momentum * v - lr * dW, then W = W + v."


@pytest.mark.parametrize("fn", [
    lambda W, v, dW, lr, m: ((W + (m * v - lr * dW)), (m * v - lr * dW)),  # Sutskever 2013, Keras
    lambda W, v, dW, lr, m: (W - lr * (m * v + dW), m * v + dW),  # PyTorch
    lambda W, v, dW, lr, m: (W - (m * v + lr * dW), m * v + lr * dW),  # Ruder
    lambda W, v, dW, lr, m: (W - m * v - lr * dW, np.add(m * v, lr * dW)),
    lambda W, v, dW, lr, m: [W + m * v - lr * dW, m * v - lr * dW],
])
def test_momentum_step_accepts_every_equivalent_form(fn):
    assert quiet(check.momentum_step, fn).kind == "right"


def nesterov(W, v, dW, lr, m):
    new_v = m * v - lr * dW
    return W + m * new_v - lr * dW, new_v


def nesterov_pytorch(W, v, dW, lr, m):
    new_v = m * v + dW
    return W - lr * (dW + m * new_v), new_v


def andrew_ng(W, v, dW, lr, m):
    new_v = m * v + (1 - m) * dW
    return W - lr * new_v, new_v


@pytest.mark.parametrize("fn, words", [
    (nesterov, "Nesterov's momentum"),
    (nesterov_pytorch, "Nesterov's momentum"),
    (andrew_ng, "(1 - momentum)"),
    (lambda W, v, dW, lr, m: (W + v, m * v - lr * dW), "old velocity"),  # W before v
    (lambda W, v, dW, lr, m: (W - v, m * v + lr * dW), "old velocity"),  # Ruder's, W before v
    (lambda W, v, dW, lr, m: (W - m * v + lr * dW, m * v - lr * dW),  # W = W - new_v
     "moves up the gradient"),
    (lambda W, v, dW, lr, m: (W + m * v + lr * dW, m * v + lr * dW),  # Ruder's v, W + v
     "moves up the gradient"),
    (lambda W, v, dW, lr, m: (W - lr * dW + m * v, m * v + dW),  # PyTorch's v, lesson's W
     "momentum=0.9 new_W is right but new_v is not"),
    (lambda W, v, dW, lr, m: (W - m * v - lr * dW, m * v - lr * dW),  # Ruder's W, lesson's v
     "new_v follows the lesson's formula but new_W does not"),
    (lambda W, v, dW, lr, m: (W - lr * dW, v), "momentum=0.0 new_W is right but new_v is not"),
    (lambda W, v, dW, lr, m: (W - m * v - lr * dW, 2 * m * v + lr * dW),
     "momentum=0.9 new_W is right in Ruder's form but new_v is not"),
])
def test_momentum_step_names_the_mistake(fn, words):
    feedback = quiet(check.momentum_step, fn)
    assert feedback.kind == "wrong" and words in feedback.message, feedback.message
    assert "Hint" in feedback.message


def test_momentum_step_diagnoses_are_true():
    # Every diagnosis "up the gradient" must describe a step that goes up at momentum 0.
    feedback = quiet(check.momentum_step, ruder_momentum)
    assert "up the gradient" not in feedback.message
    up = quiet(check.momentum_step, lambda W, v, dW, lr, m: (W + lr * dW, lr * dW))
    assert "momentum=0.0 new_W moves up the gradient" in up.message


def test_softmax_ce_grad_hard_coded_ten_classes_is_named():
    # Review C2: lesson 04's own np.eye(10)[y] met a raw broadcasting error on 3 classes.
    def eye10(Z, y):
        return (softmax(Z) - np.eye(10)[y]) / len(Z)

    feedback = quiet(check.softmax_ce_grad, eye10)
    assert feedback.kind == "wrong", feedback.message
    assert "right for 10 classes" in feedback.message and "(3 classes)" in feedback.message
    assert "np.eye(Z.shape[1])[y]" in feedback.message


@pytest.mark.parametrize("fn", [
    lambda Z, y: (softmax(Z) - (np.arange(Z.shape[1]) == y[:, None])) / Z.shape[0],
    lambda Z, y: (softmax(Z) - np.identity(Z.shape[1])[y]) / len(y),
    lambda Z, y: np.exp(Z - scipy_logsumexp(Z)) / len(Z) - np.eye(Z.shape[1])[y] / len(Z),
])
def test_softmax_ce_grad_alternatives(fn):
    assert quiet(check.softmax_ce_grad, fn).kind == "right"


def scipy_logsumexp(Z):
    m = Z.max(axis=1, keepdims=True)
    return m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True))


def test_softmax_ce_grad_one_maximum_for_the_whole_batch_is_refused():
    """Z - Z.max() is stable for the largest row only: a row far below it becomes 0 / 0."""
    def global_max(Z, y):
        e = np.exp(Z - Z.max())
        return (e / e.sum(axis=1, keepdims=True) - np.eye(Z.shape[1])[y]) / len(Z)

    feedback = quiet(check.softmax_ce_grad, global_max)
    assert feedback.kind == "wrong" and "whole batch" in feedback.message
    assert "Z.max(axis=1, keepdims=True)" in feedback.message


@pytest.mark.parametrize("fn, words", [
    (lambda Z, y: (np.eye(Z.shape[1])[y] - softmax(Z)) / len(Z), "values differ"),  # Y - P
    (lambda Z, y: (softmax(Z) - np.eye(Z.shape[1])[y]) / Z.shape[1], "values differ"),  # / C
])
def test_softmax_ce_grad_more_wrong_answers(fn, words):
    feedback = quiet(check.softmax_ce_grad, fn)
    assert feedback.kind == "wrong" and words in feedback.message


@pytest.mark.parametrize("fn", [
    lambda A1, dZ2: np.dot(A1.T, dZ2),
    lambda A1, dZ2: np.einsum("ni,nk->ik", A1, dZ2),
    lambda A1, dZ2: sum(np.outer(a, d) for a, d in zip(A1, dZ2, strict=True)),
    lambda A1, dZ2: (dZ2.T @ A1).T,
])
def test_grad_W2_alternatives(fn):
    assert quiet(check.grad_W2, fn).kind == "right"


def test_grad_W2_mean_over_the_batch_is_named():
    feedback = quiet(check.grad_W2, lambda A1, dZ2: A1.T @ dZ2 / len(A1))
    assert "divided by the batch size again" in feedback.message


def forward_alternative(X, p):
    A = X
    for k in (1, 2):
        A = np.maximum(A @ p[f"W{k}"] + p[f"b{k}"], 0)
    Z = A @ p["W3"] + p["b3"]
    return np.exp(Z - scipy_logsumexp(Z))


@pytest.mark.parametrize("fn", [
    forward_alternative,
    lambda X, p: forward(X, p).astype(np.float32),
    lambda X, p: (lambda Z: np.exp(Z) / np.exp(Z).sum(1, keepdims=True))(
        forward(X, p, last_softmax=False)),  # unshifted softmax: fine for these logits
])
def test_forward_two_hidden_alternatives(fn):
    assert quiet(check.forward_two_hidden, fn).kind == "right"


def sigmoid_network(X, p):
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    A2 = sig(sig(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
    return softmax(A2 @ p["W3"] + p["b3"])


def columns_softmax(X, p):
    Z = forward(X, p, last_softmax=False)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def no_first_relu(X, p):
    A1 = X @ p["W1"] + p["b1"]
    return softmax(np.maximum(A1 @ p["W2"] + p["b2"], 0) @ p["W3"] + p["b3"])


@pytest.mark.parametrize("fn, words", [
    (sigmoid_network, "use the sigmoid"),
    (columns_softmax, "down the columns"),
    (no_first_relu, "the first hidden layer has no ReLU"),
])
def test_forward_two_hidden_names_the_mistake(fn, words):
    feedback = quiet(check.forward_two_hidden, fn)
    assert feedback.kind == "wrong" and words in feedback.message, feedback.message


@pytest.mark.parametrize("answer", [(1.7, 0), [2 * 0.85, 0.0], np.array([[1.7, 0.0]])])
def test_backprop_by_hand_alternatives(answer):
    assert quiet(check.backprop_by_hand, answer).kind == "right"
