import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest

from helpers import data

# MD5 of the official uncompressed IDX files (see shared/data/README.md).
OFFICIAL_MD5 = {
    "x_train": "6bbc9ace898e44ae57da46a324031adb",
    "y_train": "a25bea736e30d166cdddb491f175f624",
    "x_test": "2646ac647ad5339dbf082846283269ea",
    "y_test": "27ae3e4e09519cfbb04c329615203637",
}


def idx_md5(array: np.ndarray) -> str:
    header = struct.pack(">I" + "I" * array.ndim, 0x0800 + array.ndim, *array.shape)
    return hashlib.md5(header + array.tobytes()).hexdigest()


def write_npz(path: Path, **overrides) -> Path:
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 20).astype(np.uint8),
        "x_test": rng.integers(0, 256, (8, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 8).astype(np.uint8),
    }
    arrays.update(overrides)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    np.savez_compressed(path, **arrays)
    return path


# --- the real file -----------------------------------------------------------------------

def test_load_mnist_returns_official_arrays(mnist):
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.uint8
    got = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    assert {k: idx_md5(v) for k, v in got.items()} == OFFICIAL_MD5


def test_path_argument_wins_over_environment(tmp_path, monkeypatch, mnist_path):
    small = write_npz(tmp_path / "small.npz")
    monkeypatch.setenv("MNIST_PATH", str(mnist_path))
    (x_train, _), _ = data.load_mnist(small)
    assert x_train.shape == (20, 28, 28)


def test_environment_variable_is_used(tmp_path, monkeypatch):
    small = write_npz(tmp_path / "small.npz")
    monkeypatch.setenv("MNIST_PATH", str(small))
    (_, y_train), (x_test, _) = data.load_mnist()
    assert y_train.shape == (20,) and x_test.shape == (8, 28, 28)


def test_path_accepts_str_and_user_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    write_npz(tmp_path / "m.npz")
    (x_train, _), _ = data.load_mnist("~/m.npz")
    assert len(x_train) == 20


# --- Keras' download -----------------------------------------------------------------------

def test_keras_download_is_used_without_path_or_env(monkeypatch):
    import keras

    monkeypatch.delenv("MNIST_PATH", raising=False)
    x = np.zeros((3, 28, 28), np.uint8)
    y = np.array([1, 2, 3], np.uint8)
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: ((x, y), (x, y)))
    (x_train, y_train), _ = data.load_mnist()
    assert x_train.shape == (3, 28, 28) and list(y_train) == [1, 2, 3]


def test_no_network_and_no_cache_says_how_to_get_the_file(monkeypatch):
    import keras

    monkeypatch.delenv("MNIST_PATH", raising=False)

    def offline():
        raise Exception("URL fetch failure: [Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(RuntimeError, match="MNIST_PATH") as err:
        data.load_mnist()
    assert "mnist.npz" in str(err.value) and "name resolution" in str(err.value)


# --- bad files ------------------------------------------------------------------------------

def test_missing_file(tmp_path):
    missing = tmp_path / "nope.npz"
    with pytest.raises(FileNotFoundError, match="nope.npz") as err:
        data.load_mnist(missing)
    assert "MNIST_PATH" in str(err.value)


def test_missing_file_from_environment_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_PATH", str(tmp_path / "gone.npz"))
    with pytest.raises(FileNotFoundError, match=r"gone\.npz.*\$MNIST_PATH"):
        data.load_mnist()


def test_relative_missing_path_names_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="relative to the working folder"):
        data.load_mnist("data/mnist.npz")


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        data.load_mnist(tmp_path)


def test_not_an_npz(tmp_path):
    bad = tmp_path / "mnist.npz"
    bad.write_text("this is a text file, not an archive")
    with pytest.raises(ValueError, match="not an .npz archive"):
        data.load_mnist(bad)


def test_plain_npy_is_not_an_npz(tmp_path):
    bad = tmp_path / "x.npy"
    np.save(bad, np.zeros(3))
    with pytest.raises(ValueError, match="not an .npz archive"):
        data.load_mnist(bad)


def test_truncated_archive(tmp_path, mnist_path):
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(mnist_path.read_bytes()[: 2_000_000])
    with pytest.raises(ValueError, match="truncated"):
        data.load_mnist(bad)


def test_damaged_member_in_archive(tmp_path):
    good = write_npz(tmp_path / "good.npz")
    raw = bytearray(good.read_bytes())
    raw[200:400] = b"\x00" * 200  # damage compressed data, keep the zip directory
    bad = tmp_path / "bad.npz"
    bad.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="bad.npz"):
        data.load_mnist(bad)


def test_missing_keys(tmp_path):
    bad = write_npz(tmp_path / "m.npz", y_test=None)
    with pytest.raises(ValueError, match=r"missing the arrays \['y_test'\]"):
        data.load_mnist(bad)


@pytest.mark.parametrize(
    ("key", "array", "message"),
    [
        ("x_train", np.zeros((20, 28, 27), np.uint8), r"x_train .* shape \(20, 28, 27\)"),
        ("x_test", np.zeros((8, 784), np.uint8), r"x_test .* shape \(8, 784\)"),
        ("y_train", np.zeros((20, 1), np.uint8), r"y_train .* shape \(20, 1\)"),
        ("x_train", np.zeros((20, 28, 28), np.float32), "dtype float32; expected uint8"),
        ("y_train", np.full(20, 10, np.uint8), "labels from 10 to 10"),
        ("y_test", np.full(8, -1, np.int64), "labels from -1 to -1"),
        ("y_test", np.zeros(8, np.float64), "expected integer labels"),
        ("y_train", np.zeros(19, np.uint8), "20 x_train images but 19 y_train labels"),
    ],
)
def test_bad_contents(tmp_path, key, array, message):
    bad = write_npz(tmp_path / "m.npz", **{key: array})
    with pytest.raises(ValueError, match=message) as err:
        data.load_mnist(bad)
    assert "m.npz" in str(err.value)


# --- preparation ----------------------------------------------------------------------------

def test_scale(mnist):
    (x_train, _), _ = mnist
    x = data.scale(x_train[:100])
    assert x.dtype == np.float32 and x.shape == (100, 28, 28)
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_allclose(x * 255, x_train[:100])


def test_scale_rejects_already_scaled_and_non_arrays():
    with pytest.raises(ValueError, match="dtype float32.*only once"):
        data.scale(np.zeros((2, 28, 28), np.float32))
    with pytest.raises(TypeError, match="images must be a NumPy array, got list"):
        data.scale([[0, 1]])


def test_flatten(mnist):
    (x_train, _), _ = mnist
    flat = data.flatten(x_train[:5])
    assert flat.shape == (5, 784)
    np.testing.assert_array_equal(flat[3].reshape(28, 28), x_train[3])


@pytest.mark.parametrize("shape", [(28, 28), (5, 784), (5, 28, 27), (5, 1, 28, 28)])
def test_flatten_rejects_wrong_shapes(shape):
    with pytest.raises(ValueError, match=r"shape \(N, 28, 28\)"):
        data.flatten(np.zeros(shape, np.uint8))


def test_train_val_split_is_seeded_and_disjoint():
    x = np.arange(100).reshape(100, 1)
    y = np.arange(100)
    (x_tr, y_tr), (x_val, y_val) = data.train_val_split(x, y, val_size=10, seed=3)
    assert len(x_val) == 10 and len(x_tr) == 90
    assert set(y_tr).isdisjoint(y_val) and set(y_tr) | set(y_val) == set(range(100))
    np.testing.assert_array_equal(x_val[:, 0], y_val)  # rows and labels stay paired
    (_, _), (_, y_val2) = data.train_val_split(x, y, val_size=10, seed=3)
    np.testing.assert_array_equal(y_val, y_val2)
    (_, _), (_, y_val3) = data.train_val_split(x, y, val_size=10, seed=4)
    assert not np.array_equal(y_val, y_val3)


def test_train_val_split_fraction():
    x, y = np.zeros((50, 2)), np.zeros(50)
    (_, _), (x_val, _) = data.train_val_split(x, y, val_size=0.2)
    assert len(x_val) == 10


@pytest.mark.parametrize(
    ("val_size", "error", "message"),
    [
        (0, ValueError, "between 1 and 49"),
        (50, ValueError, "between 1 and 49"),
        (1.5, ValueError, r"fraction must be in \(0, 1\)"),
        (0.0, ValueError, r"fraction must be in \(0, 1\)"),
        ("10", TypeError, "val_size must be an int"),
        (True, TypeError, "val_size must be an int"),
    ],
)
def test_train_val_split_rejects_bad_sizes(val_size, error, message):
    with pytest.raises(error, match=message):
        data.train_val_split(np.zeros((50, 2)), np.zeros(50), val_size=val_size)


def test_train_val_split_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="x has 5 rows but y has 4"):
        data.train_val_split(np.zeros((5, 2)), np.zeros(4))


def test_prepare_mnist():
    s = data.prepare_mnist(val_size=5000, seed=0)
    assert s.x_train.shape == (55000, 784) and s.x_val.shape == (5000, 784)
    assert s.x_test.shape == (10000, 784) and s.y_test.shape == (10000,)
    assert s.x_train.dtype == np.float32 and 0.0 <= s.x_train.min() and s.x_train.max() <= 1.0
    images = data.prepare_mnist(flat=False).x_val
    assert images.shape == (5000, 28, 28)
