"""Lesson 07's drawing pad displays through IPython's formatter on ipywidgets 7 and 8.

`make test-colab` runs this file again under Colab's ipywidgets 7.7, IPython 7.34 and anywidget.
"""

from __future__ import annotations

import pytest
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


def test_a_stored_drawing_chosen_in_the_list_is_drawn_and_read() -> None:
    """The pad's keyboard alternative: the list of stored drawings, as the browser sets it."""
    pad = drawing.DrawingPad(small_network())
    names = [name for name, _ in pad.widget.stored]
    assert names == drawing.stroke_files()
    assert dict(pad.widget.stored)["seven"] == "seven (a 7)"
    pad.widget.set_state({"choice": "seven"})  # as the front-end sends a choice
    seven = drawing.load_strokes("seven").strokes
    assert pad.widget.strokes == [[[x, y] for x, y in line] for line in seven]
    expected = drawing.read_drawing(pad.network, seven)
    assert pad.reading is not None and pad.reading.digit == expected.digit
    pad.widget.strokes = [[[10, 10], [20, 20]]]  # drawn over, then chosen again from code
    assert pad.choose("seven").digit == expected.digit
    pad.clear()
    assert pad.widget.choice == "" and pad.reading is None
    one = pad.draw([[(140, 40), (140, 240)], [(110, 240), (170, 240)]])  # lesson 07's example
    assert one is pad.reading and len(pad.widget.strokes) == 2


def test_choosing_a_drawing_that_is_not_stored_names_the_stored_ones() -> None:
    pad = drawing.DrawingPad(small_network())
    with pytest.raises(FileNotFoundError, match=r"'eight'.*'seven'"):
        pad.choose("eight")
    assert pad.widget.choice == ""
