"""Tests for helpers.models: lesson 05's network, cached outside the repository or retrained."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from helpers import models


def tiny_splits(n: int = 512) -> SimpleNamespace:
    rng = np.random.default_rng(0)
    x = rng.random((n, 784), dtype=np.float32)
    y = rng.integers(0, 10, n).astype(np.uint8)
    return SimpleNamespace(x_train=x, y_train=y, x_val=x[:64], y_val=y[:64],
                           x_test=x[:64], y_test=y[:64])


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(models.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def quick(monkeypatch):
    """Train one short epoch instead of lesson 05's twelve (same code path)."""
    monkeypatch.setitem(models.RECIPE, "epochs", 1)


def test_cache_dir_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(models.CACHE_ENV, str(tmp_path))
    assert models.cache_dir() == tmp_path
    monkeypatch.delenv(models.CACHE_ENV)
    assert models.cache_dir() == models.DEFAULT_CACHE.expanduser()
    assert "mnist-nn-tutorials" in str(models.cache_dir())


def test_the_built_network_is_lesson_05s() -> None:
    model = models.build_lesson05_model()
    assert model.count_params() == models.PARAMETERS == 669_706
    assert model.name == "mlp_final"
    models.check_lesson05_model(model)  # logits out: no softmax
    assert [type(layer).__name__ for layer in model.layers] == [
        "Dense", "Dropout", "Dense", "Dropout", "Dense"]


def test_building_is_seeded() -> None:
    a, b = models.build_lesson05_model(), models.build_lesson05_model()
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights(),
                                                     strict=True))


def test_check_rejects_other_networks() -> None:
    import keras

    with pytest.raises(TypeError, match="Keras model"):
        models.check_lesson05_model("model")
    small = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10)])
    with pytest.raises(ValueError, match="784-512-512-10"):
        models.check_lesson05_model(small)
    softmax = keras.Sequential([keras.Input(shape=(784,)),
                                keras.layers.Dense(512, activation="relu"),
                                keras.layers.Dense(512, activation="relu"),
                                keras.layers.Dense(10, activation="softmax")])
    with pytest.raises(ValueError, match="logits"):
        models.check_lesson05_model(softmax)


def test_load_or_train_trains_saves_then_loads(cache, quick) -> None:
    splits = tiny_splits()
    first = models.load_or_train_lesson05(splits)
    assert first.source == "trained" and "no saved network" in first.reason
    model_file, recipe_file = models.model_files(cache)
    assert model_file.is_file() and recipe_file.is_file()
    assert sorted(p.name for p in cache.iterdir()) == sorted([model_file.name, recipe_file.name])
    import keras

    assert model_file.name == f"lesson05_final_keras-{keras.__version__}.keras"
    assert "trained lesson 05's network here" in first.describe()
    second = models.load_or_train_lesson05(splits)
    assert second.source == "cache" and "loaded lesson 05's network from" in second.describe()
    for u, v in zip(first.model.get_weights(), second.model.get_weights(), strict=True):
        assert np.array_equal(u, v)


def test_training_is_deterministic(cache, quick) -> None:
    splits = tiny_splits()
    a = models.train_lesson05_model(splits)
    b = models.train_lesson05_model(splits)
    for u, v in zip(a.get_weights(), b.get_weights(), strict=True):
        assert np.array_equal(u, v)


def test_a_cache_from_another_recipe_is_not_used(cache, quick) -> None:
    models.save_lesson05_model(models.build_lesson05_model(), cache)
    recipe_file = models.model_files(cache)[1]
    stored = json.loads(recipe_file.read_text())
    stored["recipe"]["epochs"] = 99
    recipe_file.write_text(json.dumps(stored))
    with pytest.raises(ValueError, match="another recipe"):
        models.load_lesson05_model(cache)
    loaded = models.load_or_train_lesson05(tiny_splits())
    assert loaded.source == "trained" and "did not match" in loaded.reason


def test_a_damaged_cache_is_named(cache) -> None:
    models.save_lesson05_model(models.build_lesson05_model())
    model_file, recipe_file = models.model_files(cache)
    model_file.write_bytes(b"not a keras file")
    with pytest.raises(ValueError, match="could not be loaded"):
        models.load_lesson05_model()
    recipe_file.write_text("{not json")
    with pytest.raises(ValueError, match="not readable JSON"):
        models.load_lesson05_model()


def test_missing_cache_is_named(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="run lesson 05"):
        models.load_lesson05_model(tmp_path)


def test_splits_are_checked() -> None:
    with pytest.raises(TypeError, match="prepare_mnist"):
        models.load_or_train_lesson05((1, 2))
    bad = tiny_splits()
    bad.x_train = bad.x_train.reshape(-1, 28, 28)
    with pytest.raises(ValueError, match="784 pixels"):
        models.train_lesson05_model(bad)


def test_describe_writes_home_as_tilde() -> None:
    from pathlib import Path

    home = models.Loaded(None, "cache", Path.home() / ".cache" / "x.keras", 1.23)
    assert home.describe() == "loaded lesson 05's network from ~/.cache/x.keras in 1.2 s"
    elsewhere = models.Loaded(None, "trained", Path("/srv/x.keras"), 61.4, "no saved network")
    assert elsewhere.describe() == ("trained lesson 05's network here in 61 s (no saved "
                                    "network); saved to /srv/x.keras for next time")


def test_a_seed_offset_keeps_its_own_cached_network(monkeypatch, tmp_path) -> None:
    from helpers.setup import SEED_OFFSET_ENV

    plain = models.model_files(tmp_path)
    monkeypatch.setenv(SEED_OFFSET_ENV, "3")
    shifted = models.model_files(tmp_path)
    assert shifted[0] != plain[0] and "seed-offset-3" in shifted[0].name
    assert models._fingerprint()["recipe"]["seed"] == 45
