"""Print the versions this environment uses beside the pins of requirements.txt (a table).

Usage: python -m tools.versions   (`make test-latest` runs it in .venv-latest/)
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from helpers.text import column_widths, table_lines
from tools.platforms import pins_for

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["tensorflow-cpu", "keras", "keras-tuner", "numpy", "matplotlib", "ipywidgets",
            "ipykernel", "nbval", "pytest", "jupyter_client", "nbformat"]


def pins() -> dict[str, str]:
    """Return {canonical name: version} of the requirements.txt pins for this platform."""
    env = default_environment()
    return {name: next(iter(req.specifier)).version
            for name, req in pins_for(ROOT / "requirements.txt", env).items()}


def _compare(have: str, pin: str) -> str:
    """Return 'same', 'newer' or 'older' for an installed version against the pin."""
    if have == pin:
        return "same"
    try:
        return "newer" if Version(have) > Version(pin) else "older"
    except InvalidVersion:
        return "" if pin == "-" or have == "-" else "differs"


def main() -> int:
    pinned = pins()
    rows = [("package", "this environment", "requirements.txt", "")]
    for name in PACKAGES:
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            have = "(not installed)"
        pin = pinned.get(canonicalize_name(name), "-")
        note = _compare(have, pin)
        rows.append((name, have, pin, note))
    print(f"Python {platform.python_version()} ({sys.executable})")
    header, *lines = table_lines(rows, "<<<<")
    print("\n".join([header, "  ".join("-" * w for w in column_widths(rows)), *lines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
