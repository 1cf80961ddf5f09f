"""Load MNIST (online or from a local ``mnist.npz``) and prepare it for training."""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

MNIST_ENV = "MNIST_PATH"
KEYS = ("x_train", "y_train", "x_test", "y_test")
IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10

_HOW_TO_GET = (
    "Download mnist.npz (for example from "
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz) on a machine "
    "with internet, copy it here, and pass its path: load_mnist('path/to/mnist.npz'), or set "
    "the environment variable MNIST_PATH=path/to/mnist.npz before starting Jupyter."
)

Split = tuple[np.ndarray, np.ndarray]


class MnistSplits(NamedTuple):
    """MNIST prepared for training: float32 images in [0, 1] and uint8 labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_mnist(path: str | os.PathLike[str] | None = None) -> tuple[Split, Split]:
    """Return ``(x_train, y_train), (x_test, y_test)`` exactly as Keras' ``mnist.load_data()``.

    Reads ``path`` if given, else the file named by ``$MNIST_PATH``, else Keras' cached
    download. Images are uint8 of shape (N, 28, 28); labels uint8 of shape (N,) in 0-9.
    """
    if path is None and os.environ.get(MNIST_ENV):
        path = os.environ[MNIST_ENV]
        source = f"the file named by ${MNIST_ENV}"
    else:
        source = "the path argument"
    if path is None:
        return _load_with_keras()
    return _load_npz(Path(path).expanduser(), source)


def _load_with_keras() -> tuple[Split, Split]:
    """Load through ``keras.datasets.mnist`` (downloads once, then reads the cache)."""
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as exc:  # no network, blocked download, corrupt cache
        raise RuntimeError(
            "Could not download MNIST with keras.datasets.mnist.load_data() and found no "
            f"cached copy ({type(exc).__name__}: {exc}). {_HOW_TO_GET}"
        ) from exc
    return _validated({"x_train": x_train, "y_train": y_train,
                       "x_test": x_test, "y_test": y_test}, "Keras' download")


def _load_npz(path: Path, source: str) -> tuple[Split, Split]:
    """Read and validate a local ``mnist.npz``."""
    if not path.exists():
        where = "" if path.is_absolute() else f", relative to the working folder {Path.cwd()}"
        raise FileNotFoundError(
            f"MNIST file not found: '{path}' (from {source}{where}). {_HOW_TO_GET}"
        )
    if path.is_dir():
        raise ValueError(
            f"'{path}' (from {source}) is a folder; give the path of the mnist.npz file in it."
        )
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"'{path}' is not an .npz archive (NumPy's zip format), or it is truncated. "
            f"Check the file, or download it again. {_HOW_TO_GET}"
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in KEYS if k not in npz.files]
            if missing:
                raise ValueError(
                    f"'{path}' is missing the arrays {missing}; an MNIST .npz holds "
                    f"{list(KEYS)} (it has {npz.files}). Use the mnist.npz that Keras provides."
                )
            arrays = {k: npz[k] for k in KEYS}
    except ValueError as exc:
        if "is missing the arrays" in str(exc):
            raise
        raise ValueError(f"'{path}' could not be read as an .npz archive ({exc}). "
                         "The file may be damaged: download it again.") from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise ValueError(f"'{path}' is a damaged or truncated archive ({exc}). "
                         "Download it again.") from exc
    return _validated(arrays, f"'{path}'")


def _validated(arrays: dict[str, np.ndarray], where: str) -> tuple[Split, Split]:
    """Check shapes, dtypes, label range and counts; return the two splits."""
    for part in ("train", "test"):
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if x.ndim != 3 or x.shape[1:] != IMAGE_SHAPE or x.shape[0] == 0:
            raise ValueError(f"x_{part} in {where} has shape {x.shape}; expected (N, 28, 28) "
                             "images. This is not MNIST: use the original mnist.npz.")
        if y.ndim != 1:
            raise ValueError(f"y_{part} in {where} has shape {y.shape}; expected (N,) labels.")
        if x.dtype != np.uint8:
            raise ValueError(f"x_{part} in {where} has dtype {x.dtype}; expected uint8 pixels "
                             "0-255. Use the original, unscaled mnist.npz.")
        if len(x) != len(y):
            raise ValueError(f"{where} has {len(x)} x_{part} images but {len(y)} y_{part} "
                             "labels; they must match. The file is damaged: get it again.")
        if not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"y_{part} in {where} has dtype {y.dtype}; expected integer labels.")
        if y.size and (y.min() < 0 or y.max() >= NUM_CLASSES):
            raise ValueError(f"y_{part} in {where} has labels from {y.min()} to {y.max()}; "
                             "MNIST labels are digits 0-9.")
    return ((arrays["x_train"], arrays["y_train"].astype(np.uint8)),
            (arrays["x_test"], arrays["y_test"].astype(np.uint8)))


def _as_array(x: object, name: str) -> np.ndarray:
    """Return ``x`` as an ndarray, or raise TypeError naming the argument."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(x).__name__}; "
                        "use np.asarray(...) first.")
    return x


def scale(images: np.ndarray) -> np.ndarray:
    """Return uint8 pixels 0-255 as float32 values in [0, 1] (divide by 255)."""
    images = _as_array(images, "images")
    if images.dtype != np.uint8:
        raise ValueError(f"images must be uint8 pixels 0-255, got dtype {images.dtype}. "
                         "Are they scaled already? Scale the raw images only once.")
    return images.astype(np.float32) / np.float32(255.0)


def flatten(images: np.ndarray) -> np.ndarray:
    """Return images of shape (N, 28, 28) as rows of shape (N, 784)."""
    images = _as_array(images, "images")
    if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"images must have shape (N, 28, 28), got {images.shape}. "
                         "Flatten the images as loaded, not a single image or flat rows.")
    return images.reshape(len(images), -1)


def train_val_split(x: np.ndarray, y: np.ndarray, val_size: int | float = 5000,
                    seed: int = 0) -> tuple[Split, Split]:
    """Hold out a seeded random validation set: return ``(x_tr, y_tr), (x_val, y_val)``.

    ``val_size`` is a count (int) or a fraction in (0, 1). Take it from the training
    data, never from the test set.
    """
    x, y = _as_array(x, "x"), _as_array(y, "y")
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} rows but y has {len(y)}; they must match.")
    n = len(x)
    if isinstance(val_size, bool) or not isinstance(val_size, int | float):
        raise TypeError(f"val_size must be an int count or a float fraction, got {val_size!r}.")
    if isinstance(val_size, float):
        if not 0.0 < val_size < 1.0:
            raise ValueError(f"val_size as a fraction must be in (0, 1), got {val_size}.")
        val_size = round(n * val_size)
    if not 0 < val_size < n:
        raise ValueError(f"val_size must be between 1 and {n - 1} for {n} examples, "
                         f"got {val_size}.")
    order = np.random.default_rng(seed).permutation(n)
    val, train = order[:val_size], order[val_size:]
    return (x[train], y[train]), (x[val], y[val])


def prepare_mnist(path: str | os.PathLike[str] | None = None, val_size: int | float = 5000,
                  seed: int = 0, flat: bool = True) -> MnistSplits:
    """Load MNIST, scale to [0, 1], optionally flatten to 784, and hold out validation data."""
    (x_train, y_train), (x_test, y_test) = load_mnist(path)
    prep = (lambda a: flatten(scale(a))) if flat else scale
    (x_tr, y_tr), (x_val, y_val) = train_val_split(prep(x_train), y_train, val_size, seed)
    return MnistSplits(x_tr, y_tr, x_val, y_val, prep(x_test), y_test)
