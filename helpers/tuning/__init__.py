"""Hyperparameter sweeps and searches for a Keras MLP on MNIST (lesson 06).

Every trial builds a fresh model from a *config* (a dict of hyperparameters), trains it on
the training images, and scores it on the validation images; the test set is never read.
Each trial is seeded, so the same config gives the same validation accuracy again. A trial
prints one line (its settings, the validation accuracy rounded to 4 digits and the seconds
it took) and returns one *row*: a plain dict, so a list of rows is a small table.

The code lives in modules by purpose: ``config`` (hyperparameters and their validation),
``models`` (the MLP), ``search`` (trials, sweeps, searches), ``results`` (tables of rows),
``tuner`` (KerasTuner glue) and ``plots``; every name is importable from here as before.
"""

from __future__ import annotations

from helpers.tuning.config import (
    DEFAULTS,
    HE_ACTIVATIONS,
    HYPERPARAMETERS,
    KERAS_ACTIVATIONS,
    OPTIMIZERS,
    RESULTS,
    Config,
    LogUniform,
    Row,
    format_value,
    make_config,
)
from helpers.tuning.models import build_mlp, count_params
from helpers.tuning.plots import plot_sweep
from helpers.tuning.results import best, format_table, spread
from helpers.tuning.search import (
    DIVERGED_BELOW,
    format_trial,
    grid_search,
    grid_size,
    random_search,
    subset,
    sweep,
    train_and_score,
)
from helpers.tuning.tuner import tensorboard_optional, tuner_rows

__all__ = [
    "KERAS_ACTIVATIONS",
    "Config",
    "DEFAULTS",
    "DIVERGED_BELOW",
    "HE_ACTIVATIONS",
    "HYPERPARAMETERS",
    "LogUniform",
    "OPTIMIZERS",
    "RESULTS",
    "Row",
    "best",
    "build_mlp",
    "count_params",
    "format_table",
    "format_trial",
    "format_value",
    "grid_search",
    "grid_size",
    "make_config",
    "plot_sweep",
    "random_search",
    "spread",
    "subset",
    "sweep",
    "tensorboard_optional",
    "train_and_score",
    "tuner_rows",
]
