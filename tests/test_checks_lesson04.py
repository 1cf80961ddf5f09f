"""Tests for helpers.checks.lesson04: right, wrong, malformed and unanswered for every check."""

from __future__ import annotations

import contextlib
import io

import check_recorder
import numpy as np
import pytest

from helpers.checks import lesson04 as check
from helpers.scratch import backward_pass


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


CHECKS = [check.grad_W2, check.softmax_ce_grad, check.momentum_step,
          check.backward_two_hidden]


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
    (lambda *args: "text", "array of numbers|two arrays|should return a dict"),
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


# --- 4. backward_two_hidden


def backward(params, cache, y):
    """The lesson's solution: the backward recursion written out for three layers."""
    P = cache["P"]
    N = len(y)
    dZ3 = (P - np.eye(P.shape[1])[y]) / N
    dW3, db3 = cache["A2"].T @ dZ3, dZ3.sum(axis=0)
    dZ2 = (dZ3 @ params["W3"].T) * (cache["Z2"] > 0)
    dW2, db2 = cache["A1"].T @ dZ2, dZ2.sum(axis=0)
    dZ1 = (dZ2 @ params["W2"].T) * (cache["Z1"] > 0)
    dW1, db1 = cache["A0"].T @ dZ1, dZ1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "W3": dW3, "b3": db3}


def backprop(params, cache, y, *, top=None, weight=None, bias=None, through=None, at=(1, 2, 3),
             dZ_factor=None, factor=None):
    """A loop over the layers; each keyword replaces one step by a mistake, at layers ``at``."""
    P, N = cache["P"], len(y)
    Y = np.eye(10)[y]
    dZ = (P - Y) / N if top is None else top(P, Y, N)
    grads = {}
    for layer in (3, 2, 1):
        if dZ_factor and layer in dZ_factor:
            dZ = dZ * dZ_factor[layer]
        A, mistaken = cache[f"A{layer - 1}"], layer in at
        grads[f"W{layer}"] = weight(A, dZ) if weight and mistaken else A.T @ dZ
        grads[f"b{layer}"] = bias(dZ) if bias and mistaken else dZ.sum(axis=0)
        if layer > 1:
            dA, Z = dZ @ params[f"W{layer}"].T, cache[f"Z{layer - 1}"]
            dZ = through(dA, Z) if through and layer - 1 in at else dA * (Z > 0)
    for key, f in (factor or {}).items():
        grads[key] = grads[key] * f
    return grads


def test_backward_two_hidden_right():
    feedback = quiet(check.backward_two_hidden, backward)
    assert feedback.kind == "right", feedback.message
    assert "finite differences at 18 nudged weights and biases" in feedback.message


def test_backward_two_hidden_reference_is_scratchs_and_matches_finite_differences():
    params, cache, y = check._deep_case()
    want, _ = check._backprop(params, cache, y)
    reference = backward_pass(params, cache, y)
    for key in check._KEYS:
        np.testing.assert_array_equal(want[key], reference[key])
        scale = np.abs(want[key]).max()
        for idx in check._nudged_entries(want)[key]:
            assert want[key][idx] != 0
            slope = check._loss_slope(params, cache["A0"], y, key, idx)
            assert abs(slope - want[key][idx]) < 1e-7 * scale, (key, idx)
    # no hidden unit sits on ReLU's kink, where a finite difference would mix two slopes
    assert min(np.abs(cache["Z1"]).min(), np.abs(cache["Z2"]).min()) > 100 * check._EPS


def scratch_backward(params, cache, y):
    from helpers.scratch import backward_pass as reference

    return reference(params, cache, y)


def einsum_backward(params, cache, y):
    P, N = cache["P"], len(y)
    dZ = (P - (np.arange(10) == y[:, None])) / N
    grads = {}
    for layer in (3, 2, 1):
        grads[f"dW{layer}"] = np.einsum("ij,ik->jk", cache[f"A{layer - 1}"], dZ)
        grads[f"db{layer}"] = np.ones(N) @ dZ
        if layer > 1:
            dZ = np.einsum("ik,jk->ij", dZ, params[f"W{layer}"]) * np.heaviside(
                cache[f"Z{layer - 1}"], 0.0)
    return grads


def recomputing_backward(params, cache, y):
    """Recomputes the forward pass from X, in float32, with a mask from A instead of Z."""
    from helpers.scratch import forward_pass

    p = {k: v.astype(np.float32) for k, v in params.items()}
    _, c = forward_pass(p, cache["A0"].astype(np.float32))
    dZ3 = (c["P"] - np.eye(10, dtype=np.float32)[y]) / np.float32(len(y))
    dZ2 = dZ3 @ p["W3"].T * (c["A2"] > 0)
    dZ1 = dZ2 @ p["W2"].T * (c["A1"] > 0)
    return {"W3": (dZ3.T @ c["A2"]).T, "b3": dZ3.sum(0), "W2": c["A1"].T @ dZ2,
            "b2": dZ2.sum(0), "W1": c["A0"].T @ dZ1, "b1": dZ1.sum(0)}


@pytest.mark.parametrize("fn", [
    backward,
    lambda p, c, y: backprop(p, c, y),  # a loop over the layers
    lambda p, c, y: backprop(p, c, y, bias=lambda dZ: np.ones(len(dZ)) @ dZ),
    # ReLU's derivative from A: A > 0 exactly where Z > 0, so it is right for ReLU
    lambda p, c, y: backprop(p, c, y, through=lambda dA, Z: dA * (np.maximum(Z, 0) > 0)),
    lambda p, c, y: backprop(p, c, y, through=lambda dA, Z: np.where(Z >= 0, dA, 0.0)),
    lambda p, c, y: {f"d{k}": v for k, v in backward(p, c, y).items()},  # keys dW1 ... db3
    lambda p, c, y: {k: v.tolist() for k, v in backward(p, c, y).items()},
    einsum_backward,
    recomputing_backward,
    scratch_backward,
])
def test_backward_two_hidden_accepts_correct_alternatives(fn):
    feedback = quiet(check.backward_two_hidden, fn)
    assert feedback.kind == "right", feedback.message


@pytest.mark.parametrize("fn, words", [
    (lambda p, c, y: backprop(p, c, y, top=lambda P, Y, N: P - Y),
     ["every gradient is N = 6 times too large", "1/N"]),
    (lambda p, c, y: backprop(p, c, y, top=lambda P, Y, N: (Y - P) / N), ["wrong sign"]),
    (lambda p, c, y: backprop(p, c, y, top=lambda P, Y, N: P / N), ["never subtracted"]),
    (lambda p, c, y: backprop(p, c, y, top=lambda P, Y, N: (P - Y) / 10),
     ["the number of classes", "N = 6"]),
    (lambda p, c, y: backprop(p, c, y, weight=lambda A, dZ: A.T @ dZ / len(A)),
     ["every dW is N = 6 times too small", "a second time"]),
    (lambda p, c, y: backprop(p, c, y, bias=lambda dZ: dZ.mean(axis=0)),
     ["mean of dZ's rows", "db = dZ.sum(axis=0)"]),
    (lambda p, c, y: backprop(p, c, y, bias=lambda dZ: dZ[0]), ["first row of dZ", "sum"]),
    (lambda p, c, y: backprop(p, c, y, through=lambda dA, Z: dA),
     ["dZ2 and dZ1 leave out ReLU's derivative"]),
    (lambda p, c, y: backprop(p, c, y, through=lambda dA, Z: dA, at=(1,)),
     ["dZ1 leaves out ReLU's derivative: dZ1 = dA1"]),
    (lambda p, c, y: backprop(p, c, y, through=lambda dA, Z: dA * np.maximum(Z, 0)),
     ["multiply dA by the activation relu(Z) instead of by its derivative"]),
    (lambda p, c, y: backprop(p, c, y, through=lambda dA, Z: np.maximum(dA, 0), at=(2,)),
     ["for dZ2 you apply ReLU to the gradient"]),
    # the lesson's `/ len(X)`, with its 64 images, where the check passes 6
    (lambda p, c, y: backprop(p, c, y, top=lambda P, Y, N: (P - Y) / 64),
     ["every gradient is 64/6 = 10.7 times too small", "the lesson's len(X)",
      "take N from the function's arguments, N = len(y)"]),
    (lambda p, c, y: backprop(p, c, y, top=lambda P, Y, N: P - Y, bias=lambda dZ: dZ.mean(0)),
     ["every dW is N = 6 times too large while every db is right", "missing from dZ3",
      "put the 1/N in dZ3 = (P - Y) / N", "sum the biases"]),
])
def test_backward_two_hidden_names_whole_mistakes(fn, words):
    feedback = quiet(check.backward_two_hidden, fn)
    assert feedback.kind == "wrong", feedback.message
    assert all(w in feedback.message for w in words), feedback.message
    assert "Hint" in feedback.message


def pre_activations_as_inputs(params, cache, y):
    grads = backward(params, cache, y)
    P, N = cache["P"], len(y)
    dZ3 = (P - np.eye(10)[y]) / N
    dZ2 = (dZ3 @ params["W3"].T) * (cache["Z2"] > 0)
    return {**grads, "W3": cache["Z2"].T @ dZ3, "W2": cache["Z1"].T @ dZ2}


@pytest.mark.parametrize("fn, words", [
    (lambda p, c, y: backprop(p, c, y, factor={"W2": 2}),
     ["dW3 and db3 are right, but dW2 is off by a factor 2", "dW2 = A1.T @ dZ2"]),
    (lambda p, c, y: backprop(p, c, y, dZ_factor={2: 2}),
     ["dW2 is off by a factor 2", "db2, dW1 and db1 are off too", "come from dZ2"]),
    (lambda p, c, y: backprop(p, c, y, factor={"b3": 0.5}),
     ["dW3 is right, but db3 is off by a factor 2 (yours is 2 times too small)"]),
    (lambda p, c, y: backprop(p, c, y, bias=lambda dZ: dZ.mean(axis=0), at=(1,)),
     ["db1 is N = 6 times too small", "where the sum belongs", "dZ1.sum(axis=0)"]),
    (lambda p, c, y: backprop(p, c, y, bias=lambda dZ: dZ[0], at=(2,)),
     ["db2 is one row of dZ2", "dZ2.sum(axis=0)"]),
    (lambda p, c, y: backprop(p, c, y, weight=lambda A, dZ: A.T @ dZ * len(A), at=(1,)),
     ["dW1 is N = 6 times too large"]),
    (lambda p, c, y: backprop(p, c, y, factor={"W3": -1}), ["dW3 has the wrong sign"]),
    (lambda p, c, y: {**backward(p, c, y), "b1": np.zeros(64)}, ["db1 is all zeros"]),
    (lambda p, c, y: backprop(p, c, y, through=lambda dA, Z: dA * (Z[::-1] > 0), at=(1,)),
     ["dW3, db3, dW2 and db2 are right", "while nudging W1[", "(a finite difference)",
      "db1 is off too"]),
    (pre_activations_as_inputs, ["pre-activations Z2 and Z1"]),
    (lambda p, c, y: backprop(p, c, y, factor={"W3": 6 / 64}),
     ["dW3 is 64/6 = 10.7 times too small", "the lesson's len(X)", "N = len(y)"]),
    (lambda p, c, y: {**backward(p, c, y), "W1": np.full((784, 64), np.nan)},
     ["dW1 contains nan or inf"]),
])
def test_backward_two_hidden_names_the_wrong_gradient(fn, words):
    feedback = quiet(check.backward_two_hidden, fn)
    assert feedback.kind == "wrong", feedback.message
    assert all(w in feedback.message for w in words), feedback.message
    assert "Hint" in feedback.message


@pytest.mark.parametrize("relu_at_1", [True, False])
def test_backward_two_hidden_points_a_missing_1_over_n_to_dZ3_not_to_what_was_written(relu_at_1):
    """dW3 = A2.T @ dZ3 is what the learner wrote: the hint names dZ3's 1/N instead, also
    when a second mistake (dZ1 without ReLU's derivative) hides the whole pattern."""
    def no_n_in_dZ3(p, c, y):
        return backprop(p, c, y, top=lambda P, Y, N: P - Y, bias=lambda dZ: dZ.mean(axis=0),
                        through=lambda dA, Z: dA * (Z > 0) if relu_at_1 or Z.shape[1] != 64
                        else dA)

    message = quiet(check.backward_two_hidden, no_n_in_dZ3).message
    assert "put the 1/N in dZ3 = (P - Y) / N" in message, message
    assert "sum the biases" in message and "A2.T @ dZ3" not in message, message


# The lesson's one-hot labels: 64 images, where the check passes 6.
LESSON_Y = np.eye(10)[np.arange(64) % 10]


def lesson_Y(params, cache, y):
    """Copies the lesson's code, Y included, instead of building Y from the argument y."""
    return backprop(params, cache, y, top=lambda P, Y, N: (P - LESSON_Y) / N)


def test_backward_two_hidden_finite_difference_is_the_true_slope():
    """The entry a generic message quotes: its finite difference is the right gradient."""
    def shuffled_mask(p, c, y):
        return backprop(p, c, y, through=lambda dA, Z: dA * (Z[::-1] > 0), at=(1,))

    message = quiet(check.backward_two_hidden, shuffled_mask).message
    idx = tuple(int(i) for i in message.split("while nudging W1[")[1].split("]")[0].split(","))
    rate = float(message.split("at a rate of ")[1].split(" ")[0])
    params, cache, y = check._deep_case()
    assert rate == pytest.approx(backward_pass(params, cache, y)["W1"][idx], rel=1e-3)


@pytest.mark.parametrize("fn, words", [
    (lambda p, c, y: backprop(p, c, y, weight=lambda A, dZ: dZ.T @ A),
     ["dW3 has shape (10, 32) but must be (32, 10)", "transposed product"]),
    (lambda p, c, y: backprop(p, c, y, weight=lambda A, dZ: dZ.T @ A, at=(2,)),
     ["dW2 has shape (32, 64) but must be (64, 32)", "transposed product"]),
    (lambda p, c, y: backprop(p, c, y, bias=lambda dZ: dZ.sum(axis=0, keepdims=True), at=(1,)),
     ["db1 has shape (1, 64) but must be (64,)", "without keepdims"]),
    (lambda p, c, y: backprop(p, c, y, bias=lambda dZ: dZ),
     ["db3 has shape (6, 10) but must be (10,)", "sums dZ3 over the rows"]),
    (lambda p, c, y: backprop(p, c, y, bias=lambda dZ: dZ.sum(axis=1)),
     ["db3 has shape (6,) but must be (10,)", "one number per image",
      "sum over the images, the rows: dZ3.sum(axis=0)"]),
    (lambda p, c, y: backprop(p, c, y, bias=lambda dZ: dZ.sum(), at=(2,)),
     ["db2 has shape () but must be (32,)", "one number for everything",
      "sum over the images, the rows: dZ2.sum(axis=0)"]),
    (lesson_Y, ["raised ValueError", "(6,10) (64,10)", "the lesson's Y",
                            "build Y inside the function from its argument y",
                            "Y = np.eye(10)[y]"]),
    (lambda p, c, y: {**backward(p, c, y), "W1": c["A1"].T @ c["A1"]},
     ["dW1 has shape (64, 64) but must be (784, 64)", "one row per input"]),
    (lambda p, c, y: tuple(backward(p, c, y).values()), ["should return a dict", "a tuple"]),
    (lambda p, c, y: [backward(p, c, y)], ["should return a dict", "a list"]),
    (lambda p, c, y: {k: v for k, v in backward(p, c, y).items() if k != "b3"},
     ["b3 is missing", "the keys of params"]),
    (lambda p, c, y: {**backward(p, c, y), "dZ3": c["P"]}, ["'dZ3' is not among the keys"]),
    (lambda p, c, y: {k.lower(): v for k, v in backward(p, c, y).items()},
     ["W1, W2 and W3 are missing", "'w1', 'w2' and 'w3' are not among the keys"]),
    (lambda p, c, y: {**backward(p, c, y), "dW1": backward(p, c, y)["W1"]},
     ["'dW1' repeats 'W1'"]),
    (lambda p, c, y: {**backward(p, c, y), "W2": "dW2"}, ["dW2 should be an array of numbers"]),
    (lambda p, c, y: c["X"], ["raised KeyError", "cache has A0 (that is X)"]),
    (lambda p, c, y: (c["P"] - np.eye(10)[y]) @ p["W3"], ["raised ValueError",
                                                          "(N, a) @ (a, b) gives (N, b)"]),
])
def test_backward_two_hidden_malformed(fn, words):
    feedback = quiet(check.backward_two_hidden, fn)
    assert feedback.kind == "malformed", feedback.message
    assert all(w in feedback.message for w in words), feedback.message


def test_backward_two_hidden_is_not_fooled_by_an_answer_that_changes_its_inputs():
    def mutating(params, cache, y):
        grads = {k: v.copy() for k, v in backward(params, cache, y).items()}
        for array in (*params.values(), *cache.values()):
            array[...] = 0  # spoils the learner's own copies, not the check's
        return grads

    assert quiet(check.backward_two_hidden, mutating).kind == "right"
    assert quiet(check.backward_two_hidden, backward).kind == "right"


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


# --- review 3, item 12: the pair returned in the wrong order


def swapped_momentum(W, v, dW, lr, momentum):
    new_v = momentum * v - lr * dW
    new_W = W + new_v
    return new_v, new_W  # the exercise asks for (new_W, new_v)


@pytest.mark.parametrize("answer, form", [
    (swapped_momentum, ""),
    (lambda W, v, dW, lr, m: [m * v - lr * dW, W + m * v - lr * dW], ""),  # a list
    (lambda W, v, dW, lr, m: (m * v + dW, W - lr * (m * v + dW)),
     " in the form v = momentum * v + dW, W = W - lr * v"),
    (lambda W, v, dW, lr, m: ruder_momentum(W, v, dW, lr, m)[::-1],
     " in the form v = momentum * v + lr * dW, W = W - v"),
])
def test_momentum_step_names_a_swapped_pair(answer, form):
    feedback = quiet(check.momentum_step, answer)
    assert not feedback and feedback.kind == "wrong", feedback.message
    assert (f"your step is right{form}, but you return (new_v, new_W); the exercise asks for "
            "(new_W, new_v).") in feedback.message
    assert "return new_W, new_v" in feedback.message
    # named before the other diagnoses: nothing about plain gradient descent or new_v's formula
    for other in ("plain gradient descent", "new_v follows", "new_W is right", "differ"):
        assert other not in feedback.message


def nesterov_swapped(W, v, dW, lr, momentum):
    new_v = momentum * v - lr * dW
    return new_v, W + momentum * new_v - lr * dW  # two slips: Nesterov's step, and swapped


def test_momentum_step_names_a_swap_that_comes_with_a_second_slip():
    # Review of the fix: at momentum 0 this pair is the plain step swapped; the check must
    # name the swap, not say that new_W should be W - lr * dW (the second value is just that).
    feedback = quiet(check.momentum_step, nesterov_swapped)
    assert feedback.kind == "wrong", feedback.message
    assert "you return (new_v, new_W); the exercise asks for (new_W, new_v)" in feedback.message
    assert "swap the pair first" in feedback.message
    assert "plain gradient descent" not in feedback.message


def test_momentum_step_swap_diagnosis_leaves_right_answers_right():
    for fn in (ruder_momentum, pytorch_momentum, swapped_momentum):
        feedback = quiet(check.momentum_step, fn)
        assert (feedback.kind == "right") == (fn is not swapped_momentum), feedback.message
    assert "Ruder's form" in quiet(check.momentum_step, ruder_momentum).message


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


@pytest.mark.parametrize("answer", [(1.7, 0), [2 * 0.85, 0.0], np.array([[1.7, 0.0]])])
def test_backprop_by_hand_alternatives(answer):
    assert quiet(check.backprop_by_hand, answer).kind == "right"


# Last in this file: every check of the lesson was given each kind of answer above.
def test_every_check_was_tested_right_wrong_malformed_unanswered(request):
    check_recorder.assert_every_check_tested("04", request)
