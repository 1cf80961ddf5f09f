"""Print the versions this environment uses beside the pins of requirements.txt (a table).

Usage: python -m tools.versions   (`make test-latest` runs it in .venv-latest/)
"""

from __future__ import annotations

import platform
import re
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["tensorflow-cpu", "keras", "keras-tuner", "numpy", "matplotlib", "ipywidgets",
            "ipykernel", "nbval", "pytest", "jupyter_client", "nbformat"]


def pins() -> dict[str, str]:
    """Return {normalised name: version} from requirements.txt."""
    found = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
        if m:
            found[_norm(m.group(1))] = m.group(2)
    return found


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _compare(have: str, pin: str) -> str:
    """Return 'same', 'newer' or 'older' for an installed version against the pin."""
    from packaging.version import InvalidVersion, Version

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
        pin = pinned.get(_norm(name), "-")
        note = _compare(have, pin)
        rows.append((name, have, pin, note))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print(f"Python {platform.python_version()} ({sys.executable})")
    for k, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
