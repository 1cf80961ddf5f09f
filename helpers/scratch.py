"""A multilayer perceptron in plain NumPy: forward pass, backpropagation and mini-batch SGD.

Lesson 04 builds this network up line by line and then uses :class:`MLP` for the full run;
lesson 05 compares it with the same network in Keras. Conventions: a batch of inputs is a
row matrix ``X`` of shape (N, inputs), a layer computes ``Z = A_prev @ W + b`` with ``W`` of
shape (inputs, units) (the layout of a Keras ``Dense`` kernel), hidden layers use ReLU and
the output layer softmax. Labels are integer class ids, not one-hot rows.

Example::

    net = MLP((784, 128, 10), seed=0)
    history = net.fit(x_train, y_train, epochs=10, lr=0.1, x_val=x_val, y_val=y_val)
    loss, accuracy = net.evaluate(x_test, y_test)
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from helpers import validate
from helpers.setup import training_seed
from helpers.validate import a_type_name

INITS = ("he", "zeros", "small")
DTYPES = (np.float32, np.float64)

Params = dict[str, np.ndarray]


class TrainingDiverged(ArithmeticError):
    """Raised by :meth:`MLP.fit` when the loss becomes NaN or infinite."""


# ---------------------------------------------------------------- the maths, as functions


def relu(z: np.ndarray) -> np.ndarray:
    """Return ``max(z, 0)`` elementwise: the rectified linear unit.

    Its derivative is 1 where ``z > 0`` and 0 elsewhere (we take 0 at exactly 0), so in
    backpropagation a ReLU passes the gradient through unchanged or blocks it.
    """
    return np.maximum(z, 0)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Return ``log(softmax(logits))`` row by row, computed stably.

    Subtracting each row's maximum changes nothing mathematically (softmax is shift
    invariant) but keeps ``exp`` from overflowing; then ``log softmax(z)_k = z_k - log sum_j
    exp(z_j)`` needs no division and never takes the log of 0.
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Return the softmax of each row: ``exp(z_k) / sum_j exp(z_j)``, computed stably.

    Each row becomes a probability distribution over the classes: positive entries that
    sum to 1, larger logits getting larger probabilities.
    """
    return np.exp(log_softmax(logits))


def one_hot(y: np.ndarray, num_classes: int, dtype: Any = np.float32) -> np.ndarray:
    """Return an (N, num_classes) matrix with a 1 in column ``y[i]`` of row ``i``, else 0."""
    out = np.zeros((len(y), num_classes), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> float:
    """Return the mean softmax cross-entropy ``-log p(true class)`` computed from logits.

    The loss of one example is minus the log of the probability the network gives its
    true class: 0 for a confident right answer, large for a confident wrong one. Working
    from logits through :func:`log_softmax` is exact where ``log(softmax(z))`` would
    underflow to ``log(0)``.
    """
    logp = log_softmax(logits)
    return float(-logp[np.arange(len(y)), y].mean())


def forward_pass(params: Mapping[str, np.ndarray], X: np.ndarray) -> tuple[np.ndarray, Params]:
    """Run ``X`` through the layers in ``params``; return ``(probs, cache)`` (no input checks).

    Layer ``l`` computes ``Z_l = A_{l-1} @ W_l + b_l`` with ``A_0 = X``; hidden layers apply
    ``A_l = relu(Z_l)`` and the last one ``P = softmax(Z_L)``. The cache keeps every ``A``
    and ``Z`` because backpropagation needs them.
    """
    layers = len(params) // 2
    cache: Params = {"A0": X}
    A = X
    for layer in range(1, layers + 1):
        Z = A @ params[f"W{layer}"] + params[f"b{layer}"]
        cache[f"Z{layer}"] = Z
        if layer < layers:
            A = relu(Z)
            cache[f"A{layer}"] = A
    cache["P"] = softmax(cache[f"Z{layers}"])
    return cache["P"], cache


def backward_pass(params: Mapping[str, np.ndarray], cache: Mapping[str, np.ndarray],
                  y: np.ndarray) -> Params:
    """Return the gradients of the mean cross-entropy w.r.t. every parameter (no input checks).

    For softmax with cross-entropy the gradient at the logits is simply ``(P - Y) / N``
    (``Y`` one-hot). The chain rule then runs the layers backwards: ``dW_l = A_{l-1}.T @
    dZ_l``, ``db_l = sum over rows of dZ_l``, ``dA_{l-1} = dZ_l @ W_l.T`` and, through the
    ReLU, ``dZ_{l-1} = dA_{l-1} * (Z_{l-1} > 0)``.
    """
    layers = len(params) // 2
    P = cache["P"]
    n = len(P)
    dZ = (P - one_hot(y, P.shape[1], P.dtype)) / P.dtype.type(n)
    grads: Params = {}
    for layer in range(layers, 0, -1):
        A_prev = cache[f"A{layer - 1}"]
        grads[f"W{layer}"] = A_prev.T @ dZ
        grads[f"b{layer}"] = dZ.sum(axis=0)
        if layer > 1:
            dA = dZ @ params[f"W{layer}"].T
            dZ = dA * (cache[f"Z{layer - 1}"] > 0)
    return {name: grads[name] for name in params}  # same order as params


def sgd_momentum(param: np.ndarray, velocity: np.ndarray, grad: np.ndarray, lr: float,
                 momentum: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(new_param, new_velocity)`` after one step of SGD with momentum.

    The velocity is a running sum of past steps: ``v = momentum * v - lr * grad``, then
    ``param = param + v``. With ``momentum=0`` this is plain gradient descent; with 0.9,
    steps in a consistent direction build up speed while zig-zags cancel out.
    """
    velocity = momentum * velocity - lr * grad
    return param + velocity, velocity


# ---------------------------------------------------------------- BLAS threads


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with NumPy's BLAS on one thread, then restore the thread count.

    A mini-batch's matrix products are small, so BLAS threads spend more time waiting for
    each other than computing; on a busy machine that can make training many times slower.
    One thread is also bitwise repeatable whatever the machine's core count. threadpoolctl
    finds the BLAS NumPy loaded (OpenBLAS, MKL, ...); where it finds none this does nothing.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


# ---------------------------------------------------------------- input checks


def _network_options(sizes: Any, init: Any, dtype: Any, seed: Any) -> tuple[tuple[int, ...], int]:
    """Check :class:`MLP`'s arguments; return the layer widths and the seed."""
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}.")
    if np.dtype(dtype) not in [np.dtype(d) for d in DTYPES]:
        raise ValueError(f"dtype must be np.float32 or np.float64, got {dtype!r}.")
    return validate.layer_sizes(sizes), validate.seed(seed)


def _learning_rate(lr: Any) -> float:
    return validate.positive_number(lr, "lr", example="0.1")


def _momentum(value: Any) -> float:
    return validate.rate(value, "momentum", example="0.9 (0 is plain SGD)")


def _fit_options(epochs: Any, batch_size: Any, lr: Any, momentum: Any, seed: Any,
                 max_loss: Any, classes: int) -> tuple[int, int, float, float, int, float]:
    """Check :meth:`MLP.fit`'s numbers; ``max_loss`` defaults to ``100 * log(classes)``."""
    if max_loss is None:
        max_loss = 100 * math.log(classes) if classes > 1 else math.inf
    return (validate.whole_number(epochs, "epochs"),
            validate.whole_number(batch_size, "batch_size"), _learning_rate(lr),
            _momentum(momentum), validate.seed(seed),
            validate.positive_number(max_loss, "max_loss", example="10", allow_inf=True))


def _check_grads(grads: Mapping[str, np.ndarray], params: Mapping[str, np.ndarray]) -> None:
    """Raise ValueError unless ``grads`` has the keys and shapes of ``params``."""
    if set(grads) != set(params):
        raise ValueError(f"grads must have the keys {sorted(params)}, "
                         f"got {sorted(grads)}; pass what backward() returned.")
    for name, p in params.items():
        if np.shape(grads[name]) != p.shape:
            raise ValueError(f"grads['{name}'] has shape {np.shape(grads[name])}, "
                             f"expected {p.shape}.")


# ---------------------------------------------------------------- the network


class MLP:
    """A fully connected network: ReLU hidden layers, a softmax output, trained with SGD.

    ``sizes`` lists the layer widths from input to output, e.g. ``(784, 128, 10)``. The
    parameters live in ``self.params`` as ``{"W1", "b1", "W2", "b2", ...}`` with ``W_l`` of
    shape (sizes[l-1], sizes[l]) and ``b_l`` of shape (sizes[l],).
    """

    def __init__(self, sizes: Sequence[int] = (784, 128, 10), *, seed: int = 0,
                 init: str = "he", dtype: Any = np.float32) -> None:
        self.sizes, seed = _network_options(sizes, init, dtype, seed)
        self.init = init
        self.dtype = np.dtype(dtype)
        self.params: Params = self._initial_params(training_seed(seed))
        self.velocity: Params = {k: np.zeros_like(v) for k, v in self.params.items()}

    def _initial_params(self, seed: int) -> Params:
        """He (``N(0, 2/fan_in)``), all-zero or small (``N(0, 0.01^2)``) weights; zero biases."""
        rng = np.random.default_rng(seed)
        params: Params = {}
        for layer in range(1, len(self.sizes)):
            fan_in, fan_out = self.sizes[layer - 1], self.sizes[layer]
            if self.init == "he":
                W = rng.normal(0.0, math.sqrt(2.0 / fan_in), (fan_in, fan_out))
            elif self.init == "small":
                W = rng.normal(0.0, 0.01, (fan_in, fan_out))
            else:
                W = np.zeros((fan_in, fan_out))
            params[f"W{layer}"] = W.astype(self.dtype)
            params[f"b{layer}"] = np.zeros(fan_out, dtype=self.dtype)
        return params

    def __repr__(self) -> str:
        shape = "-".join(str(s) for s in self.sizes)
        return f"MLP({shape}, {self.num_params():,} parameters, {self.dtype.name})"

    @property
    def num_classes(self) -> int:
        """The width of the output layer."""
        return self.sizes[-1]

    def num_params(self) -> int:
        """Return the number of trainable numbers (weights and biases)."""
        return int(sum(p.size for p in self.params.values()))

    # --- checks (helpers.validate)
    def _inputs(self, x: Any, name: str = "x") -> np.ndarray:
        """Return ``x`` as an (N, inputs) array of this network's dtype, or raise ValueError."""
        return validate.feature_rows(x, name, self.sizes[0], self.dtype)

    def _labels(self, y: Any, n: int, name: str = "y", x_name: str = "x") -> np.ndarray:
        """Return ``y`` as integer class ids of length ``n``, or raise ValueError."""
        return validate.class_labels(y, n, self.num_classes, name, x_name)

    # --- the four steps of learning
    def forward(self, x: np.ndarray) -> tuple[np.ndarray, Params]:
        """Return ``(probs, cache)``: probabilities (N, classes) and the arrays backward needs."""
        return forward_pass(self.params, self._inputs(x))

    def loss(self, probs: np.ndarray, y: np.ndarray) -> float:
        """Return the mean cross-entropy ``-mean(log probs[i, y[i]])``.

        Probabilities are clipped at the smallest positive float so a probability of 0
        gives a large finite loss instead of ``inf``; training itself uses the exact,
        logit-based :func:`cross_entropy`.
        """
        probs = np.asarray(probs)
        if probs.ndim != 2 or probs.shape[1] != self.num_classes:
            raise ValueError(f"probs must have shape (N, {self.num_classes}), got {probs.shape}.")
        y = self._labels(y, len(probs), x_name="probs")
        picked = probs[np.arange(len(y)), y]
        return float(-np.log(np.maximum(picked, np.finfo(probs.dtype).tiny)).mean())

    def backward(self, cache: Mapping[str, np.ndarray], y: np.ndarray) -> Params:
        """Return the gradient of the mean loss for every parameter, same keys as ``params``."""
        if "P" not in cache or "A0" not in cache:
            raise ValueError("cache must be the second value returned by forward(x).")
        y = self._labels(y, len(cache["P"]), x_name="cache (from forward)")
        return backward_pass(self.params, cache, y)

    def step(self, grads: Mapping[str, np.ndarray], lr: float, momentum: float = 0.0) -> None:
        """Move every parameter against its gradient: SGD, with optional momentum.

        Plain SGD sets ``W = W - lr * dW``. With momentum the step is a velocity that
        remembers past steps, ``v = momentum * v - lr * dW`` and ``W = W + v``, which
        speeds up progress along directions that stay consistent.
        """
        lr, momentum = _learning_rate(lr), _momentum(momentum)
        _check_grads(grads, self.params)
        lr_, mu = self.dtype.type(lr), self.dtype.type(momentum)
        new_params: Params = {}
        for name, p in self.params.items():
            new_params[name], self.velocity[name] = sgd_momentum(
                p, self.velocity[name], grads[name], lr_, mu)
        self.params = new_params

    # --- training and using
    def fit(self, x: np.ndarray, y: np.ndarray, *, epochs: int, batch_size: int = 128,
            lr: float = 0.1, momentum: float = 0.0, x_val: np.ndarray | None = None,
            y_val: np.ndarray | None = None, seed: int = 0, verbose: bool = True,
            max_loss: float | None = None) -> dict[str, list[float]]:
        """Train with mini-batch SGD; return the history ``{"loss", "accuracy", ...}``.

        Each epoch shuffles the data (seeded), then for each batch runs forward, backward
        and step. ``loss`` and ``accuracy`` are averages over the epoch's batches, as Keras
        reports them; ``val_loss`` and ``val_accuracy`` are measured after the epoch when
        ``x_val, y_val`` are given. Raises :class:`TrainingDiverged` as soon as a batch's
        loss is NaN, infinite or above ``max_loss`` (default ``100 * log(classes)``, a
        hundred times the loss of a uniform guess: no healthy run gets there).
        """
        epochs, batch_size, lr, momentum, seed, max_loss = _fit_options(
            epochs, batch_size, lr, momentum, seed, max_loss, self.num_classes)
        x = self._inputs(x, "x")
        y = self._labels(y, len(x), "y", "x")
        if (x_val is None) != (y_val is None):
            raise ValueError("x_val and y_val go together: pass both or neither.")
        if x_val is not None:
            x_val = self._inputs(x_val, "x_val")
            y_val = self._labels(y_val, len(x_val), "y_val", "x_val")
        show = None
        if verbose:
            from helpers.training import format_epoch as show

        # Overflow is expected when training diverges: it is reported by TrainingDiverged.
        with one_blas_thread(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._fit(x, y, epochs, batch_size, lr, momentum, x_val, y_val, seed, show,
                             max_loss)

    def _fit(self, x: np.ndarray, y: np.ndarray, epochs: int, batch_size: int, lr: float,
             momentum: float, x_val: np.ndarray | None, y_val: np.ndarray | None, seed: int,
             show: Callable[..., str] | None, max_loss: float) -> dict[str, list[float]]:
        """The training loop of :meth:`fit`, on checked arguments."""
        rng = np.random.default_rng(training_seed(seed))
        history: dict[str, list[float]] = {"loss": [], "accuracy": []}
        if x_val is not None:
            history.update(val_loss=[], val_accuracy=[])
        n = len(x)
        steps = -(-n // batch_size)
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n)
            total_loss, correct = 0.0, 0
            for step in range(1, steps + 1):
                batch = order[(step - 1) * batch_size:step * batch_size]
                xb, yb = x[batch], y[batch]
                probs, cache = forward_pass(self.params, xb)
                batch_loss = cross_entropy(cache[f"Z{len(self.sizes) - 1}"], yb)
                if not math.isfinite(batch_loss) or batch_loss > max_loss:
                    what = (f"{batch_loss:.3g}, above the limit max_loss={max_loss:.3g}"
                            if math.isfinite(batch_loss) else str(batch_loss))
                    raise TrainingDiverged(
                        f"Training diverged at epoch {epoch}, step {step}/{steps}: the loss "
                        f"became {what}. The learning rate lr={lr:g} is too high for this "
                        f"network; try a lower one, e.g. lr={lr / 10:g}.")
                total_loss += batch_loss * len(batch)
                correct += int((probs.argmax(axis=1) == yb).sum())
                self.step(backward_pass(self.params, cache, yb), lr, momentum)
            history["loss"].append(total_loss / n)
            history["accuracy"].append(correct / n)
            if x_val is not None:
                val_loss, val_acc = self._evaluate(x_val, y_val)
                history["val_loss"].append(val_loss)
                history["val_accuracy"].append(val_acc)
            if show is not None:
                print(show(epoch, epochs, {k: v[-1] for k, v in history.items()}))
        return history

    def _evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """Loss and accuracy of checked inputs, in batches to keep memory small."""
        total_loss, correct = 0.0, 0
        last = f"Z{len(self.sizes) - 1}"
        for start in range(0, len(x), 10_000):
            xb, yb = x[start:start + 10_000], y[start:start + 10_000]
            probs, cache = forward_pass(self.params, xb)
            total_loss += cross_entropy(cache[last], yb) * len(xb)
            correct += int((probs.argmax(axis=1) == yb).sum())
        return total_loss / len(x), correct / len(x)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Return the class probabilities, shape (N, classes); each row sums to 1."""
        return self.forward(x)[0]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Return the most probable class of each row, shape (N,)."""
        return self.predict_proba(x).argmax(axis=1)

    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """Return ``(loss, accuracy)`` on ``x, y``: mean cross-entropy and fraction right."""
        x = self._inputs(x, "x")
        return self._evaluate(x, self._labels(y, len(x), "y", "x"))


# ---------------------------------------------------------------- gradient checking


def numerical_gradient(model: MLP, x: np.ndarray, y: np.ndarray, name: str,
                       eps: float = 1e-6) -> np.ndarray:
    """Return d loss / d ``model.params[name]`` estimated by central finite differences.

    Each entry ``w`` is nudged both ways: ``(L(w + eps) - L(w - eps)) / (2 eps)``, whose
    error shrinks like ``eps**2``. That costs two forward passes per parameter, so use a
    tiny network and float64; it is a test for backpropagation, not a way to train.
    """
    if name not in model.params:
        raise ValueError(f"name must be one of {sorted(model.params)}, got {name!r}.")
    eps = validate.positive_number(eps, "eps", example="1e-5")
    x = model._inputs(x, "x")
    y = model._labels(y, len(x), "y", "x")
    last = f"Z{len(model.sizes) - 1}"
    base = model.params[name]
    grad = np.zeros(base.shape, dtype=np.float64)
    for idx in np.ndindex(base.shape):
        losses = []
        for sign in (1.0, -1.0):
            nudged = base.copy()
            nudged[idx] += sign * eps
            _, cache = forward_pass({**model.params, name: nudged}, x)
            losses.append(cross_entropy(cache[last], y))
        grad[idx] = (losses[0] - losses[1]) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """Return ``max|a - b| / max(max|a|, max|b|)``: the worst difference, relative to scale.

    Dividing by the largest entry (not entry by entry) keeps gradients that are exactly 0,
    such as those of ReLU units that never fire, from dividing 0 by 0.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}.")
    scale = max(float(np.abs(a).max(initial=0.0)), float(np.abs(b).max(initial=0.0)))
    if scale == 0.0:
        return 0.0
    return float(np.abs(a - b).max() / scale)


def gradient_check(model: MLP, x: np.ndarray, y: np.ndarray,
                   eps: float = 1e-6) -> dict[str, float]:
    """Return ``{param name: relative error}`` between backprop and finite differences.

    Backpropagation is right when every error is tiny: below about 1e-7 in float64.
    The model must use float64, since float32 rounding swamps the finite differences.
    """
    if not isinstance(model, MLP):
        raise ValueError(f"model must be an MLP, got {a_type_name(model)}.")
    if model.dtype != np.float64:
        raise ValueError(f"model has dtype {model.dtype}; finite differences need float64: "
                         "build it with MLP(..., dtype=np.float64).")
    _, cache = model.forward(x)
    analytic = model.backward(cache, y)
    return {name: relative_error(analytic[name], numerical_gradient(model, x, y, name, eps))
            for name in model.params}


def format_error(error: float, floor: float = 1e-7) -> str:
    """Return a relative error as text that prints the same everywhere: ``< 1e-7`` or ``3e-5``."""
    if not math.isfinite(error) or error < 0:
        raise ValueError(f"error must be a non-negative number, got {error!r}.")
    def short(v: float) -> str:
        mantissa, exponent = f"{v:.0e}".split("e")
        return f"{mantissa}e{int(exponent)}"

    return f"< {short(floor)}" if error < floor else short(error)

