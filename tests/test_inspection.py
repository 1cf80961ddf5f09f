"""Tests for helpers.inspection: layers in NumPy, PCA, calibration, shifts, and the figures."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import inspection
from helpers.plots import description


@pytest.fixture(scope="module")
def network():
    import keras

    keras.utils.set_random_seed(1)
    return keras.Sequential([keras.Input(shape=(784,)),
                             keras.layers.Dense(32, activation="relu"),
                             keras.layers.Dropout(0.2),
                             keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(10)])


@pytest.fixture(scope="module")
def images() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((60, 784), dtype=np.float32), rng.integers(0, 10, 60)


def test_numpy_layers_match_keras(network, images) -> None:
    x, _ = images
    outputs = inspection.layer_outputs(network, x)
    assert [o.shape for o in outputs] == [(60, 32), (60, 16), (60, 10)]
    assert np.allclose(outputs[-1], network.predict(x, verbose=0), atol=1e-5)
    assert (outputs[0] >= 0).all()
    probs = inspection.predict_probs(network, x.reshape(-1, 28, 28))
    assert np.allclose(probs.sum(axis=1), 1)


def test_check_network_names_the_problem() -> None:
    import keras

    with pytest.raises(TypeError, match="Keras model"):
        inspection.check_network(np.ones(3))
    wrong_in = keras.Sequential([keras.Input(shape=(10,)), keras.layers.Dense(10)])
    with pytest.raises(ValueError, match="784 pixels"):
        inspection.check_network(wrong_in)
    sigmoid = keras.Sequential([keras.Input(shape=(784,)),
                                keras.layers.Dense(8, activation="sigmoid"),
                                keras.layers.Dense(10)])
    with pytest.raises(ValueError, match="ReLU"):
        inspection.check_network(sigmoid)
    softmax = keras.Sequential([keras.Input(shape=(784,)),
                                keras.layers.Dense(10, activation="softmax")])
    with pytest.raises(ValueError, match="logits"):
        inspection.check_network(softmax)


def test_images_are_validated(network) -> None:
    with pytest.raises(ValueError, match="shape"):
        inspection.layer_outputs(network, np.ones((3, 10), np.float32))
    with pytest.raises(TypeError, match="floats"):
        inspection.layer_outputs(network, np.ones((3, 784), np.uint8))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        inspection.layer_outputs(network, np.full((3, 784), 2.0, np.float32))


def test_top_images_and_units(network, images) -> None:
    x, _ = images
    top = inspection.top_images(network, x, unit=3, k=5)
    h = inspection.layer_outputs(network, x)[0][:, 3]
    assert len(top) == 5 and h[top[0]] == h.max() and (np.diff(h[top]) <= 0).all()
    with pytest.raises(ValueError, match="units must be in 0..31"):
        inspection.top_images(network, x, unit=32)
    with pytest.raises(ValueError, match="k must be"):
        inspection.top_images(network, x, unit=0, k=0)
    with pytest.raises(ValueError, match="unit numbers"):
        inspection.plot_first_layer(network, [])


def test_pca_finds_the_widest_direction_with_a_fixed_sign() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3)) * [10.0, 3.0, 0.1]
    P = inspection.pca_2d(X)
    assert P.shape == (500, 2)
    assert np.allclose(P.mean(axis=0), 0, atol=1e-9)
    assert P[:, 0].var() > P[:, 1].var() > 0.5 * 9
    assert np.allclose(np.abs(np.corrcoef(P[:, 0], X[:, 0])[0, 1]), 1, atol=1e-3)
    assert np.allclose(inspection.pca_2d(-X), -P)  # sign is fixed by the direction
    with pytest.raises(ValueError, match="at least 3 rows"):
        inspection.pca_2d(np.ones((2, 5)))
    with pytest.raises(ValueError, match="NaN"):
        inspection.pca_2d(np.full((4, 4), np.nan))


def test_separation() -> None:
    points = np.array([[0.0, 0], [0, 1], [10, 10], [10, 11]])
    assert inspection.separation(points, np.array([0, 0, 1, 1])) == 1.0
    assert inspection.separation(points, np.array([0, 1, 0, 1])) == 0.5
    with pytest.raises(ValueError, match="one label each"):
        inspection.separation(points, np.array([0, 1]))


def test_reliability_and_ece() -> None:
    probs = np.array([[0.95, 0.05], [0.95, 0.05], [0.6, 0.4], [0.3, 0.7]])
    y = np.array([0, 1, 0, 1])
    rows = inspection.reliability(probs, y, bins=10)
    assert [r["count"] for r in rows] == [1, 1, 2]  # bins 0.6, 0.7 and 0.9
    top = rows[-1]
    assert top["low"] == pytest.approx(0.9) and top["accuracy"] == 0.5
    assert top["confidence"] == pytest.approx(0.95)
    ece = inspection.expected_calibration_error(probs, y, bins=10)
    assert ece == pytest.approx((2 * 0.45 + 0.4 + 0.3) / 4)
    perfect = np.eye(2)[[0, 1]]
    assert inspection.expected_calibration_error(perfect, np.array([0, 1])) == 0
    with pytest.raises(ValueError, match="sum to 1"):
        inspection.reliability(np.ones((2, 2)), np.array([0, 1]))
    with pytest.raises(ValueError, match="integer label"):
        inspection.reliability(perfect, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="bins"):
        inspection.reliability(perfect, np.array([0, 1]), bins=0)


def test_shift_images_moves_and_fills_with_paper() -> None:
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 10, 12] = 1.0
    right = inspection.shift_images(image, dx=3).reshape(28, 28)
    assert right[10, 15] == 1.0 and right.sum() == 1.0
    up = inspection.shift_images(image, dy=-4).reshape(28, 28)
    assert up[6, 12] == 1.0
    edge = inspection.shift_images(image, dx=-13).reshape(28, 28)
    assert edge.sum() == 0.0  # pushed off the image
    with pytest.raises(ValueError, match="dx must be"):
        inspection.shift_images(image, dx=1.5)


def test_shift_accuracy(network, images) -> None:
    x, y = images
    acc = inspection.shift_accuracy(network, x, y, shifts=[0, 2])
    assert set(acc) == {0, 2} and all(0 <= a <= 1 for a in acc.values())
    with pytest.raises(ValueError, match="one label per image"):
        inspection.shift_accuracy(network, x, y[:3])


def _cnn():
    import keras

    keras.utils.set_random_seed(2)
    return keras.Sequential([keras.Input((784,)), keras.layers.Reshape((28, 28, 1)),
                             keras.layers.Conv2D(2, 5, padding="same", activation="relu"),
                             keras.layers.MaxPooling2D(), keras.layers.Flatten(),
                             keras.layers.Dense(10)])


def _augmented_mlp():
    import keras

    keras.utils.set_random_seed(2)
    return keras.Sequential([keras.Input((784,)), keras.layers.Reshape((28, 28, 1)),
                             keras.layers.RandomTranslation(0.1, 0.1),
                             keras.layers.Flatten(), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dropout(0.2), keras.layers.Dense(10)])


@pytest.mark.parametrize("build", [_cnn, _augmented_mlp])
def test_other_keras_models_predict_for_themselves(build, images) -> None:
    from helpers import activations

    model, (x, y) = build(), images
    probs = inspection.predict_probs(model, x.reshape(-1, 28, 28))
    logits = model.predict(x, verbose=0)  # inference: no random translation
    assert probs.dtype == np.float64 and probs.shape == (60, 10)
    assert np.allclose(probs, activations.softmax(logits.astype(np.float64), axis=1), atol=1e-6)
    acc = inspection.shift_accuracy(model, x, y)
    assert list(acc) == [0, 1, 2, 3, 4] and all(0 <= a <= 1 for a in acc.values())
    moved = [inspection.shift_images(x, dx, dy) for dx, dy in [(2, 0), (-2, 0), (0, 2), (0, -2)]]
    direct = np.mean([(model.predict(m, verbose=0).argmax(axis=1) == y).mean() for m in moved])
    assert acc[2] == pytest.approx(direct)


def test_logits_are_required_of_other_models() -> None:
    import keras

    softmax = keras.Sequential([keras.Input((784,)), keras.layers.Reshape((28, 28, 1)),
                                keras.layers.Flatten(), keras.layers.Dense(10, "softmax")])
    with pytest.raises(ValueError, match="logits"):
        inspection.predict_probs(softmax, np.zeros((2, 784), np.float32))
    with pytest.raises(TypeError, match="Keras model"):
        inspection.predict_probs(np.ones(3), np.zeros((2, 784), np.float32))


def test_figures(network, images) -> None:
    x, y = images
    figs = [inspection.plot_first_layer(network, range(10), title="t"),
            inspection.plot_unit_favourites(network, x, units=[0, 1], k=4),
            inspection.plot_projections(inspection.projections(network, x), y),
            inspection.plot_reliability(inspection.predict_probs(network, x), y),
            inspection.plot_shift_accuracy({0: 0.9, 1: 0.8})]
    assert [len(f.axes) for f in figs] == [16, 10, 3, 2, 1]
    for f in figs:
        plt.close(f)
    with pytest.raises(ValueError, match="one label per row"):
        inspection.plot_projections({"a": np.ones((3, 2))}, np.array([0, 1]))
    with pytest.raises(ValueError, match="accuracies"):
        inspection.plot_shift_accuracy({})


def test_reliability_compare_draws_one_column_per_name(network, images) -> None:
    x, y = images
    probs = inspection.predict_probs(network, x)
    fig = inspection.plot_reliability_compare({"before": probs, "after": probs[::-1]}, y)
    assert len(fig.axes) == 4
    assert [ax.get_title() for ax in fig.axes[:2]] == ["before", "after"]
    assert fig.axes[2].get_yscale() == "log"
    plt.close(fig)
    for bad in ({}, [probs], {1: probs}):
        with pytest.raises(ValueError, match="non-empty dict of names"):
            inspection.plot_reliability_compare(bad, y)
    with pytest.raises(ValueError, match="probs\\['after'\\]: each row of probs"):
        inspection.plot_reliability_compare({"before": probs, "after": probs * 2}, y)


def test_reliability_table_merges_the_low_bins() -> None:
    probs = np.array([[0.95, 0.05], [0.95, 0.05], [0.6, 0.4], [0.3, 0.7], [0.45, 0.55]])
    y = np.array([0, 1, 0, 1, 0])
    text = inspection.reliability_table(inspection.reliability(probs, y), merge_below=0.6)
    lines = text.splitlines()
    assert lines[0] == ("    1 images with confidence below 0.6: right 0.0% of the time, "
                        "at a mean confidence of 55.0%")
    assert lines[1].startswith("    1 images with confidence 0.6-0.7:") and len(lines) == 4
    with pytest.raises(ValueError, match="reliability"):
        inspection.reliability_table([{"low": 0}])


# --- temperature scaling --------------------------------------------------------------------

def test_predict_logits_are_what_predict_probs_softmaxes(network, images) -> None:
    from helpers import activations

    x, _ = images
    logits = inspection.predict_logits(network, x)
    assert logits.dtype == np.float64 and logits.shape == (60, 10)
    assert np.array_equal(activations.softmax(logits, axis=1), inspection.predict_probs(network, x))
    cnn = _cnn()
    assert np.allclose(inspection.predict_logits(cnn, x), cnn.predict(x, verbose=0), atol=1e-6)


def test_temperature_softmax_keeps_the_top_class_and_softens_above_one() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(200, 10)) * 5
    base = inspection.temperature_softmax(logits, 1.0)
    assert np.allclose(base.sum(axis=1), 1)
    for T in (0.3, 1.7, 25.0):
        p = inspection.temperature_softmax(logits, T)
        assert np.array_equal(p.argmax(axis=1), logits.argmax(axis=1))
        top = p.max(axis=1)
        assert (top <= base.max(axis=1) + 1e-12).all() if T > 1 else \
            (top >= base.max(axis=1) - 1e-12).all()
    assert np.allclose(inspection.temperature_softmax([[1000.0, 0.0]], 2.0), [[1.0, 0.0]])
    with pytest.raises(ValueError, match="temperature must be a positive number"):
        inspection.temperature_softmax(logits, 0.0)
    with pytest.raises(TypeError, match="temperature"):
        inspection.temperature_softmax(logits, "2")
    with pytest.raises(ValueError, match=r"shape \(N, classes\)"):
        inspection.temperature_softmax(np.ones(10), 1.0)


def test_nll_each_is_nll_row_by_row() -> None:
    logits = np.array([[2.0, 0.0, -1.0], [0.0, 3.0, 0.0], [1000.0, 0.0, 0.0]])
    y = np.array([0, 2, 1])
    each = inspection.nll_each(logits, y, 1.5)
    assert each.shape == (3,) and np.isfinite(each).all()
    assert each.mean() == pytest.approx(inspection.nll(logits, y, 1.5))
    assert each[2] == pytest.approx(1000.0 / 1.5)
    with pytest.raises(ValueError, match="temperature"):
        inspection.nll_each(logits, y, 0.0)


def test_nll_is_the_mean_cross_entropy_and_stays_finite() -> None:
    logits = np.array([[2.0, 0.0, -1.0], [0.0, 3.0, 0.0]])
    y = np.array([0, 2])
    p = inspection.temperature_softmax(logits)
    assert inspection.nll(logits, y) == pytest.approx(-np.log(p[[0, 1], y]).mean())
    p2 = inspection.temperature_softmax(logits, 2.0)
    assert inspection.nll(logits, y, 2.0) == pytest.approx(-np.log(p2[[0, 1], y]).mean())
    assert inspection.nll([[1000.0, 0.0]], [1]) == pytest.approx(1000.0)  # p = exp(-1000)
    with pytest.raises(ValueError, match="integer class ids"):
        inspection.nll(logits, np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match="2 labels|same length"):
        inspection.nll(logits, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="class ids 0-2"):
        inspection.nll(logits, np.array([0, 3]))
    with pytest.raises(ValueError, match="NaN"):
        inspection.nll(np.full((2, 3), np.nan), y)


def test_fit_temperature_finds_the_temperature_the_labels_were_drawn_at() -> None:
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(5_000, 10)) * 4
    p = inspection.temperature_softmax(logits, 2.0)  # labels as likely as softmax(logits / 2)
    y = (p.cumsum(axis=1) > rng.random((len(p), 1))).argmax(axis=1)
    T = inspection.fit_temperature(logits, y)
    assert 1.9 < T < 2.1
    losses = [inspection.nll(logits, y, t) for t in (T / 1.1, T, T * 1.1)]
    assert losses[1] < min(losses[0], losses[2])
    assert inspection.fit_temperature(logits, y, grid=[1.0, 2.0, 3.0]) == 2.0


def test_fit_temperature_says_when_the_best_is_off_the_grid() -> None:
    logits = np.array([[5.0, 0.0], [0.0, 5.0]])  # always right: sharper is always better
    with pytest.raises(ValueError, match="edge of the grid"):
        inspection.fit_temperature(logits, np.array([0, 1]))
    with pytest.raises(ValueError, match="at least 3 temperatures > 0"):
        inspection.fit_temperature(logits, np.array([0, 1]), grid=[0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="at least 3 temperatures"):
        inspection.fit_temperature(logits, np.array([0, 1]), grid=[[1.0, 2.0, 3.0]])


def test_plot_named_images() -> None:
    images = {"blank": np.zeros((28, 28)), "ink": np.ones((28, 28))}
    fig = inspection.plot_named_images(images)
    assert [ax.get_title() for ax in fig.axes] == ["blank", "ink"]
    assert all(spine.get_visible() for spine in fig.axes[0].spines.values())
    plt.close(fig)
    with pytest.raises(ValueError, match="non-empty dict"):
        inspection.plot_named_images({})
    with pytest.raises(ValueError, match="'small' has shape"):
        inspection.plot_named_images({"small": np.zeros((8, 8))})
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        inspection.plot_named_images({"bright": np.full((28, 28), 2.0)})


# --- alt text: each figure says what it shows, with its numbers -----------------------------

def _alt(fig) -> str:
    """Return a figure's alt text (closing the figure); it must have one."""
    alt = description(fig)
    plt.close(fig)
    assert alt, "the figure has no alt text"
    return alt


def test_plot_first_layer_describes_the_units_and_their_weights(network) -> None:
    W = inspection.check_network(network)[0][0]
    alt = _alt(inspection.plot_first_layer(network, range(10), title="First layer"))
    assert alt.startswith("First layer: 10 images of 28x28 weights")
    assert f"units 0-9 of {W.shape[1]}" in alt
    assert f"from {W[:, :10].min():.2g} to {W[:, :10].max():.2g}" in alt
    assert "units 3, 5" in _alt(inspection.plot_first_layer(network, [3, 5]))


def test_plot_unit_favourites_says_which_digits_they_are(network, images) -> None:
    x, y = images
    alt = _alt(inspection.plot_unit_favourites(network, x, units=[0, 1], k=4))
    assert "(units 0, 1)" in alt and "the 4 images that excite it most. Of their ink" in alt
    alt = _alt(inspection.plot_unit_favourites(network, x, units=[0, 1], k=4, labels=y))
    digits = []
    for unit in (0, 1):
        favourites = inspection.top_images(network, x, unit, 4)
        digits.append(f"unit {unit}: " + ", ".join(str(int(y[i])) for i in favourites))
    assert f"Their digits, {'; '.join(digits)}." in alt
    W = inspection.check_network(network)[0][0]
    shares = []
    for unit in (0, 1):
        ink = x[inspection.top_images(network, x, unit, 4)]
        shares.append(f"{(ink * (W[:, unit] > 0)).sum() / ink.sum():.0%}")
    assert alt.endswith(f"Of their ink, {', '.join(shares)} (unit by unit) lies where the "
                        "unit's weights are red, positive.")
    with pytest.raises(ValueError, match="labels has 3 entries but x has"):
        inspection.plot_unit_favourites(network, x, units=[0], labels=y[:3])


def test_plot_projections_gives_each_view_its_separation(network, images) -> None:
    x, y = images
    projected = inspection.projections(network, x)
    alt = _alt(inspection.plot_projections(projected, y))
    assert alt.startswith("3 scatter plots side by side (pixels, hidden layer 1, hidden layer 2)")
    assert f"{len(y)} images" in alt and "coloured by its true digit" in alt
    for name, points in projected.items():
        assert f"{name} {inspection.separation(points, y):.1%}" in alt


def _calibration_data(top: float) -> tuple[np.ndarray, np.ndarray]:
    """Return 8 predictions at confidence ``top`` (6 right) and 2 at 0.55 (1 right)."""
    probs = np.array([[top, 1 - top]] * 8 + [[0.55, 0.45]] * 2)
    return probs, np.array([0] * 6 + [1] * 2 + [0, 1])


def test_plot_reliability_gives_the_ece_and_the_top_bin() -> None:
    probs, y = _calibration_data(0.95)
    ece = (8 * abs(6 / 8 - 0.95) + 2 * abs(1 / 2 - 0.55)) / 10  # 0.17
    alt = _alt(inspection.plot_reliability(probs, y))
    assert alt.startswith("Reliability diagram of 10 predictions in 10 confidence bins")
    assert f"Expected calibration error {ece:.4f}." in alt
    assert (f"The most confident bin, 0.9-1.0, holds {8 / 10:.1%} of the predictions, at a mean "
            f"confidence of {0.95:.1%} and an accuracy of {6 / 8:.1%}.") in alt
    assert "bin, 0.95-1.00," in _alt(inspection.plot_reliability(probs, y, bins=20))


def test_plot_reliability_compare_gives_each_ece_and_top_bin() -> None:
    before, y = _calibration_data(0.95)
    after, _ = _calibration_data(0.85)
    alt = _alt(inspection.plot_reliability_compare({"before": before, "after": after}, y))
    for name, probs, span in (("before", before, "0.9-1.0"), ("after", after, "0.8-0.9")):
        ece = inspection.expected_calibration_error(probs, y)
        assert (f"{name}: expected calibration error {ece:.4f}, {8 / 10:.1%} of predictions "
                f"in the top bin, {span}") in alt
    assert alt.startswith("2 reliability diagrams side by side")


def test_plot_shift_accuracy_gives_the_fall() -> None:
    accuracy = {0: 0.9, 1: 0.8125, 2: 0.55}
    alt = _alt(inspection.plot_shift_accuracy(accuracy))
    assert alt.startswith('Line chart "A shifted digit is a new pattern to an MLP"')
    assert (f"Accuracy falls from {accuracy[0]:.1%} at no shift to {accuracy[2]:.1%} at a "
            f"shift of 2 pixels") in alt
    assert f"1 px {accuracy[1]:.1%}" in alt
    alt = _alt(inspection.plot_shift_accuracy({1: 0.5, 3: 0.625}, title="Mine"))
    assert alt.startswith('Line chart "Mine"')
    assert "rises from 50.0% at a shift of 1 pixel to 62.5% at a shift of 3 pixels" in alt
    assert "is 50.0% at no shift and at a shift of 4 pixels" in _alt(
        inspection.plot_shift_accuracy({0: 0.5, 4: 0.5}))
    assert "is 50.0% at no shift (" in _alt(inspection.plot_shift_accuracy({0: 0.5}))


def test_plot_named_images_names_each_and_its_ink() -> None:
    half = np.zeros((28, 28))
    half[:7] = 0.5  # a quarter of the pixels
    images = {"blank": np.zeros((28, 28)), "quarter": half, "ink": np.ones((28, 28))}
    alt = _alt(inspection.plot_named_images(images))
    assert alt.startswith("3 images of 28x28 pixels side by side")
    for name, image in images.items():
        assert f"{name} (ink on {(image > 0).mean():.1%} of pixels)" in alt
