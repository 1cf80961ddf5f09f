"""Lesson 03: activation functions and their derivatives in NumPy, softmax, and their figures.

An activation ``f`` is applied elementwise to a layer's weighted sums ``z = x @ W + b``.
Without it, stacked layers collapse into one linear map; with it, a network can bend.
Every function here takes a number, a list or an array and returns a float64 array.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from helpers import scratch, validate
from helpers.plots import _spoken, describe

if TYPE_CHECKING:
    import keras

# Leaky ReLU's slope for x < 0: the default of keras.activations.leaky_relu and tf.nn.leaky_relu
# (the layer keras.layers.LeakyReLU defaults to 0.3, PyTorch to 0.01).
LEAKY_SLOPE = 0.2
_SQRT2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


# --- validation -------------------------------------------------------------------------------

def _values(x: Any, name: str = "x") -> np.ndarray:
    """Return ``x`` as a finite float64 array, or raise TypeError/ValueError naming ``name``."""
    return validate.real_array(x, name, dtype=np.float64, used_by="activations")


def _logits(z: Any, axis: int) -> np.ndarray:
    """Validate softmax's input: finite, non-empty, with a valid ``axis``."""
    z = _values(z, "z")
    if z.ndim == 0:
        raise ValueError("z is a single number; softmax needs a vector of logits, e.g. "
                         "np.array([2.0, 1.0, 0.1]).")
    if z.size == 0:
        raise ValueError(f"z is empty (shape {z.shape}); softmax needs at least one logit.")
    if isinstance(axis, bool) or not isinstance(axis, int | np.integer):
        raise TypeError(f"axis must be an int, got {type(axis).__name__}.")
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(f"axis={axis} is out of range for z of shape {z.shape}; use an axis "
                         f"from {-z.ndim} to {z.ndim - 1} (usually -1, the class axis).")
    return z


# --- the activations and their derivatives ----------------------------------------------------

def step(x: Any) -> np.ndarray:
    """Return the Heaviside step: 1 where ``x > 0``, else 0 (the perceptron's activation)."""
    x = _values(x)
    return (x > 0).astype(np.float64)


def step_derivative(x: Any) -> np.ndarray:
    """Return the step's derivative: 0 everywhere (undefined at 0, where 0 is used)."""
    return np.zeros_like(_values(x))


def sigmoid(x: Any) -> np.ndarray:
    """Return ``1 / (1 + exp(-x))``, computed without overflow for large ``|x|``.

    It squashes any real number into (0, 1); ``exp`` only ever sees ``-|x|``, so it never
    overflows.
    """
    x = _values(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(x: Any) -> np.ndarray:
    """Return ``sigmoid(x) * (1 - sigmoid(x))``, which is at most 0.25 (at ``x = 0``)."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x: Any) -> np.ndarray:
    """Return ``tanh(x) = (e^x - e^-x) / (e^x + e^-x)``, in (-1, 1) and centred on 0."""
    return np.tanh(_values(x))


def tanh_derivative(x: Any) -> np.ndarray:
    """Return ``1 - tanh(x)**2``, which is at most 1 (at ``x = 0``)."""
    t = tanh(x)
    return 1.0 - t * t


def relu(x: Any) -> np.ndarray:
    """Return ``max(0, x)`` elementwise (the rectified linear unit of :mod:`helpers.scratch`)."""
    return scratch.relu(_values(x))


def relu_derivative(x: Any) -> np.ndarray:
    """Return 1 where ``x > 0``, else 0 (at 0, 0 as in TensorFlow): the step function."""
    return (_values(x) > 0).astype(np.float64)


def _slope(alpha: Any) -> float:
    return validate.rate(alpha, "alpha (the slope for x < 0)", example="0.01 or 0.2")


def leaky_relu(x: Any, alpha: float = LEAKY_SLOPE) -> np.ndarray:
    """Return ``x`` where ``x > 0``, else ``alpha * x``: a ReLU that never goes fully flat."""
    x, alpha = _values(x), _slope(alpha)
    return np.where(x > 0, x, alpha * x)


def leaky_relu_derivative(x: Any, alpha: float = LEAKY_SLOPE) -> np.ndarray:
    """Return 1 where ``x > 0``, else ``alpha``."""
    x, alpha = _values(x), _slope(alpha)
    return np.where(x > 0, 1.0, alpha)


_erf = np.vectorize(math.erf, otypes=[np.float64])


def erf(x: Any) -> np.ndarray:
    """Return the error function ``erf(x) = 2/sqrt(pi) * integral of exp(-t^2) from 0 to x``.

    NumPy has no ``erf``; this applies Python's ``math.erf`` (accurate to double precision)
    to every element.
    """
    x = _values(x)
    return np.asarray(_erf(x), dtype=np.float64) if x.size else x.copy()


def normal_cdf(x: Any) -> np.ndarray:
    """Return ``Phi(x)``, the probability that a standard normal variable is below ``x``."""
    return 0.5 * (1.0 + erf(_values(x) / _SQRT2))


def gelu(x: Any) -> np.ndarray:
    """Return the exact GELU ``x * Phi(x) = x/2 * (1 + erf(x / sqrt(2)))``.

    It weights each input by the probability that a standard normal variable is below it:
    near 0 for very negative ``x``, near ``x`` for large ``x``, smooth in between.
    """
    x = _values(x)
    return x * normal_cdf(x)


def gelu_derivative(x: Any) -> np.ndarray:
    """Return ``Phi(x) + x * phi(x)``, where ``phi`` is the standard normal density."""
    x = _values(x)
    return normal_cdf(x) + x * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def gelu_tanh(x: Any) -> np.ndarray:
    """Return GELU's tanh approximation ``x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))``."""
    x = _values(x)
    return 0.5 * x * (1.0 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)))


def softmax(z: Any, axis: int = -1) -> np.ndarray:
    """Return ``exp(z) / sum(exp(z))`` along ``axis``, computed stably.

    Subtracting the largest logit first changes nothing mathematically (the factor
    ``exp(-max)`` cancels) but keeps every ``exp`` at most 1, so it never overflows.
    The outputs are positive and sum to 1: they read as probabilities.
    """
    z = _logits(z, axis)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_naive(z: Any, axis: int = -1) -> np.ndarray:
    """Return ``exp(z) / sum(exp(z))`` exactly as written: it overflows for logits above ~709.

    For teaching only; NumPy warns (RuntimeWarning) when it overflows. Use :func:`softmax`.
    """
    z = _logits(z, axis)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


# --- a lookup by name -------------------------------------------------------------------------

@dataclass(frozen=True)
class Activation:
    """One activation: its function, derivative, formulas (LaTeX) and where it is used."""

    name: str
    fn: Callable[[Any], np.ndarray]
    derivative: Callable[[Any], np.ndarray]
    formula: str
    derivative_formula: str
    used_for: str
    keras_name: str | None  # the name in keras.activations, None if Keras has none

    def __call__(self, x: Any) -> np.ndarray:
        """Return ``fn(x)``."""
        return self.fn(x)


ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (
    Activation(
        "step", step, step_derivative,
        r"\operatorname{step}(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
        r"\operatorname{step}'(x) = 0 \quad (x \ne 0)",
        "Rosenblatt's perceptron (1958). Its derivative is 0, so gradient descent cannot "
        "train it: no modern network uses it.", None),
    Activation(
        "sigmoid", sigmoid, sigmoid_derivative,
        r"\sigma(x) = \frac{1}{1 + e^{-x}}",
        r"\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr) \le \tfrac{1}{4}",
        "The output of a yes/no classifier (a probability) and the gates of LSTMs and GRUs; "
        "rarely in hidden layers today.", "sigmoid"),
    Activation(
        "tanh", tanh, tanh_derivative,
        r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1",
        r"\tanh'(x) = 1 - \tanh^2(x) \le 1",
        "Hidden layers of older networks and the state of recurrent cells (LSTM, GRU); "
        "zero-centred, unlike the sigmoid.", "tanh"),
    Activation(
        "relu", relu, relu_derivative,
        r"\operatorname{ReLU}(x) = \max(0, x)",
        r"\operatorname{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}",
        "The default for hidden layers of MLPs and CNNs since AlexNet (2012): cheap, and "
        "its gradient is 1 wherever it is active.", "relu"),
    Activation(
        "leaky_relu", leaky_relu, leaky_relu_derivative,
        r"\operatorname{LeakyReLU}(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 "
        r"\end{cases}, \quad \alpha = 0.2",
        r"\operatorname{LeakyReLU}'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x < 0 "
        r"\end{cases}",
        "A ReLU whose units cannot die: GAN discriminators and networks where many ReLUs "
        "went silent.", "leaky_relu"),
    Activation(
        "gelu", gelu, gelu_derivative,
        r"\operatorname{GELU}(x) = x\,\Phi(x) = \frac{x}{2}\left(1 + "
        r"\operatorname{erf}\!\left(\frac{x}{\sqrt 2}\right)\right)",
        r"\operatorname{GELU}'(x) = \Phi(x) + x\,\varphi(x), \quad "
        r"\varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}}",
        "Transformers (BERT, GPT) and many recent vision models: a smooth ReLU.", "gelu"),
)}


def activation_names() -> list[str]:
    """Return the names :func:`get_activation` knows, in the lesson's order."""
    return list(ACTIVATIONS)


def get_activation(name: str) -> Activation:
    """Return the :class:`Activation` called ``name`` (e.g. ``"relu"``, ``"leaky relu"``)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'relu', got {type(name).__name__}; "
                        f"known names: {activation_names()}.")
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation name '{name}'; choose one of "
                         f"{activation_names()}.")
    return ACTIVATIONS[key]


def keras_reference(name: str) -> Callable[[Any], np.ndarray]:
    """Return ``keras.activations``' version of an activation as a NumPy-in, NumPy-out function.

    Leaky ReLU gets the same slope as ours and GELU the exact (erf) form. The step function
    has no Keras version: it raises ValueError.
    """
    act = get_activation(name)
    if act.keras_name is None:
        raise ValueError(f"'{act.name}' has no Keras version (nothing trains with it); "
                         f"choose one of {[n for n, a in ACTIVATIONS.items() if a.keras_name]}.")
    import keras

    f = getattr(keras.activations, act.keras_name)
    kwargs: dict[str, Any] = {}
    if act.name == "leaky_relu":
        kwargs["negative_slope"] = LEAKY_SLOPE
    elif act.name == "gelu":
        kwargs["approximate"] = False

    def reference(x: Any) -> np.ndarray:
        return keras.ops.convert_to_numpy(f(_values(x), **kwargs))

    return reference


# --- figures ----------------------------------------------------------------------------------

# Each activation's shape in words, for the figures' alt text.
_SHAPES: dict[str, str] = {
    "step": "a jump from 0 (x up to 0) to 1 (x above 0)",
    "sigmoid": "1 over (1 plus e to the minus x), an S-shaped curve between 0 and 1",
    "tanh": "an S-shaped curve between -1 and 1 through the origin",
    "relu": "max(0, x): 0 for negative x, x itself for positive x",
    "leaky_relu": f"x for positive x and {LEAKY_SLOPE:g} times x for negative x",
    "gelu": "x times Phi(x), the normal distribution's probability below x: a smooth ReLU",
}


def _x_range(x_range: Sequence[float]) -> np.ndarray:
    """Return 401 points spanning ``x_range = (lo, hi)``."""
    if (isinstance(x_range, str) or not isinstance(x_range, Sequence)
            or len(x_range) != 2):
        raise ValueError(f"x_range must be a pair (lo, hi) such as (-5, 5), got {x_range!r}.")
    lo, hi = (float(v) for v in _values(list(x_range), "x_range"))
    if not lo < hi:
        raise ValueError(f"x_range must have lo < hi, got {x_range!r}.")
    return np.linspace(lo, hi, 401)


def plot_activation(name: str, x_range: Sequence[float] = (-5.0, 5.0)) -> Figure:
    """Plot one activation (left) and its derivative (right) over ``x_range``."""
    act = get_activation(name)
    x = _x_range(x_range)
    fig, (ax_f, ax_d) = plt.subplots(1, 2, figsize=(6.4, 2.5))
    ax_f.plot(x, act.fn(x), color="C0", lw=2)
    ax_f.set_title(f"{act.name}(x)")
    ax_d.plot(x, act.derivative(x), color="C1", lw=2)
    ax_d.set_title(f"{act.name}'(x)  (derivative)")
    for ax in (ax_f, ax_d):
        ax.axhline(0, color="gray", lw=0.8)
        ax.axvline(0, color="gray", lw=0.8)
        ax.set_xlabel("x")
    f, d = act.fn(x), act.derivative(x)
    if d.min() == d.max():
        slope = f"{d.min():.2f} everywhere"
    elif np.unique(d).size == 2 and np.all(np.diff(d) >= 0):  # a step at x = 0
        slope = f"{d.min():.2f} for negative x, then a jump to {d.max():.2f} for positive x"
    else:
        slope = f"from {d.min():.2f} to {d.max():.2f}"
        if np.sum(np.isclose(d, d.max())) == 1:  # a single peak, not a plateau
            slope += f", highest near x = {x[d.argmax()]:.1f}"
    return describe(fig, f"Two line plots for x from {x[0]:g} to {x[-1]:g}. Left, the function "
                    f"{act.name}(x), {_SHAPES[act.name]}; here it goes from {f.min():.2f} to "
                    f"{f.max():.2f}. Right, its derivative {act.name}'(x): {slope}.")


def plot_activation_grid(names: Sequence[str] | None = None,
                         x_range: Sequence[float] = (-4.0, 4.0)) -> Figure:
    """Plot several activations (top row) above their derivatives (bottom row), same scales."""
    chosen = activation_names() if names is None else names
    if isinstance(chosen, str) or not isinstance(chosen, Sequence) or not chosen:
        raise ValueError(f"names must be a non-empty list of activation names such as "
                         f"['sigmoid', 'relu'], got {names!r}.")
    acts = [get_activation(n) for n in chosen]
    x = _x_range(x_range)
    fig, axes = plt.subplots(2, len(acts), figsize=(2.1 * len(acts) + 0.6, 4.4),
                             sharex=True, sharey="row", squeeze=False)
    for k, act in enumerate(acts):
        axes[0, k].plot(x, act.fn(x), color="C0", lw=2)
        axes[0, k].set_title(act.name)
        axes[1, k].plot(x, act.derivative(x), color="C1", lw=2)
        axes[1, k].set_xlabel("x")
        for ax in axes[:, k]:
            ax.axhline(0, color="gray", lw=0.8)
            ax.axvline(0, color="gray", lw=0.8)
    axes[0, 0].set_ylabel("f(x)")
    axes[1, 0].set_ylabel("f'(x)")
    peaks = ", ".join(f"{a.name} {a.derivative(x).max():.2f}" for a in acts)
    return describe(fig, f"A grid of {len(acts)} activation functions over x from {x[0]:g} to "
                    f"{x[-1]:g}, each function (top row) above its derivative (bottom row), "
                    f"on shared scales per row. The derivatives' largest values: {peaks}.")


def plot_collapse(W1: Any, b1: Any, W2: Any, b2: Any,
                  x_range: Sequence[float] = (-3.0, 3.0)) -> Figure:
    """Plot a 1-input, 1-output two-layer net without (left) and with (right) a ReLU between.

    ``W1`` has shape (1, n), ``b1`` (n,), ``W2`` (n, 1) and ``b2`` (1,). Without the ReLU the
    output is a straight line whatever the weights; with it, the line bends at up to n places.
    """
    W1, b1, W2, b2 = (_values(v, n) for v, n in ((W1, "W1"), (b1, "b1"), (W2, "W2"), (b2, "b2")))
    n = W1.shape[-1] if W1.ndim == 2 else -1
    if W1.shape != (1, n) or b1.shape != (n,) or W2.shape != (n, 1) or b2.shape != (1,):
        raise ValueError(f"expected W1 (1, n), b1 (n,), W2 (n, 1), b2 (1,) for one input and "
                         f"one output; got W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, "
                         f"b2 {b2.shape}.")
    x = _x_range(x_range)[:, None]
    linear = (x @ W1 + b1) @ W2 + b2
    bent = relu(x @ W1 + b1) @ W2 + b2
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 2.6), sharex=True)
    for ax, y, title, color in ((axes[0], linear, "two linear layers", "C0"),
                                (axes[1], bent, "with a ReLU between them", "C3")):
        ax.plot(x[:, 0], y[:, 0], color=color, lw=2)
        ax.set_title(title)
        ax.set_xlabel("input x")
    axes[0].set_ylabel("output y")
    slope = float((W1 @ W2)[0, 0])
    active = (W1[0] != 0) & (W2[:, 0] != 0)  # the units whose ReLU bends the output
    kinks = -b1[active] / W1[0, active]
    bends = np.unique(kinks[(kinks > x[0, 0]) & (kinks < x[-1, 0])])
    return describe(fig, f"Output y against input x, from {x[0, 0]:g} to {x[-1, 0]:g}, of a "
                    f"network with one input, {n} hidden units and one output. Left, two linear "
                    f"layers: a straight line of slope {slope:.2f}. Right, with a ReLU between "
                    f"them: a line that bends at {bends.size} "
                    f"place{'s' if bends.size != 1 else ''}.")


def plot_gradient_norms(norms: Mapping[str, Any],
                        title: str = "Gradient size per layer at initialisation") -> Figure:
    """Plot each network's gradient norm per layer (layer 1 = next to the input), log scale."""
    if not isinstance(norms, Mapping) or not norms:
        raise ValueError("norms must be a non-empty dict {label: array of norms per layer}.")
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for k, (label, values) in enumerate(norms.items()):
        v = _values(values, f"norms['{label}']")
        if v.ndim != 1 or v.size == 0:
            raise ValueError(f"norms['{label}'] must be a non-empty 1-D array (one norm per "
                             f"layer), got shape {v.shape}.")
        if np.any(v <= 0):
            raise ValueError(f"norms['{label}'] must be positive to plot on a log scale.")
        ax.semilogy(np.arange(1, v.size + 1), v, ms=4, color=f"C{k}", label=label,
                    marker="osD^v"[k % 5], linestyle=("-", "--", "-.", ":")[k % 4])
    longest = max(len(np.atleast_1d(v)) for v in norms.values())
    ax.set_xticks(np.arange(1, longest + 1))
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("norm of dLoss/dW")
    ax.set_title(title)
    ax.legend()
    ends = "; ".join(f"{label} {_spoken(v[0])} at layer 1 and {_spoken(v[-1])} at layer {len(v)}, "
                     "the last" for label, v in ((k, _values(v)) for k, v in norms.items()))
    return describe(fig, f"{title}: line chart, on a log scale, of the gradient norm of each "
                    f"layer's weights (layer 1 next to the input) for {len(norms)} "
                    f"network{'s' if len(norms) != 1 else ''}: {ends}.")


# --- deep networks: vanishing gradients and dead units (TensorFlow) ---------------------------

def deep_mlp(activation: str, depth: int = 10, width: int = 64, seed: int = 0,
             kernel_initializer: str = "glorot_uniform") -> keras.Sequential:
    """Return an untrained MLP: 784 inputs, ``depth`` hidden Dense layers, 10 logits.

    Every hidden layer has ``width`` units and the given ``activation`` (a Keras name);
    the weights are drawn with ``seed``, so the same call gives the same network.
    """
    get_activation(activation)  # a clear error for unknown names
    for arg, value in (("depth", depth), ("width", width)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{arg} must be a positive int, got {value!r}.")
    import keras

    from helpers.setup import training_seed

    keras.utils.set_random_seed(training_seed(seed))
    layers = [keras.layers.Dense(width, activation=activation,
                                 kernel_initializer=kernel_initializer, name=f"hidden{k}")
              for k in range(1, depth + 1)]
    return keras.Sequential([keras.Input((784,)), *layers, keras.layers.Dense(10, name="logits")],
                            name=f"{activation}_{depth}x{width}")


def _batch(model: Any, x: Any, y: Any | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Validate a batch for ``model``: images of shape (N, 784), labels of shape (N,)."""
    if not hasattr(model, "layers") or not callable(model):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}.")
    x = _values(x, "x").astype(np.float32)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] != 784:
        raise ValueError(f"x must be a non-empty batch of flat images, shape (N, 784), got "
                         f"{x.shape}.")
    if y is None:
        return x, None
    y = np.asarray(y)
    if y.shape != (x.shape[0],) or y.dtype.kind not in "iu":
        raise ValueError(f"y must hold one integer label per image, shape ({x.shape[0]},), "
                         f"got shape {y.shape} and dtype {y.dtype}.")
    return x, y


def layer_gradient_norms(model: Any, x: Any, y: Any) -> np.ndarray:
    """Return the norm of dLoss/dW of every Dense layer's kernel, first layer first.

    The loss is the cross-entropy of ``model(x)`` (logits) against labels ``y``; a
    ``tf.GradientTape`` records the forward pass and returns the gradients.
    """
    x, y = _batch(model, x, y)
    import keras
    import tensorflow as tf

    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    kernels = [layer.kernel for layer in model.layers]
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    grads = tape.gradient(loss, kernels)
    return np.array([float(tf.norm(g)) for g in grads])


def hidden_outputs(model: Any, x: Any) -> list[np.ndarray]:
    """Return the outputs of every layer but the last (the hidden activations) for batch ``x``."""
    h, _ = _batch(model, x)
    outputs = []
    for layer in model.layers[:-1]:
        h = layer(h)
        outputs.append(np.asarray(h))
    return outputs


def dead_fraction(outputs: Sequence[Any]) -> np.ndarray:
    """Return, per layer, the fraction of units that output exactly 0 for every input.

    ``outputs`` is a list of (N, units) arrays, e.g. from :func:`hidden_outputs`. A ReLU
    unit that is 0 for every image also has gradient 0 for every image: it is "dead". The
    units of a diverged network output NaN and never fire either: they count as dead.
    """
    if isinstance(outputs, np.ndarray) or not isinstance(outputs, Sequence) or not outputs:
        raise ValueError("outputs must be a non-empty list of (N, units) arrays, one per layer.")
    fractions = []
    for k, out in enumerate(outputs):
        a = validate.real_array(out, f"outputs[{k}]", dtype=np.float64, used_by="activations",
                                finite=False)
        if a.ndim != 2 or a.shape[0] == 0:
            raise ValueError(f"outputs[{k}] must have shape (N, units) with N >= 1, got "
                             f"{a.shape}.")
        silent = (a == 0.0) | np.isnan(a)
        fractions.append(float(np.mean(np.all(silent, axis=0))))
    return np.array(fractions)
