"""Reading publishers' workbooks cell by cell, with errors that name the sheet and the cell.

A workbook is read with openpyxl in read-only mode, from bytes read as a regular file within the
size limit (:func:`burdenshare.paths.read_regular_file`); its members may not unpack to more than
that limit, and a sheet may hold at most :data:`MAX_SHEET_ROWS` rows and :data:`MAX_SHEET_COLUMNS`
columns (a declared dimension such as ``A1:XFD1048576`` is not believed), so a small hostile file
cannot make an import run for hours or exhaust memory. Formula cells are served by the value the
workbook stored when it was last saved; a formula without a stored value (a workbook written by a
script and never recalculated) stops the import naming its sheet and cell, since its value is
unknown. Every layout problem raises :class:`~burdenshare.DataError` saying which file, sheet and
cell broke and what was expected there, so a changed release format never produces a
half-imported edition.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles.colors import COLOR_INDEX, ColorList
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.xml.constants import ARC_STYLE, SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring

from ..errors import DataError
from ..paths import MAX_FILE_ENV, max_file_bytes, read_regular_file
from ..validation import MAX_LISTED

#: Bounds of one sheet: the publishers' tables are a few hundred rows by about a hundred columns.
MAX_SHEET_ROWS = 10_000
MAX_SHEET_COLUMNS = 1_000
_YEAR = re.compile(r"^\s*(\d{4})\s*(e)?\s*$", re.IGNORECASE)
#: Publishers' country names that neither data/countries.csv nor pycountry resolve.


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
        self.at(sheet.where(row, col), got, expected)

    def at(self, place: str, got: object, expected: str) -> None:
        """A problem at a place described in words (a cell, or a file, line and column)."""
        self.items.append(f"{place}: got {got!r}, expected {expected}")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        listed = "\n  ".join(self.items[:MAX_LISTED])
        more = len(self.items) - MAX_LISTED
        tail = f"\n  ... and {more} more problem(s)" if more > 0 else ""
        raise DataError(
            f"{self.path}: {len(self.items)} problem(s) in this {self.what}:\n  {listed}{tail}\n"
            "Nothing was imported. Check the places named; if the publisher changed the layout,"
            " please report it with the file name."
        )


class Workbook:
    """A publisher's .xlsx file opened read-only: formulas as written, and (opened only when a
    sheet holds formulas) the values the workbook stored for them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.raw = read_regular_file(path, what="an .xlsx workbook")
        _check_members(path, self.raw)
        self._formulas = _load(path, self.raw, data_only=False)
        self._values: openpyxl.Workbook | None = None
        self._palette: list[str] | None = None

    @property
    def sheetnames(self) -> list[str]:
        return list(self._formulas.sheetnames)

    @property
    def palette(self) -> list[str]:
        """The workbook's indexed colours (openpyxl's default palette if it has none)."""
        if self._palette is None:
            self._palette = _indexed_colours(self.raw)
        return list(self._palette)

    def formulas(self, name: str) -> object:
        return self._formulas[name]

    def stored_values(self, name: str) -> object:
        if self._values is None:
            self._values = _load(self.path, self.raw, data_only=True)
        return self._values[name]

    def close(self) -> None:
        self._formulas.close()
        if self._values is not None:
            self._values.close()


def _check_members(path: Path, raw: bytes) -> None:
    """A DataError when the workbook's members would unpack to more than the size limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataError(
            f"{path}: not a readable .xlsx workbook ({exc}). Pass the publisher's Excel file as"
            " downloaded (not a CSV, PDF or .xls)."
        ) from None
    limit = max_file_bytes()
    if unpacked > limit:
        raise DataError(
            f"{path}: its parts unpack to {unpacked / 1e6:,.0f} MB, above the size limit of"
            f" {limit / 1e6:,.0f} MB; a publisher's workbook is far smaller. Pass the workbook as"
            f" downloaded (or, if it is right, set {MAX_FILE_ENV} to a larger number of MB)."
        )


def _load(path: Path, raw: bytes, *, data_only: bool) -> openpyxl.Workbook:
    try:
        # the data of a read-only workbook is read lazily from the zip member; keep_links off
        return openpyxl.load_workbook(
            io.BytesIO(raw), read_only=True, data_only=data_only, keep_links=False
        )
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataError(
            f"{path}: not a readable .xlsx workbook ({exc}). Pass the publisher's Excel file as"
            " downloaded (not a CSV, PDF or .xls)."
        ) from None


def open_workbook(path: Path) -> Workbook:
    """Open an .xlsx file read-only, or raise a DataError saying why it cannot be read."""
    return Workbook(path)


def sheet_rows(path: Path, name: str, worksheet: object, values_only: bool) -> list[tuple]:
    """The rows of a read-only worksheet, at most :data:`MAX_SHEET_ROWS` by
    :data:`MAX_SHEET_COLUMNS`, or a DataError naming the sheet and the cell beyond them. A
    declared dimension beyond the bounds is ignored (rows are then as wide as their cells)."""
    rows_declared = getattr(worksheet, "max_row", None) or 0
    columns_declared = getattr(worksheet, "max_column", None) or 0
    if rows_declared > MAX_SHEET_ROWS or columns_declared > MAX_SHEET_COLUMNS:
        worksheet.reset_dimensions()  # type: ignore[attr-defined]
    rows = []
    for r, cells in enumerate(worksheet.iter_rows(values_only=values_only)):  # type: ignore[attr-defined]
        if len(cells) > MAX_SHEET_COLUMNS:
            values = cells if values_only else [getattr(c, "value", None) for c in cells]
            used = [c for c, v in enumerate(values) if v is not None]
            if used and used[-1] >= MAX_SHEET_COLUMNS:
                raise _too_big(path, name, r, used[-1])
            cells = cells[: max(used, default=-1) + 1]
        if r >= MAX_SHEET_ROWS:
            raise _too_big(path, name, r, 0)
        rows.append(tuple(cells))
    width = max((len(cells) for cells in rows), default=0)
    filler = None if values_only else _EMPTY
    return [cells + (filler,) * (width - len(cells)) for cells in rows]


class _Empty:
    value = None
    font = None


_EMPTY = _Empty()


def _too_big(path: Path, name: str, row: int, col: int) -> DataError:
    return DataError(
        f"{path}: sheet '{name}' reaches cell {cell_ref(row, col)}, beyond {MAX_SHEET_ROWS:,} rows"
        f" by {MAX_SHEET_COLUMNS:,} columns; a publisher's table is far smaller. Pass the"
        " publisher's workbook as downloaded."
    )


def _is_formula(value: object) -> bool:
    return isinstance(value, ArrayFormula | DataTableFormula) or (
        isinstance(value, str) and value.startswith("=")
    )


def _formula_text(value: object) -> str:
    text = getattr(value, "text", None)
    return str(text if text is not None else value)


def _resolve_formulas(
    book: Workbook, name: str, rows: list[tuple[object, ...]]
) -> list[tuple[object, ...]]:
    """Replace formula cells by the values the workbook stored for them; a formula without a
    stored value raises a DataError naming the sheet and the cells."""
    formulas = {
        (r, c): v for r, cells in enumerate(rows) for c, v in enumerate(cells) if _is_formula(v)
    }
    if not formulas:
        return rows
    stored: dict[tuple[int, int], object] = {}
    for r, cells in enumerate(sheet_rows(book.path, name, book.stored_values(name), True)):
        for c, value in enumerate(cells):
            if (r, c) in formulas:
                stored[(r, c)] = value
    missing = [(r, c) for (r, c) in formulas if stored.get((r, c)) is None]
    if missing:
        listed = "; ".join(
            f"sheet '{name}', cell {cell_ref(r, c)} ({_formula_text(formulas[(r, c)])})"
            for r, c in missing[:MAX_LISTED]
        )
        more = f"; and {len(missing) - MAX_LISTED} more" if len(missing) > MAX_LISTED else ""
        raise DataError(
            f"{book.path}: {len(missing)} formula cell(s) without a stored value: {listed}{more}."
            " The workbook was saved without computed values (e.g. written by a script); open it"
            " in Excel or LibreOffice, let it recalculate, save it, and import it again. Nothing"
            " was imported."
        )
    resolved = [list(cells) for cells in rows]
    for (r, c), value in stored.items():
        resolved[r][c] = value
    return [tuple(cells) for cells in resolved]


def _indexed_colours(raw: bytes) -> list[str]:
    """A workbook's indexed colours (``<colors><indexedColors>`` in its stylesheet), read as
    openpyxl reads them; openpyxl's default palette when it has none."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        try:
            styles = fromstring(archive.read(ARC_STYLE))
        except KeyError:  # no stylesheet
            return list(COLOR_INDEX)
    node = styles.find(f"{{{SHEET_MAIN_NS}}}colors")
    colours = ColorList.from_tree(node).index if node is not None else []
    return list(colours or COLOR_INDEX)


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


def read_sheet(book: Workbook, name: str, *, fonts: bool = False, what: str = "") -> Sheet:
    """All values of sheet ``name`` (and blue-font flags when ``fonts``); DataError if absent."""
    path = book.path
    if name not in book.sheetnames:
        raise DataError(
            f"{path}: no sheet '{name}' (the workbook has: {', '.join(book.sheetnames)}). "
            f"Expected {what or 'the publisher’s release workbook'}; pass the right file or, if "
            "the publisher renamed the sheet, report it."
        )
    worksheet = book.formulas(name)
    if not fonts:
        rows = sheet_rows(path, name, worksheet, values_only=True)
        return Sheet(path, name, _resolve_formulas(book, name, rows))
    palette = book.palette
    rows = []
    blue: list[tuple[bool, ...]] = []
    for cells in sheet_rows(path, name, worksheet, values_only=False):
        rows.append(tuple(getattr(c, "value", None) for c in cells))
        blue.append(tuple(_is_blue(c, palette) for c in cells))
    return Sheet(path, name, _resolve_formulas(book, name, rows), blue)


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
    """A finite int or float (not a bool, not NaN or infinity)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
