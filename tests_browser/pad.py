"""Draw digits with the mouse on lesson 07's drawing pad, in a real browser (Playwright).

The digits are hand-planned paths in the pad's own coordinates (0-280 on both axes): each
stroke is a list of way-points, and the mouse button is held down while the pointer moves
from one to the next in small steps, as a person's hand would drag it. The pad records what
the browser reports, exactly as for a person drawing.
"""

from __future__ import annotations

import math

Path = list[tuple[float, float]]


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float,
         n: int = 16) -> Path:
    """Return ``n`` + 1 points on an ellipse from angle ``start`` to ``end`` (degrees, y down)."""
    return [(cx + rx * math.cos(math.radians(start + (end - start) * k / n)),
             cy + ry * math.sin(math.radians(start + (end - start) * k / n)))
            for k in range(n + 1)]


def _small(strokes: list[Path], scale: float, dx: float, dy: float) -> list[Path]:
    return [[(x * scale + dx, y * scale + dy) for x, y in s] for s in strokes]


THREE = [_arc(138, 92, 52, 42, 200, 440) + _arc(138, 182, 58, 48, -90, 150)]

DIGITS: dict[str, tuple[int, list[Path]]] = {
    "zero": (0, [_arc(140, 140, 58, 92, -100, 265, 28)]),
    "one": (1, [[(112, 78), (150, 44), (146, 138), (142, 236)]]),
    "two": (2, [_arc(140, 96, 54, 50, 190, 370, 12) + [(160, 160), (86, 228), (206, 226)]]),
    "three": (3, THREE),
    "four": (4, [[(130, 44), (92, 160), (206, 160)], [(176, 84), (172, 240)]]),
    "seven": (7, [[(82, 60), (204, 58), (154, 150), (124, 236)], [(118, 146), (190, 146)]]),
    "small3": (3, _small(THREE, 0.34, 8, 6)),
}


def draw(page: object, canvas: object, strokes: list[Path], step: float = 6.0) -> None:
    """Drag the mouse along ``strokes`` over ``canvas`` (a Playwright locator of the pad)."""
    box = canvas.bounding_box()  # type: ignore[attr-defined]
    scale = box["width"] / 280

    def at(p: tuple[float, float]) -> tuple[float, float]:
        return box["x"] + p[0] * scale, box["y"] + p[1] * scale

    mouse = page.mouse  # type: ignore[attr-defined]
    for stroke in strokes:
        mouse.move(*at(stroke[0]))
        mouse.down()
        for a, b in zip(stroke, stroke[1:], strict=False):
            steps = max(1, round(math.dist(a, b) / step))
            mouse.move(*at(b), steps=steps)
        mouse.up()
        page.wait_for_timeout(150)  # type: ignore[attr-defined]
