"""Write images/thumbnails/NN.png: each lesson's first screen in JupyterLab, 480 px wide.

Usage: python -m tools.thumbnails [NN ...] (`make thumbnails [LESSONS="08"]` runs it, then
`make generate`): every lesson, or only those numbered.
Nothing is executed: the screenshot shows the committed notebook as it opens.
"""

from __future__ import annotations

import sys

from tools import lab

OUT = lab.ROOT / "images" / "thumbnails"


def main(argv: list[str] | None = None) -> int:
    """Open every lesson (or those numbered in ``argv``) in chromium and save its thumbnail."""
    numbers = set(sys.argv[1:] if argv is None else argv)
    paths = [p for p in lab.lesson_paths() if not numbers or p.name[:2] in numbers]
    if not paths:
        print(f"no lessons to photograph (asked for: {' '.join(sorted(numbers)) or 'all'})")
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with lab.LabServer(paths) as server, lab.chromium() as browser:
        for path in paths:
            lesson = lab.Lesson(browser, server, path.name)
            try:
                target = OUT / f"{path.name[:2]}.png"
                target.write_bytes(lab.thumbnail(lesson.first_screen()))
                print(f"wrote {target.relative_to(lab.ROOT)}")
            finally:
                lesson.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
