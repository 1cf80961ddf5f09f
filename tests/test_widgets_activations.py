"""Tests for the lesson 03 activation explorer in helpers.widgets."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from helpers import activations as act
from helpers import widgets


def test_building_writes_nothing_and_shows_the_start_state():
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        e = widgets.activation_explorer("sigmoid", x=0.5)
    assert err.getvalue() == "" and out.getvalue() == ""
    assert e.state["name"] == "sigmoid" and e.state["x"] == 0.5
    assert e.state["fx"] == pytest.approx(0.6224593, abs=1e-7)
    assert e.state["dfx"] == pytest.approx(0.2350037, abs=1e-7)
    assert e.dropdown.options == tuple(act.activation_names())
    assert e.png.startswith(b"\x89PNG")
    assert "sigmoid(0.50) = 0.6225" in e.readout.value


def test_moving_the_slider_moves_the_point_and_tangent():
    e = widgets.activation_explorer("relu", x=0.5)
    before_png, curve = e.png, e.figure_data()["f"]
    e.slider.value = -2.0
    data = e.figure_data()
    assert e.state == {"name": "relu", "x": -2.0, "fx": 0.0, "dfx": 0.0}
    assert data["point"][0].tolist() == [-2.0] and data["point"][1].tolist() == [0.0]
    assert data["derivative_point"][1].tolist() == [0.0]
    np.testing.assert_array_equal(data["f"][1], curve[1])  # the curve stays
    np.testing.assert_allclose(data["tangent"][1], [0.0, 0.0])  # flat: slope 0
    assert e.png != before_png


def test_choosing_a_function_redraws_the_curves():
    e = widgets.activation_explorer("relu", x=1.0)
    e.dropdown.value = "tanh"
    data = e.figure_data()
    x, y = data["f"]
    np.testing.assert_allclose(y, np.tanh(x))
    np.testing.assert_allclose(data["derivative"][1], 1 - np.tanh(x) ** 2)
    assert data["title"] == "tanh(x)"
    assert e.state["fx"] == pytest.approx(np.tanh(1.0))
    assert data["tangent"][1][1] - data["tangent"][1][0] == pytest.approx(
        2 * (1 - np.tanh(1.0) ** 2))  # two units along x times the slope


def test_set_from_code_and_its_errors():
    e = widgets.activation_explorer()
    assert e.state["name"] == "relu" and e.state["x"] == 0.5
    e.set("Leaky ReLU", x=-1.0)
    assert e.state == {"name": "leaky_relu", "x": -1.0, "fx": -0.2, "dfx": 0.2}
    with pytest.raises(ValueError, match="unknown activation name 'elu'"):
        e.set("elu")
    with pytest.raises(ValueError, match="x must be a finite number between -5.0 and 5.0"):
        e.set(x=7.0)
    with pytest.raises(TypeError, match="x must be a number"):
        e.set(x="1")
    assert e.state["name"] == "leaky_relu" and e.state["x"] == -1.0  # unchanged


def test_bad_arguments_when_building():
    with pytest.raises(ValueError, match="unknown activation name 'swish'"):
        widgets.activation_explorer("swish")
    with pytest.raises(TypeError, match="name must be a string"):
        widgets.activation_explorer(None)
    with pytest.raises(ValueError, match="x must be a finite number"):
        widgets.activation_explorer("relu", x=float("nan"))
    with pytest.raises(TypeError, match="x must be a number"):
        widgets.activation_explorer("relu", x=True)


def test_display_bundle_has_a_short_text_and_the_widget_view():
    e = widgets.activation_explorer("gelu", x=1.0)
    bundle = e._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"].startswith("Activation explorer: gelu at x = 1.00")
    assert "application/vnd.jupyter.widget-view+json" in data


def test_snapshot_is_the_current_picture_as_a_static_png():
    explorer = widgets.activation_explorer("sigmoid", x=0.0)
    first = explorer.snapshot()
    assert first.data == explorer.png and first.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "image/png" in first._repr_mimebundle_()[0]
    explorer.set("tanh", x=-1.5)
    assert explorer.snapshot().data == explorer.png != first.data


def test_snapshot_carries_alt_text_for_the_current_function_and_x():
    from IPython.core.formatters import DisplayFormatter

    explorer = widgets.activation_explorer("relu", x=0.5)
    explorer.set("tanh", x=-1.5)
    image = explorer.snapshot()
    alt = image.metadata["alt"]
    fx, dfx = np.tanh(-1.5), 1 - np.tanh(-1.5) ** 2
    assert alt == ("Activation explorer: tanh(x) (left) and its derivative (right) for x from "
                   "-5 to 5, with the point x = -1.50 marked on both: tanh(-1.50) = "
                   f"{fx:.4f}, and the dashed tangent there has slope tanh'(-1.50) = {dfx:.4f}.")
    _, metadata = DisplayFormatter().format(image)  # what display() sends to the notebook
    assert metadata == {"image/png": {"alt": alt}}
    assert image._repr_png_()[1] == {"alt": alt}


def test_the_slider_and_the_list_have_labels_shown_in_full() -> None:
    explorer = widgets.ActivationExplorer("relu", 0.5)
    assert explorer.slider.description == "input x"
    assert explorer.dropdown.description == "function"
    assert explorer.slider.style.description_width == "initial"


def test_a_snapshot_prints_its_alt_text_when_reading_out(monkeypatch, capsys):
    from helpers import plots

    explorer = widgets.ActivationExplorer("relu", 0.5)
    monkeypatch.delenv(plots.READ_OUT_ENV, raising=False)
    image = explorer.snapshot()
    assert capsys.readouterr().out == ""
    monkeypatch.setenv(plots.READ_OUT_ENV, "1")
    explorer.snapshot()
    assert capsys.readouterr().out == f"Figure: {image.metadata['alt']}\n"
