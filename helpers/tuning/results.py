"""Rows of trial results: the best row, the spread over seeds, a text table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from helpers.text import table_lines
from helpers.tuning.config import RESULTS, Row, format_value


def _check_rows(rows: Any, key: str | None = None) -> list[Mapping[str, Any]]:
    if isinstance(rows, Mapping) or not isinstance(rows, Sequence) or not all(
            isinstance(r, Mapping) for r in rows):
        raise TypeError("rows must be a list of dicts, as returned by sweep, grid_search or "
                        "random_search.")
    if len(rows) == 0:
        raise ValueError("rows is empty; run a sweep or a search first.")
    if key is not None and any(key not in r for r in rows):
        raise ValueError(f"every row needs the column {key!r}; the first row has "
                         f"{sorted(rows[0])}.")
    return list(rows)


def best(rows: Sequence[Mapping[str, Any]], key: str = "val_accuracy") -> Row:
    """Return (a copy of) the row with the highest ``key``; the first one on a tie."""
    rows = _check_rows(rows, key)
    return dict(max(rows, key=lambda r: r[key]))


def spread(rows: Sequence[Mapping[str, Any]], param: str,
           key: str = "val_accuracy") -> list[Row]:
    """Return one row per value of ``param``: the mean, lowest and highest ``key`` over seeds.

    Each result row holds ``param``, ``mean``, ``low``, ``high`` and ``runs`` (how many).
    """
    rows = _check_rows(rows, param)
    _check_rows(rows, key)
    groups: dict[Any, list[float]] = {}
    for r in rows:
        groups.setdefault(r[param], []).append(float(r[key]))
    return [{param: v, "mean": float(np.mean(xs)), "low": min(xs), "high": max(xs),
             "runs": len(xs)} for v, xs in groups.items()]


def format_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, *,
                 sort_by: str | None = None) -> str:
    """Return rows as an aligned text table, one line per row.

    By default the columns are ``trial``, the settings that differ between rows, then
    ``val_accuracy`` and ``seconds`` (last, so a time only changes the end of its line).
    ``sort_by`` orders the rows best first (highest value first).
    """
    rows = _check_rows(rows)
    if columns is None:
        varying = [k for k in rows[0] if k not in RESULTS and k != "trial"
                   and any(r.get(k) != rows[0][k] for r in rows)]
        first = ["trial"] if all("trial" in r for r in rows) else []
        columns = first + varying + [k for k in ("val_accuracy", "seconds") if k in rows[0]]
    columns = list(columns)
    missing = [c for c in columns if any(c not in r for r in rows)]
    if not columns or missing:
        raise ValueError(f"columns {missing or columns} are not in every row; the rows have "
                         f"{sorted(rows[0])}.")
    if sort_by is not None:
        rows = sorted(_check_rows(rows, sort_by), key=lambda r: r[sort_by], reverse=True)
    cells = [[format_value(c, r[c]) for c in columns] for r in rows]
    # Times go last and unpadded, so a timing only changes the end of its own line.
    align = "".join("." if c == "seconds" else ">" if c in RESULTS or c in
                    ("trial", "batch_size", "epochs") else "<" for c in columns)
    header, *lines = table_lines([columns, *cells], align)
    rule = "-" * len(header)  # not the longest line: that one may hold a time
    return "\n".join([header, rule, *lines])
