"""Your own handwriting: strokes drawn on a pad, prepared exactly as MNIST's digits were.

MNIST's digits were cropped to their ink, scaled (keeping the aspect ratio) so that the longer
side is 20 pixels, anti-aliased to grey levels, and placed in a 28x28 image with their centre
of mass at the centre. :func:`prepare_digit` does the same to any drawing, :func:`render_strokes`
turns the pad's strokes into a picture, and :class:`DrawingPad` (an ``anywidget`` with an
inline ES module) lets you draw and shows what the network reads, live.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

BOX = 20  # MNIST's digits fit a 20x20 box ...
SIZE = 28  # ... inside a 28x28 image,
CENTRE = 14.0  # with their centre of mass at pixel (14, 14) (row, column from 0).
PAD_SIZE = 280  # the pad's canvas, in its own pixels
LINE_WIDTH = 18  # the pen's width on the pad
EMPTY = "draw a digit first"

Stroke = list[tuple[float, float]]


class EmptyDrawingError(ValueError):
    """Raised for a drawing with no ink: there is no digit to read yet."""


# --- the preparation MNIST's digits went through ---------------------------------------------

def _check_image(image: Any, name: str = "image") -> np.ndarray:
    """Return ``image`` as a float 2-D array with values in [0, 1], or raise naming the problem."""
    array = np.asarray(image)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number)
                                     or array.dtype == bool):
        raise TypeError(f"{name} must be a numeric array, got dtype {array.dtype}.")
    if array.ndim != 2 or min(array.shape) < 2:
        raise ValueError(f"{name} must be one grey image of shape (height, width), got shape "
                         f"{array.shape}; for a flat 784-vector use image.reshape(28, 28).")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values; ink is a number in [0, 1].")
    if array.min() < 0 or array.max() > 1:
        raise ValueError(f"{name}'s values must be in [0, 1] (0 paper, 1 ink), got "
                         f"{array.min():g}..{array.max():g}; divide 0-255 images by 255.")
    return array


def crop_to_ink(image: Any) -> np.ndarray:
    """Return the smallest rectangle of ``image`` that holds all its ink (values above 0)."""
    array = _check_image(image)
    rows, cols = np.flatnonzero(array.any(axis=1)), np.flatnonzero(array.any(axis=0))
    if len(rows) == 0:
        raise EmptyDrawingError(f"{EMPTY}: the image has no ink (every value is 0).")
    return array[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def scale_to_box(image: Any, box: int = BOX) -> np.ndarray:
    """Resize ``image`` so that its longer side is ``box`` pixels, keeping its aspect ratio.

    Shrinking averages the area each new pixel covers (anti-aliasing: edges become grey);
    growing interpolates linearly.
    """
    from PIL import Image

    array = _check_image(image)
    if isinstance(box, bool) or not isinstance(box, int) or box < 1:
        raise ValueError(f"box must be a positive int, got {box!r}.")
    height, width = array.shape
    factor = box / max(height, width)
    new = (max(1, round(width * factor)), max(1, round(height * factor)))  # PIL: (w, h)
    method = Image.Resampling.BOX if factor <= 1 else Image.Resampling.BILINEAR
    resized = Image.fromarray(array.astype(np.float32), mode="F").resize(new, method)
    return np.clip(np.asarray(resized, dtype=np.float64), 0.0, 1.0)


def centre_of_mass(image: Any) -> tuple[float, float]:
    """Return the ink's centre of mass ``(row, column)``: the ink-weighted mean position."""
    array = _check_image(image)
    total = array.sum()
    if total <= 0:
        raise EmptyDrawingError(f"{EMPTY}: the image has no ink (every value is 0).")
    rows, cols = np.indices(array.shape)
    return float((rows * array).sum() / total), float((cols * array).sum() / total)


def place_by_centre_of_mass(image: Any, size: int = SIZE) -> np.ndarray:
    """Paste ``image`` into a ``size`` x ``size`` field so its centre of mass lands on the centre.

    The shift is rounded to whole pixels, as in MNIST (its centres lie within half a pixel of
    (14, 14)); ink pushed past the border is cut off.
    """
    array = _check_image(image)
    row, col = centre_of_mass(array)
    centre = size / 2
    top, left = round(centre - row), round(centre - col)
    out = np.zeros((size, size))
    h, w = array.shape
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + h, size), min(left + w, size)
    if r0 < r1 and c0 < c1:
        out[r0:r1, c0:c1] = array[r0 - top:r1 - top, c0 - left:c1 - left]
    return out


def prepare_digit(image: Any) -> np.ndarray:
    """Prepare a drawing as MNIST's digits were: crop, scale into 20x20, centre in 28x28.

    The steps: crop to the ink; scale so the longer side is 20 pixels, keeping the aspect
    ratio, with anti-aliasing; place in a 28x28 field with the centre of mass at the centre.
    Returns a float array of shape (28, 28) with values in [0, 1].
    """
    return place_by_centre_of_mass(scale_to_box(crop_to_ink(image)))


def shrink_whole(image: Any, size: int = SIZE) -> np.ndarray:
    """Return the whole drawing shrunk to ``size`` x ``size``, without MNIST's preparation."""
    from PIL import Image

    array = _check_image(image)
    if array.shape[0] != array.shape[1]:
        raise ValueError(f"image must be square to shrink it whole, got {array.shape}.")
    resized = Image.fromarray(array.astype(np.float32), mode="F").resize(
        (size, size), Image.Resampling.BOX)
    return np.clip(np.asarray(resized, dtype=np.float64), 0.0, 1.0)


# --- strokes: what the pad records --------------------------------------------------------------

def check_strokes(strokes: Any, size: int = PAD_SIZE) -> list[Stroke]:
    """Return ``strokes`` (a list of strokes, each a list of ``[x, y]`` points), validated."""
    if isinstance(strokes, str | bytes | dict) or not isinstance(strokes, list | tuple):
        raise TypeError(f"strokes must be a list of strokes, each a list of [x, y] points, "
                        f"got {type(strokes).__name__}.")
    out: list[Stroke] = []
    for i, stroke in enumerate(strokes):
        points = np.asarray(stroke, dtype=float) if len(stroke) else np.zeros((0, 2))
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"stroke {i} must be a list of [x, y] points, got shape "
                             f"{points.shape}.")
        if not np.isfinite(points).all() or points.min(initial=0) < 0 or \
                points.max(initial=0) > size:
            raise ValueError(f"stroke {i} has points outside the {size}x{size} pad (or NaN); "
                             f"coordinates must be in 0..{size}.")
        if len(points):
            out.append([(float(x), float(y)) for x, y in points])
    if not out:
        raise EmptyDrawingError(f"{EMPTY}: there are no strokes yet.")
    return out


def render_strokes(strokes: Any, size: int = PAD_SIZE, width: int = LINE_WIDTH) -> np.ndarray:
    """Draw ``strokes`` as white lines of ``width`` pixels on black; return values in [0, 1]."""
    from PIL import Image, ImageDraw

    lines = check_strokes(strokes, size)
    picture = Image.new("L", (size, size), 0)
    pen = ImageDraw.Draw(picture)
    r = width / 2
    for line in lines:
        if len(line) > 1:
            pen.line(line, fill=255, width=width, joint="curve")
        for x, y in line:  # round ends and joints, as the pad's canvas draws them
            pen.ellipse((x - r, y - r, x + r, y + r), fill=255)
    return np.asarray(picture, dtype=np.float64) / 255.0


@dataclass(frozen=True)
class StrokeFile:
    """One stored drawing: the digit meant, the pad's size, its strokes and how it was made."""

    name: str
    digit: int
    size: int
    strokes: list[Stroke]
    note: str


def stroke_files() -> list[str]:
    """Return the names of the stored drawings (``helpers/strokes/*.json``), sorted."""
    folder = resources.files("helpers") / "strokes"
    return sorted(Path(p.name).stem for p in folder.iterdir() if p.name.endswith(".json"))


def load_strokes(name: str) -> StrokeFile:
    """Load one stored drawing by name, e.g. ``load_strokes("seven")``."""
    names = stroke_files()
    if name not in names:
        raise FileNotFoundError(f"no stored drawing named {name!r}; the drawings are {names}.")
    text = (resources.files("helpers") / "strokes" / f"{name}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    size = int(data["size"])
    return StrokeFile(name, int(data["digit"]), size, check_strokes(data["strokes"], size),
                      str(data.get("note", "")))


def save_strokes(path: str | Path, digit: int, strokes: Any, size: int = PAD_SIZE,
                 note: str = "") -> Path:
    """Write a drawing's strokes to a small JSON file (whole-pixel coordinates)."""
    if isinstance(digit, bool) or not isinstance(digit, int) or not 0 <= digit <= 9:
        raise ValueError(f"digit must be an int in 0..9, got {digit!r}.")
    lines = check_strokes(strokes, size)
    data = {"digit": digit, "size": size, "note": note,
            "strokes": [[[round(x), round(y)] for x, y in line] for line in lines]}
    path = Path(path)
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


# --- what the network reads -----------------------------------------------------------------

@dataclass(frozen=True)
class Reading:
    """A drawing as the network sees it, prepared and not, with its ten probabilities each."""

    picture: np.ndarray  # the drawing on the pad, values in [0, 1]
    prepared: np.ndarray  # 28x28, prepared as MNIST's digits were
    raw: np.ndarray  # 28x28, the whole pad shrunk, no preparation
    probs: np.ndarray  # the network's probabilities for ``prepared``
    raw_probs: np.ndarray  # ... and for ``raw``

    @property
    def digit(self) -> int:
        """Return the digit the network reads in the prepared drawing."""
        return int(self.probs.argmax())

    @property
    def raw_digit(self) -> int:
        """Return the digit the network reads in the unprepared drawing."""
        return int(self.raw_probs.argmax())


def read_drawing(network: Any, strokes: Any, size: int = PAD_SIZE) -> Reading:
    """Render ``strokes``, prepare them as MNIST was, and return what ``network`` reads in each."""
    from helpers.inspection import predict_probs

    picture = render_strokes(strokes, size)
    prepared, raw = prepare_digit(picture), shrink_whole(picture)
    probs = predict_probs(network, np.stack([prepared, raw]).reshape(2, 784))
    return Reading(picture, prepared, raw, probs[0], probs[1])


def plot_readings(readings: list[Reading], titles: list[str] | None = None) -> Any:
    """Show each drawing as drawn, shrunk whole and prepared, with what the network reads."""
    import matplotlib.pyplot as plt

    from helpers.plots import IMAGE_CMAP, describe

    if not readings or not all(isinstance(r, Reading) for r in readings):
        raise ValueError("readings must be a non-empty list of Reading, from read_drawing().")
    titles = titles or [""] * len(readings)
    if len(titles) != len(readings):
        raise ValueError(f"give one title per reading: {len(titles)} titles, "
                         f"{len(readings)} readings.")
    fig, axes = plt.subplots(3, len(readings), figsize=(1.35 * len(readings) + 0.9, 4.6),
                             squeeze=False)
    for k, (r, title) in enumerate(zip(readings, titles, strict=True)):
        rows = [(r.picture, title or "drawn"),
                (r.raw, f"whole: {r.raw_digit} ({r.raw_probs.max():.0%})"),
                (r.prepared, f"prepared: {r.digit} ({r.probs.max():.0%})")]
        for row, (image, label) in enumerate(rows):
            ax = axes[row, k]
            ax.imshow(image, cmap=IMAGE_CMAP, vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(label, fontsize=8)
    for row, name in enumerate(["on the pad", "shrunk whole", "as MNIST"]):
        axes[row, 0].set_ylabel(name, fontsize=9)
    names = [t or f"drawing {k}" for k, t in enumerate(titles, start=1)]
    prepared = ", ".join(f"{name} as {r.digit} ({r.probs.max():.0%})"
                         for name, r in zip(names, readings, strict=True))
    whole = ", ".join(f"{r.raw_digit} ({r.raw_probs.max():.0%})" for r in readings)
    return describe(fig, f"{len(readings)} drawings, one column each: as drawn, shrunk whole to "
                         f"28x28, prepared as MNIST. Prepared, the network reads {prepared}. "
                         f"Shrunk whole, in the same order: {whole}.")


# --- the pad --------------------------------------------------------------------------------

PAD_ESM = r"""
function render({ model, el }) {
  // Marked as a widget view, like ipywidgets' own (Jupyter's styles and tests look for it).
  el.classList.add("jupyter-widgets");
  const size = model.get("size");
  const root = document.createElement("div");
  root.className = "mnist-pad";
  const left = document.createElement("div");
  const canvas = document.createElement("canvas");
  canvas.width = size; canvas.height = size;
  canvas.className = "mnist-pad-canvas";
  const clear = document.createElement("button");
  clear.textContent = "Clear";
  clear.className = "mnist-pad-clear";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `Drawing area, ${size} by ${size} pixels: draw a digit ` +
    "with a mouse, a finger or a pen, or choose a stored drawing below.");
  // The same pad without a mouse: a stored drawing, chosen with the keyboard.
  const chooser = document.createElement("label");
  chooser.className = "mnist-pad-choose";
  chooser.append("No mouse? Read a stored drawing: ");
  const select = document.createElement("select");
  select.className = "mnist-pad-select";
  // JupyterLab's notebook shortcuts (the arrow keys move between cells) leave the list alone.
  select.setAttribute("data-lm-suppress-shortcuts", "true");
  select.append(new Option("choose one", ""));
  for (const [name, label] of model.get("stored") || []) select.append(new Option(label, name));
  chooser.append(select);
  left.append(canvas, clear, chooser);
  const right = document.createElement("div");
  right.className = "mnist-pad-right";
  const seen = document.createElement("canvas");
  seen.width = 28; seen.height = 28;
  seen.className = "mnist-pad-seen";
  seen.setAttribute("role", "img");
  seen.setAttribute("aria-label", "the 28x28 image the network sees");
  const reading = document.createElement("div");
  reading.className = "mnist-pad-reading";
  reading.setAttribute("aria-live", "polite");  // a screen reader says each new reading
  const bars = document.createElement("div");
  bars.className = "mnist-pad-bars";
  bars.setAttribute("role", "img");
  const barEls = [];
  for (let d = 0; d < 10; d++) {
    const col = document.createElement("div");
    col.className = "mnist-pad-bar";
    const fill = document.createElement("div");
    fill.className = "mnist-pad-fill";
    const label = document.createElement("span");
    label.textContent = String(d);
    col.append(fill, label);
    bars.append(col);
    barEls.push(fill);
  }
  const rawLine = document.createElement("div");
  rawLine.className = "mnist-pad-raw";
  rawLine.setAttribute("aria-live", "polite");
  const caption = document.createElement("div");
  caption.className = "mnist-pad-caption";
  caption.textContent = "what the network sees (28x28, prepared as MNIST)";
  right.append(caption, seen, reading, bars, rawLine);
  root.append(left, right);
  el.append(root);

  const ctx = canvas.getContext("2d");
  let strokes = (model.get("strokes") || []).map((s) => s.slice());
  let current = null;

  function redraw() {
    ctx.fillStyle = "black";
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = "white"; ctx.fillStyle = "white";
    ctx.lineWidth = model.get("line_width");
    ctx.lineCap = "round"; ctx.lineJoin = "round";
    for (const s of strokes) {
      if (s.length === 0) continue;
      ctx.beginPath();
      ctx.moveTo(s[0][0], s[0][1]);
      for (const p of s.slice(1)) ctx.lineTo(p[0], p[1]);
      if (s.length === 1) ctx.lineTo(s[0][0] + 0.01, s[0][1]);
      ctx.stroke();
    }
  }
  function point(event) {
    const box = canvas.getBoundingClientRect();
    const x = (event.clientX - box.left) * size / box.width;
    const y = (event.clientY - box.top) * size / box.height;
    return [Math.round(Math.min(Math.max(x, 0), size)), Math.round(Math.min(Math.max(y, 0), size))];
  }
  function send() {
    model.set("strokes", strokes.map((s) => s.slice()));
    model.save_changes();
  }
  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
    select.value = ""; model.set("choice", "");  // drawn over: no longer the stored drawing
    redraw();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    const p = point(event), last = current[current.length - 1];
    if (Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) >= 2) { current.push(p); redraw(); }
  });
  function finish() { if (current) { current = null; send(); } }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  clear.addEventListener("click", () => {
    strokes = []; current = null; select.value = ""; redraw();
    model.set("choice", ""); send();
  });
  select.addEventListener("change", () => {
    model.set("choice", select.value); model.save_changes();
  });
  model.on("change:choice", () => { select.value = model.get("choice"); });

  function show() {
    const image = model.get("prepared") || [];
    const data = seen.getContext("2d").createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = Math.round(255 * (image.length === 784 ? image[i] : 0));
      data.data[4 * i] = v; data.data[4 * i + 1] = v; data.data[4 * i + 2] = v;
      data.data[4 * i + 3] = 255;
    }
    seen.getContext("2d").putImageData(data, 0, 0);
    const probs = model.get("probs") || [];
    barEls.forEach((fill, d) => {
      const p = probs.length === 10 ? probs[d] : 0;
      fill.style.height = `${Math.round(60 * p)}px`;
    });
    bars.setAttribute("aria-label", probs.length === 10
      ? "probability of each digit: " +
        probs.map((p, d) => `${d} ${Math.round(100 * p)}%`).join(", ")
      : "no probabilities yet");
    reading.textContent = model.get("message");
    rawLine.textContent = model.get("raw_message");
  }
  model.on("change:strokes", () => {
    if (current) return;
    strokes = (model.get("strokes") || []).map((s) => s.slice());
    redraw();
  });
  model.on("change:message", show);
  model.on("change:prepared", show);
  model.on("change:probs", show);
  model.on("change:raw_message", show);
  redraw();
  show();
}
export default { render };
"""

PAD_CSS = """
.mnist-pad { display: flex; gap: 18px; align-items: flex-start; font-family: sans-serif; }
.mnist-pad-canvas { width: 280px; height: 280px; touch-action: none; cursor: crosshair;
  border: 1px solid #888; display: block; }
.mnist-pad-clear { margin-top: 6px; }
.mnist-pad-choose { display: block; margin-top: 6px; font-size: 13px; }
.mnist-pad-seen { width: 112px; height: 112px; image-rendering: pixelated; border: 1px solid #888; }
.mnist-pad-caption { font-size: 12px; color: #555; margin-bottom: 4px; }
.mnist-pad-reading { font-size: 18px; font-weight: bold; margin: 6px 0; }
.mnist-pad-bars { display: flex; gap: 3px; align-items: flex-end; height: 78px; }
.mnist-pad-bar { display: flex; flex-direction: column; align-items: center;
  justify-content: flex-end;
  width: 16px; height: 78px; font-size: 11px; }
.mnist-pad-fill { width: 14px; background: #1f77b4; }
.mnist-pad-raw { font-size: 12px; color: #555; margin-top: 6px; max-width: 260px; }
"""


@cache
def _pad_widget_class() -> type:
    """Return the anywidget class of the pad (built on first use: it imports ipywidgets)."""
    import anywidget
    import traitlets

    class PadWidget(anywidget.AnyWidget):  # type: ignore[misc]
        _esm = PAD_ESM
        _css = PAD_CSS
        size = traitlets.Int(PAD_SIZE).tag(sync=True)
        line_width = traitlets.Int(LINE_WIDTH).tag(sync=True)
        strokes = traitlets.List([]).tag(sync=True)
        prepared = traitlets.List([]).tag(sync=True)
        probs = traitlets.List([]).tag(sync=True)
        message = traitlets.Unicode(EMPTY).tag(sync=True)
        raw_message = traitlets.Unicode("").tag(sync=True)
        stored = traitlets.List([]).tag(sync=True)  # [name, label] of each stored drawing
        choice = traitlets.Unicode("").tag(sync=True)  # the stored drawing chosen, or ""

    return PadWidget


class DrawingPad:
    """Draw a digit with the mouse; on each stroke the network reads it, prepared as MNIST was.

    ``widget`` is the live pad; ``draw(strokes)`` draws from code, ``choose(name)`` draws a
    stored drawing (as the pad's list does, for the keyboard), ``clear()`` wipes it, and
    ``reading`` holds the last :class:`Reading` (None while the pad is empty).
    """

    def __init__(self, network: Any) -> None:
        from helpers.inspection import check_network

        check_network(network)
        self.network = network
        self.reading: Reading | None = None
        self.widget = _pad_widget_class()()
        self.widget.stored = [[name, f"{name} (a {load_strokes(name).digit})"]
                              for name in stroke_files()]
        self.widget.observe(self._on_strokes, names="strokes")
        self.widget.observe(self._on_choice, names="choice")

    def draw(self, strokes: Any) -> Reading:
        """Draw ``strokes`` on the pad from code (as if with the mouse); return the reading."""
        self.widget.strokes = [[[x, y] for x, y in line] for line in check_strokes(strokes)]
        if self.reading is None:
            raise EmptyDrawingError(EMPTY)
        return self.reading

    def choose(self, name: str) -> Reading:
        """Draw the stored drawing ``name`` (see ``stroke_files()``); return the reading."""
        load_strokes(name)  # a name that is not stored raises, naming the stored ones
        self.widget.choice = ""  # choosing the same drawing again draws it again
        self.widget.choice = name
        if self.reading is None:
            raise EmptyDrawingError(EMPTY)
        return self.reading

    def clear(self) -> None:
        """Wipe the pad."""
        self.widget.choice = ""
        self.widget.strokes = []

    def _on_choice(self, change: dict[str, Any]) -> None:
        if change["new"]:
            stored = load_strokes(change["new"])
            self.widget.strokes = [[[x, y] for x, y in line] for line in stored.strokes]

    def _on_strokes(self, change: dict[str, Any]) -> None:
        self.update(change["new"])

    def update(self, strokes: Any) -> None:
        """Read ``strokes`` and show the result on the pad (called on every stroke)."""
        try:
            reading = read_drawing(self.network, strokes, self.widget.size)
        except EmptyDrawingError:
            self.reading = None
            self.widget.prepared, self.widget.probs = [], []
            self.widget.message, self.widget.raw_message = EMPTY, ""
            return
        self.reading = reading
        self.widget.prepared = [round(float(v), 3) for v in reading.prepared.ravel()]
        self.widget.probs = [round(float(p), 4) for p in reading.probs]
        self.widget.message = f"reads {reading.digit} ({reading.probs.max():.0%})"
        self.widget.raw_message = (f"without the preparation (the whole pad shrunk to 28x28) "
                                   f"it reads {reading.raw_digit} "
                                   f"({reading.raw_probs.max():.0%})")

    def __repr__(self) -> str:
        if self.reading is None:
            return f"DrawingPad({EMPTY})"
        return f"DrawingPad(reads {self.reading.digit})"

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object]:
        from helpers.widgets import LIVE_NOTE, widget_bundle

        return widget_bundle(self.widget, f"Drawing pad {LIVE_NOTE}")
