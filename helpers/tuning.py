"""Hyperparameter sweeps and searches for a Keras MLP on MNIST (lesson 06).

Every trial builds a fresh model from a *config* (a dict of hyperparameters), trains it on
the training images, and scores it on the validation images; the test set is never read.
Each trial is seeded, so the same config gives the same validation accuracy again. A trial
prints one line (its settings, the validation accuracy rounded to 4 digits and the seconds
it took) and returns one *row*: a plain dict, so a list of rows is a small table.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from helpers.data import MnistSplits
from helpers.setup import DEFAULT_SEED, seed_everything

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
ACTIVATIONS: tuple[str, ...] = ("relu", "gelu", "elu", "silu", "tanh", "sigmoid", "linear")
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


# --- validation ------------------------------------------------------------------------------

def _is_int(x: Any) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)


def _check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an int if it is a whole number >= 1, else raise."""
    if not _is_int(value):
        raise TypeError(f"{name} must be a whole number (int), got {value!r}.")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}; give a positive budget.")
    return int(value)


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
        known = ACTIVATIONS if key == "activation" else OPTIMIZERS
        if not isinstance(value, str) or value.lower() not in known:
            raise ValueError(f"{name} must be one of {list(known)}, got {value!r}.")
        return value.lower()
    if key == "lr":
        if not _is_number(value) or not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} (the learning rate) must be a positive number such as "
                             f"1e-3, got {value!r}.")
        return float(value)
    if key == "dropout":
        if not _is_number(value) or not 0.0 <= value < 1.0:
            raise ValueError(f"{name} must be a rate in [0, 1) such as 0.2, got {value!r}.")
        return float(value)
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


def _check_seed(seed: Any) -> int:
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}; use e.g. seed=42.")
    return int(seed)


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


# --- building and training -------------------------------------------------------------------

def build_mlp(hidden: int | Sequence[int] = (128,), activation: str = "relu", lr: float = 1e-3,
              dropout: float = 0.0, optimizer: str = "adam",
              decay_steps: int | None = None) -> Any:
    """Return a compiled MLP for flat 784-pixel images: Dense hidden layers, softmax output.

    Each hidden layer is ``Dense(units, activation)`` (He-initialised for ReLU-like units),
    followed by ``Dropout(dropout)`` when ``dropout > 0``; the output is ``Dense(10, softmax)``
    trained with cross-entropy (``sparse_categorical_crossentropy``) and ``optimizer`` at
    learning rate ``lr``, constant, or with ``decay_steps`` falling along a cosine to 0 over
    that many steps (batches).
    """
    cfg = make_config(hidden=hidden, activation=activation, lr=lr, dropout=dropout,
                      optimizer=optimizer)
    if decay_steps is not None:
        decay_steps = _check_positive_int(decay_steps, "decay_steps")
    import keras

    init = "he_normal" if cfg["activation"] in HE_ACTIVATIONS else "glorot_uniform"
    layers: list[Any] = [keras.Input(shape=(784,))]
    for units in cfg["hidden"]:
        layers.append(keras.layers.Dense(units, activation=cfg["activation"],
                                         kernel_initializer=init))
        if cfg["dropout"] > 0:
            layers.append(keras.layers.Dropout(cfg["dropout"]))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    optimizers = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD,
                  "rmsprop": keras.optimizers.RMSprop}
    model = keras.Sequential(layers, name="mlp")
    rate = cfg["lr"]
    if decay_steps is not None:
        rate = keras.optimizers.schedules.CosineDecay(cfg["lr"], decay_steps=decay_steps)
    model.compile(optimizer=optimizers[cfg["optimizer"]](learning_rate=rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def count_params(hidden: int | Sequence[int]) -> int:
    """Return the number of weights and biases of ``build_mlp(hidden)``: sum of (n_in+1)*n_out."""
    sizes = [784, *_check_hidden(hidden), 10]
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:], strict=False))


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
    probs = np.concatenate([np.asarray(model(x[i:i + batch], training=False))
                            for i in range(0, len(x), batch)])
    y = np.asarray(y).astype(int)
    accuracy = float(np.mean(np.argmax(probs, axis=1) == y))
    loss = float(np.mean(-np.log(np.clip(probs[np.arange(len(y)), y], 1e-7, 1.0))))
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
    value, in the order given. With ``seeds`` (e.g. ``(42, 43, 44)``) every value is trained
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
        raise TypeError(f"seeds must be a non-empty list of ints such as (42, 43, 44), got "
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


def spread(rows: Sequence[Mapping[str, Any]], param: str,
           key: str = "val_accuracy") -> list[Row]:
    """Return one row per value of ``param``: the mean, lowest and highest ``key`` over seeds.

    Each result row holds ``param``, ``mean``, ``low``, ``high`` and ``runs`` (how many).
    """
    rows = _check_rows(rows, param)
    _check_rows(rows, key)
    groups: dict[Any, list[float]] = {}
    for r in rows:
        groups.setdefault(r[param], []).append(float(r[key]))
    return [{param: v, "mean": float(np.mean(xs)), "low": min(xs), "high": max(xs),
             "runs": len(xs)} for v, xs in groups.items()]


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
    rng = random.Random(seed)
    configs: list[Config] = []
    while len(configs) < n_trials:
        draw = {k: v.sample(rng) if isinstance(v, LogUniform) else v[rng.randrange(len(v))]
                for k, v in checked.items()}
        if draw not in configs:
            configs.append(draw)
    return _run(configs, list(checked), base, data, seed, verbose)


# --- results ---------------------------------------------------------------------------------

def _check_rows(rows: Any, key: str | None = None) -> list[Mapping[str, Any]]:
    if isinstance(rows, Mapping) or not isinstance(rows, Sequence) or not all(
            isinstance(r, Mapping) for r in rows):
        raise TypeError("rows must be a list of dicts, as returned by sweep, grid_search or "
                        "random_search.")
    if len(rows) == 0:
        raise ValueError("rows is empty; run a sweep or a search first.")
    if key is not None and any(key not in r for r in rows):
        raise ValueError(f"every row needs the column {key!r}; the first row has "
                         f"{sorted(rows[0])}.")
    return list(rows)


def best(rows: Sequence[Mapping[str, Any]], key: str = "val_accuracy") -> Row:
    """Return (a copy of) the row with the highest ``key``; the first one on a tie."""
    rows = _check_rows(rows, key)
    return dict(max(rows, key=lambda r: r[key]))


def format_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, *,
                 sort_by: str | None = None) -> str:
    """Return rows as an aligned text table, one line per row.

    By default the columns are ``trial``, the settings that differ between rows, then
    ``val_accuracy`` and ``seconds`` (last, so a time only changes the end of its line).
    ``sort_by`` orders the rows best first (highest value first).
    """
    rows = _check_rows(rows)
    if columns is None:
        varying = [k for k in rows[0] if k not in RESULTS and k != "trial"
                   and any(r.get(k) != rows[0][k] for r in rows)]
        first = ["trial"] if all("trial" in r for r in rows) else []
        columns = first + varying + [k for k in ("val_accuracy", "seconds") if k in rows[0]]
    columns = list(columns)
    missing = [c for c in columns if any(c not in r for r in rows)]
    if not columns or missing:
        raise ValueError(f"columns {missing or columns} are not in every row; the rows have "
                         f"{sorted(rows[0])}.")
    if sort_by is not None:
        rows = sorted(_check_rows(rows, sort_by), key=lambda r: r[sort_by], reverse=True)
    cells = [[format_value(c, r[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(columns)]

    def line(items: Sequence[str]) -> str:
        parts = []
        for i, (item, width) in enumerate(zip(items, widths, strict=True)):
            # Times go last and unpadded, so a timing only changes the end of its own line.
            if columns[i] == "seconds":
                parts.append(item)
            elif columns[i] in RESULTS or columns[i] in ("trial", "batch_size", "epochs"):
                parts.append(item.rjust(width))
            else:
                parts.append(item.ljust(width))
        return "  ".join(parts).rstrip()

    header = line(columns)
    rule = "-" * len(header)  # not the longest line: that one may hold a time
    return "\n".join([header, rule, *(line(c) for c in cells)])


def tuner_rows(tuner: Any, num_trials: int | None = None) -> list[Row]:
    """Return a KerasTuner tuner's trials as rows (best first): trial, values, val_accuracy.

    ``val_accuracy`` is the tuner's score: the best epoch's validation accuracy.
    """
    if not hasattr(tuner, "oracle"):
        raise TypeError(f"tuner must be a KerasTuner tuner (e.g. keras_tuner.RandomSearch), "
                        f"got {type(tuner).__name__}.")
    total = len(tuner.oracle.trials)
    if total == 0:
        raise ValueError("the tuner has no trials yet; call tuner.search(...) first.")
    n = total if num_trials is None else _check_positive_int(num_trials, "num_trials")
    rows = []
    for trial in tuner.oracle.get_best_trials(n):
        if trial.score is None:
            continue
        rows.append({"trial": int(trial.trial_id) + 1, **trial.hyperparameters.values,
                     "val_accuracy": float(trial.score)})
    return rows


def tensorboard_optional(tuner: Any) -> Any:
    """Let a KerasTuner tuner run where the tensorboard package is not installed; return it.

    KerasTuner 1.4 imports tensorboard before every trial, even without a TensorBoard
    callback, and TensorFlow 2.20+ no longer installs tensorboard. Where it is missing,
    this skips that step unless a TensorBoard callback is used; otherwise nothing changes.
    """
    if not hasattr(tuner, "_configure_tensorboard_dir"):
        raise TypeError(f"tuner must be a KerasTuner tuner (e.g. keras_tuner.RandomSearch), "
                        f"got {type(tuner).__name__}.")
    if importlib.util.find_spec("tensorboard") is not None:
        return tuner
    original = tuner._configure_tensorboard_dir

    def configure(callbacks: list[Any], trial: Any, execution: int = 0) -> None:
        if any(type(c).__name__ == "TensorBoard" for c in callbacks):
            original(callbacks, trial, execution)  # the clear "No module named" error

    tuner._configure_tensorboard_dir = configure
    return tuner


# --- data and plots --------------------------------------------------------------------------

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


_LABELS = {"lr": "learning rate", "batch_size": "batch size", "hidden": "hidden layers",
           "dropout": "dropout rate"}


def _tick(param: str, value: Any) -> str:
    """Return a short axis label: hidden layers as ``128-128`` (``none`` for no layer)."""
    if param == "hidden":
        return "-".join(str(u) for u in value) or "none"
    return format_value(param, value)


def plot_sweep(rows: Sequence[Mapping[str, Any]], param: str, *, logx: bool | None = None,
               title: str | None = None) -> Figure:
    """Plot a sweep: validation accuracy (left) and training seconds (right) against ``param``.

    Numbers go on a numeric axis (log scale for ``lr`` and ``batch_size`` unless ``logx``
    says otherwise); single hidden layers on a log axis of units; anything else by name.
    Rows of a sweep over several seeds show each run faintly, and the mean with a bar from
    the lowest to the highest run.
    """
    if param not in DEFAULTS:
        raise _unknown(param, "param")
    rows = _check_rows(rows, param)
    _check_rows(rows, "val_accuracy")
    _check_rows(rows, "seconds")
    values = [r[param] for r in rows]
    label = _LABELS.get(param, param)
    if param == "hidden" and all(len(v) == 1 for v in values):
        xs: list[Any] = [v[0] for v in values]
        label, numeric = "units in the hidden layer", True
        logx = True if logx is None else logx
    else:
        numeric = all(_is_number(v) for v in values)
        order = [v for i, v in enumerate(values) if v not in values[:i]]
        xs = values if numeric else [order.index(v) for v in values]
        if logx is None:
            logx = numeric and param in ("lr", "batch_size")
    if logx and not numeric:
        raise ValueError(f"logx=True needs numeric values of {param!r}, got {values!r}.")
    acc = [r["val_accuracy"] for r in rows]
    secs = [r["seconds"] for r in rows]
    unique = [v for i, v in enumerate(values) if v not in values[:i]]
    repeated = len(unique) < len(values)
    if repeated:  # several seeds per value: each run faint, the mean with its full range
        ux = [xs[values.index(v)] for v in unique]
        stats = {s_[param]: s_ for s_ in spread(rows, param)}
        means = [stats[v]["mean"] for v in unique]
        low = [stats[v]["mean"] - stats[v]["low"] for v in unique]
        high = [stats[v]["high"] - stats[v]["mean"] for v in unique]
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.0))
    for ax, ys, name, color in ((axes[0], acc, "validation accuracy", "C0"),
                                (axes[1], secs, "training time (s)", "C1")):
        if repeated:
            ax.plot(xs, ys, "o", color=color, ms=4, alpha=0.4)
            if ys is acc:
                ax.errorbar(ux, means, yerr=[low, high], fmt="o-" if numeric else "o",
                            color=color, ms=6, capsize=4, label="mean, lowest to highest")
                ax.legend(fontsize=8, loc="lower left")
        else:
            ax.plot(xs, ys, "o-" if numeric else "o", color=color, ms=6)
        ax.set_xlabel(label)
        ax.set_ylabel(name)
        if logx:
            ax.set_xscale("log")
        shown = ux if repeated else xs
        shown_values = unique if repeated else values
        if numeric:
            ax.set_xticks(shown, [format_value(param, v) for v in shown_values])
            ax.minorticks_off()
        else:
            ax.set_xticks(shown, [_tick(param, v) for v in shown_values])
            ax.set_xlim(-0.5, len(shown) - 0.5)
    for x, y in (zip(ux, means, strict=True) if repeated else zip(xs, acc, strict=True)):
        axes[0].annotate(f"{y:.3f}", (x, y), textcoords="offset points", xytext=(8, 6),
                         ha="left" if repeated else "center", fontsize=8)
    axes[0].margins(y=0.15)
    axes[1].set_ylim(bottom=0)
    fig.suptitle(title or f"Sweep of {label}")
    return fig
