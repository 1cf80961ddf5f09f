"""Lesson 05's exercise checks: right, wrong, malformed and unanswered for each."""

from __future__ import annotations

import check_recorder
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
    """The lessons' split of MNIST, flat and scaled: 3,000 to train on, 1,000 to validate."""
    from helpers.data import train_val_split

    (x_train, y_train), _ = mnist
    (x_tr, y_tr), (x_val, y_val) = train_val_split(x_train, y_train)  # prepare_mnist's split
    flat = lambda x: x.reshape(len(x), -1).astype(np.float32) / 255  # noqa: E731
    return flat(x_tr[:3000]), y_tr[:3000], flat(x_val[:1000]), y_val[:1000]


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

def _deeper(*middle, out=None):
    """784 -> the given layers -> Dense(10, activation=out) (logits by default)."""
    import keras

    return keras.Sequential([keras.Input(shape=(784,)), *middle,
                             keras.layers.Dense(10, activation=out)])


def _solution(*after):
    """The exercise's answer, with ``after`` layers appended behind the logits."""
    import keras

    L = keras.layers
    return keras.Sequential([keras.Input(shape=(784,)), L.Dense(256, activation="relu"),
                             L.Dropout(0.2), L.Dense(128, activation="relu"), L.Dropout(0.2),
                             L.Dense(10), *after])


def test_deeper_model_right():
    import keras

    fb = check.deeper_model(_solution())
    assert fb.kind == "right" and "235,146 parameters" in fb.message
    L = keras.layers
    # Judged wrongly before: separate ReLU layers are the same network.
    separate = _deeper(L.Dense(256), L.ReLU(), L.Dropout(0.2),
                       L.Dense(128), L.Activation("relu"), L.Dropout(0.2))
    assert check.deeper_model(separate).ok
    # Dropout before the ReLU computes the same function.
    swapped = _deeper(L.Dense(256), L.Dropout(0.2), L.ReLU(),
                      L.Dense(128), L.Dropout(0.2), L.ReLU())
    assert check.deeper_model(swapped).ok
    one = _deeper(L.Dense(64, activation="relu"), L.Dropout(0.3))
    assert check.deeper_model(one, hidden=(64,), dropout=0.3).ok


def test_deeper_model_wrong():
    import keras

    L = keras.layers
    fb = check.deeper_model(_layers([128], out_act=None))
    assert fb.kind == "wrong" and "[128, 10]" in fb.message and "[256, 128, 10]" in fb.message
    fb = check.deeper_model(_layers([256, 128], hidden_act="sigmoid", out_act=None))
    assert fb.kind == "wrong" and "sigmoid" in fb.message and "relu" in fb.message
    # Judged wrongly before: a model without the task's Dropout(0.2) was accepted.
    fb = check.deeper_model(_layers([256, 128], out_act=None))
    assert fb.kind == "wrong" and "Dropout(0.2)" in fb.message
    half = _deeper(L.Dense(256, activation="relu"), L.Dropout(0.5),
                   L.Dense(128, activation="relu"), L.Dropout(0.5))
    assert check.deeper_model(half).kind == "wrong"
    # A softmax output, in the Dense layer or as its own layer: this lesson outputs logits.
    for model in (_deeper(L.Dense(256, activation="relu"), L.Dropout(0.2),
                          L.Dense(128, activation="relu"), L.Dropout(0.2), out="softmax"),
                  _solution(L.Softmax())):
        fb = check.deeper_model(model)
        assert fb.kind == "wrong" and "logits" in fb.message and "from_logits" in fb.message
    fb = check.deeper_model(_deeper(L.Dense(256), L.Dropout(0.2), L.Dense(128, "relu"),
                                    L.Dropout(0.2)))
    assert fb.kind == "wrong" and "linear" in fb.message
    fb = check.deeper_model(_deeper(L.Dense(256, "relu"), L.ReLU(), L.Dropout(0.2),
                                    L.Dense(128, "relu"), L.Dropout(0.2)))
    assert fb.kind == "wrong" and "relu+relu" in fb.message
    fb = check.deeper_model(_solution(L.Dropout(0.2)))
    assert fb.kind == "wrong" and "after the output" in fb.message
    fb = check.deeper_model(_deeper(L.Dense(256, "relu"), L.BatchNormalization(),
                                    L.Dropout(0.2), L.Dense(128, "relu"), L.Dropout(0.2)))
    assert fb.kind == "wrong" and "BatchNormalization" in fb.message


def test_deeper_model_malformed_and_unanswered():
    import keras

    assert check.deeper_model("Sequential").kind == "malformed"
    assert check.deeper_model([256, 128]).kind == "malformed"
    fb = check.deeper_model(_layers([256, 128], width=28))
    assert fb.kind == "malformed" and "keras.Input(shape=(784,))" in fb.message
    no_input = keras.Sequential([keras.layers.Dense(256), keras.layers.Dense(10)])
    assert check.deeper_model(no_input).kind == "malformed"
    assert check.deeper_model(...).kind == "unanswered"


# validation_accuracy ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def deeper_trained(small):
    """The exercise's 784-256-128-10 network (logits) trained for 2 epochs on 3,000 images."""
    import keras

    from helpers.setup import seed_everything

    seed_everything(0)
    x, y, _, _ = small
    model = _solution()
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, epochs=2, batch_size=64, verbose=0)
    return model


def test_validation_accuracy_right(deeper_trained, small):
    _, _, x_val, y_val = small
    fb = check.validation_accuracy(deeper_trained, x_val, y_val, floor=0.8)
    assert fb.kind == "right" and "above 0.80" in fb.message and "final" in fb.message
    acc = float((deeper_trained.predict(x_val, verbose=0).argmax(1) == y_val).mean())
    assert f"{acc:.4f}" in fb.message


def test_validation_accuracy_wrong(deeper_trained, trained, small):
    _, _, x_val, y_val = small
    fb = check.validation_accuracy(deeper_trained, x_val, y_val)  # default floor 0.97
    assert fb.kind == "wrong" and "below 0.97" in fb.message and "10 epochs" in fb.message
    untrained = _solution()  # never fitted: about 10% right
    fb = check.validation_accuracy(untrained, x_val, y_val)
    assert fb.kind == "wrong" and "fit" in fb.message and "from_logits" in fb.message
    # Judged wrongly before: any model above the floor passed, the lesson's own `final` too.
    fb = check.validation_accuracy(trained, x_val, y_val, floor=0.5)  # 784-32-10, accurate
    assert fb.kind == "wrong" and "[32, 10]" in fb.message and "`deeper`" in fb.message
    fb = check.validation_accuracy(_layers([512, 512], out_act=None), x_val, y_val)
    assert fb.kind == "wrong" and "not `final`" in fb.message


def test_validation_accuracy_malformed_and_unanswered(deeper_trained, small):
    _, _, x_val, y_val = small
    assert check.validation_accuracy(0.98, x_val, y_val).kind == "malformed"
    fb = check.validation_accuracy(deeper_trained, x_val.reshape(-1, 28, 28), y_val)
    assert fb.kind == "malformed" and "(N, 784)" in fb.message
    assert check.validation_accuracy(deeper_trained, x_val, y_val[:10]).kind == "malformed"
    assert check.validation_accuracy(deeper_trained, list(x_val), y_val).kind == "malformed"
    assert check.validation_accuracy(..., x_val, y_val).kind == "unanswered"


def _flat(x):
    return x.reshape(len(x), -1).astype(np.float32) / 255


@pytest.mark.parametrize(("part", "words"), [
    (lambda tr, te: (te[0], te[1]), "100% of these images are test images"),
    (lambda tr, te: (te[0][:5000], te[1][:5000]), "100% of these images are test images"),
    (lambda tr, te: (tr[0][:5000], tr[1][:5000]), "training images"),
    (lambda tr, te: tr, "training images"),
])
def test_validation_accuracy_refuses_test_and_training_images(deeper_trained, mnist, part,
                                                              words):
    # Judged wrongly before (review 28): only 10,000 images were refused, so x_test[:5000]
    # and the training data passed as "validation".
    x, y = part(*mnist)
    fb = check.validation_accuracy(deeper_trained, _flat(x), y, floor=0.5)
    assert fb.kind == "malformed" and words in fb.message, fb.message
    assert "Pass x_val and y_val" in fb.message


def test_validation_accuracy_accepts_all_the_validation_images_however_they_are_scaled(
        deeper_trained, mnist):
    from helpers.data import prepare_mnist, train_val_split

    splits = prepare_mnist()
    fb = check.validation_accuracy(deeper_trained, splits.x_val, splits.y_val, floor=0.5)
    assert fb.kind == "right", fb.message
    (x_train, y_train), _ = mnist
    _, (x_val, y_val) = train_val_split(x_train, y_train)
    fb = check.validation_accuracy(deeper_trained, _flat(x_val).astype(np.float64), y_val,
                                   floor=0.5)
    assert fb.kind == "right", fb.message


def test_validation_accuracy_without_mnist_falls_back_to_refusing_10000_images(
        deeper_trained, monkeypatch):
    monkeypatch.setattr(check, "_mnist_parts", lambda: None)
    test_like = np.zeros((10_000, 784), np.float32), np.zeros(10_000, int)
    fb = check.validation_accuracy(deeper_trained, *test_like)
    assert fb.kind == "malformed" and "test set stays locked" in fb.message


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


# --- review 2026-12-05: correct alternatives and plausible wrong answers ---------------------

def _functional(*, concat=False):
    import keras

    L = keras.layers
    inputs = keras.Input(shape=(784,))
    x = L.Dropout(0.2)(L.Dense(256, activation="relu")(inputs))
    h = L.Dropout(0.2)(L.Dense(128, activation="relu")(x))
    if concat:
        h = L.Concatenate()([h, x])
    return keras.Model(inputs, L.Dense(10)(h))


def test_deeper_model_accepts_the_same_network_built_with_the_functional_api():
    # Judged wrongly before (review 30): "a InputLayer layer comes before the first Dense
    # layer. Hint: use only Dense, Dropout and activation layers".
    fb = check.deeper_model(_functional())
    assert fb.kind == "right", fb.message
    assert "235,146 parameters" in fb.message and "Functional API" in fb.message
    assert "Functional" not in check.deeper_model(_solution()).message


def test_deeper_model_functional_that_is_not_a_chain():
    fb = check.deeper_model(_functional(concat=True))
    assert fb.kind == "wrong" and "not one straight chain" in fb.message


def test_deeper_model_subclassed_model_is_named():
    import keras

    class Mine(keras.Model):
        def __init__(self):
            super().__init__()
            self.out = keras.layers.Dense(10)

        def call(self, x):
            return self.out(x)

    fb = check.deeper_model(Mine())
    assert fb.kind == "malformed" and "subclasses keras.Model (Mine)" in fb.message


def test_deeper_model_names_a_layer_before_the_first_dense_with_the_right_article():
    import keras

    L = keras.layers
    fb = check.deeper_model(_deeper(L.Activation("relu"), L.Dense(256, activation="relu"),
                                    L.Dropout(0.2), L.Dense(128, activation="relu"),
                                    L.Dropout(0.2)))
    assert fb.kind == "wrong" and "an Activation layer comes before" in fb.message


def test_deeper_model_more_alternatives_and_wrong_answers():
    import keras

    L = keras.layers
    assert check.deeper_model(_deeper(L.Dense(256, activation=keras.activations.relu),
                                      L.Dropout(0.2), L.Dense(128), L.ReLU(),
                                      L.Dropout(rate=0.2))).ok
    fb = check.deeper_model(_deeper(L.Dense(128, activation="relu"), L.Dropout(0.2),
                                    L.Dense(256, activation="relu"), L.Dropout(0.2)))
    assert fb.kind == "wrong" and "[128, 256, 10]" in fb.message  # the hidden layers swapped
    fb = check.deeper_model(_deeper(L.Dense(256, activation="relu"), L.Dropout(0.2),
                                    L.Dense(128, activation="relu"), L.Dropout(0.2),
                                    out="relu"))
    assert fb.kind == "wrong" and "'relu'" in fb.message and "logits" in fb.message


def test_lecun_params_alternatives_and_wrong_answers():
    assert check.lecun_params((784 + 1) * 300 + (300 + 1) * 100 + (100 + 1) * 10).ok
    fb = check.lecun_params(784 * 300 + 300 * 100 + 100 * 10)
    assert fb.kind == "wrong" and "weights only" in fb.message


def test_best_epoch_alternatives_and_wrong_answers():
    best = int(np.argmin(HISTORY["val_loss"])) + 1
    assert check.best_epoch(best, HISTORY).ok
    assert check.best_epoch(float(best), HISTORY).ok
    fb = check.best_epoch(int(np.argmin(HISTORY["val_loss"])), HISTORY)  # counted from 0
    assert fb.kind == "wrong" and "from 1" in fb.message
    fb = check.best_epoch(int(np.argmin(HISTORY["loss"])) + 1, HISTORY)  # the training loss
    assert fb.kind == "wrong" and "last epoch" in fb.message


# Last in this file: every check of the lesson was given each kind of answer above.
def test_every_check_was_tested_right_wrong_malformed_unanswered(request):
    check_recorder.assert_every_check_tested("05", request)
