"""Lesson 07's drawing pad displays through IPython's formatter on ipywidgets 7 and 8.

`make test-colab` runs this file again under Colab's ipywidgets 7.7, IPython 7.34 and anywidget.
"""

from __future__ import annotations

from IPython.core.formatters import DisplayFormatter

from helpers import drawing, widgets


def small_network():
    """Return an untrained 784-16-10 ReLU network with logits, seeded."""
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape=(784,)),
                             keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(10)])


def test_the_pad_displays_as_a_live_widget_with_a_text_fallback() -> None:
    pad = drawing.DrawingPad(small_network())
    data, _ = DisplayFormatter().format(pad)
    assert set(data) == {"text/plain", widgets.WIDGET_VIEW}
    assert data[widgets.WIDGET_VIEW] == {"version_major": 2, "version_minor": 0,
                                         "model_id": pad.widget.model_id}
    assert data["text/plain"] == f"Drawing pad {widgets.LIVE_NOTE}"


def test_the_pad_is_an_inline_es_module_with_synced_state() -> None:
    pad = drawing.DrawingPad(small_network())
    assert "export default" in pad.widget._esm and "pointerdown" in pad.widget._esm
    state = pad.widget.get_state()
    assert state["size"] == drawing.PAD_SIZE and state["strokes"] == []
    assert state["message"] == drawing.EMPTY


def test_strokes_from_the_browser_update_what_the_pad_shows() -> None:
    pad = drawing.DrawingPad(small_network())
    pad.widget.set_state({"strokes": [[[140, 40], [140, 240]]]})  # as a front-end sends them
    assert pad.reading is not None
    assert len(pad.widget.prepared) == 784 and len(pad.widget.probs) == 10
    assert pad.widget.message == (f"reads {pad.reading.digit} "
                                  f"({pad.reading.probs.max():.0%})")
    pad.widget.set_state({"strokes": []})
    assert pad.reading is None and pad.widget.message == drawing.EMPTY
