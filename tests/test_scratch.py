"""Tests for helpers.scratch: gradients, training, input checks, divergence."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers.scratch import (
    MLP,
    TrainingDiverged,
    cross_entropy,
    format_error,
    forward_pass,
    gradient_check,
    log_softmax,
    numerical_gradient,
    one_blas_thread,
    one_hot,
    relative_error,
    relu,
    sgd_momentum,
    softmax,
)


def random_batch(sizes, n=7, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, sizes[0])), rng.integers(0, sizes[-1], n)


@pytest.fixture(scope="module")
def subset(mnist):
    (x, y), (x_test, y_test) = mnist
    x = x[:2000].reshape(2000, 784).astype(np.float32) / 255
    xt = x_test[:500].reshape(500, 784).astype(np.float32) / 255
    return x, y[:2000], xt, y_test[:500]


# --- the maths


def test_softmax_and_log_softmax_are_stable():
    z = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])
    p = softmax(z)
    assert np.all(np.isfinite(p)) and np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(np.exp(log_softmax(z)), p)
    assert np.isfinite(log_softmax(z)).all()
    assert np.allclose(softmax(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]])


def test_relu_and_one_hot():
    assert relu(np.array([-2.0, 0.0, 3.0])).tolist() == [0.0, 0.0, 3.0]
    assert one_hot(np.array([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]


def test_cross_entropy_from_logits_matches_definition_and_handles_huge_logits():
    z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
    y = np.array([0, 2])
    expected = -np.mean(np.log(softmax(z)[[0, 1], y]))
    assert cross_entropy(z, y) == pytest.approx(expected)
    # probability exp(-2000) underflows to 0, but the loss from logits is exact
    assert cross_entropy(np.array([[0.0, 2000.0]]), np.array([0])) == pytest.approx(2000.0)


def test_sgd_momentum():
    w, v, g = np.ones(3), np.full(3, 0.5), np.array([1.0, -2.0, 0.0])
    new_w, new_v = sgd_momentum(w, v, g, lr=0.1, momentum=0.9)
    assert np.allclose(new_v, 0.9 * v - 0.1 * g)
    assert np.allclose(new_w, w + new_v)
    plain_w, _ = sgd_momentum(w, v, g, lr=0.1)
    assert np.allclose(plain_w, w - 0.1 * g)


# --- construction


def test_shapes_inits_and_repr():
    net = MLP((784, 128, 10))
    assert list(net.params) == ["W1", "b1", "W2", "b2"]
    assert net.params["W1"].shape == (784, 128) and net.params["b2"].shape == (10,)
    assert all(p.dtype == np.float32 for p in net.params.values())
    assert net.num_params() == 101_770
    assert repr(net) == "MLP(784-128-10, 101,770 parameters, float32)"
    assert net.params["W1"].std() == pytest.approx(math.sqrt(2 / 784), rel=0.02)
    assert not net.params["b1"].any()
    assert not any(p.any() for p in MLP((5, 4, 3), init="zeros").params.values())
    small = MLP((784, 128, 10), init="small").params["W1"]
    assert small.std() == pytest.approx(0.01, rel=0.02)
    deep = MLP((6, 8, 8, 4), dtype=np.float64)
    assert list(deep.params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert deep.params["W2"].dtype == np.float64


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = MLP((5, 4, 3), seed=3), MLP((5, 4, 3), seed=3), MLP((5, 4, 3), seed=4)
    assert np.array_equal(a.params["W1"], b.params["W1"])
    assert not np.array_equal(a.params["W1"], c.params["W1"])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"sizes": (784,)}, ValueError, "sizes"),
    ({"sizes": (784, 0, 10)}, ValueError, "sizes"),
    ({"sizes": (784, 12.5, 10)}, ValueError, "sizes"),
    ({"sizes": "784-10"}, TypeError, "sizes"),
    ({"init": "xavier"}, ValueError, "init"),
    ({"dtype": np.int32}, ValueError, "dtype"),
    ({"seed": -1}, ValueError, "seed"),
])
def test_bad_construction(kwargs, error, match):
    with pytest.raises(error, match=match):
        MLP(**kwargs)


# --- gradients


@pytest.mark.parametrize("sizes", [(5, 4, 3), (6, 8, 8, 4), (3, 10), (10, 7, 5, 6, 2)])
def test_backprop_matches_finite_differences(sizes):
    for seed in (0, 1):
        net = MLP(sizes, seed=seed, dtype=np.float64)
        x, y = random_batch(sizes, seed=seed)
        errors = gradient_check(net, x, y)
        assert set(errors) == set(net.params)
        assert max(errors.values()) < 1e-6, errors


def test_gradient_check_catches_a_wrong_gradient(monkeypatch):
    net = MLP((5, 4, 3), dtype=np.float64)
    x, y = random_batch((5, 4, 3))
    real_backward = MLP.backward

    def buggy(self, cache, y):
        grads = real_backward(self, cache, y)
        grads["W1"] = grads["W1"] * 2  # a classic factor-of-two bug
        return grads

    monkeypatch.setattr(MLP, "backward", buggy)
    errors = gradient_check(net, x, y)
    assert errors["W1"] > 0.1 and errors["W2"] < 1e-6


def test_numerical_gradient_and_relative_error():
    net = MLP((3, 10), dtype=np.float64)
    x, y = random_batch((3, 10))
    num = numerical_gradient(net, x, y, "b1")
    _, cache = net.forward(x)
    assert np.allclose(num, net.backward(cache, y)["b1"], atol=1e-8)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0, 0.0]), np.array([1.0, 0.5])) == 0.5
    with pytest.raises(ValueError, match="name"):
        numerical_gradient(net, x, y, "W9")
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(2), np.zeros(3))


def test_gradient_check_requires_float64():
    net = MLP((5, 4, 3))
    x, y = random_batch((5, 4, 3))
    with pytest.raises(ValueError, match="float64"):
        gradient_check(net, x, y)
    with pytest.raises(ValueError, match="model"):
        gradient_check("net", x, y)


def test_format_error():
    assert format_error(3e-9) == "< 1e-7"
    assert format_error(2.6e-5) == "3e-5"
    assert format_error(0.5) == "5e-1"
    with pytest.raises(ValueError, match="error"):
        format_error(float("nan"))


def test_backprop_matches_tensorflow_gradient_tape():
    tf = pytest.importorskip("tensorflow")
    net = MLP((784, 32, 16, 10), seed=2)
    rng = np.random.default_rng(2)
    x = rng.random((20, 784), dtype=np.float32)
    y = rng.integers(0, 10, 20)
    probs, cache = net.forward(x)
    ours = net.backward(cache, y)
    variables = {k: tf.Variable(v) for k, v in net.params.items()}
    with tf.GradientTape() as tape:
        a = tf.constant(x)
        for layer in (1, 2, 3):
            z = tf.matmul(a, variables[f"W{layer}"]) + variables[f"b{layer}"]
            a = tf.nn.relu(z) if layer < 3 else z
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=y.astype(np.int32), logits=a))
    theirs = tape.gradient(loss, variables)
    assert net.loss(probs, y) == pytest.approx(float(loss), rel=1e-5)
    for name in net.params:
        assert ours[name].dtype == np.float32
        np.testing.assert_allclose(ours[name], theirs[name].numpy(), rtol=1e-4, atol=1e-6)


# --- forward, loss, backward, step: input checks


def test_forward_returns_probabilities_and_cache():
    net = MLP((5, 4, 3))
    x, _ = random_batch((5, 4, 3))
    probs, cache = net.forward(x)
    assert probs.shape == (7, 3) and probs.dtype == np.float32
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-6)
    assert {"A0", "Z1", "A1", "Z2", "P"} <= set(cache)
    assert np.array_equal(net.predict(x), probs.argmax(axis=1))
    assert np.allclose(net.predict_proba(x), probs)
    assert np.allclose(forward_pass(net.params, x.astype(np.float32))[0], probs)
    assert net.forward(x.tolist())[0].shape == (7, 3)  # nested lists work too


@pytest.mark.parametrize("x, match", [
    (np.zeros((3, 6)), r"x must have shape \(N, 5\)"),
    (np.zeros(5), r"shape \(N, 5\)"),
    (np.zeros((0, 5)), "x is empty"),
    (np.array([[0.0, np.nan, 0, 0, 0]]), "x contains NaN"),
    (np.array([[0.0, np.inf, 0, 0, 0]]), "x contains NaN or infinite"),
    ("pixels", "x must be a NumPy array"),
    ([["a", "b", "c", "d", "e"]], "x must hold numbers"),
])
def test_forward_bad_inputs(x, match):
    with pytest.raises(ValueError, match=match):
        MLP((5, 4, 3)).forward(x)


def test_loss_matches_cross_entropy_and_checks_labels():
    net = MLP((5, 4, 3))
    x, y = random_batch((5, 4, 3))
    probs, cache = net.forward(x)
    assert net.loss(probs, y) == pytest.approx(cross_entropy(cache["Z2"], y), rel=1e-5)
    assert net.loss(np.array([[1.0, 0.0, 0.0]]), np.array([1])) < 1e3  # clipped, finite
    with pytest.raises(ValueError, match="probs"):
        net.loss(probs[:, :2], y)
    with pytest.raises(ValueError, match="y has 3 labels"):
        net.loss(probs, y[:3])
    with pytest.raises(ValueError, match="class ids 0-2"):
        net.loss(probs, np.full(7, 3))


def test_backward_checks_cache_and_labels():
    net = MLP((5, 4, 3))
    x, y = random_batch((5, 4, 3))
    _, cache = net.forward(x)
    grads = net.backward(cache, y)
    assert list(grads) == list(net.params)
    assert all(grads[k].shape == net.params[k].shape for k in grads)
    with pytest.raises(ValueError, match="cache"):
        net.backward({"Z1": 0}, y)
    with pytest.raises(ValueError, match="y has 6 labels"):
        net.backward(cache, y[:6])
    with pytest.raises(ValueError, match="y must hold integer"):
        net.backward(cache, y.astype(float))
    with pytest.raises(ValueError, match="one-hot"):
        net.backward(cache, np.eye(3)[y])


def test_step_plain_and_momentum():
    net = MLP((5, 4, 3), dtype=np.float64)
    x, y = random_batch((5, 4, 3))
    before = {k: v.copy() for k, v in net.params.items()}
    grads = net.backward(net.forward(x)[1], y)
    net.step(grads, lr=0.5)
    for k in before:
        assert np.allclose(net.params[k], before[k] - 0.5 * grads[k])
    net.step(grads, lr=0.5, momentum=0.9)  # velocity was -0.5 g: now 0.9 * (-0.5 g) - 0.5 g
    for k in before:
        assert np.allclose(net.params[k], before[k] - 0.5 * grads[k] - 0.95 * grads[k])
    assert before["W1"] is not net.params["W1"]  # new arrays, no in-place update


@pytest.mark.parametrize("kwargs, match", [
    ({"lr": 0}, "lr must be a positive"),
    ({"lr": -0.1}, "lr must be a positive"),
    ({"lr": float("nan")}, "lr must be a positive"),
    ({"lr": 0.1, "momentum": 1.0}, "momentum"),
    ({"lr": 0.1, "momentum": -0.5}, "momentum"),
])
def test_step_bad_arguments(kwargs, match):
    net = MLP((5, 4, 3))
    grads = {k: np.zeros_like(v) for k, v in net.params.items()}
    with pytest.raises(ValueError, match=match):
        net.step(grads, **kwargs)


def test_step_bad_grads():
    net = MLP((5, 4, 3))
    with pytest.raises(ValueError, match="grads must have the keys"):
        net.step({"W1": net.params["W1"]}, lr=0.1)
    grads = {k: np.zeros_like(v) for k, v in net.params.items()}
    grads["W1"] = grads["W1"].T
    with pytest.raises(ValueError, match=r"grads\['W1'\] has shape"):
        net.step(grads, lr=0.1)


# --- training


def test_short_training_run_on_real_mnist_lowers_the_loss(subset, capsys):
    x, y, x_test, y_test = subset
    net = MLP((784, 64, 10), seed=0)
    before, _ = net.evaluate(x_test, y_test)
    history = net.fit(x, y, epochs=2, batch_size=64, lr=0.1, x_val=x_test, y_val=y_test)
    after, accuracy = net.evaluate(x_test, y_test)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 2 for v in history.values())
    assert history["loss"][1] < history["loss"][0]
    assert after < before - 1.0 and accuracy > 0.75
    assert history["val_loss"][-1] == pytest.approx(after)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("epoch 1/2  loss ") and "val_accuracy" in lines[0]


def test_training_is_deterministic_and_quiet(subset, capsys):
    x, y, _, _ = subset
    runs = []
    for _ in range(2):
        net = MLP((784, 32, 10), seed=1)
        runs.append(net.fit(x[:500], y[:500], epochs=2, lr=0.1, momentum=0.9, seed=5,
                            verbose=False))
    assert runs[0] == runs[1]
    assert "val_loss" not in runs[0]
    assert capsys.readouterr().out == ""


def test_more_layers_train_too():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4))
    y = (x[:, 0] * x[:, 1] > 0).astype(int)  # XOR-like: needs a hidden layer
    net = MLP((4, 16, 16, 2), seed=0)
    history = net.fit(x, y, epochs=60, batch_size=20, lr=0.1, momentum=0.9, verbose=False)
    assert history["accuracy"][-1] > 0.9


def test_zero_init_keeps_hidden_units_identical(subset):
    x, y, _, _ = subset
    net = MLP((784, 16, 10), init="zeros")
    net.fit(x[:300], y[:300], epochs=1, lr=0.1, verbose=False)
    assert not net.params["W1"].any() and not net.params["W2"].any()
    assert net.params["b2"].any()  # only the output biases learn


def test_divergence_is_detected_with_a_clear_message(subset):
    x, y, _, _ = subset
    net = MLP((784, 128, 10), seed=0)
    with pytest.raises(TrainingDiverged, match=r"epoch 1, step \d+/16.*lr=10.*lower"):
        net.fit(x, y, epochs=2, lr=10.0, verbose=False)
    assert issubclass(TrainingDiverged, ArithmeticError)


def test_nan_and_inf_losses_are_detected(subset):
    x, y, _, _ = subset
    net = MLP((784, 16, 10), seed=0)
    net.params["W2"] = net.params["W2"] * np.float32(1e38)  # logits overflow to inf
    with pytest.raises(TrainingDiverged, match="step 1/1: the loss became inf"):
        net.fit(x[:100], y[:100], epochs=1, lr=0.1, verbose=False, max_loss=math.inf)
    net = MLP((784, 16, 10), seed=0)
    net.params["b1"] = np.full(16, np.nan, dtype=np.float32)
    with pytest.raises(TrainingDiverged, match="the loss became nan"):
        net.fit(x[:100], y[:100], epochs=1, lr=0.1, verbose=False)


def test_max_loss_is_configurable(subset):
    x, y, _, _ = subset
    with pytest.raises(TrainingDiverged, match="max_loss=0.5"):
        MLP((784, 16, 10)).fit(x[:100], y[:100], epochs=1, lr=0.1, verbose=False,
                               max_loss=0.5)


@pytest.mark.parametrize("kwargs, match", [
    ({"epochs": 0}, "epochs must be at least 1"),
    ({"epochs": 1, "batch_size": 0}, "batch_size must be at least 1"),
    ({"epochs": 1, "batch_size": -32}, "batch_size"),
    ({"epochs": 1, "lr": 0}, "lr must be a positive"),
    ({"epochs": 1, "lr": -1.0}, "lr must be a positive"),
    ({"epochs": 1, "momentum": 1.5}, "momentum"),
    ({"epochs": 1, "seed": -3}, "seed"),
    ({"epochs": 1, "max_loss": 0}, "max_loss"),
    ({"epochs": 1, "x_val": np.zeros((2, 5))}, "x_val and y_val go together"),
    ({"epochs": 1, "x_val": np.zeros((2, 5)), "y_val": np.zeros(3, int)},
     "x_val has 2 rows but y_val has 3"),
    ({"epochs": 1, "x_val": np.zeros((2, 6)), "y_val": np.zeros(2, int)}, "x_val must have shape"),
])
def test_fit_bad_arguments(kwargs, match):
    x, y = random_batch((5, 4, 3))
    with pytest.raises(ValueError, match=match):
        MLP((5, 4, 3)).fit(x, y, verbose=False, **kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"epochs": 2.5}, "epochs must be a whole number"),
    ({"epochs": 1, "batch_size": "32"}, "batch_size must be a whole number"),
    ({"epochs": 1, "lr": "fast"}, "lr must be a positive number"),
    ({"epochs": 1, "momentum": None}, "momentum must be a number in"),
])
def test_fit_arguments_of_the_wrong_type(kwargs, match):
    x, y = random_batch((5, 4, 3))
    with pytest.raises(TypeError, match=match):
        MLP((5, 4, 3)).fit(x, y, verbose=False, **kwargs)


@pytest.mark.parametrize("x, y, match", [
    (np.zeros((7, 5)), np.zeros(6, int), "x has 7 rows but y has 6 labels"),
    (np.zeros((7, 5)), np.full(7, 3), r"y must hold class ids 0-2, got values from 3 to 3"),
    (np.zeros((7, 5)), np.full(7, -1), "y must hold class ids"),
    (np.zeros((7, 6)), np.zeros(7, int), r"x must have shape \(N, 5\)"),
    (np.full((7, 5), np.nan), np.zeros(7, int), "x contains NaN"),
    (np.zeros((7, 5)), np.zeros(7), "y must hold integer class ids"),
])
def test_fit_and_evaluate_bad_data(x, y, match):
    net = MLP((5, 4, 3))
    with pytest.raises(ValueError, match=match):
        net.fit(x, y, epochs=1, verbose=False)
    with pytest.raises(ValueError, match=match):
        net.evaluate(x, y)


def test_evaluate(subset):
    x, y, _, _ = subset
    net = MLP((784, 16, 10))
    loss, accuracy = net.evaluate(x[:50], y[:50])
    assert loss == pytest.approx(cross_entropy(net.forward(x[:50])[1]["Z2"], y[:50]), rel=1e-5)
    assert accuracy == np.mean(net.predict(x[:50]) == y[:50])


def test_one_blas_thread_restores_state():
    a = np.random.default_rng(0).random((50, 50))
    with one_blas_thread():
        inside = a @ a
    assert np.allclose(inside, a @ a)


def test_one_blas_thread_sets_one_thread_and_restores_the_count():
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = blas_threads()
    assert before, "NumPy's BLAS is not visible to threadpoolctl"
    with one_blas_thread():
        assert set(blas_threads()) == {1}
    assert blas_threads() == before
