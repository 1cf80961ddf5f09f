"""Interactive explorers (ipywidgets) for the lessons; each has a static figure beside it.

Widgets do not render on GitHub, so every explorer here has a plain function that draws the
same content as a static PNG figure, and the lesson shows that figure too.
"""

from __future__ import annotations

# --- lesson 02: neuron explorer (written by the lesson 02 author) ---

# --- lesson 03: activation explorer (written by the lesson 03 author) ---
