"""Lesson 05's final network, kept between lessons: saved to a cache outside the repository.

Lesson 05 trains a 784-512-512-10 MLP that outputs logits and saves it with
:func:`save_lesson05_model`. Later lessons call :func:`load_or_train_lesson05`: it loads
that file when it is there and valid, and otherwise trains the same recipe here, seeded,
so a lesson opened first (in Colab, say) gets the same network. The cache is the directory
named by ``$MNIST_NN_CACHE``, else ``~/.cache/mnist-nn-tutorials``.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CACHE_ENV = "MNIST_NN_CACHE"
DEFAULT_CACHE = Path("~/.cache/mnist-nn-tutorials")
STEM = "lesson05_final"  # + "_keras-<version>": each Keras version keeps its own file,
# so that two environments (a local one and Colab's versions, say) sharing one home folder
# do not replace each other's network.

# Lesson 05's final recipe (its cells "final-build" and "final-fit"); the file beside the
# saved model repeats it, and a cache made from another recipe is not used.
RECIPE: dict[str, object] = {
    "name": "mlp_final",
    "layers": [784, 512, 512, 10],
    "activation": "relu",
    "dropout": 0.2,
    "output": "logits",
    "optimizer": "adam",
    "learning_rate": 1e-3,
    "schedule": "cosine decay to 0 over all steps",
    "epochs": 12,
    "batch_size": 256,
    "seed": 42,
    "data": "helpers.data.prepare_mnist() defaults: 55,000 train, 5,000 validation (seed 0)",
}
PARAMETERS = 669_706


@dataclass
class Loaded:
    """A network and where it came from: ``"cache"`` or ``"trained"``, with the seconds spent."""

    model: object
    source: str
    path: Path
    seconds: float
    reason: str = ""

    def describe(self) -> str:
        """Return one line saying where the network came from and how long that took."""
        where = _tilde(self.path)
        if self.source == "cache":
            return f"loaded lesson 05's network from {where} in {self.seconds:.1f} s"
        return (f"trained lesson 05's network here in {self.seconds:.0f} s ({self.reason}); "
                f"saved to {where} for next time")


def _tilde(path: Path) -> str:
    """Return ``path`` with the home directory written as ``~`` (shorter, and no user name)."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def model_files(folder: Path) -> tuple[Path, Path]:
    """Return the model file and the recipe file of this Keras version in ``folder``."""
    import keras

    from helpers.setup import seed_offset

    offset = seed_offset()  # a network trained under another seed keeps its own file
    stem = f"{STEM}_keras-{keras.__version__}" + (f"_seed-offset-{offset}" if offset else "")
    return folder / f"{stem}.keras", folder / f"{stem}.json"


def cache_dir() -> Path:
    """Return the cache directory: ``$MNIST_NN_CACHE``, else ``~/.cache/mnist-nn-tutorials``."""
    value = os.environ.get(CACHE_ENV, "").strip()
    return Path(value).expanduser() if value else DEFAULT_CACHE.expanduser()


def build_lesson05_model() -> object:
    """Build and compile lesson 05's final network (seed it first); it outputs logits."""
    import keras

    from helpers.setup import seed_everything

    seed_everything(int(RECIPE["seed"]))  # type: ignore[call-overload]
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(10),
    ], name="mlp_final")
    return model


def train_lesson05_model(splits: object, *, log: bool = False) -> object:
    """Train lesson 05's final network on ``splits`` (``data.prepare_mnist()``), seeded."""
    import keras

    from helpers.setup import seed_everything
    from helpers.training import STEPS_PER_EXECUTION, EpochLog

    x_train, y_train, x_val, y_val = _train_arrays(splits)
    epochs, batch = int(RECIPE["epochs"]), int(RECIPE["batch_size"])  # type: ignore[call-overload]
    model = build_lesson05_model()
    steps = -(-len(x_train) // batch)
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=epochs * steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], steps_per_execution=STEPS_PER_EXECUTION)
    seed_everything(int(RECIPE["seed"]))  # type: ignore[call-overload]
    model.fit(x_train, y_train, epochs=epochs, batch_size=batch,
              validation_data=(x_val, y_val), verbose=0,
              callbacks=[EpochLog()] if log else [])
    return model


def _train_arrays(splits: object) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return x_train, y_train, x_val, y_val of ``splits``, checked to be lesson 05's data."""
    names = ("x_train", "y_train", "x_val", "y_val")
    if not all(hasattr(splits, name) for name in names):
        raise TypeError(f"splits must be what helpers.data.prepare_mnist() returns, got "
                        f"{type(splits).__name__}.")
    arrays = [np.asarray(getattr(splits, name)) for name in names]
    x_train, _, x_val, _ = arrays
    if x_train.ndim != 2 or x_train.shape[1] != 784 or x_val.ndim != 2 or x_val.shape[1] != 784:
        raise ValueError(f"splits must hold flat images of 784 pixels, got x_train "
                         f"{x_train.shape} and x_val {x_val.shape}; use "
                         f"data.prepare_mnist() with its defaults.")
    return arrays[0], arrays[1], arrays[2], arrays[3]


def check_lesson05_model(model: object) -> None:
    """Raise ``ValueError`` unless ``model`` has lesson 05's final shape: 784 in, 10 logits out."""
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}.")
    shapes = [tuple(w.shape) for w in model.weights]
    expected = [(784, 512), (512,), (512, 512), (512,), (512, 10), (10,)]
    if shapes != expected:
        raise ValueError(f"model's weights have shapes {shapes}, but lesson 05's network has "
                         f"{expected}; save lesson 05's final network (784-512-512-10).")
    last = model.layers[-1]
    if getattr(getattr(last, "activation", None), "__name__", "") != "linear":
        raise ValueError("model's last layer must output logits (no softmax), as lesson 05's "
                         "final network does; re-run lesson 05 to save it again.")


def save_lesson05_model(model: object, directory: str | os.PathLike[str] | None = None) -> Path:
    """Save lesson 05's final network to the cache (``cache_dir()``); return the file's path."""
    check_lesson05_model(model)
    folder = Path(directory).expanduser() if directory is not None else cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path, recipe = model_files(folder)
    partial = path.with_name("partial-" + path.name)
    model.save(partial)  # type: ignore[attr-defined]
    partial.replace(path)
    recipe.write_text(json.dumps(_fingerprint(), indent=1, sort_keys=True) + "\n",
                                      encoding="utf-8")
    return path


def _fingerprint() -> dict[str, object]:
    """Return the recipe and the Keras version a cached model must match."""
    import keras

    from helpers.setup import training_seed

    return {"recipe": {**RECIPE, "seed": training_seed(int(RECIPE["seed"]))},  # type: ignore[call-overload]
            "keras": keras.__version__}


def load_lesson05_model(directory: str | os.PathLike[str] | None = None) -> object:
    """Load lesson 05's final network from the cache, or raise FileNotFoundError / ValueError."""
    import keras

    folder = Path(directory).expanduser() if directory is not None else cache_dir()
    path, recipe = model_files(folder)
    if not path.is_file() or not recipe.is_file():
        raise FileNotFoundError(f"no saved network in {folder}; run lesson 05 to the end "
                                f"(it saves one there), or train it with load_or_train_lesson05().")
    try:
        stored = json.loads(recipe.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"{recipe} is not readable JSON ({error}); delete it and run "
                         f"lesson 05 again.") from None
    if stored != json.loads(json.dumps(_fingerprint())):
        raise ValueError(f"the network in {folder} was saved from another recipe or Keras "
                         f"version; run lesson 05 again to replace it.")
    try:
        model = keras.models.load_model(path)
    except Exception as error:  # a damaged or foreign file: say so, the caller retrains
        raise ValueError(f"{path} could not be loaded ({type(error).__name__}); delete it "
                         f"and run lesson 05 again.") from None
    check_lesson05_model(model)
    return model


def load_or_train_lesson05(splits: object, *, save: bool = True) -> Loaded:
    """Return lesson 05's final network: from the cache if valid, else trained here (and saved)."""
    _train_arrays(splits)
    folder = cache_dir()
    start = time.perf_counter()
    try:
        model = load_lesson05_model(folder)
    except (FileNotFoundError, ValueError) as problem:
        reason = ("no saved network" if isinstance(problem, FileNotFoundError)
                  else "the saved one did not match")
    else:
        return Loaded(model, "cache", model_files(folder)[0], time.perf_counter() - start)
    model = train_lesson05_model(splits)
    seconds = time.perf_counter() - start
    path = model_files(folder)[0]
    if save:
        try:
            path = save_lesson05_model(model, folder)
        except OSError as error:
            reason += f"; not saved: {error.strerror or error}"
    return Loaded(model, "trained", path, seconds, reason)
