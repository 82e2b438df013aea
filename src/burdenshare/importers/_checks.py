"""Schema checks of an importer's frame, reported at their place in the publisher's file.

An importer builds a tidy frame and checks it against the same :class:`TableSpec` as the bundled
files. A problem is then reported where the user can find it: the sheet and cell of a workbook, or
the file, line and column of a release CSV, never a line of the internal table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..validation import TableSpec, find_problems
from ._xlsx import Problems, cell_ref

#: Where a frame row came from: (row position, the frame columns a problem involves) -> words
#: such as "sheet 'TABLE3', cell E12" or "data_explorer.csv, line 12, column 'military'".
Locator = Callable[[int, tuple[str, ...]], str]


def workbook_cells(cells: list[tuple[str, int, int, int]], from_label: frozenset[str]) -> Locator:
    """A locator for rows read from workbook cells: ``cells[row]`` is (sheet, row, value column,
    label column); a problem in ``from_label`` columns only is at the row's label cell, any
    other at its value cell."""

    def locate(row: int, columns: tuple[str, ...]) -> str:
        sheet, r, value_col, label_col = cells[row]
        col = label_col if set(columns) <= from_label else value_col
        return f"sheet '{sheet}', cell {cell_ref(r, col)}"

    return locate


@dataclass(frozen=True)
class RowProblem:
    """A schema problem of one frame row (``row`` is its position; None: the whole table)."""

    row: int | None
    columns: tuple[str, ...]
    value: object
    expected: str


def schema_problems(frame: pd.DataFrame, spec: TableSpec) -> list[RowProblem]:
    """Every problem ``spec`` finds in ``frame``, one per row and rule, with the row position.

    A problem naming several columns (e.g. a repeated key) is one problem here, valued at
    ``value`` if that column is involved.
    """
    frame = frame.reset_index(drop=True)
    found = find_problems(frame, spec)
    grouped: dict[tuple[int | None, str], list[str]] = {}
    values: dict[tuple[int | None, str], object] = {}
    for problem in found:
        key = (problem.row, problem.expected)
        columns = grouped.setdefault(key, [])
        columns += [c for c in problem.column.split("/") if c]
        values.setdefault(key, problem.value)
    result = []
    for (row, expected), columns in grouped.items():
        value = values[(row, expected)]
        if row is not None and "value" in columns and "value" in frame.columns:
            value = frame.at[row, "value"]
        result.append(RowProblem(row, tuple(dict.fromkeys(columns)), value, expected))
    return result


def check_located(
    frame: pd.DataFrame, spec: TableSpec, problems: Problems, locate: Locator
) -> None:
    """Add each schema problem of ``frame`` to ``problems`` at the place ``locate`` names."""
    seen: set[tuple[str, str]] = set()
    for problem in schema_problems(frame, spec):
        if problem.row is None:
            problems.at("the table as a whole", _plain(problem.value), problem.expected)
            continue
        expected = problem.expected
        first = _SAME_AS.search(expected)
        if first:  # a duplicated key: name the place of its first occurrence too
            where = locate(int(first.group(1)), problem.columns)
            expected = expected.replace(first.group(0), f"same as {where}")
        place = locate(problem.row, problem.columns)
        if (place, expected) not in seen:  # several table rows from one source cell: once
            seen.add((place, expected))
            problems.at(place, _plain(problem.value), expected)


_SAME_AS = re.compile(r"same as line (\d+)")


def _plain(value: object) -> object:
    """numpy scalars as Python values, so messages read 'got -5.0', not 'np.float64(-5.0)'."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value
