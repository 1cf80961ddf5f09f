"""Tests for helpers.drawing: MNIST's preparation, strokes, stored drawings and the pad."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from helpers import data, drawing, inspection


def small_network(hidden: int = 16):
    """Return an untrained 784-hidden-10 ReLU network with logits, seeded."""
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape=(784,)),
                             keras.layers.Dense(hidden, activation="relu"),
                             keras.layers.Dense(10)])


@pytest.fixture(scope="module")
def mnist_test() -> tuple[np.ndarray, np.ndarray]:
    (_, _), (x_test, y_test) = data.load_mnist()
    return x_test[:300].astype(np.float64) / 255.0, y_test[:300]


@pytest.fixture(scope="module")
def trained():
    """A small network trained briefly on MNIST (a few seconds): it reads digits well."""
    import keras

    (x_train, y_train), _ = data.load_mnist()
    x = x_train[:20_000].reshape(-1, 784).astype("float32") / 255.0
    model = small_network(128)
    model.compile(optimizer="adam", metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y_train[:20_000], epochs=2, batch_size=128, verbose=0)
    return model


# --- MNIST's own construction, undone and redone ---------------------------------------------

def test_mnist_digits_are_what_the_preparation_makes(mnist_test) -> None:
    x, _ = mnist_test
    for image in x[:100]:
        cropped = drawing.crop_to_ink(image)
        assert max(cropped.shape) == drawing.BOX  # MNIST: the longer side is 20 pixels
        row, col = drawing.centre_of_mass(image)
        assert abs(row - drawing.CENTRE) <= 0.55 and abs(col - drawing.CENTRE) <= 0.55


def test_a_digit_blown_up_off_centre_comes_back_exactly(mnist_test) -> None:
    x, _ = mnist_test
    for k, image in enumerate(x[:100]):
        canvas = np.zeros((130, 110))
        top, left = (k * 7) % 40, (k * 11) % 20
        canvas[top:top + 84, left:left + 84] = np.kron(image, np.ones((3, 3)))
        assert np.allclose(drawing.prepare_digit(canvas), image, atol=1e-6)


def test_a_digit_rescaled_smoothly_comes_back_close_and_reads_the_same(mnist_test,
                                                                       trained) -> None:
    x, _ = mnist_test
    restored = []
    for k, image in enumerate(x):
        big = Image.fromarray(image.astype(np.float32), mode="F").resize(
            (70, 70), Image.Resampling.BILINEAR)  # 2.5 times, not a whole factor
        canvas = np.zeros((100, 120))
        top, left = (k * 3) % 30, (k * 13) % 50
        canvas[top:top + 70, left:left + 70] = np.clip(np.asarray(big), 0, 1)
        restored.append(drawing.prepare_digit(canvas))
    restored = np.array(restored)
    assert np.abs(restored - x).mean() < 0.05
    before = inspection.predict_probs(trained, x.reshape(-1, 784).astype(np.float32))
    after = inspection.predict_probs(trained, restored.reshape(-1, 784).astype(np.float32))
    assert (before.argmax(1) == after.argmax(1)).mean() >= 0.95


def test_scale_keeps_the_aspect_ratio_and_anti_aliases() -> None:
    wide = np.zeros((50, 100))
    wide[:, :] = 1.0
    wide[:, 49:51] = 0.0
    out = drawing.scale_to_box(wide)
    assert out.shape == (10, 20)
    assert 0 < out[:, 9:11].min() < 1  # the gap became grey, not black or white
    tall = np.ones((8, 4))
    assert drawing.scale_to_box(tall).shape == (20, 10)  # small drawings grow


def test_centre_of_mass_lands_within_half_a_pixel_of_the_centre() -> None:
    blob = np.zeros((40, 60))
    blob[3:9, 40:52] = 1.0
    placed = drawing.prepare_digit(blob)
    row, col = drawing.centre_of_mass(placed)
    assert placed.shape == (28, 28)
    assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5


def test_place_cuts_off_what_falls_outside() -> None:
    lopsided = np.zeros((20, 27))
    lopsided[:, 0] = 1.0
    lopsided[0, 26] = 1.0
    out = drawing.place_by_centre_of_mass(lopsided)
    assert out.shape == (28, 28) and 0 < out.sum() <= lopsided.sum()


def test_empty_drawings_ask_for_a_digit() -> None:
    for fn in (drawing.prepare_digit, drawing.crop_to_ink, drawing.centre_of_mass):
        with pytest.raises(drawing.EmptyDrawingError, match="draw a digit first"):
            fn(np.zeros((280, 280)))
    with pytest.raises(drawing.EmptyDrawingError, match="draw a digit first"):
        drawing.check_strokes([])
    with pytest.raises(drawing.EmptyDrawingError, match="draw a digit first"):
        drawing.render_strokes([[]])
    assert issubclass(drawing.EmptyDrawingError, ValueError)


@pytest.mark.parametrize(("image", "error", "match"), [
    (np.ones(784), ValueError, "reshape"),
    (np.ones((2, 28, 28)), ValueError, "shape"),
    (np.full((28, 28), 255.0), ValueError, "divide 0-255"),
    (np.full((28, 28), -0.5), ValueError, r"\[0, 1\]"),
    (np.full((28, 28), np.nan), ValueError, "NaN"),
    (np.array([["a", "b"], ["c", "d"]]), TypeError, "numeric"),
])
def test_bad_images_are_named(image, error, match) -> None:
    with pytest.raises(error, match=match):
        drawing.prepare_digit(image)


def test_other_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="box must be a positive int"):
        drawing.scale_to_box(np.ones((4, 4)), box=0)
    with pytest.raises(ValueError, match="square"):
        drawing.shrink_whole(np.ones((4, 6)))
    assert drawing.shrink_whole(np.ones((280, 280))).shape == (28, 28)


# --- strokes --------------------------------------------------------------------------------

def test_strokes_are_validated() -> None:
    with pytest.raises(TypeError, match="list of strokes"):
        drawing.check_strokes("a 7")
    with pytest.raises(ValueError, match=r"\[x, y\] points"):
        drawing.check_strokes([[[1, 2, 3]]])
    with pytest.raises(ValueError, match="outside the 280x280 pad"):
        drawing.check_strokes([[[10, 300]]])
    assert drawing.check_strokes([[], [[1, 2]]]) == [[(1.0, 2.0)]]


def test_render_draws_thick_round_lines() -> None:
    picture = drawing.render_strokes([[[140, 40], [140, 240]]])
    assert picture.shape == (280, 280) and picture.max() == 1.0
    assert picture[140, 140] == 1.0 and picture[140, 140 + drawing.LINE_WIDTH] == 0.0
    assert picture[40 - drawing.LINE_WIDTH // 2 + 1, 140] == 1.0  # a round end
    dot = drawing.render_strokes([[[20, 20]]])  # one click is a dot
    assert dot[20, 20] == 1.0


def test_stored_drawings_are_small_and_load() -> None:
    names = drawing.stroke_files()
    assert {"one", "seven", "small3"} <= set(names) and len(names) >= 5
    for name in names:
        d = drawing.load_strokes(name)
        assert 0 <= d.digit <= 9 and d.size == drawing.PAD_SIZE and d.strokes
        assert "mouse" in d.note
    with pytest.raises(FileNotFoundError, match="the drawings are"):
        drawing.load_strokes("eleven")


def test_save_strokes_round_trips(tmp_path) -> None:
    path = drawing.save_strokes(tmp_path / "x.json", 7, [[[1.4, 2.6], [10, 20]]], note="test")
    saved = json.loads(path.read_text())
    assert saved == {"digit": 7, "size": 280, "note": "test", "strokes": [[[1, 3], [10, 20]]]}
    with pytest.raises(ValueError, match="digit must be an int"):
        drawing.save_strokes(tmp_path / "y.json", 10, [[[1, 2]]])


def test_the_trained_network_reads_the_stored_drawings_once_prepared(trained) -> None:
    readings = {n: drawing.read_drawing(trained, drawing.load_strokes(n).strokes)
                for n in drawing.stroke_files()}
    right = [n for n, r in readings.items() if r.digit == drawing.load_strokes(n).digit]
    assert len(right) >= len(readings) - 1, {n: r.digit for n, r in readings.items()}
    r = readings["seven"]
    assert r.prepared.shape == r.raw.shape == (28, 28)
    assert np.isclose(r.probs.sum(), 1) and np.isclose(r.raw_probs.sum(), 1)


def test_plot_readings(trained) -> None:
    import matplotlib.pyplot as plt

    r = drawing.read_drawing(trained, drawing.load_strokes("one").strokes)
    fig = drawing.plot_readings([r, r], titles=["a", "b"])
    assert len(fig.axes) == 6
    plt.close(fig)
    with pytest.raises(ValueError, match="Reading"):
        drawing.plot_readings([])
    with pytest.raises(ValueError, match="one title per reading"):
        drawing.plot_readings([r], titles=["a", "b"])


def test_plot_readings_says_what_the_network_reads_in_each(trained) -> None:
    import matplotlib.pyplot as plt

    from helpers.plots import description

    readings = [drawing.read_drawing(trained, drawing.load_strokes(name).strokes)
                for name in ("one", "small3")]
    fig = drawing.plot_readings(readings, titles=["one (1)", "small3 (3)"])
    alt = description(fig)
    plt.close(fig)
    one, small = readings
    assert alt.startswith("2 drawings, one column each: as drawn, shrunk whole to 28x28, "
                          "prepared as MNIST.")
    assert (f"Prepared, the network reads one (1) as {one.digit} ({one.probs.max():.0%}), "
            f"small3 (3) as {small.digit} ({small.probs.max():.0%}).") in alt
    assert alt.endswith(f"Shrunk whole, in the same order: {one.raw_digit} "
                        f"({one.raw_probs.max():.0%}), {small.raw_digit} "
                        f"({small.raw_probs.max():.0%}).")
    fig = drawing.plot_readings(readings)
    assert "reads drawing 1 as" in description(fig) and "drawing 2 as" in description(fig)
    plt.close(fig)


# --- the pad --------------------------------------------------------------------------------

def test_the_pad_reads_strokes_and_shows_them(trained) -> None:
    pad = drawing.DrawingPad(trained)
    assert pad.reading is None and pad.widget.message == drawing.EMPTY
    reading = pad.draw(drawing.load_strokes("seven").strokes)
    assert pad.reading is reading
    assert len(pad.widget.prepared) == 784 and len(pad.widget.probs) == 10
    assert pad.widget.message.startswith(f"reads {reading.digit} (")
    assert "without the preparation" in pad.widget.raw_message
    assert repr(pad) == f"DrawingPad(reads {reading.digit})"
    # the browser sends strokes the same way: a new value of the synced trait
    pad.widget.strokes = [[[140, 40], [140, 240]]]
    assert pad.reading is not None and pad.reading is not reading
    pad.clear()
    assert pad.reading is None and pad.widget.message == drawing.EMPTY
    assert pad.widget.probs == [] and repr(pad) == "DrawingPad(draw a digit first)"


def test_the_pad_checks_its_network() -> None:
    with pytest.raises(TypeError, match="Keras model"):
        drawing.DrawingPad("a network")
