"""The series' own additions to the website build (a local Sphinx extension)."""

from __future__ import annotations

from typing import Any


def _alt_from_output_metadata() -> None:
    """Give each output image the alt text stored in its output's metadata.

    myst-nb 1.4 copies only ``width`` and ``height`` from an output's metadata to the image it
    writes; the lessons store each figure's description as ``{"image/png": {"alt": ...}}``.
    """
    from myst_nb.core.render import NbElementRenderer

    render_image = NbElementRenderer.render_image
    if getattr(render_image, "series_alt", False):
        return

    def with_alt(self: NbElementRenderer, data: Any) -> list:
        nodes = render_image(self, data)
        alt = data.output_metadata.get(data.mime_type, {}).get("alt")
        if alt:
            for node in nodes:
                node["alt"] = str(alt)
        return nodes

    with_alt.series_alt = True  # type: ignore[attr-defined]
    NbElementRenderer.render_image = with_alt


def setup(app: Any) -> dict[str, Any]:
    """Register the extension with Sphinx."""
    _alt_from_output_metadata()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
