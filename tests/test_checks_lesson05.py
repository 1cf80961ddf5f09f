"""Lesson 05's exercise checks: right, wrong, malformed and unanswered for each."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.checks import lesson05 as check


def _layers(hidden, out_act="softmax", hidden_act="relu", width=784):
    import keras

    return keras.Sequential(
        [keras.Input(shape=(width,))]
        + [keras.layers.Dense(h, activation=hidden_act) for h in hidden]
        + [keras.layers.Dense(10, activation=out_act)])


@pytest.fixture(scope="module")
def small(mnist):
    """A tiny slice of real MNIST, flat and scaled: 3,000 to train on, 1,000 to test."""
    (x_train, y_train), (x_test, y_test) = mnist
    flat = lambda x: x.reshape(len(x), -1).astype(np.float32) / 255  # noqa: E731
    return flat(x_train[:3000]), y_train[:3000], flat(x_test[:1000]), y_test[:1000]


@pytest.fixture(scope="module")
def trained(small):
    """A 784-32-10 network trained for 3 epochs on 3,000 images (about 85-90% accurate)."""
    import keras

    from helpers.setup import seed_everything

    seed_everything(0)
    x, y, _, _ = small
    model = _layers([32])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=3, batch_size=64, verbose=0)
    assert isinstance(model, keras.Model)
    return model


# lecun_params -----------------------------------------------------------------------------

def test_lecun_params_right():
    assert check.lecun_params(266_610).kind == "right"
    assert check.lecun_params(np.int64(266_610)).ok
    assert check.lecun_params(266610.0).ok
    assert check.lecun_params(np.array([266_610])).ok


def test_lecun_params_wrong():
    fb = check.lecun_params(266_200)
    assert fb.kind == "wrong" and "weights only" in fb.message and "bias" in fb.message
    fb = check.lecun_params(266_610 - 30_100)
    assert fb.kind == "wrong" and "300 to 100" in fb.message
    fb = check.lecun_params(np.array([1000]))
    assert fb.kind == "wrong" and "too small" in fb.message and "Hint" in fb.message


def test_lecun_params_malformed_and_unanswered():
    assert check.lecun_params("266610").kind == "malformed"
    assert check.lecun_params(266610.5).kind == "malformed"
    assert check.lecun_params([266_610]).kind == "malformed"
    assert check.lecun_params(...).kind == "unanswered"
    assert "Not answered yet" in check.lecun_params(...).message


# deeper_model -----------------------------------------------------------------------------

def test_deeper_model_right():
    import keras

    fb = check.deeper_model(_layers([256, 128]))
    assert fb.kind == "right" and "235,146 parameters" in fb.message
    with_dropout = keras.Sequential([
        keras.Input(shape=(784,)), keras.layers.Dense(256, activation="relu"),
        keras.layers.Dropout(0.2), keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.2), keras.layers.Dense(10, activation="softmax")])
    assert check.deeper_model(with_dropout).ok
    assert check.deeper_model(_layers([64]), hidden=(64,)).ok


def test_deeper_model_wrong():
    fb = check.deeper_model(_layers([128]))
    assert fb.kind == "wrong" and "[128, 10]" in fb.message and "[256, 128, 10]" in fb.message
    fb = check.deeper_model(_layers([256, 128], hidden_act="sigmoid"))
    assert fb.kind == "wrong" and "sigmoid" in fb.message and "relu" in fb.message
    fb = check.deeper_model(_layers([256, 128], out_act=None))
    assert fb.kind == "wrong" and "'linear'" in fb.message and "softmax" in fb.message


def test_deeper_model_malformed_and_unanswered():
    import keras

    assert check.deeper_model("Sequential").kind == "malformed"
    assert check.deeper_model([256, 128]).kind == "malformed"
    fb = check.deeper_model(_layers([256, 128], width=28))
    assert fb.kind == "malformed" and "keras.Input(shape=(784,))" in fb.message
    no_input = keras.Sequential([keras.layers.Dense(256), keras.layers.Dense(10)])
    assert check.deeper_model(no_input).kind == "malformed"
    assert check.deeper_model(...).kind == "unanswered"


# test_accuracy ----------------------------------------------------------------------------

def test_test_accuracy_right(trained, small):
    _, _, x_test, y_test = small
    fb = check.test_accuracy(trained, x_test, y_test, floor=0.8)
    assert fb.kind == "right" and "beats the floor of 0.800" in fb.message
    acc = float((trained.predict(x_test, verbose=0).argmax(1) == y_test).mean())
    assert f"{acc:.4f}" in fb.message


def test_test_accuracy_wrong(trained, small):
    _, _, x_test, y_test = small
    fb = check.test_accuracy(trained, x_test, y_test)  # the default floor is 0.975
    assert fb.kind == "wrong" and "below the floor of 0.975" in fb.message
    assert "more epochs" in fb.message
    untrained = _layers([8])  # never fitted: about 10% right
    fb = check.test_accuracy(untrained, x_test, y_test)
    assert fb.kind == "wrong" and "fit" in fb.message


def test_test_accuracy_malformed_and_unanswered(trained, small):
    _, _, x_test, y_test = small
    assert check.test_accuracy(0.98, x_test, y_test).kind == "malformed"
    fb = check.test_accuracy(trained, x_test.reshape(-1, 28, 28), y_test)
    assert fb.kind == "malformed" and "(N, 784)" in fb.message
    assert check.test_accuracy(trained, x_test, y_test[:10]).kind == "malformed"
    assert check.test_accuracy(trained, list(x_test), y_test).kind == "malformed"
    import keras

    five = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(5)])
    fb = check.test_accuracy(five, x_test, y_test)
    assert fb.kind == "malformed" and "10 numbers" in fb.message
    assert check.test_accuracy(..., x_test, y_test).kind == "unanswered"


# best_epoch -------------------------------------------------------------------------------

HISTORY = {"loss": [0.5, 0.3, 0.2, 0.1, 0.05], "val_loss": [0.4, 0.3, 0.25, 0.27, 0.3],
           "val_accuracy": [0.9, 0.92, 0.93, 0.94, 0.93]}


class FakeHistory:
    history = HISTORY


def test_best_epoch_right():
    assert check.best_epoch(3, HISTORY).kind == "right"
    assert check.best_epoch(np.int64(3), FakeHistory()).ok
    assert check.best_epoch(4, HISTORY, monitor="val_accuracy").ok


def test_best_epoch_wrong():
    fb = check.best_epoch(5, HISTORY)
    assert fb.kind == "wrong" and "last epoch" in fb.message
    fb = check.best_epoch(2, HISTORY)
    assert fb.kind == "wrong" and "from 1" in fb.message
    fb = check.best_epoch(1, HISTORY)
    assert fb.kind == "wrong" and "too small" in fb.message


def test_best_epoch_malformed_and_unanswered():
    assert check.best_epoch("3", HISTORY).kind == "malformed"
    assert check.best_epoch(2.5, HISTORY).kind == "malformed"
    assert check.best_epoch(..., HISTORY).kind == "unanswered"


def test_best_epoch_rejects_bad_history():
    with pytest.raises(ValueError, match="history"):
        check.best_epoch(3, {"loss": [0.1]})
    with pytest.raises(ValueError, match="history"):
        check.best_epoch(3, [0.1, 0.2])
