"""Plain-text tables for printing: one formatter behind every table the lessons and tools show."""

from __future__ import annotations

from collections.abc import Sequence


def column_widths(rows: Sequence[Sequence[str]], minimum: Sequence[int] = ()) -> list[int]:
    """Return each column's width: its widest cell, or ``minimum[i]`` if that is more."""
    columns = max((len(row) for row in rows), default=len(minimum))
    least = list(minimum) + [0] * (columns - len(minimum))
    return [max([least[i], *(len(row[i]) for row in rows)]) for i in range(columns)]


def table_lines(rows: Sequence[Sequence[str]], align: str, *, widths: Sequence[int] = (),
                sep: str = "  ", strip: bool = True) -> list[str]:
    """Return each row of cells as one line, its columns padded to a common width.

    ``align`` has one character per column: ``<`` left, ``>`` right, ``.`` unpadded (a last
    column whose width may change, such as a time). A column is as wide as its widest cell,
    or ``widths[i]`` if that is more. With ``strip`` lines end without trailing spaces.
    """
    if any(len(row) != len(align) for row in rows):
        raise ValueError(f"every row needs {len(align)} cells (one per character of align "
                         f"{align!r}), got rows of {sorted({len(r) for r in rows})}.")
    if set(align) - set("<>."):
        raise ValueError(f"align may hold only '<', '>' and '.', got {align!r}.")
    width = column_widths(rows, widths)

    def pad(cell: str, i: int) -> str:
        if align[i] == "<":
            return cell.ljust(width[i])
        return cell.rjust(width[i]) if align[i] == ">" else cell

    lines = [sep.join(pad(cell, i) for i, cell in enumerate(row)) for row in rows]
    return [line.rstrip() for line in lines] if strip else lines
