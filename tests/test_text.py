"""helpers.text: the one table formatter."""

from __future__ import annotations

import pytest

from helpers.text import column_widths, table_lines


def test_table_lines_aligns_and_strips():
    rows = [["name", "n", "seconds"], ["a", "10", "1.5"], ["long name", "2", "12.25"]]
    assert table_lines(rows, "<>.") == ["name        n  seconds",
                                        "a          10  1.5",
                                        "long name   2  12.25"]
    assert table_lines([["x", "1"]], "<>", widths=(3, 4), sep="") == ["x     1"]
    assert table_lines([["a", ""]], "<<", strip=False) == ["a  "]
    assert column_widths(rows) == [9, 2, 7] and column_widths([], (3,)) == [3]


def test_table_lines_rejects_mismatched_rows():
    with pytest.raises(ValueError, match="every row needs 2 cells"):
        table_lines([["a"]], "<>")
    with pytest.raises(ValueError, match="align may hold only"):
        table_lines([["a"]], "^")
