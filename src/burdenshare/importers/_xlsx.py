"""Reading publishers' workbooks cell by cell, with errors that name the sheet and the cell.

A workbook is read with openpyxl in read-only mode (cached values, not formulas). Every layout
problem raises :class:`~burdenshare.DataError` saying which file, sheet and cell broke and what was
expected there, so a changed release format never produces a half-imported edition.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import openpyxl
import pycountry
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..countries import SPECIAL_CODES, _table
from ..errors import DataError
from ..validation import MAX_LISTED

_YEAR = re.compile(r"^\s*(\d{4})\s*(e)?\s*$", re.IGNORECASE)
#: Publishers' country names that neither data/countries.csv nor pycountry resolve.
NAME_ALIASES: dict[str, str] = {
    "slovak republic": "SVK",
    "united states of america": "USA",
    "czech republic": "CZE",
    "turkey": "TUR",
    "russian federation": "RUS",
    "nato europe and canada": "NATO_EUR_CAN",
    "nato europe & canada": "NATO_EUR_CAN",
    "nato total": "NATO_TOTAL",
}


def cell_ref(row: int, col: int) -> str:
    """Spreadsheet address of a 0-based (row, col), e.g. (7, 3) -> 'D8'."""
    return f"{get_column_letter(col + 1)}{row + 1}"


@dataclass
class Sheet:
    """The cell values of one sheet (0-based rows and columns), and which cells are blue."""

    path: Path
    name: str
    rows: list[tuple[object, ...]]
    blue: list[tuple[bool, ...]] | None = None

    def value(self, row: int, col: int) -> object:
        cells = self.rows[row] if row < len(self.rows) else ()
        return cells[col] if col < len(cells) else None

    def where(self, row: int, col: int) -> str:
        return f"sheet '{self.name}', cell {cell_ref(row, col)}"

    def fail(self, row: int, col: int, got: object, expected: str, hint: str = "") -> DataError:
        """A DataError for one cell (returned so callers can ``raise sheet.fail(...)``)."""
        return DataError(
            f"{self.path}: {self.where(row, col)}: got {got!r}, expected {expected}."
            + (f" {hint}" if hint else "")
        )


@dataclass
class Problems:
    """Cell problems gathered over a workbook, raised together as one DataError."""

    path: Path
    what: str
    items: list[str] = field(default_factory=list)

    def add(self, sheet: Sheet, row: int, col: int, got: object, expected: str) -> None:
        self.items.append(f"{sheet.where(row, col)}: got {got!r}, expected {expected}")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        listed = "\n  ".join(self.items[:MAX_LISTED])
        more = len(self.items) - MAX_LISTED
        tail = f"\n  ... and {more} more problem(s)" if more > 0 else ""
        raise DataError(
            f"{self.path}: {len(self.items)} problem(s) in this {self.what}:\n  {listed}{tail}\n"
            "Nothing was imported. If the publisher changed the layout, please report it with the"
            " file name."
        )


def open_workbook(path: Path) -> openpyxl.Workbook:
    """Open an .xlsx file read-only, or raise a DataError saying why it cannot be read."""
    if not path.is_file():
        raise DataError(f"{path}: file not found. Check the path you passed.")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise DataError(
            f"{path}: not a readable .xlsx workbook ({exc}). Pass the publisher's Excel file as"
            " downloaded (not a CSV, PDF or .xls)."
        ) from None


def _is_blue(cell: object, palette: Sequence[str]) -> bool:
    font = getattr(cell, "font", None)
    color = getattr(font, "color", None)
    if color is None:
        return False
    rgb: object = None
    if color.type == "rgb":
        rgb = color.rgb
    elif color.type == "indexed" and isinstance(color.indexed, int):
        rgb = palette[color.indexed] if color.indexed < len(palette) else None
    return isinstance(rgb, str) and rgb.upper().endswith("0000FF")


def read_sheet(
    workbook: openpyxl.Workbook, path: Path, name: str, *, fonts: bool = False, what: str = ""
) -> Sheet:
    """All values of sheet ``name`` (and blue-font flags when ``fonts``); DataError if absent."""
    if name not in workbook.sheetnames:
        raise DataError(
            f"{path}: no sheet '{name}' (the workbook has: {', '.join(workbook.sheetnames)}). "
            f"Expected {what or 'the publisher’s release workbook'}; pass the right file or, if "
            "the publisher renamed the sheet, report it."
        )
    worksheet = workbook[name]
    if not fonts:
        return Sheet(path, name, [tuple(r) for r in worksheet.iter_rows(values_only=True)])
    palette = list(getattr(workbook, "_colors", None) or COLOR_INDEX)
    rows: list[tuple[object, ...]] = []
    blue: list[tuple[bool, ...]] = []
    for cells in worksheet.iter_rows():
        rows.append(tuple(getattr(c, "value", None) for c in cells))
        blue.append(tuple(_is_blue(c, palette) for c in cells))
    return Sheet(path, name, rows, blue)


def year_of(value: object) -> tuple[int, bool] | None:
    """(year, estimate) for a year header such as 2019, '2019' or '2023e'; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer() and 1900 <= value <= 2100:
        return int(value), False
    if isinstance(value, str):
        match = _YEAR.match(value)
        if match:
            return int(match.group(1)), bool(match.group(2))
    return None


@dataclass(frozen=True)
class YearHeader:
    """The header row of a table: its row and, per year column, the year and estimate flag."""

    row: int
    columns: tuple[tuple[int, int, bool], ...]  # (col, year, estimate)

    @property
    def first(self) -> int:
        return self.columns[0][0]

    @property
    def last(self) -> int:
        return self.columns[-1][0]

    @property
    def span(self) -> str:
        return f"{cell_ref(self.row, self.first)}:{cell_ref(self.row, self.last)}"


def year_header(sheet: Sheet, row: int) -> YearHeader:
    """The consecutive run of year headers in ``row`` (2014, 2015, ..., 2024e)."""
    cells = sheet.rows[row]
    found = [(c, year_of(v)) for c, v in enumerate(cells)]
    cols = [(c, y[0], y[1]) for c, y in found if y is not None]
    start = cols[0][0]
    run: list[tuple[int, int, bool]] = []
    for col in range(start, len(cells)):
        parsed = year_of(cells[col])
        if parsed is None:
            if any(c > col for c, _, _ in cols):
                raise sheet.fail(
                    row,
                    col,
                    cells[col],
                    f"a year (e.g. {run[-1][1] + 1} or {run[-1][1] + 1}e) between the year headers",
                )
            break
        if run and parsed[0] != run[-1][1] + 1:
            raise sheet.fail(row, col, cells[col], f"the year after {run[-1][1]}")
        run.append((col, *parsed))
    return YearHeader(row, tuple(run))


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _normal(name: str) -> str:
    text = unicodedata.normalize("NFC", name).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


@cache
def _known_names() -> dict[str, str]:
    names = {_normal(str(n)): str(code) for code, n in _table()["name"].items()}
    names.update({_normal(n): code for code, n in SPECIAL_CODES.items()})
    names.update(NAME_ALIASES)
    return names


@cache
def code_for_name(name: str) -> str | None:
    """ISO3 code (or NATO aggregate code) for a publisher's country name; None if unknown."""
    key = _normal(name)
    known = _known_names()
    if key in known:
        return known[key]
    try:
        return str(pycountry.countries.lookup(key).alpha_3)
    except LookupError:
        return None


def numbers_outside(
    sheet: Sheet, row: int, header: YearHeader, skip: Iterable[int] = ()
) -> int | None:
    """Column of the first number in ``row`` outside the year columns (None if there is none)."""
    years = {c for c, _, _ in header.columns}
    skipped = set(skip)
    for col, value in enumerate(sheet.rows[row]):
        if col not in years and col not in skipped and is_number(value):
            return col
    return None
