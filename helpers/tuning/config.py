"""Hyperparameter configs for lesson 06: the defaults, a learning-rate range, validation."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers import validate
from helpers.data import MnistSplits

Config = dict[str, Any]


Row = dict[str, Any]


# The hyperparameters a config may set, with the values used when it does not set them.
DEFAULTS: Config = {
    "hidden": (128,),  # units per hidden layer: (128,) is one layer, (256, 128) two, () none
    "activation": "relu",
    "lr": 1e-3,  # learning rate
    "dropout": 0.0,  # rate of the Dropout layer after each hidden layer (0 = no dropout)
    "optimizer": "adam",
    "batch_size": 128,
    "epochs": 2,
}


HYPERPARAMETERS: tuple[str, ...] = tuple(DEFAULTS)


KERAS_ACTIVATIONS: tuple[str, ...] = ("relu", "gelu", "elu", "silu", "tanh", "sigmoid", "linear")


OPTIMIZERS: tuple[str, ...] = ("adam", "sgd", "rmsprop")


# He initialisation suits ReLU-like units; Glorot (Keras' default) suits tanh, sigmoid, linear.
HE_ACTIVATIONS = frozenset({"relu", "gelu", "elu", "silu"})


RESULTS: tuple[str, ...] = ("params", "train_accuracy", "val_loss", "val_accuracy", "seconds")


@dataclass(frozen=True)
class LogUniform:
    """A learning-rate range for :func:`random_search`, sampled evenly on a log scale.

    ``LogUniform(1e-4, 1e-2)`` is as likely to give 0.0002 as 0.002: each power of ten
    gets the same share. Samples are rounded to 2 significant digits so they print exactly.
    """

    low: float
    high: float

    def __post_init__(self) -> None:
        for name in ("low", "high"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not (
                math.isfinite(value) and value > 0
            ):
                raise ValueError(f"LogUniform {name} must be a positive number, got {value!r}.")
        if self.low >= self.high:
            raise ValueError(f"LogUniform needs low < high, got low={self.low}, "
                             f"high={self.high}.")

    def sample(self, rng: random.Random) -> float:
        """Draw one value: ``10 ** uniform(log10 low, log10 high)``, 2 significant digits."""
        value = 10 ** rng.uniform(math.log10(self.low), math.log10(self.high))
        return float(f"{value:.2g}")


_is_int, _is_number = validate.is_int, validate.is_number


def _check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an int if it is a whole number >= 1, else raise."""
    return validate.whole_number(value, name, fix="give a positive budget")


def _check_hidden(value: Any, name: str = "hidden") -> tuple[int, ...]:
    """Return hidden-layer sizes as a tuple of ints (an int means one hidden layer)."""
    if _is_int(value):
        value = (value,)
    if not isinstance(value, tuple | list) or not all(_is_int(u) for u in value):
        raise TypeError(f"{name} must be a tuple of layer sizes such as (128,) or (256, 128), "
                        f"or one int, got {value!r}.")
    if any(u < 1 for u in value):
        raise ValueError(f"{name} must hold positive layer sizes, got {tuple(value)}.")
    return tuple(int(u) for u in value)


def _check_value(key: str, value: Any, where: str) -> Any:
    """Validate one hyperparameter value and return it in its normal form."""
    name = f"{where}['{key}']" if where else key
    if key == "hidden":
        return _check_hidden(value, name)
    if key in ("activation", "optimizer"):
        known = KERAS_ACTIVATIONS if key == "activation" else OPTIMIZERS
        if not isinstance(value, str) or value.lower() not in known:
            raise ValueError(f"{name} must be one of {list(known)}, got {value!r}.")
        return value.lower()
    if key == "lr":
        return validate.positive_number(value, f"{name} (the learning rate)", example="1e-3")
    if key == "dropout":
        return validate.rate(value, name, example="0.2")
    if key in ("batch_size", "epochs"):
        return _check_positive_int(value, name)
    raise _unknown(key, where or "config")


def _unknown(key: Any, where: str) -> ValueError:
    return ValueError(f"{where} has an unknown hyperparameter {key!r}; the known ones are "
                      f"{list(HYPERPARAMETERS)}.")


def make_config(config: Mapping[str, Any] | None = None, **changes: Any) -> Config:
    """Return a full, validated config: ``DEFAULTS``, updated by ``config``, then ``changes``.

    Example: ``make_config({"lr": 3e-3}, hidden=(256,))``.
    """
    if config is None:
        config = {}
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict of hyperparameters, got "
                        f"{type(config).__name__}; e.g. {{'lr': 1e-3, 'hidden': (128,)}}.")
    full = dict(DEFAULTS)
    for source, where in ((config, "config"), (changes, "make_config")):
        for key, value in source.items():
            if key not in DEFAULTS:
                raise _unknown(key, where)
            full[key] = _check_value(key, value, "")
    return full


def _check_data(data: Any) -> MnistSplits:
    """Check that ``data`` holds flat training and validation images with their labels."""
    names = ("x_train", "y_train", "x_val", "y_val")
    if not all(hasattr(data, n) for n in names):
        raise TypeError("data must have x_train, y_train, x_val and y_val (use "
                        "helpers.data.prepare_mnist() or tuning.subset(...)), got "
                        f"{type(data).__name__}.")
    for part in ("train", "val"):
        x, y = np.asarray(getattr(data, f"x_{part}")), np.asarray(getattr(data, f"y_{part}"))
        if x.ndim != 2 or x.shape[1] != 784 or len(x) == 0:
            raise ValueError(f"data.x_{part} must have shape (N, 784) with N >= 1, got "
                             f"{x.shape}; use prepare_mnist(flat=True).")
        if y.shape != (len(x),):
            raise ValueError(f"data.y_{part} must have shape ({len(x)},) to match "
                             f"data.x_{part}, got {y.shape}.")
    return data


_check_seed = validate.seed


def _check_space(space: Any, *, for_grid: bool) -> dict[str, list[Any] | LogUniform]:
    """Validate a search space: {hyperparameter: list of values (or LogUniform for lr)}."""
    if not isinstance(space, Mapping):
        raise TypeError(f"space must be a dict such as {{'lr': [1e-3, 3e-3]}}, got "
                        f"{type(space).__name__}.")
    if not space:
        raise ValueError("space is empty; give at least one hyperparameter with values to "
                         "try, e.g. {'lr': [1e-3, 3e-3]}.")
    checked: dict[str, list[Any] | LogUniform] = {}
    for key, values in space.items():
        if key not in DEFAULTS:
            raise _unknown(key, "space")
        if isinstance(values, LogUniform):
            if key != "lr":
                raise ValueError(f"space['{key}'] is a LogUniform range, which is only for "
                                 "'lr'; give a list of values instead.")
            if for_grid:
                raise ValueError("space['lr'] is a LogUniform range, but a grid needs a list "
                                 "of values such as [1e-3, 3e-3]; LogUniform is for "
                                 "random_search.")
            checked[key] = values
            continue
        checked[key] = _check_values(key, values, "space")
    return checked


def _check_values(key: str, values: Any, where: str) -> list[Any]:
    """Validate a list of values for one hyperparameter: non-empty, valid, no repeats."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(f"{where}['{key}'] must be a list of values to try, got {values!r}.")
    if len(values) == 0:
        raise ValueError(f"{where}['{key}'] is an empty list; give at least one value to try.")
    normal = [_check_value(key, v, f"{where}['{key}']") for v in values]
    for i, v in enumerate(normal):
        if v in normal[:i]:
            raise ValueError(f"{where}['{key}'] lists {format_value(key, v)} twice; "
                             "each value is tried once.")
    return normal


def format_value(key: str, value: Any) -> str:
    """Return a short, exact text for one hyperparameter value (``lr`` as 0.001, 3e-05...)."""
    if key == "lr":
        return f"{value:.2g}"
    if key == "seconds":
        return f"{value:.1f} s"
    if key == "dropout":
        return f"{value:g}"
    if key == "hidden" and isinstance(value, tuple):
        return "(" + ", ".join(str(u) for u in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, float | np.floating):
        return f"{value:.4f}"
    return str(value)
