"""NATO's "Defence Expenditure of NATO Countries" tables workbook -> the ``nato_spending`` table.

The workbook (e.g. ``240617-def-exp-2024-TABLES-en.xlsx``, ``def-exp-2026-en.xlsx``) has one sheet
per table, TABLE1 ... TABLE8b. In each sheet a row of year headers (``2014 ... 2023e 2024e``; ``e``
marks NATO estimates) sits above one or two sections, each opened by a title row ("Current
prices", "Constant 2015 prices", "Share of real GDP (%)" ...); country rows carry the ally's name
(Table 1 adds the currency in parentheses, a ``*`` marks allies with a national 2% law or
agreement), followed by the "NATO Europe and Canada" and "NATO Total" aggregate rows.

Read from the sheets, not assumed: the edition (last year header of Table 1), the constant-price
base year (section titles or the line under the table title), the definition ("Core defence
expenditure" titles from 2026 on), currencies (ISO 4217 via :mod:`burdenshare.currencies`) and the
``*`` footnote. Table 4 (a 2014 vs latest-year summary of Tables 2 and 3) is not imported. Rows
without a label (spreadsheet residue such as ``#REF!`` lines) are ignored; empty cells are absent
rows, never zeros.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..countries import NATO_AGGREGATES, code_for_name, name
from ..currencies import currency_code
from ..errors import DataError
from ..schemas import NATO_INDICATORS, SPENDING
from ._checks import check_located, workbook_cells
from ._xlsx import (
    Problems,
    Sheet,
    YearHeader,
    is_blank,
    is_number,
    numbers_outside,
    open_workbook,
    read_sheet,
    year_header,
    year_of,
)
from .labels import check_year_label

WHAT = "NATO 'Defence Expenditure of NATO Countries' tables workbook (sheets TABLE1 ... TABLE8b)"
#: Short form of NATO's ``*`` footnote, as carried in the bundled files' ``note`` column.
TWO_PERCENT_NOTE = (
    "* footnote: Ally with national law/political agreement calling for 2% of GDP or more"
)


@dataclass(frozen=True)
class Section:
    """One block of rows in a table: the title that opens it and the indicator it holds."""

    title: str  # regex, matched case-insensitively at the start of the title row's label
    indicator: str
    example: str  # for error messages


#: Sheet -> its sections in order. A sheet with one untitled section uses title "".
TABLES: dict[str, tuple[Section, ...]] = {
    "TABLE1": (
        Section(r"current prices", "defexp_ncu_current_m", "Current prices"),
        Section(r"constant", "defexp_ncu_constant_m", "Constant 2021 prices"),
    ),
    "TABLE2": (
        Section(r"current prices", "defexp_usd_current_m", "Current prices and exchange rates"),
        Section(r"constant", "defexp_usd_constant_m", "Constant 2021 prices and exchange rates"),
    ),
    "TABLE3": (
        Section(r"share of real gdp", "defexp_share_gdp_pct", "Share of real GDP (%)"),
        Section(r"annual real change", "defexp_real_change_pct", "Annual real change (%)"),
    ),
    "TABLE5": (
        Section(r"current prices", "gdp_usd_current_m", "Current prices and exchange rates"),
        Section(r"constant", "gdp_usd_constant_m", "Constant 2021 prices and exchange rates"),
    ),
    "TABLE6": (
        Section(r"gdp per capita", "gdp_per_capita_constant_kusd", "GDP per capita"),
        Section(
            r"(core )?defence expenditure per capita",
            "defexp_per_capita_constant_usd",
            "Defence expenditure per capita (US dollars)",
        ),
    ),
    "TABLE7": (Section("", "military_personnel_k", ""),),
    "TABLE8a": (
        Section(r"equipment", "equipment_share_pct", "Equipment (a)"),
        Section(r"personnel", "personnel_share_pct", "Personnel (b)"),
    ),
    "TABLE8b": (
        Section(r"infrastructure", "infrastructure_share_pct", "Infrastructure (c)"),
        Section(r"other", "other_share_pct", "Other (d)"),
    ),
}

_LABEL = re.compile(r"^(?P<name>[^*(]+?)\s*(?P<star>\*)?\s*(?:\((?P<currency>[^)]*)\))?\s*$")
_BASE_YEAR = re.compile(r"(?:constant\s+)?\(?(\d{4})\)?\s+prices", re.IGNORECASE)
_TITLE = re.compile(r"^\s*table\s*\w+\s*:\s*(.+)$", re.IGNORECASE)
_HEADER_SEARCH_ROWS = 40


def _header(sheet: Sheet) -> YearHeader:
    for row in range(min(_HEADER_SEARCH_ROWS, len(sheet.rows))):
        if sum(year_of(v) is not None for v in sheet.rows[row]) >= 3:
            return year_header(sheet, row)
    raise DataError(
        f"{sheet.path}: sheet '{sheet.name}': no row of year headers (e.g. 2014 2015 ... 2024e)"
        f" in rows 1-{_HEADER_SEARCH_ROWS}. Expected a {WHAT}."
    )


def _label(sheet: Sheet, row: int, header: YearHeader) -> tuple[int, str] | None:
    """The first text cell left of the year columns (the row's label), with its column."""
    for col, value in enumerate(sheet.rows[row][: header.first]):
        if isinstance(value, str) and value.strip():
            return col, value.strip()
    return None


def _title_lines(sheet: Sheet, header: YearHeader) -> list[str]:
    lines = []
    for row in range(header.row):
        lines += [v.strip() for v in sheet.rows[row] if isinstance(v, str) and v.strip()]
    return lines


def _base_year(sheet: Sheet, section_title: str, header: YearHeader, row: int) -> int:
    for text in (section_title, *_title_lines(sheet, header)):
        match = _BASE_YEAR.search(text)
        if match:
            return int(match.group(1))
    raise DataError(
        f"{sheet.path}: {sheet.where(row, 1)}: no constant-price base year found; expected a section"
        " title such as 'Constant 2021 prices' or a line such as 'Based on 2021 prices' under the"
        " table title."
    )


def _footnote(sheet: Sheet, header: YearHeader) -> str:
    """The note for rows whose label carries NATO's ``*``."""
    for row in range(header.row + 1, len(sheet.rows)):
        for value in sheet.rows[row]:
            if isinstance(value, str) and value.strip().startswith("*"):
                text = " ".join(value.split())
                if "national law" in text and "2% of GDP" in text:
                    return TWO_PERCENT_NOTE
                return "* footnote: " + text.lstrip("* ").split(". ")[0].rstrip(".")
    return "* footnote (text not found in the sheet)"


def definition_of(titles: list[str]) -> str:
    """'core defence expenditure' if a table title says so, else 'defence expenditure'."""
    text = " ".join(titles).casefold()
    return (
        "core defence expenditure" if "core defence expenditure" in text else "defence expenditure"
    )


def _parse_table(sheet: Sheet, sections: tuple[Section, ...], problems: Problems) -> list[dict]:
    header = _header(sheet)
    for row in range(header.row):
        for col, value in enumerate(sheet.rows[row]):
            if is_number(value):
                problems.add(
                    sheet, row, col, value, f"no number above the year header row {header.row + 1}"
                )
    untitled = sections[0].title == ""
    current: Section | None = sections[0] if untitled else None
    pending = list(sections[1:] if untitled else sections)
    base_year: int | None = None
    footnote = _footnote(sheet, header)
    seen: dict[str, int] = {}
    records: list[dict] = []
    for row in range(header.row + 1, len(sheet.rows)):
        found = _label(sheet, row, header)
        cells = [(c, sheet.value(row, c), y, e) for c, y, e in header.columns]
        has_values = any(not is_blank(v) for _, v, _, _ in cells)
        if found is None:
            continue  # unlabelled rows: NATO's spreadsheet residue (#REF!, 0 lines)
        label_col, label = found
        if not has_values:
            if pending and re.match(pending[0].title, label, re.IGNORECASE):
                current, pending = pending[0], pending[1:]
                seen = {}
                base_year = None
                if NATO_INDICATORS[current.indicator].prices == "constant":
                    base_year = _base_year(sheet, label, header, row)
            continue
        stray = numbers_outside(sheet, row, header)
        if stray is not None:
            problems.add(
                sheet,
                row,
                stray,
                sheet.value(row, stray),
                f"no number outside the year columns {header.span} (is the header row shifted?)",
            )
            continue
        if current is None:
            problems.add(
                sheet,
                row,
                label_col,
                label,
                f"a section title such as '{pending[0].example}' above the first country row",
            )
            continue
        match = _LABEL.match(label)
        iso3 = code_for_name(match.group("name")) if match else None
        if iso3 is None:
            problems.add(
                sheet,
                row,
                label_col,
                label,
                "an ally's name or 'NATO Europe and Canada'/'NATO Total'",
            )
            continue
        if iso3 in seen:
            problems.add(
                sheet,
                row,
                label_col,
                label,
                f"each country once per section (already in row {seen[iso3] + 1})",
            )
            continue
        seen[iso3] = row
        currency = None
        if current.indicator.startswith("defexp_ncu"):
            named = match.group("currency") if match else None
            if not named:
                problems.add(
                    sheet,
                    row,
                    label_col,
                    label,
                    "the currency in parentheses, e.g. 'Albania (Leks)'",
                )
                continue
            try:
                currency = currency_code(named, iso3)
            except DataError as exc:
                problems.add(sheet, row, label_col, label, str(exc).rstrip("."))
                continue
        note = footnote if match and match.group("star") else ""
        indicator = NATO_INDICATORS[current.indicator]
        for col, value, year, estimate in cells:
            if is_blank(value):
                continue
            if not is_number(value):
                problems.add(sheet, row, col, value, "a number or an empty cell")
                continue
            records.append(
                {
                    "iso3": iso3,
                    "year": year,
                    "indicator": current.indicator,
                    "value": float(value),
                    "unit": indicator.unit,
                    "prices": indicator.prices or None,
                    "price_base_year": base_year if indicator.prices == "constant" else None,
                    "currency": currency,
                    "estimate": estimate,
                    "note": note or None,
                    "_cells": (sheet.name, row, col, label_col),
                }
            )
    if pending:
        raise DataError(
            f"{sheet.path}: sheet '{sheet.name}': no section titled like '{pending[0].example}'"
            f" below the year header row {header.row + 1}. Expected a {WHAT}."
        )
    return records


#: Frame columns taken from a row's label cell (the rest come from the value cell).
_FROM_LABEL = frozenset({"iso3", "country", "currency", "note", "aggregate"})


def read_nato_workbook(path: str | Path, edition: str | None = None) -> pd.DataFrame:
    """Parse NATO's tables workbook into a validated ``nato_spending`` frame (schemas.SPENDING).

    ``edition``: the label to store (default: the last year of Table 1's header, e.g. "2024").
    Raises :class:`~burdenshare.DataError` naming sheet, cell and expectation for any layout
    problem or out-of-range value; nothing is returned unless every table parsed and the frame
    passed the schema.
    """
    path = Path(path)
    if edition is not None:
        check_year_label(edition)
    book = open_workbook(path)
    try:
        sheets = {n: read_sheet(book, n, what=WHAT) for n in TABLES}
    finally:
        book.close()
    problems = Problems(path, WHAT)
    titles: list[str] = []
    for n in ("TABLE1", "TABLE2", "TABLE3"):
        header = _header(sheets[n])
        titles += [m.group(1) for t in _title_lines(sheets[n], header) if (m := _TITLE.match(t))]
    if not titles:
        raise DataError(
            f"{path}: sheets TABLE1-TABLE3 have no title such as 'Table 1 : Defence expenditure'"
            " above the year headers; cannot tell 'defence' from 'core defence' expenditure."
        )
    records: list[dict] = []
    for sheet_name, sections in TABLES.items():
        records += _parse_table(sheets[sheet_name], sections, problems)
    problems.raise_if_any()
    label = edition or str(max(y for _, y, _ in _header(sheets["TABLE1"]).columns))
    frame = pd.DataFrame.from_records(records)
    cells = frame.pop("_cells").tolist()
    frame.insert(1, "country", frame["iso3"].map(name))
    frame["edition"] = label
    frame["definition"] = definition_of(titles)
    frame["aggregate"] = frame["iso3"].isin(NATO_AGGREGATES)
    frame = frame[list(SPENDING.columns)]
    frame["price_base_year"] = frame["price_base_year"].astype("Int64")
    frame["estimate"] = frame["estimate"].astype(bool)

    check_located(frame, SPENDING, problems, workbook_cells(cells, _FROM_LABEL))
    problems.raise_if_any()
    return frame
