"""Checks for lesson 04 (training from scratch): gradients, momentum, a deeper net's backprop.

Each check calls your function on small, fixed inputs and compares with the reference
maths of :mod:`helpers.scratch`. It never raises: it says what is right, what is off
(with a hint), or what shape or type your function should return.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.checks._core import Feedback, malformed, not_a_function, right, unanswered, wrong
from helpers.checks._core import unanswered_function as _todo
from helpers.scratch import cross_entropy, forward_pass, log_softmax, one_hot
from helpers.validate import a_type_name

__all__ = ["backprop_by_hand", "backward_two_hidden", "grad_W2", "momentum_step",
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
                               f"returned {a_type_name(result)}.")
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
# The other forms spelled out, for messages (the lesson never names their sources).
_SPELLED = {"PyTorch's": "v = momentum * v + dW, W = W - lr * v",
            "Ruder's": "v = momentum * v + lr * dW, W = W - v"}


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
    W = W - v``, take the same steps with a rescaled v, so they count as right too. A right
    step returned as ``(new_v, new_W)`` is named as swapped before any other diagnosis.
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
                             f"returned {a_type_name(result)}.")
        got_W, problem = _array(result[0], name, W.shape, " as new_W")
        if problem is not None:
            return problem
        got_v, problem = _array(result[1], name, W.shape, " as new_v")
        if problem is not None:
            return problem
        answers.append((got_W, got_v))

    def same(got: Step, want: Step) -> bool:
        return _close(got[0], want[0]) and _close(got[1], want[1])

    def follows(update: Callable[..., Step], scale: Callable[[float], float],
                given: list[Step] = answers) -> bool:
        """Whether every answer in ``given`` is ``update`` in the notation of ``scale``."""
        return all(same(got, update(*case, scale(case[3])))
                   for got, case in zip(given, cases, strict=True))

    for _, scale, message in _FORMS:
        if follows(_momentum, scale):
            return right(message)
    swapped = [(got_v, got_W) for got_W, got_v in answers]
    for form, scale, _ in _FORMS:
        if follows(_momentum, scale, swapped):
            where = "" if form == "the lesson's" else f" in the form {_SPELLED[form]}"
            return wrong(f"your step is right{where}, but you return (new_v, new_W); the "
                         "exercise asks for (new_W, new_v).",
                         "swap the pair: return new_W, new_v.")
    for update, message, hint in _MISTAKES:
        if any(follows(update, scale) for _, scale, _ in _FORMS):
            return wrong(message, hint)
    for (got_W, got_v), (W, v, dW, lr, mu) in zip(answers, cases, strict=True):
        steps = {form: _momentum(W, v, dW, lr, mu, scale(lr)) for form, scale, _ in _FORMS}
        if any(same((got_W, got_v), want) for want in steps.values()):
            continue
        where = f"with lr={lr}, momentum={mu}"
        if any(same((got_v, got_W), want) for want in steps.values()):
            # A swapped pair with a second slip elsewhere: name the swap first.
            return wrong(f"{where} you return (new_v, new_W); the exercise asks for "
                         "(new_W, new_v).",
                         "swap the pair first: return new_W, new_v, then run the check again.")
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


# Exercise 4: backpropagation through a 784-64-32-10 network (ReLU hidden layers, softmax
# output), judged by finite differences and by helpers.scratch's backward_pass.
_DEEP_SIZES = (784, 64, 32, 10)
_DEPTH = len(_DEEP_SIZES) - 1
_BATCH = 6  # not 5 or 20: a division by the 10 classes instead of N must not look like 2 or 0.5
_LESSON_BATCH = 64  # the rows of the lesson's X and Y, x_train[:64]: a global len(X) or Y
# A broadcast between the check's (6, k) and the lesson's one-hot Y, (64, 10).
_LESSON_Y = re.compile(rf"\({_BATCH}, ?\d+\).*\({_LESSON_BATCH}, ?10\)"
                       rf"|\({_LESSON_BATCH}, ?10\).*\({_BATCH}, ?\d+\)")
_KEYS = tuple(f"{p}{layer}" for layer in range(1, _DEPTH + 1) for p in "Wb")
_BACKWARD = tuple(f"{p}{layer}" for layer in range(_DEPTH, 0, -1) for p in "Wb")
_NUDGED = 3  # entries of each parameter checked by finite differences
_EPS = 1e-6
_CACHE_KEYS = "A0 (that is X), Z1, A1, Z2, A2, Z3 and P"

Grads = dict[str, np.ndarray]
_LESSON_N_HINT = ("take N from the function's arguments, N = len(y), not from the lesson's X: "
                  f"the function must work for any batch, and the check passes {_BATCH} images.")
_DZ3_N_HINT = ("put the 1/N in dZ3 = (P - Y) / N with N = len(y), and sum the biases, "
               "db = dZ.sum(axis=0): every dW and dZ below then inherits the 1/N.")


def _deep_case() -> tuple[Grads, Grads, np.ndarray]:
    """Parameters, forward cache and labels of the exercise's network on six images (float64).

    Every hidden pre-activation is at least 1e-4 away from ReLU's kink at 0, a hundred times
    more than a nudge of 1e-6 moves it, so the finite differences are exact to about 1e-9.
    """
    rng = np.random.default_rng(7)
    params: Grads = {}
    widths = zip(_DEEP_SIZES[:-1], _DEEP_SIZES[1:], strict=True)
    for layer, (n_in, n_out) in enumerate(widths, start=1):
        params[f"W{layer}"] = rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out))
        params[f"b{layer}"] = rng.normal(0.0, 0.05, n_out)
    X = rng.random((_BATCH, _DEEP_SIZES[0]))
    y = np.array([3, 0, 7, 7, 1, 9])
    return params, forward_pass(params, X)[1], y


def _backprop(params: Grads, cache: Grads, y: np.ndarray, *,
              top: Callable[..., np.ndarray] | None = None,
              weight: Callable[..., np.ndarray] | None = None,
              bias: Callable[..., np.ndarray] | None = None,
              through: Callable[..., np.ndarray] | None = None) -> tuple[Grads, Grads]:
    """Return ``(grads, dZ by layer)``; each keyword swaps one step for a plausible mistake."""
    P = cache["P"]
    n = len(P)
    Y = one_hot(y, P.shape[1], np.float64)
    dZ = (P - Y) / n if top is None else top(P, Y, n)
    grads: Grads = {}
    dZs: Grads = {}
    for layer in range(_DEPTH, 0, -1):
        dZs[f"{layer}"] = dZ
        A_prev = cache[f"A{layer - 1}"]
        grads[f"W{layer}"] = A_prev.T @ dZ if weight is None else weight(cache, layer, dZ)
        grads[f"b{layer}"] = dZ.sum(axis=0) if bias is None else bias(dZ)
        if layer > 1:
            dA, Z = dZ @ params[f"W{layer}"].T, cache[f"Z{layer - 1}"]
            dZ = dA * (Z > 0) if through is None else through(dA, Z, layer - 1)
    return grads, dZs


def _loss_slope(params: Grads, X: np.ndarray, y: np.ndarray, key: str,
                idx: tuple[int, ...]) -> float:
    """The central finite difference of the loss for one entry of one parameter."""
    losses = []
    for sign in (1.0, -1.0):
        nudged = params[key].copy()
        nudged[idx] += sign * _EPS
        cache = forward_pass({**params, key: nudged}, X)[1]
        losses.append(cross_entropy(cache[f"Z{_DEPTH}"], y))
    return (losses[0] - losses[1]) / (2 * _EPS)


def _nudged_entries(want: Grads) -> dict[str, list[tuple[int, ...]]]:
    """For each parameter: its largest gradient and two more non-zero ones, drawn at random."""
    rng = np.random.default_rng(11)
    entries = {}
    for key in _KEYS:
        g = want[key]
        largest = int(np.abs(g).argmax())
        others = rng.choice(np.setdiff1d(np.flatnonzero(g), [largest]), _NUDGED - 1,
                            replace=False)
        entries[key] = [tuple(int(i) for i in np.unravel_index(k, g.shape))
                        for k in (largest, *others)]
    return entries


def _near(got: np.ndarray, want: np.ndarray) -> bool:
    """Equal up to float32 rounding, relative to the largest entry of ``want``."""
    scale = float(np.abs(want).max(initial=0.0))
    return bool(np.allclose(got, want, rtol=1e-4, atol=1e-6 * scale + 1e-12))


def _only(mistake: Callable[[np.ndarray, np.ndarray], np.ndarray],
          layers: tuple[int, ...]) -> Callable[..., np.ndarray]:
    """A step through the ReLU that makes ``mistake`` at ``layers`` and is right elsewhere."""
    def through(dA: np.ndarray, Z: np.ndarray, layer: int) -> np.ndarray:
        return mistake(dA, Z) if layer in layers else dA * (Z > 0)
    return through


def _backward_mistakes(params: Grads, cache: Grads, y: np.ndarray) -> list[tuple[Grads, str, str]]:
    """Gradients of plausible wrong backward passes, each with what is wrong and a hint."""
    n = len(y)

    def run(**mistake: Callable[..., np.ndarray]) -> Grads:
        return _backprop(params, cache, y, **mistake)[0]

    mistakes = [
        (run(top=lambda P, Y, n: (P - Y) / _LESSON_BATCH),
         f"every gradient is {_LESSON_BATCH}/{n} = {_LESSON_BATCH / n:.3g} times too small: you "
         f"divide by {_LESSON_BATCH}, the lesson's len(X), where N = {n}, the number of images "
         "passed in, belongs.",
         _LESSON_N_HINT),
        (run(top=lambda P, Y, n: P - Y, bias=lambda dZ: dZ.mean(axis=0)),
         f"every dW is N = {n} times too large while every db is right: the 1/N of the mean "
         "loss is missing from dZ3, and the means over the rows give it back to the biases only.",
         _DZ3_N_HINT),
        (run(top=lambda P, Y, n: P - Y),
         f"every gradient is N = {n} times too large: the 1/N of the mean loss over the {n} "
         "images is missing.",
         "start from dZ3 = (P - Y) / N with N = len(y); every other gradient inherits the 1/N."),
        (run(top=lambda P, Y, n: (Y - P) / n),
         "every gradient has the wrong sign: you start from (Y - P) / N.",
         "dZ3 = (P - Y) / N: the probabilities minus the one-hot labels."),
        (run(top=lambda P, Y, n: (P - Y) / P.shape[1]),
         f"you divide P - Y by {cache['P'].shape[1]}, the number of classes, instead of by "
         f"N = {n}, the number of images.",
         "the loss is a mean over the images: dZ3 = (P - Y) / N with N = len(y)."),
        (run(top=lambda P, Y, n: P / n),
         "you start from P / N: the one-hot labels Y are never subtracted.",
         "dZ3 = (P - Y) / N, with Y = np.eye(10)[y]."),
        (run(weight=lambda c, layer, dZ: c[f"A{layer - 1}"].T @ dZ / n),
         f"every dW is N = {n} times too small: it is divided by N a second time.",
         "dZ3 already holds the 1/N of the mean loss: dW = A_prev.T @ dZ, with no more / N."),
        (run(weight=lambda c, layer, dZ: c[f"Z{layer - 1}" if layer > 1 else "A0"].T @ dZ),
         "dW3 and dW2 use the pre-activations Z2 and Z1 where the activations A2 and A1 belong.",
         "a layer's input is the previous layer's output after ReLU: dW3 = A2.T @ dZ3, "
         "dW2 = A1.T @ dZ2, dW1 = A0.T @ dZ1."),
        (run(bias=lambda dZ: dZ.mean(axis=0)),
         f"every db is the mean of dZ's rows, N = {n} times too small.",
         "the bias is added to every row, so its gradient sums over the rows: "
         "db = dZ.sum(axis=0); the 1/N is already inside dZ."),
        (run(bias=lambda dZ: dZ[0]),
         "every db is the first row of dZ, one image's share.",
         "the bias is added to every row, so its gradient sums over all of them: "
         "db = dZ.sum(axis=0)."),
    ]
    derivative = "ReLU's derivative is 1 where Z > 0 and 0 elsewhere: dZ = dA * (Z > 0)."
    through_mistakes = (
        (lambda dA, Z: dA, "{dZ} {verb} out ReLU's derivative: {eq}.",
         "multiply by it: dZ = dA * (Z > 0) lets the gradient through where the unit was "
         "active and blocks it where it was not."),
        (lambda dA, Z: dA * np.maximum(Z, 0),
         "for {dZ} you multiply dA by the activation relu(Z) instead of by its derivative.",
         derivative),
        (lambda dA, Z: np.maximum(dA, 0),
         "for {dZ} you apply ReLU to the gradient, np.maximum(dA, 0), instead of multiplying "
         "it by ReLU's derivative.",
         "whether the gradient passes depends on Z, not on the gradient's sign: "
         "dZ = dA * (Z > 0)."),
        (lambda dA, Z: dA * Z, "for {dZ} you multiply dA by Z instead of by ReLU's derivative.",
         derivative),
    )
    for layers in ((2, 1), (2,), (1,)):
        dZ = " and ".join(f"dZ{layer}" for layer in layers)
        eq = " and ".join(f"dZ{layer} = dA{layer}" for layer in layers)
        verb = "leave" if len(layers) > 1 else "leaves"
        for mistake, message, hint in through_mistakes:
            mistakes.append((run(through=_only(mistake, layers)),
                             message.format(dZ=dZ, eq=eq, verb=verb), hint))
    return mistakes


def _where(idx: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in idx) + "]"


def _factor(c: float) -> str:
    """How a gradient ``c`` times the right one reads: "2 times too large", "3 times too small"."""
    if c > 1:
        return f"{c:.3g} times too large"
    return f"{1 / c:.3g} times too small"


def _times(got: np.ndarray, want: np.ndarray, c: float) -> bool:
    """Whether ``got`` is ``c`` times ``want``."""
    return bool(np.any(want)) and _near(got, c * want)


def _one_gradient(key: str, got: np.ndarray, want: np.ndarray, dZ: np.ndarray,
                  slope: Callable[[str, tuple[int, ...]], float]) -> str:
    """What is wrong with one gradient, as precisely as can be said."""
    g, n = f"d{key}", len(dZ)
    if np.allclose(got, 0.0):
        return f"{g} is all zeros"
    c = float(np.vdot(got, want) / np.vdot(want, want))
    if _near(got, c * want):
        if np.isclose(c, -1.0, rtol=1e-3):
            return f"{g} has the wrong sign"
        if np.isclose(c, n / _LESSON_BATCH, rtol=1e-3):
            return (f"{g} is {_LESSON_BATCH}/{n} = {_LESSON_BATCH / n:.3g} times too small: "
                    f"divided by {_LESSON_BATCH}, the lesson's len(X), where N = {n}, the "
                    "number of images passed in, belongs")
        if np.isclose(c, n, rtol=1e-3):
            return f"{g} is N = {n} times too large: the 1/N of the mean loss is missing there"
        if np.isclose(c, 1 / n, rtol=1e-3):
            return (f"{g} is N = {n} times too small: a mean over the rows where the sum "
                    "belongs" if key[0] == "b" else
                    f"{g} is N = {n} times too small: divided by N a second time")
        if c > 0:
            return f"{g} is off by a factor {max(c, 1 / c):.3g} (yours is {_factor(c)})"
        return f"{g} is {c:.3g} times the right gradient"
    if key[0] == "b" and any(_near(got, row) for row in dZ):
        return f"{g} is one row of dZ{key[1]}, one image's share, where the sum of all rows belongs"
    idx = np.unravel_index(int(np.abs(got - want).argmax()), want.shape)
    return (f"{g}{_where(idx)} is {got[idx]:.4g}, while nudging {key}{_where(idx)} changes "
            f"the loss at a rate of {slope(key, idx):.4g} (a finite difference)")


def _layer_hint(key: str, wrong_keys: list[str]) -> str:
    """How the first wrong gradient is computed, pointing at dZ when dW and db are both off."""
    layer = int(key[1])
    dZ = ("dZ3 = (P - Y) / N" if layer == _DEPTH else
          f"dZ{layer} = (dZ{layer + 1} @ W{layer + 1}.T) * (Z{layer} > 0)")
    if f"W{layer}" in wrong_keys and f"b{layer}" in wrong_keys:
        return (f"dW{layer} and db{layer} both come from dZ{layer}, so look there first: {dZ}"
                ".")
    if key[0] == "W":
        return (f"dW{layer} = A{layer - 1}.T @ dZ{layer}, (inputs, N) @ (N, units)"
                + (", with A0 = X." if layer == 1 else "."))
    return f"db{layer} = dZ{layer}.sum(axis=0): the bias is added to every row."


def _listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _gradients(result: Any, name: str, params: Grads) -> Grads | Feedback:
    """The learner's gradients as float arrays under the keys of ``params``, or feedback."""
    example = "{'W1': dW1, 'b1': db1, 'W2': dW2, 'b2': db2, 'W3': dW3, 'b3': db3}"
    if not isinstance(result, dict):
        return malformed(f"{name} should return a dict of the six gradients, {example}, "
                         f"but it returned {a_type_name(result)}.")
    found: dict[str, Any] = {}
    extra, twice = [], []
    for k, v in result.items():
        key = k[1:] if isinstance(k, str) and k[:1] == "d" and k[1:] in _KEYS else k
        if key in found:
            twice.append(f"{k!r} repeats {key!r}")
        elif key in _KEYS:
            found[key] = v
        else:
            extra.append(repr(k))
    missing = [k for k in _KEYS if k not in found]
    if missing or extra or twice:
        problems = ([f"{_listing(missing)} {'is' if len(missing) == 1 else 'are'} missing"]
                    if missing else [])
        if extra:
            problems.append(f"{_listing(extra)} {'is' if len(extra) == 1 else 'are'} not "
                            "among the keys of params")
        problems += twice
        return malformed(f"{name} returned a dict where {'; '.join(problems)}. Return one "
                         f"gradient per parameter, under the keys of params: {example}.")
    grads: Grads = {}
    for key in _BACKWARD:
        g, value, shape = f"d{key}", found[key], params[key].shape
        try:
            got = np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype=float)
        except (TypeError, ValueError):
            return malformed(f"{g} should be an array of numbers of shape {shape}, but "
                             f"it is {a_type_name(value)}.")
        if got.shape == shape:
            grads[key] = got
            continue
        layer = key[1]
        if key[0] == "W" and got.shape == shape[::-1]:
            why = (f": that is its transpose, from a transposed product. dW{layer} = "
                   f"A{int(layer) - 1}.T @ dZ{layer} is (inputs, N) @ (N, units); dZ{layer}.T "
                   f"@ A{int(layer) - 1} gives (units, inputs).")
        elif key[0] == "b" and got.shape == (1, *shape):
            why = f": sum the rows without keepdims, dZ{layer}.sum(axis=0)."
        elif key[0] == "b" and got.shape == (_BATCH, *shape):
            why = (f": the bias is added to every row, so its gradient sums dZ{layer} over the "
                   f"rows of the batch, dZ{layer}.sum(axis=0).")
        elif key[0] == "b" and got.shape in ((), (_BATCH,)):
            what = "one number per image" if got.shape else "one number for everything"
            why = (f", {what}: the bias is added to every image, so sum over the images, the "
                   f"rows: dZ{layer}.sum(axis=0).")
        elif key[0] == "W":
            why = (f": every gradient has the shape of what it is the gradient of. dW{layer} = "
                   f"A{int(layer) - 1}.T @ dZ{layer} has one row per input of layer {layer} "
                   "and one column per unit.")
        else:
            why = (f": every gradient has the shape of what it is the gradient of, one number "
                   f"per unit of layer {layer}.")
        return malformed(f"{g} has shape {got.shape} but must be {shape}, the shape of "
                         f"{key}{why}")
    return grads


def backward_two_hidden(fn: Any) -> Feedback:
    """Check ``backward_two_hidden(params, cache, y)``: the gradients of a 784-64-32-10 network.

    The learner's six gradients are compared with central finite differences at a few
    entries of every parameter and with :func:`helpers.scratch.backward_pass` everywhere.
    Keys ``W1 ... b3`` (those of ``params``) or ``dW1 ... db3`` are both accepted.
    """
    name = "backward_two_hidden"
    if (todo := _todo(fn, "your code for the body of backward_two_hidden")) is not None:
        return todo
    params, cache, y = _deep_case()
    result, problem = _call(fn, name, ({k: v.copy() for k, v in params.items()},
                                       {k: v.copy() for k, v in cache.items()}, y.copy()))
    if problem is not None:
        if "raised KeyError" in problem.message:
            return Feedback(False, f"{problem.message}. params has the keys W1, b1, W2, b2, W3 "
                                   f"and b3; cache has {_CACHE_KEYS}.", "malformed")
        if "raised ValueError" in problem.message and _LESSON_Y.search(problem.message):
            return Feedback(False, f"{problem.message}. The {_LESSON_BATCH} rows are the "
                                   f"lesson's Y, one-hot labels of its {_LESSON_BATCH} images, "
                                   f"while the check passes {_BATCH}: build Y inside the "
                                   "function from its argument y, Y = np.eye(10)[y], the "
                                   "one-hot of the labels passed in, not the lesson's Y.",
                            "malformed")
        if "raised ValueError" in problem.message:
            return Feedback(False, f"{problem.message}. Write each array's shape beside its "
                                   "line: (N, a) @ (a, b) gives (N, b), and every gradient has "
                                   "the shape of what it is the gradient of.", "malformed")
        return problem
    got = _gradients(result, name, params)
    if isinstance(got, Feedback):
        return got
    bad = [f"d{k}" for k in _BACKWARD if not np.all(np.isfinite(got[k]))]
    if bad:
        return wrong(f"{_listing(bad)} {'contains' if len(bad) == 1 else 'contain'} nan or inf.",
                     "every step is a product or a sum of finite numbers; look for a division "
                     "by zero or an exp.")
    want, dZs = _backprop(params, cache, y)

    def slope(key: str, idx: tuple[int, ...]) -> float:
        return _loss_slope(params, cache["A0"], y, key, idx)

    nudged = _nudged_entries(want)
    off_slope = [(k, idx) for k in _BACKWARD for idx in nudged[k]
                 if not np.isclose(got[k][idx], slope(k, idx), rtol=1e-4,
                                   atol=1e-7 * float(np.abs(want[k]).max()))]
    wrong_keys = [k for k in _BACKWARD if not _near(got[k], want[k])]
    if not wrong_keys and not off_slope:
        return right(f"Correct: all six gradients match backpropagation's reference, and "
                     f"finite differences at {_NUDGED * len(_KEYS)} nudged weights and biases "
                     "agree with them. dZ3 = (P - Y) / N, then for each layer dW = A_prev.T @ dZ, "
                     "db = dZ.sum(axis=0) and dZ_prev = (dZ @ W.T) * (Z_prev > 0): the same "
                     "loop serves any depth.")
    for grads, message, hint in _backward_mistakes(params, cache, y):
        if all(_near(got[k], grads[k]) for k in _KEYS):
            return wrong(message, hint)
    if not wrong_keys:  # the reference agrees and a finite difference does not (a kink)
        key, idx = off_slope[0]
        return wrong(f"d{key}{_where(idx)} is {got[key][idx]:.4g}, but nudging {key}"
                     f"{_where(idx)} changes the loss at a rate of {slope(key, idx):.4g}.",
                     _layer_hint(key, [key]))
    first = wrong_keys[0]
    what = _one_gradient(first, got[first], want[first], dZs[first[1]], slope)
    hint = _layer_hint(first, wrong_keys)
    if _times(got[first], want[first], len(y) / _LESSON_BATCH):
        hint = _LESSON_N_HINT
    elif (first == f"W{_DEPTH}" and f"b{_DEPTH}" not in wrong_keys
          and f"W{_DEPTH - 1}" in wrong_keys and _times(got[first], want[first], len(y))):
        hint = _DZ3_N_HINT  # dZ3 lacks the 1/N and db3 is a mean: dW3 = A2.T @ dZ3 is as written
    right_keys = [f"d{k}" for k in _BACKWARD[:_BACKWARD.index(first)]]
    others = [f"d{k}" for k in wrong_keys if k != first]
    text = (f"{_listing(right_keys)} {'is' if len(right_keys) == 1 else 'are'} right, but "
            if right_keys else "") + what + "."
    if others:
        text += f" {_listing(others)} {'is' if len(others) == 1 else 'are'} off too."
    return wrong(text, hint)



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
                         f"{a_type_name(answer)}.")
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
