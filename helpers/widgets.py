"""Interactive explorers (ipywidgets) for the lessons; each has a static figure beside it.

Widgets do not render on GitHub, so every explorer here has a plain function that draws the
same content as a static PNG figure, and the lesson shows that figure too.
"""

from __future__ import annotations

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def widget_bundle(widget: object, text: str) -> dict[str, object]:
    """Return the display data of a live ipywidgets ``widget``, with ``text`` as its fallback.

    Built here rather than asked of the widget, so that it is the same under ipywidgets 7
    (Colab's; its widgets have no ``_repr_mimebundle_``) and 8. Viewers without live widgets
    (GitHub, nbconvert, a terminal) show ``text``.
    """
    model_id = getattr(widget, "model_id", None)
    if not isinstance(model_id, str) or not model_id:
        raise TypeError(f"widget must be a live ipywidgets widget with a model_id, got "
                        f"{type(widget).__name__}; was it closed?")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be a non-empty string, shown where widgets cannot be.")
    return {"text/plain": text,
            WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": model_id}}


LIVE_NOTE = "(a live widget: run the notebook to use it)"

# --- lesson 02: neuron explorer (written by the lesson 02 author) ---

NEURON_SLIDER_RANGE = 3.0  # the w1, w2 and b sliders span -3..3
# Each slider's label says what it sets, shown in full (not cut to Jupyter's default width).
SLIDER_LABELS = {"w1": "weight w₁", "w2": "weight w₂", "b": "bias b", "x": "input x"}
FULL_LABEL = {"description_width": "initial"}


class NeuronExplorer:
    """A 2-input sigmoid neuron with sliders for w1, w2 and b; its picture follows the sliders.

    The picture is :func:`helpers.neuron.plot_neuron_2d`'s (output colour field, decision
    boundary, weight arrow, labelled points), rendered to a PNG image widget. ``sliders``,
    ``state``, ``boundary``, ``labels`` and ``png`` expose it to code and tests.
    """

    def __init__(self, w1: float = 1.0, w2: float = -1.0, b: float = 0.0, *,
                 limit: float = 3.0) -> None:
        import ipywidgets as widgets
        from matplotlib.figure import Figure

        from helpers import neuron

        start = {"w1": w1, "w2": w2, "b": b}
        for name, value in start.items():
            start[name] = _slider_value(name, value)
        # A Figure made without pyplot is never shown by the inline backend by itself.
        self.figure = Figure(figsize=(4.8, 3.9))
        ax = self.figure.add_subplot()
        self.drawing = neuron.draw_neuron_2d(ax, start["w1"], start["w2"], start["b"],
                                             limit=limit)
        self.figure.colorbar(self.drawing.field, ax=ax, shrink=0.85, label="output $y$")
        self.sliders = {
            name: widgets.FloatSlider(
                value=value, min=-NEURON_SLIDER_RANGE, max=NEURON_SLIDER_RANGE, step=0.05,
                description=SLIDER_LABELS[name], style=FULL_LABEL, readout_format=".2f",
                continuous_update=False)
            for name, value in start.items()
        }
        self.readout = widgets.HTML()
        self.image = widgets.Image(format="png")
        for slider in self.sliders.values():
            slider.observe(self._on_change, names="value")
        self.widget = widgets.HBox([widgets.VBox([*self.sliders.values(), self.readout]),
                                    self.image])
        self.redraw()

    @property
    def state(self) -> dict[str, float]:
        """Return the current ``{"w1": ..., "w2": ..., "b": ...}``."""
        return {name: float(slider.value) for name, slider in self.sliders.items()}

    @property
    def boundary(self) -> tuple[object, object]:
        """Return copies of the drawn boundary line's x1 and x2 data."""
        import numpy as np

        x, y = self.drawing.boundary.get_data()
        return np.array(x, dtype=float), np.array(y, dtype=float)

    @property
    def labels(self) -> dict[str, str]:
        """Return the drawn text beside each labelled point, e.g. ``{"A": "A 0.73", ...}``."""
        return {name: text.get_text() for name, text in self.drawing.labels.items()}

    @property
    def png(self) -> bytes:
        """Return the PNG image currently shown."""
        return bytes(self.image.value)

    def snapshot(self) -> object:
        """Return the current picture as a plain PNG image (shows on GitHub, unlike the widget)."""
        from helpers import neuron

        s = self.state
        alt = "Neuron explorer. " + neuron._neuron_2d_alt(s["w1"], s["w2"], s["b"],
                                                         self.drawing.limit)
        return _snapshot(self.png, alt)

    def set(self, **values: float) -> None:
        """Move sliders from code, e.g. ``explorer.set(w1=2.0, b=-1.0)``."""
        for name, value in values.items():
            if name not in self.sliders:
                raise ValueError(f"unknown slider '{name}'; the sliders are "
                                 f"{list(self.sliders)}.")
            values[name] = _slider_value(name, value)
        for name, value in values.items():
            self.sliders[name].value = value

    def redraw(self) -> None:
        """Redraw the picture and the text read-out for the sliders' current values."""
        import io

        from helpers import neuron

        w1, w2, b = self.state["w1"], self.state["w2"], self.state["b"]
        self.drawing.update(w1, w2, b)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100)
        self.image.value = buffer.getvalue()
        outputs = neuron.neuron_outputs_2d(w1, w2, b)
        points = ", ".join(f"{name} {y:.2f}" for name, y in outputs.items())
        self.readout.value = (f"z = {w1:.2f}·x₁ {_signed(w2)}·x₂ {_signed(b)}<br>"
                              f"outputs: {points}")

    def _on_change(self, change: dict[str, object]) -> None:
        self.redraw()

    def __repr__(self) -> str:
        s = self.state
        return f"NeuronExplorer(w1={s['w1']:.2f}, w2={s['w2']:.2f}, b={s['b']:.2f})"

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object]:
        s = self.state
        return widget_bundle(self.widget, f"Neuron explorer: w1 = {s['w1']:.2f}, "
                             f"w2 = {s['w2']:.2f}, b = {s['b']:.2f} {LIVE_NOTE}")


def _signed(value: float) -> str:
    """Return ``value`` as '+ 1.00' or '− 1.00' for a readable formula."""
    return f"{'−' if value < 0 else '+'} {abs(value):.2f}"


def _slider_number(name: str, value: object, limit: float) -> float:
    """Return ``value`` as a float within ±``limit`` (the slider range), or raise naming it."""
    import numpy as np

    from helpers import validate

    if not validate.is_number(value):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {value!r:.40}.")
    if not np.isfinite(value) or abs(value) > limit:
        raise ValueError(f"{name} must be a finite number between {-limit} and {limit} "
                         f"(the slider's range), got {value}.")
    return float(value)


def _snapshot(png: bytes, alt: str) -> object:
    """Return a PNG as an IPython Image with alt text, printed too when reading out."""
    from IPython.display import Image

    from helpers.plots import reading_out

    if reading_out():
        print(f"Figure: {alt}")
    return Image(data=png, format="png", metadata={"alt": alt})


def _slider_value(name: str, value: object) -> float:
    """Return ``value`` checked against the neuron explorer's slider range."""
    return _slider_number(name, value, NEURON_SLIDER_RANGE)


def neuron_explorer(w1: float = 1.0, w2: float = -1.0, b: float = 0.0) -> NeuronExplorer:
    """Return a live explorer of a 2-input neuron; show it by making it a cell's last line.

    The static twin of this explorer is :func:`helpers.neuron.plot_neuron_2d`.
    """
    return NeuronExplorer(w1, w2, b)


# --- lesson 03: activation explorer (written by the lesson 03 author) ---

ACTIVATION_X_RANGE = 5.0  # the activation explorer's x slider spans -5..5


class ActivationExplorer:
    """Choose an activation (dropdown) and move x (slider): f and f' with the point marked.

    The left panel is f(x) with its tangent at the point (its slope is f'(x)), the right
    panel f'(x); both render to a PNG image widget. ``dropdown``, ``slider``, ``state`` and
    ``figure_data()`` expose it to code and tests.
    """

    def __init__(self, name: str = "relu", x: float = 0.5) -> None:
        import ipywidgets as widgets
        import numpy as np
        from matplotlib.figure import Figure

        from helpers import activations

        act = activations.get_activation(name)
        x = _activation_x(x)
        # A Figure made without pyplot is never shown by the inline backend by itself.
        self.figure = Figure(figsize=(6.4, 2.7))
        self.ax_f, self.ax_d = self.figure.subplots(1, 2)
        self.grid = np.linspace(-ACTIVATION_X_RANGE, ACTIVATION_X_RANGE, 401)
        (self.curve_f,) = self.ax_f.plot([], [], color="C0", lw=2)
        (self.tangent,) = self.ax_f.plot([], [], "--", color="gray", lw=1.2, label="tangent")
        (self.point_f,) = self.ax_f.plot([], [], "o", color="black", ms=7)
        (self.curve_d,) = self.ax_d.plot([], [], color="C1", lw=2)
        (self.point_d,) = self.ax_d.plot([], [], "o", color="black", ms=7)
        for ax in (self.ax_f, self.ax_d):
            ax.axhline(0, color="gray", lw=0.8)
            ax.axvline(0, color="gray", lw=0.8)
            ax.set_xlim(-ACTIVATION_X_RANGE, ACTIVATION_X_RANGE)
            ax.set_xlabel("x")
        self.dropdown = widgets.Dropdown(options=activations.activation_names(),
                                         value=act.name, description="function",
                                         style=FULL_LABEL)
        self.slider = widgets.FloatSlider(
            value=x, min=-ACTIVATION_X_RANGE, max=ACTIVATION_X_RANGE, step=0.05,
            description=SLIDER_LABELS["x"], style=FULL_LABEL, readout_format=".2f",
            continuous_update=False)
        self.readout = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.dropdown.observe(self._on_change, names="value")
        self.slider.observe(self._on_change, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.dropdown, self.slider]), self.readout,
                                    self.image])
        self._drawn_name = ""
        self.redraw()

    @property
    def state(self) -> dict[str, float | str]:
        """Return the current ``{"name": ..., "x": ..., "fx": f(x), "dfx": f'(x)}``."""
        from helpers import activations

        act = activations.get_activation(self.dropdown.value)
        x = float(self.slider.value)
        return {"name": act.name, "x": x, "fx": float(act.fn(x)),
                "dfx": float(act.derivative(x))}

    def figure_data(self) -> dict[str, object]:
        """Return copies of the drawn data: both curves, the two marked points, the tangent."""
        import numpy as np

        def xy(line: object) -> tuple[object, object]:
            x, y = line.get_data()  # type: ignore[attr-defined]
            return np.array(x, dtype=float), np.array(y, dtype=float)

        return {"f": xy(self.curve_f), "derivative": xy(self.curve_d),
                "point": xy(self.point_f), "derivative_point": xy(self.point_d),
                "tangent": xy(self.tangent), "title": self.ax_f.get_title()}

    @property
    def png(self) -> bytes:
        """Return the PNG image currently shown."""
        return bytes(self.image.value)

    def snapshot(self) -> object:
        """Return the current picture as a plain PNG image (shows on GitHub, unlike the widget)."""
        s = self.state
        name, x, fx, dfx = s["name"], float(s["x"]), float(s["fx"]), float(s["dfx"])
        lo, hi = -ACTIVATION_X_RANGE, ACTIVATION_X_RANGE
        alt = (f"Activation explorer: {name}(x) (left) and its derivative (right) for x from "
               f"{lo:g} to {hi:g}, with the point x = {x:.2f} marked on both: {name}({x:.2f}) = "
               f"{fx:.4f}, and the dashed tangent there has slope {name}'({x:.2f}) = {dfx:.4f}.")
        return _snapshot(self.png, alt)

    def set(self, name: str | None = None, x: float | None = None) -> None:
        """Choose a function and/or move x from code, e.g. ``explorer.set("tanh", x=-1.0)``."""
        from helpers import activations

        if name is not None:
            name = activations.get_activation(name).name
        if x is not None:
            x = _activation_x(x)
        if name is not None:
            self.dropdown.value = name
        if x is not None:
            self.slider.value = x

    def redraw(self) -> None:
        """Redraw both panels and the read-out for the current function and x."""
        import io

        import numpy as np

        from helpers import activations

        act = activations.get_activation(self.dropdown.value)
        s = self.state
        x, fx, dfx = float(s["x"]), float(s["fx"]), float(s["dfx"])
        if act.name != self._drawn_name:  # new function: new curves and fixed axis limits
            f, d = act.fn(self.grid), act.derivative(self.grid)
            self.curve_f.set_data(self.grid, f)
            self.curve_d.set_data(self.grid, d)
            for ax, y in ((self.ax_f, f), (self.ax_d, d)):
                lo, hi = min(float(y.min()), 0.0), max(float(y.max()), 1.0)
                pad = 0.08 * (hi - lo)
                ax.set_ylim(lo - pad, hi + pad)
            self.ax_f.set_title(f"{act.name}(x)")
            self.ax_d.set_title(f"{act.name}'(x)  (derivative)")
            self._drawn_name = act.name
        self.point_f.set_data([x], [fx])
        self.point_d.set_data([x], [dfx])
        span = np.array([x - 1.0, x + 1.0])
        self.tangent.set_data(span, fx + dfx * (span - x))
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100)
        self.image.value = buffer.getvalue()
        self.readout.value = (f"{act.name}({x:.2f}) = {fx:.4f} &nbsp;&nbsp; "
                              f"{act.name}'({x:.2f}) = {dfx:.4f} (the tangent's slope)")

    def _on_change(self, change: dict[str, object]) -> None:
        self.redraw()

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object]:
        s = self.state
        return widget_bundle(self.widget,
                             f"Activation explorer: {s['name']} at x = {s['x']:.2f} {LIVE_NOTE}")


def _activation_x(value: object) -> float:
    """Return ``value`` checked against the activation explorer's x slider range."""
    return _slider_number("x", value, ACTIVATION_X_RANGE)


def activation_explorer(name: str = "relu", x: float = 0.5) -> ActivationExplorer:
    """Return a live explorer of an activation and its derivative; show it as a cell's last line.

    The static twin of this explorer is :func:`helpers.activations.plot_activation_grid`.
    """
    return ActivationExplorer(name, x)
