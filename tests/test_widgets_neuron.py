"""Tests for the lesson 02 neuron explorer in helpers.widgets."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import neuron, widgets  # noqa: E402


@pytest.fixture
def explorer():
    return widgets.neuron_explorer(w1=1.0, w2=1.0, b=0.0)


def test_building_writes_nothing_to_stderr_or_warnings(capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        built = widgets.neuron_explorer()
    assert capfd.readouterr().err == ""
    assert built.state == {"w1": 1.0, "w2": -1.0, "b": 0.0}


def test_initial_state_and_drawing(explorer):
    assert explorer.state == {"w1": 1.0, "w2": 1.0, "b": 0.0}
    assert set(explorer.sliders) == {"w1", "w2", "b"}
    xs, ys = explorer.boundary
    assert np.allclose(xs + ys, 0.0)  # the line x1 + x2 = 0
    assert explorer.labels == {"A": "A 0.95", "B": "B 0.73", "C": "C 0.03", "D": "D 0.27"}
    assert explorer.png.startswith(b"\x89PNG")
    assert "A 0.95" in explorer.readout.value


def test_moving_a_slider_redraws(explorer):
    png, (xs, _) = explorer.png, explorer.boundary
    explorer.sliders["w2"].value = 0.0  # as a learner would
    assert explorer.state == {"w1": 1.0, "w2": 0.0, "b": 0.0}
    new_xs, new_ys = explorer.boundary
    assert np.allclose(new_xs, 0.0) and np.allclose(sorted(new_ys), [-3.0, 3.0])
    assert not np.allclose(new_xs, xs)
    assert explorer.png != png
    assert explorer.labels["B"] == "B 0.27"
    assert "w₂" not in explorer.readout.value or "0.00·x₂" in explorer.readout.value


def test_set_moves_sliders_and_matches_static_drawing(explorer):
    explorer.set(w1=2.0, w2=-1.0, b=1.0)
    assert explorer.state == {"w1": 2.0, "w2": -1.0, "b": 1.0}
    assert np.allclose(explorer.boundary, neuron.boundary_segment(2.0, -1.0, 1.0))
    expected = neuron.neuron_outputs_2d(2.0, -1.0, 1.0)
    assert explorer.labels == {k: f"{k} {v:.2f}" for k, v in expected.items()}
    assert "z = 2.00·x₁ − 1.00·x₂ + 1.00" in explorer.readout.value


def test_bias_moves_boundary_parallel(explorer):
    explorer.set(b=-2.0)
    xs, ys = explorer.boundary
    assert np.allclose(xs + ys, 2.0)


def test_zero_weights_have_no_boundary(explorer):
    explorer.set(w1=0.0, w2=0.0)
    assert explorer.boundary[0].size == 0
    assert set(explorer.labels.values()) == {"A 0.50", "B 0.50", "C 0.50", "D 0.50"}


def test_displays_as_a_widget_with_a_readable_text(explorer):
    data = explorer._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == \
        explorer.widget.model_id
    assert data["text/plain"] == ("Neuron explorer: w1 = 1.00, w2 = 1.00, b = 0.00 "
                                  "(a live widget: run the notebook to use it)")
    assert repr(explorer) == "NeuronExplorer(w1=1.00, w2=1.00, b=0.00)"


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"w1": 5.0}, ValueError, "w1 must be a finite number between -3.0 and 3.0"),
    ({"b": float("nan")}, ValueError, "b must be a finite number"),
    ({"w2": "1"}, TypeError, "w2 must be a number"),
    ({"w1": True}, TypeError, "w1 must be a number"),
])
def test_bad_start_values(kwargs, error, match):
    with pytest.raises(error, match=match):
        widgets.neuron_explorer(**kwargs)


def test_bad_set_values_leave_state_unchanged(explorer):
    with pytest.raises(ValueError, match="unknown slider 'w3'"):
        explorer.set(w3=1.0)
    with pytest.raises(ValueError, match="w1 must be"):
        explorer.set(w2=0.5, w1=9.0)
    assert explorer.state == {"w1": 1.0, "w2": 1.0, "b": 0.0}


def test_snapshot_is_the_current_picture_as_a_static_png(explorer):
    before = explorer.snapshot().data
    assert before == explorer.png and before[:4] == b"\x89PNG"
    explorer.set(b=1.0)
    assert explorer.snapshot().data == explorer.png != before


def test_snapshot_carries_alt_text_for_the_current_sliders(explorer):
    from IPython.core.formatters import DisplayFormatter

    explorer.set(w1=2.0, w2=-1.0, b=1.0)
    image = explorer.snapshot()
    alt = image.metadata["alt"]
    out = neuron.neuron_outputs_2d(2.0, -1.0, 1.0)
    assert alt.startswith("Neuron explorer. A sigmoid neuron's output over the input plane, "
                          "x1 and x2 from -3 to 3, for w1 = 2, w2 = -1, b = 1:")
    assert f"passes {1 / np.sqrt(5):.2f} from the origin" in alt
    assert alt.endswith(", ".join(f"{k} {v:.2f}" for k, v in out.items()) + ".")
    _, metadata = DisplayFormatter().format(image)  # what display() sends to the notebook
    assert metadata == {"image/png": {"alt": alt}}
    explorer.set(w1=0.0, w2=0.0)
    assert "no boundary" in explorer.snapshot().metadata["alt"]


def test_every_slider_has_a_label_that_says_what_it_sets() -> None:
    explorer = widgets.NeuronExplorer()
    labels = {name: slider.description for name, slider in explorer.sliders.items()}
    assert labels == {"w1": "weight w₁", "w2": "weight w₂", "b": "bias b"}
    assert all(s.style.description_width == "initial" for s in explorer.sliders.values())
