"""Checks for lesson 04 (training from scratch): a layer's gradient, momentum, a deeper net.

Each check calls your function on small, fixed inputs and compares with the reference
maths of :mod:`helpers.scratch`. It never raises: it says what is right, what is off
(with a hint), or what shape or type your function should return.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.checks._core import Feedback, malformed, not_a_function, right, unanswered, wrong
from helpers.checks._core import unanswered_function as _todo
from helpers.scratch import MLP, log_softmax, one_hot

__all__ = ["backprop_by_hand", "forward_two_hidden", "grad_W2", "momentum_step",
           "softmax_ce_grad"]

def _call(fn: Any, name: str, args: tuple[Any, ...]) -> tuple[Any, Feedback | None]:
    """Call a learner's function quietly; return ``(result, None)`` or ``(None, feedback)``."""
    if (problem := not_a_function(fn, name)) is not None:
        return None, problem
    copies = tuple(a.copy() if isinstance(a, np.ndarray | dict) else a for a in args)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = fn(*copies)
    except Exception as exc:  # the learner's code failed: report, don't raise
        return None, malformed(f"{name} raised {type(exc).__name__}: {exc}")
    if result is None:
        return None, malformed(f"{name} returned None; did you forget `return`?")
    return result, None


def _array(result: Any, name: str, shape: tuple[int, ...],
           what: str = "") -> tuple[np.ndarray | None, Feedback | None]:
    """Return ``result`` as a float array of ``shape``, or a malformed feedback."""
    try:
        got = np.asarray(result.numpy() if hasattr(result, "numpy") else result, dtype=float)
    except (TypeError, ValueError):
        return None, malformed(f"{name} should return an array of numbers{what}, but it "
                               f"returned a {type(result).__name__}.")
    if got.shape != shape:
        return None, malformed(f"{name} returned shape {got.shape}{what}, expected {shape}.")
    return got, None


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.allclose(a, b, rtol=1e-5, atol=1e-8))


def _rng_case(seed: int, n: int, hidden: int, classes: int) -> tuple[np.ndarray, np.ndarray]:
    """An activation matrix A1 (n, hidden) and a logit gradient dZ2 (n, classes)."""
    rng = np.random.default_rng(seed)
    A1 = np.maximum(rng.normal(size=(n, hidden)), 0.0)
    dZ2 = rng.normal(size=(n, classes)) / n
    return A1, dZ2


def grad_W2(fn: Any) -> Feedback:
    """Check ``grad_W2(A1, dZ2)``: the gradient of the loss for W2 is ``A1.T @ dZ2``."""
    name = "grad_W2"
    if (todo := _todo(fn, "your code for the body of grad_W2")) is not None:
        return todo
    for seed, (n, hidden, classes) in enumerate([(5, 4, 3), (8, 6, 10)]):
        A1, dZ2 = _rng_case(seed, n, hidden, classes)
        expected = A1.T @ dZ2
        result, problem = _call(fn, name, (A1, dZ2))
        if problem is not None:
            return problem
        if np.shape(result) == (classes, hidden):
            return malformed(f"{name} returned shape {np.shape(result)}, expected "
                             f"{(hidden, classes)} (the shape of W2). You have its transpose: "
                             "dW2 = A1.T @ dZ2.")
        got, problem = _array(result, name, expected.shape, f" for A1 {A1.shape} and dZ2 "
                                                            f"{dZ2.shape}")
        if problem is not None:
            return problem
        if _close(got, expected):
            continue
        if _close(got * n, expected):
            return wrong("your result is the right one divided by the batch size again.",
                         "dZ2 already holds the 1/N of the mean loss; dW2 = A1.T @ dZ2.")
        return wrong(f"for A1 {A1.shape} and dZ2 {dZ2.shape} the values differ (largest "
                     f"difference {np.abs(got - expected).max():.3g}).",
                     "each weight W2[j, k] links hidden unit j to class k, so dW2[j, k] sums "
                     "A1[i, j] * dZ2[i, k] over the examples i: that is A1.T @ dZ2.")
    return right("Correct: dW2 = A1.T @ dZ2, shape (hidden, classes) like W2.")


def _softmax_ce_grad(Z: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (np.exp(log_softmax(Z)) - one_hot(y, Z.shape[1], float)) / len(Z)


def _right_for(fn: Any, Z: np.ndarray, y: np.ndarray) -> bool:
    """Whether ``fn(Z, y)`` runs and gives the right gradient."""
    result, problem = _call(fn, "softmax_ce_grad", (Z, y))
    if problem is not None:
        return False
    got, problem = _array(result, "softmax_ce_grad", Z.shape)
    return got is not None and _close(got, _softmax_ce_grad(Z, y))


def softmax_ce_grad(fn: Any) -> Feedback:
    """Check ``softmax_ce_grad(Z, y)``: ``(softmax(Z) - one_hot(y)) / N``, stable for big Z."""
    name = "softmax_ce_grad"
    if (todo := _todo(fn, "your code for the body of softmax_ce_grad")) is not None:
        return todo
    rng = np.random.default_rng(4)
    cases = [
        (np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]), np.array([0, 2])),
        (rng.normal(size=(6, 10)) * 3, rng.integers(0, 10, 6)),
        (np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]]), np.array([2, 0])),
        # one row far below the other: one maximum for the whole batch leaves it 0 / 0
        (np.array([[1000.0, 1001.0, 1002.0], [1.0, 2.0, 3.0]]), np.array([2, 0])),
    ]
    for Z, y in cases:
        expected = _softmax_ce_grad(Z, y)
        result, problem = _call(fn, name, (Z, y))
        if problem is None:
            got, problem = _array(result, name, expected.shape, f" for Z of shape {Z.shape}")
        if problem is not None:
            if problem.kind == "malformed" and Z.shape[1] != 10 and _right_for(fn, *cases[1]):
                failure = problem.message.split(f"{name} ", 1)[-1].rstrip(" .")
                return wrong(f"{name} is right for 10 classes, but for Z of shape {Z.shape} "
                             f"({Z.shape[1]} classes) it {failure}.",
                             "take the number of classes from Z: np.eye(Z.shape[1])[y] "
                             "instead of np.eye(10)[y].")
            return problem
        if _close(got, expected):
            continue
        if not np.all(np.isfinite(got)):
            return wrong(f"for logits as large as {np.abs(Z).max():g} your gradient contains "
                         "nan or inf: np.exp overflowed, or one maximum subtracted for the whole "
                         "batch left a row far below it as 0 / 0.",
                         "subtract each row's maximum, Z - Z.max(axis=1, keepdims=True), "
                         "before np.exp; softmax does not change.")
        if _close(got / len(Z), expected):
            return wrong("your gradient is N times too large.",
                         "the loss is a mean over the N examples, so divide by N = len(Z).")
        probs = np.exp(log_softmax(Z))
        if _close(got, probs / len(Z)) or _close(got, probs):
            return wrong("you return the probabilities without subtracting the true class.",
                         "subtract the one-hot labels: P - Y, where Y[i, y[i]] = 1.")
        return wrong(f"for Z of shape {Z.shape} the values differ (largest difference "
                     f"{np.abs(got - expected).max():.3g}).",
                     "dZ = (softmax(Z) - Y) / N with Y the one-hot labels.")
    return right("Correct: dZ = (P - Y) / N, and it stays finite for huge logits.")


# The asked step in three notations, each with its own velocity u = v / s, where v is the
# lesson's (Sutskever et al. 2013, Keras): new_u = momentum * u - lr / s * dW, W + s * new_u.
# PyTorch's u is v / -lr, Ruder's (2016) is -v: for a fixed lr all three take the same steps.
_FORMS: tuple[tuple[str, Callable[[float], float], str], ...] = (
    ("the lesson's", lambda lr: 1.0, "Correct: v = momentum * v - lr * dW, then W = W + v."),
    ("PyTorch's", lambda lr: -lr,
     "Correct, in PyTorch's form: v = momentum * v + dW, then W = W - lr * v. "
     "It takes the same steps as the lesson's v = momentum * v - lr * dW, "
     "W = W + v while lr stays fixed; its v is the lesson's divided by -lr."),
    ("Ruder's", lambda lr: -1.0,
     "Correct, in Ruder's form: v = momentum * v + lr * dW, then W = W - v. "
     "It takes the same steps as the lesson's v = momentum * v - lr * dW, W = W + v; "
     "its v is the lesson's negated."),
)
Step = tuple[np.ndarray, np.ndarray]


def _momentum(W: np.ndarray, v: np.ndarray, dW: np.ndarray, lr: float, mu: float,
              s: float) -> Step:
    """The asked step in the notation whose velocity is the lesson's divided by ``s``."""
    new_v = mu * v - lr / s * dW
    return W + s * new_v, new_v


def _nesterov(W: np.ndarray, v: np.ndarray, dW: np.ndarray, lr: float, mu: float,
              s: float) -> Step:
    new_v = mu * v - lr / s * dW
    return W + mu * s * new_v - lr * dW, new_v


def _old_velocity(W: np.ndarray, v: np.ndarray, dW: np.ndarray, lr: float, mu: float,
                  s: float) -> Step:
    return W + s * v, mu * v - lr / s * dW


def _no_decay(W: np.ndarray, v: np.ndarray, dW: np.ndarray, lr: float, mu: float,
              s: float) -> Step:
    return _momentum(W, v, dW, lr, 1.0, s)


def _averaged(W: np.ndarray, v: np.ndarray, dW: np.ndarray, lr: float, mu: float,
              s: float) -> Step:
    return _momentum(W, v, dW, lr * (1 - mu), mu, s)


_MISTAKES = (
    (_nesterov, "this is Nesterov's momentum (new_W = W + momentum * new_v - lr * dW, a look "
                "ahead); the exercise asks for classical momentum.",
     "move the weights by the new velocity itself: new_W = W + new_v."),
    (_old_velocity, "new_W moves by the old velocity v instead of the new one.",
     "compute new_v = momentum * v - lr * dW first, then new_W = W + new_v."),
    (_no_decay, "new_v keeps all of the old velocity: v is never multiplied by momentum.",
     "new_v = momentum * v - lr * dW."),
    (_averaged, "new_v scales the gradient by (1 - momentum), an average of the gradients as "
                "in Andrew Ng's course: every step is then (1 - momentum) times the one asked "
                "for, 10 times shorter at momentum 0.9.",
     "drop the (1 - momentum) factor: new_v = momentum * v - lr * dW, then new_W = W + new_v."),
)


def momentum_step(fn: Any) -> Feedback:
    """Check ``momentum_step(W, v, dW, lr, momentum)`` returning ``(new_W, new_v)``.

    The lesson's form is ``v = momentum * v - lr * dW; W = W + v``. PyTorch's form,
    ``v = momentum * v + dW; W = W - lr * v``, and Ruder's, ``v = momentum * v + lr * dW;
    W = W - v``, take the same steps with a rescaled v, so they count as right too.
    """
    name = "momentum_step"
    if (todo := _todo(fn, "your code for the body of momentum_step")) is not None:
        return todo
    rng = np.random.default_rng(5)
    W, v, dW = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)) * 0.1, rng.normal(size=(3, 4))
    cases = [(W, np.zeros_like(W), dW, 0.1, 0.0), (W, v, dW, 0.1, 0.9), (W, v, dW, 0.05, 0.5)]
    answers: list[Step] = []
    for W, v, dW, lr, mu in cases:
        result, problem = _call(fn, name, (W, v, dW, lr, mu))
        if problem is not None:
            return problem
        if not isinstance(result, tuple | list) or len(result) != 2:
            return malformed(f"{name} should return two arrays, (new_W, new_v), but it "
                             f"returned a {type(result).__name__}.")
        got_W, problem = _array(result[0], name, W.shape, " as new_W")
        if problem is not None:
            return problem
        got_v, problem = _array(result[1], name, W.shape, " as new_v")
        if problem is not None:
            return problem
        answers.append((got_W, got_v))

    def same(got: Step, want: Step) -> bool:
        return _close(got[0], want[0]) and _close(got[1], want[1])

    def follows(update: Callable[..., Step], scale: Callable[[float], float]) -> bool:
        """Whether every answer is ``update`` in the notation of ``scale``."""
        return all(same(got, update(*case, scale(case[3])))
                   for got, case in zip(answers, cases, strict=True))

    for _, scale, message in _FORMS:
        if follows(_momentum, scale):
            return right(message)
    for update, message, hint in _MISTAKES:
        if any(follows(update, scale) for _, scale, _ in _FORMS):
            return wrong(message, hint)
    for (got_W, got_v), (W, v, dW, lr, mu) in zip(answers, cases, strict=True):
        steps = {form: _momentum(W, v, dW, lr, mu, scale(lr)) for form, scale, _ in _FORMS}
        if any(same((got_W, got_v), want) for want in steps.values()):
            continue
        where = f"with lr={lr}, momentum={mu}"
        if any(_close(got_W, want_W + 2 * lr * dW) for want_W, _ in steps.values()):
            return wrong(f"{where} new_W moves up the gradient: you add lr * dW.",
                         "gradient descent goes against the gradient: v = momentum * v - lr * "
                         "dW, then W = W + v.")
        if mu == 0.0 and not _close(got_W, W - lr * dW):
            return wrong(f"{where} (plain gradient descent) new_W should be W - lr * dW, and "
                         "yours differs.", "with momentum 0 the step is just W - lr * dW.")
        if _close(got_W, steps["the lesson's"][0]):
            return wrong(f"{where} new_W is right but new_v is not.",
                         "in the lesson's formula the velocity is the step itself: "
                         "new_v = momentum * v - lr * dW, and new_W = W + new_v.")
        for form, (_, want_v) in steps.items():
            if _close(got_v, want_v):
                return wrong(f"{where} new_v follows {form} formula but new_W does not.",
                             "move the weights by the new velocity: new_W = W + new_v in the "
                             "lesson's form, W - lr * new_v in PyTorch's, W - new_v in "
                             "Ruder's.")
        for form, (want_W, _) in steps.items():
            if _close(got_W, want_W):
                return wrong(f"{where} new_W is right in {form} form but new_v is not.",
                             "PyTorch's form keeps new_v = momentum * v + dW, Ruder's "
                             "new_v = momentum * v + lr * dW.")
        return wrong(f"{where} both new_W and new_v differ from momentum's step.",
                     "new_v = momentum * v - lr * dW, then new_W = W + new_v.")
    return wrong("your function follows different forms of momentum in different calls.",
                 "new_v = momentum * v - lr * dW, then new_W = W + new_v, every time.")


_DEEP_SIZES = (784, 64, 32, 10)


def _relu(Z: np.ndarray) -> np.ndarray:
    return np.maximum(Z, 0.0)


def _softmax_rows(Z: np.ndarray, axis: int = 1) -> np.ndarray:
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


def _forward_mistakes(X: np.ndarray, p: dict[str, np.ndarray]
                      ) -> list[tuple[np.ndarray, str, str]]:
    """Outputs of plausible wrong forward passes, each with what is wrong and a hint."""
    def logits(act1: Callable[[np.ndarray], np.ndarray] = _relu,
               act2: Callable[[np.ndarray], np.ndarray] = _relu, skip: str = "") -> np.ndarray:
        b = {k: 0.0 if k == skip else p[k] for k in ("b1", "b2", "b3")}
        A1 = act1(X @ p["W1"] + b["b1"])
        return act2(A1 @ p["W2"] + b["b2"]) @ p["W3"] + b["b3"]

    def linear(Z: np.ndarray) -> np.ndarray:
        return Z

    def sigmoid(Z: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-Z))

    order = "Z1 = X @ W1 + b1, A1 = relu(Z1), Z2 = A1 @ W2 + b2, A2 = relu(Z2), then softmax."
    return [
        (logits(), "you return the logits Z3, not probabilities.",
         "finish with a softmax of Z3 along axis 1."),
        (_softmax_rows(logits(), axis=0), "your softmax runs down the columns (axis 0): each "
         "column sums to 1, but each row, one image, should.",
         "take the maximum and the sum along axis=1 with keepdims=True."),
        (_softmax_rows(logits(act1=linear)), "the first hidden layer has no ReLU.", order),
        (_softmax_rows(logits(act2=linear)), "the second hidden layer has no ReLU.", order),
        (_softmax_rows(logits(sigmoid, sigmoid)), "the hidden layers use the sigmoid; this "
         "network uses ReLU.", "A = np.maximum(Z, 0) after each hidden layer."),
        *((_softmax_rows(logits(skip=k)), f"the bias {k} is missing.", order)
          for k in ("b1", "b2", "b3")),
    ]


def forward_two_hidden(fn: Any) -> Feedback:
    """Check ``forward_two_hidden(X, params)``: probabilities of a 784-64-32-10 ReLU network."""
    name = "forward_two_hidden"
    if (todo := _todo(fn, "your code for the body of forward_two_hidden")) is not None:
        return todo
    net = MLP(_DEEP_SIZES, seed=7, dtype=np.float64)
    # Non-zero biases, so that a forgotten "+ b" shows.
    params = {k: (v + 0.05 * np.arange(v.size).reshape(v.shape) / v.size if k[0] == "b" else v)
              for k, v in net.params.items()}
    net.params = params
    X = np.random.default_rng(7).random((5, 784))
    expected = net.forward(X)[0]
    result, problem = _call(fn, name, (X, {k: v.copy() for k, v in params.items()}))
    if problem is not None:
        return problem
    got, problem = _array(result, name, expected.shape, " for 5 images")
    if problem is not None:
        return problem
    if _close(got, expected):
        return right("Correct: three layers, ReLU after the two hidden ones, softmax at the end.")
    for probs, message, hint in _forward_mistakes(X, params):
        if _close(got, probs):
            return wrong(message, hint)
    if not np.allclose(got.sum(axis=1), 1.0):
        return wrong("the rows of your result do not sum to 1: these are not probabilities.",
                     "finish with a softmax of Z3 = A2 @ W3 + b3.")
    return wrong(f"the probabilities differ (largest difference "
                 f"{np.abs(got - expected).max():.3g}).",
                 "Z1 = X @ W1 + b1, A1 = relu(Z1), Z2 = A1 @ W2 + b2, A2 = relu(Z2), "
                 "Z3 = A2 @ W3 + b3, then softmax(Z3).")



# The by-hand exercise: one image through a 2-2-3 network (ReLU hidden layer), the gradient at
# the logits given. Small, exact numbers, so that every step can be done on paper.
BY_HAND_X = np.array([0.5, 2.0])
BY_HAND_W1 = np.array([[0.5, -1.0], [0.25, 0.125]])
BY_HAND_W2 = np.array([[1.0, -2.0, 0.5], [3.0, 1.0, -1.0]])
BY_HAND_DZ2 = np.array([0.2, -0.3, 0.1])


def _by_hand_parts() -> dict[str, np.ndarray]:
    """Every intermediate of the by-hand exercise (b1 = 0)."""
    z1 = BY_HAND_X @ BY_HAND_W1
    dA1 = BY_HAND_DZ2 @ BY_HAND_W2.T
    dZ1 = dA1 * (z1 > 0)
    return {"z1": z1, "dA1": dA1, "dZ1": dZ1, "dW1": np.outer(BY_HAND_X, dZ1)}


def backprop_by_hand(answer: Any) -> Feedback:
    """Check the pair ``(dW1[1, 0], dW1[1, 1])`` of the by-hand backpropagation exercise."""
    what = "the pair (dW1[1, 0], dW1[1, 1])"
    if (todo := unanswered(answer, what)) is not None:
        return todo
    if isinstance(answer, str | bytes | dict) or not hasattr(answer, "__len__"):
        return malformed(f"{what} should be two numbers such as (0.5, -1.0), but you gave "
                         f"a {type(answer).__name__}.")
    try:
        got = np.asarray(answer, dtype=float).ravel()
    except (TypeError, ValueError):
        return malformed(f"{what} should be two numbers such as (0.5, -1.0).")
    if got.size != 2:
        return malformed(f"{what} should be two numbers, dW1[1, 0] and dW1[1, 1], but you "
                         f"gave {got.size}.")
    if not np.all(np.isfinite(got)):
        return wrong(f"{what} contains nan or inf.", "every step is a small product of "
                     "ordinary numbers.")
    parts = _by_hand_parts()
    want = parts["dW1"][1]
    x, dA1 = BY_HAND_X, parts["dA1"]

    def near(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-3 + 1e-3 * abs(b)

    first, second = float(got[0]), float(got[1])
    if near(first, want[0]) and near(second, want[1]):
        return right(f"Correct: dW1[1, 0] = x[1] * dZ1[0] = {x[1]:g} * {dA1[0]:g} = "
                     f"{want[0]:g}, and dW1[1, 1] = 0 because unit 1's ReLU is off "
                     f"(z1[1] = {parts['z1'][1]:g} < 0) and blocks the gradient.")
    if near(first, want[0]) and near(second, x[1] * dA1[1]):
        return wrong(f"dW1[1, 0] is right, but dW1[1, 1] = {second:g} lets the gradient "
                     "through a ReLU that is off.",
                     f"z1[1] = x @ W1[:, 1] = {parts['z1'][1]:g} is negative, so "
                     "relu'(z1[1]) = 0 and dZ1[1] = 0.")
    if near(first, -want[0]):
        return wrong(f"dW1[1, 0] = {first:g} has the wrong sign.",
                     "backpropagation multiplies gradients, it never negates them: "
                     "dA1 = dZ2 @ W2.T, dZ1 = dA1 * relu'(z1), dW1 = outer(x, dZ1).")
    if near(first, dA1[0]) or near(first, x[0] * dA1[0]):
        return wrong(f"dW1[1, 0] = {first:g} is missing the right input factor.",
                     "W1[1, 0] multiplies input x[1] on its way to hidden unit 0, so "
                     "dW1[1, 0] = x[1] * dZ1[0].")
    if near(first, want[0]):
        return wrong(f"dW1[1, 0] is right, but dW1[1, 1] = {second:g} is off.",
                     "dW1[1, 1] = x[1] * dZ1[1], and dZ1[1] = dA1[1] * relu'(z1[1]): "
                     "compute z1[1] = x @ W1[:, 1] first.")
    return wrong(f"dW1[1, 0] = {first:g} is off.",
                 "go step by step: z1 = x @ W1, dA1 = dZ2 @ W2.T (one number per hidden "
                 "unit: dA1[0] = sum over k of dZ2[k] * W2[0, k]), dZ1 = dA1 * (z1 > 0), "
                 "and dW1[1, j] = x[1] * dZ1[j].")
