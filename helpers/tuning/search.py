"""Train and score one config; sweeps, grid and random searches over configs."""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from helpers.data import MnistSplits
from helpers.scratch import log_softmax
from helpers.setup import DEFAULT_SEED, seed_everything
from helpers.tuning.config import (
    DEFAULTS,
    HYPERPARAMETERS,
    Config,
    LogUniform,
    Row,
    _check_data,
    _check_positive_int,
    _check_seed,
    _check_space,
    _check_values,
    _unknown,
    format_value,
    make_config,
)
from helpers.tuning.models import build_mlp

# A run that ends below this validation accuracy has diverged rather than learned (guessing
# gets 0.1). Its exact accuracy is chaotic: the smallest rounding difference between two
# computers sends a diverging run elsewhere, so progress lines say "diverged" instead.
DIVERGED_BELOW = 0.5


def format_trial(row: Mapping[str, Any], keys: Sequence[str], number: int | None = None,
                 total: int | None = None) -> str:
    """Return one progress line: settings, validation accuracy (or "diverged") and seconds."""
    settings = "  ".join(f"{k}={format_value(k, row[k])}" for k in keys)
    head = ""
    if number is not None:
        width = len(str(total)) if total else 1
        head = f"trial {number:>{width}}/{total}  " if total else f"trial {number}  "
    if row["val_accuracy"] < DIVERGED_BELOW:
        result = f"diverged: val_accuracy below {DIVERGED_BELOW}"
    else:
        result = f"val_accuracy {row['val_accuracy']:.4f}"
    return f"{head}{settings}  ->  {result}  ({row['seconds']:.1f} s)"


def train_and_score(config: Mapping[str, Any] | None, data: Any, *, seed: int = DEFAULT_SEED,
                    verbose: bool = True, show: Sequence[str] | None = None) -> Row:
    """Train ``build_mlp`` with ``config`` on the training images; score it on validation.

    Returns a row: the full config plus ``params``, the last epoch's ``train_accuracy``,
    the final model's ``val_loss`` and ``val_accuracy``, and the ``seconds`` taken to train
    and score. Seeded, so repeatable. The test images are never used.
    ``show`` picks the settings printed in the progress line (default: all of them).
    """
    cfg = make_config(config)
    data = _check_data(data)
    seed = _check_seed(seed)
    keys = list(HYPERPARAMETERS) if show is None else list(show)
    unknown = [k for k in keys if k not in DEFAULTS]
    if unknown:
        raise _unknown(unknown[0], "show")
    import keras

    keras.backend.clear_session()
    seed_everything(seed)
    model = build_mlp(cfg["hidden"], cfg["activation"], cfg["lr"], cfg["dropout"],
                      cfg["optimizer"])
    start = time.perf_counter()
    history = model.fit(data.x_train, data.y_train, batch_size=cfg["batch_size"],
                        epochs=cfg["epochs"], verbose=0)
    val_accuracy, val_loss = _score(model, data.x_val, data.y_val)
    seconds = time.perf_counter() - start
    row = {**cfg, "params": int(model.count_params()),
           "train_accuracy": float(history.history["accuracy"][-1]), "val_loss": val_loss,
           "val_accuracy": val_accuracy, "seconds": seconds}
    if verbose:
        print(format_trial(row, keys))
    return row


def _score(model: Any, x: np.ndarray, y: np.ndarray, batch: int = 5000) -> tuple[float, float]:
    """Return (accuracy, mean cross-entropy) of ``model`` on ``x, y``, one eager call per batch.

    Calling the model directly skips tracing an evaluation graph, which for a short trial
    costs more than the evaluation itself.
    """
    logits = np.concatenate([np.asarray(model(x[i:i + batch], training=False), dtype=np.float64)
                             for i in range(0, len(x), batch)])
    y = np.asarray(y).astype(int)
    accuracy = float(np.mean(np.argmax(logits, axis=1) == y))
    loss = float(np.mean(-log_softmax(logits)[np.arange(len(y)), y]))
    return accuracy, loss


def _run(configs: list[Config], keys: list[str], base: Config, data: Any, seed: int,
         verbose: bool) -> list[Row]:
    """Train every config (each over ``base``) and return the rows, printing one line each."""
    rows = []
    for i, changes in enumerate(configs, start=1):
        row = train_and_score({**base, **changes}, data, seed=seed, verbose=False)
        row["trial"] = i
        if verbose:
            print(format_trial(row, keys, i, len(configs)))
        rows.append(row)
    return rows


def sweep(param: str, values: Sequence[Any], base_config: Mapping[str, Any] | None, data: Any,
          *, seed: int = DEFAULT_SEED, seeds: Sequence[int] | None = None,
          verbose: bool = True) -> list[Row]:
    """Vary one hyperparameter over ``values``, all others fixed at ``base_config``.

    Example: ``sweep("lr", [1e-4, 1e-3, 1e-2], {"epochs": 2}, data)``. Returns one row per
    value, in the order given. With ``seeds`` (e.g. ``(42, 142, 242)``) every value is trained
    once per seed, and each row also holds its ``seed``: the spread between seeds shows how
    much of a difference is noise.
    """
    if param not in DEFAULTS:
        raise _unknown(param, "param")
    base = make_config(base_config)
    values = _check_values(param, values, "values")
    _check_data(data)
    if seeds is None:
        return _run([{param: v} for v in values], [param], base, data, _check_seed(seed),
                    verbose)
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Sequence) or not seeds:
        raise TypeError(f"seeds must be a non-empty list of ints such as (42, 142, 242), got "
                        f"{seeds!r}.")
    seeds = [_check_seed(s) for s in seeds]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds {seeds} repeats a seed; a repeat would only copy a trial.")
    rows: list[Row] = []
    total = len(values) * len(seeds)
    for value in values:
        for s in seeds:
            row = train_and_score({**base, param: value}, data, seed=s, verbose=False)
            row["trial"] = len(rows) + 1
            row["seed"] = s
            if verbose:
                line = format_trial(row, [param], row["trial"], total)
                print(line.replace("  ->", f"  seed={s}  ->", 1))
            rows.append(row)
    return rows


def grid_size(space: Mapping[str, Sequence[Any]]) -> int:
    """Return how many trials a grid over ``space`` needs: the product of the list lengths."""
    return math.prod(len(v) for v in _check_space(space, for_grid=True).values())


def grid_search(space: Mapping[str, Sequence[Any]], base_config: Mapping[str, Any] | None,
                data: Any, *, seed: int = DEFAULT_SEED, max_trials: int = 50,
                verbose: bool = True) -> list[Row]:
    """Try every combination of the values in ``space`` (a dict of lists), in order.

    ``max_trials`` is a budget: a grid larger than it raises instead of running for hours.
    """
    checked = _check_space(space, for_grid=True)
    max_trials = _check_positive_int(max_trials, "max_trials")
    base = make_config(base_config)
    _check_data(data)
    seed = _check_seed(seed)
    size = math.prod(len(v) for v in checked.values())
    if size > max_trials:
        raise ValueError(f"the grid has {size} combinations, more than max_trials={max_trials}; "
                         "give fewer values, raise max_trials, or use random_search.")
    keys = list(checked)
    configs = [dict(zip(keys, combo, strict=True))
               for combo in itertools.product(*checked.values())]
    return _run(configs, keys, base, data, seed, verbose)


def random_search(space: Mapping[str, Sequence[Any] | LogUniform], n_trials: int,
                  base_config: Mapping[str, Any] | None, data: Any, *,
                  seed: int = DEFAULT_SEED, verbose: bool = True) -> list[Row]:
    """Try ``n_trials`` distinct configs drawn at random (seeded) from ``space``.

    Each value of ``space`` is a list to pick from evenly, or for ``lr`` a
    :class:`LogUniform` range.
    """
    checked = _check_space(space, for_grid=False)
    n_trials = _check_positive_int(n_trials, "n_trials")
    base = make_config(base_config)
    _check_data(data)
    seed = _check_seed(seed)
    if not any(isinstance(v, LogUniform) for v in checked.values()):
        size = math.prod(len(v) for v in checked.values())  # type: ignore[arg-type]
        if n_trials > size:
            raise ValueError(f"n_trials={n_trials} is more than the {size} distinct "
                             "combinations in space; use grid_search, or lower n_trials.")
    rng = random.Random(seed)  # sampling is the same on every machine: no seed offset
    configs: list[Config] = []
    while len(configs) < n_trials:
        draw = {k: v.sample(rng) if isinstance(v, LogUniform) else v[rng.randrange(len(v))]
                for k, v in checked.items()}
        if draw not in configs:
            configs.append(draw)
    return _run(configs, list(checked), base, data, seed, verbose)


def subset(data: MnistSplits, n_train: int, n_val: int | None = None) -> MnistSplits:
    """Return the first ``n_train`` training (and ``n_val`` validation) images of ``data``.

    ``prepare_mnist`` shuffles before splitting, so the first images are a random sample.
    The test images are kept unchanged; tuning never reads them.
    """
    data = _check_data(data)
    n_train = _check_positive_int(n_train, "n_train")
    if n_train > len(data.x_train):
        raise ValueError(f"n_train={n_train} is more than the {len(data.x_train)} training "
                         "images.")
    n_val = len(data.x_val) if n_val is None else _check_positive_int(n_val, "n_val")
    if n_val > len(data.x_val):
        raise ValueError(f"n_val={n_val} is more than the {len(data.x_val)} validation images.")
    return MnistSplits(data.x_train[:n_train], data.y_train[:n_train], data.x_val[:n_val],
                       data.y_val[:n_val], data.x_test, data.y_test)
