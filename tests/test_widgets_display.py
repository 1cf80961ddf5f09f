"""Both explorers display through IPython's formatter, the same way on ipywidgets 7 and 8.

`make test-colab` runs this file again under Colab's ipywidgets 7.7 and IPython 7.34.
"""

from __future__ import annotations

import ipywidgets
import pytest
from IPython.core.formatters import DisplayFormatter

from helpers import widgets

EXPLORERS = {
    "neuron": (lambda: widgets.neuron_explorer(w1=0.5, w2=-1.0, b=0.25),
               "Neuron explorer: w1 = 0.50, w2 = -1.00, b = 0.25 "),
    "activation": (lambda: widgets.activation_explorer("tanh", x=-1.5),
                   "Activation explorer: tanh at x = -1.50 "),
}


@pytest.mark.parametrize("kind", EXPLORERS)
def test_explorer_displays_as_its_live_widget_with_a_text_fallback(kind):
    make, start = EXPLORERS[kind]
    explorer = make()
    data, metadata = DisplayFormatter().format(explorer)
    assert set(data) == {"text/plain", widgets.WIDGET_VIEW}
    assert data[widgets.WIDGET_VIEW] == {"version_major": 2, "version_minor": 0,
                                         "model_id": explorer.widget.model_id}
    assert data["text/plain"] == start + widgets.LIVE_NOTE
    assert "Box(" not in data["text/plain"]


@pytest.mark.parametrize("kind", EXPLORERS)
def test_the_text_follows_the_controls(kind):
    explorer = EXPLORERS[kind][0]()
    if kind == "neuron":
        explorer.set(b=-2.0)
        expected = "b = -2.00"
    else:
        explorer.set("relu", x=2.0)
        expected = "relu at x = 2.00"
    assert expected in DisplayFormatter().format(explorer)[0]["text/plain"]


def test_the_view_names_a_widget_model_the_kernel_knows():
    explorer = widgets.activation_explorer()
    model_id = explorer._repr_mimebundle_()[widgets.WIDGET_VIEW]["model_id"]
    if ipywidgets.__version__.startswith("7."):
        registry = ipywidgets.Widget.widgets
    else:  # ipywidgets 8 deprecates Widget.widgets
        from ipywidgets.widgets.widget import _instances as registry
    assert registry[model_id] is explorer.widget


def test_widget_bundle_rejects_what_is_not_a_live_widget():
    with pytest.raises(TypeError, match="must be a live ipywidgets widget"):
        widgets.widget_bundle(object(), "text")
    slider = ipywidgets.FloatSlider()
    with pytest.raises(ValueError, match="text must be a non-empty string"):
        widgets.widget_bundle(slider, " ")
    slider.close()
    with pytest.raises(TypeError, match="was it closed"):
        widgets.widget_bundle(slider, "a slider")
