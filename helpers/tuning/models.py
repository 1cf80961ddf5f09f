"""The MLP every tuning trial builds, and its parameter count."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from helpers import neuron
from helpers.tuning.config import HE_ACTIVATIONS, _check_hidden, _check_positive_int, make_config


def build_mlp(hidden: int | Sequence[int] = (128,), activation: str = "relu", lr: float = 1e-3,
              dropout: float = 0.0, optimizer: str = "adam",
              decay_steps: int | None = None) -> Any:
    """Return a compiled MLP for flat 784-pixel images: Dense hidden layers, 10 logits out.

    Each hidden layer is ``Dense(units, activation)`` (He-initialised for ReLU-like units),
    followed by ``Dropout(dropout)`` when ``dropout > 0``; the output is ``Dense(10)``, logits
    as in lesson 05, trained with cross-entropy from the logits and ``optimizer`` at
    learning rate ``lr``, constant, or with ``decay_steps`` falling along a cosine to 0 over
    that many steps (batches).
    """
    cfg = make_config(hidden=hidden, activation=activation, lr=lr, dropout=dropout,
                      optimizer=optimizer)
    if decay_steps is not None:
        decay_steps = _check_positive_int(decay_steps, "decay_steps")
    import keras

    from helpers.training import STEPS_PER_EXECUTION

    init = "he_normal" if cfg["activation"] in HE_ACTIVATIONS else "glorot_uniform"
    layers: list[Any] = [keras.Input(shape=(784,))]
    for units in cfg["hidden"]:
        layers.append(keras.layers.Dense(units, activation=cfg["activation"],
                                         kernel_initializer=init))
        if cfg["dropout"] > 0:
            layers.append(keras.layers.Dropout(cfg["dropout"]))
    layers.append(keras.layers.Dense(10))  # logits: the loss applies the softmax, stably
    optimizers = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD,
                  "rmsprop": keras.optimizers.RMSprop}
    model = keras.Sequential(layers, name="mlp")
    rate = cfg["lr"]
    if decay_steps is not None:
        rate = keras.optimizers.schedules.CosineDecay(cfg["lr"], decay_steps=decay_steps)
    model.compile(optimizer=optimizers[cfg["optimizer"]](learning_rate=rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], steps_per_execution=STEPS_PER_EXECUTION)
    return model


def count_params(hidden: int | Sequence[int]) -> int:
    """Return the number of weights and biases of ``build_mlp(hidden)``: sum of (n_in+1)*n_out."""
    return neuron.count_params([784, *_check_hidden(hidden), 10])
