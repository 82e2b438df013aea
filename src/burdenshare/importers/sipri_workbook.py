"""SIPRI's Military Expenditure Database workbook -> the ``sipri_milex`` table.

The workbook (e.g. ``SIPRI-Milex-data-1949-2024_2.xlsx``, April 2025 release) has one sheet per
measure. Each sheet has a header row starting with "Country" in column A, then note/currency
columns and one column per year; below it, region and sub-region rows (a name, no values) and one
row per country. Markers: an empty cell, "..." (no data) and "xxx" (the country did not exist) are
absent rows, never zeros. Figures in blue font are SIPRI estimates (``estimate`` True); SIPRI's red
"highly uncertain" colour is not carried. Shares are stored by SIPRI as fractions and converted to
percent (value x 100), as in the bundled files.

Sheets read (indicator): "Constant (YYYY) US$" (milex_usd_constant_m, base year YYYY), "Current
US$", "Share of GDP", "Per capita", "Share of Govt. spending" and "Local currency calendar years"
(milex_lcu_current, currency names -> ISO 4217). The release label defaults to the last data year
+ 1 (the 1949-2024 data are the 2025 release).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..countries import code_for_name, nato_allies
from ..countries import name as country_name
from ..currencies import currency_code
from ..errors import DataError
from ..schemas import SIPRI, SIPRI_INDICATORS
from ._checks import check_located, workbook_cells
from ._xlsx import (
    Problems,
    Sheet,
    YearHeader,
    is_blank,
    is_number,
    open_workbook,
    read_sheet,
    year_header,
    year_of,
)
from .labels import check_year_label

WHAT = "SIPRI Military Expenditure Database workbook (SIPRI-Milex-data-1949-YYYY.xlsx)"
#: Cell texts SIPRI uses for "no figure": no data, country did not exist.
ABSENT_MARKERS = frozenset({"...", ". .", "..", "xxx"})
#: Countries kept by default besides the NATO allies (as in the bundled files).
EXTRA_COUNTRIES = ("UKR", "RUS")
_CONSTANT = re.compile(r"^Constant \((\d{4})\) US\$$")
_HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class Measure:
    """One SIPRI sheet: its name (a regex for the constant-price sheet) and indicator."""

    sheet: str
    indicator: str
    share: bool = False  # stored as a fraction, converted to percent


MEASURES: tuple[Measure, ...] = (
    Measure(_CONSTANT.pattern, "milex_usd_constant_m"),
    Measure("Current US$", "milex_usd_current_m"),
    Measure("Share of GDP", "milex_share_gdp_pct", share=True),
    Measure("Per capita", "milex_per_capita_usd"),
    Measure("Share of Govt. spending", "milex_share_govt_pct", share=True),
    Measure("Local currency calendar years", "milex_lcu_current"),
)


def default_countries() -> list[str]:
    """The bundled files' coverage: today's NATO allies plus Ukraine and Russia."""
    return [*nato_allies(), *EXTRA_COUNTRIES]


def _header(sheet: Sheet) -> YearHeader:
    for row in range(min(_HEADER_SEARCH_ROWS, len(sheet.rows))):
        first = sheet.value(row, 0)
        if isinstance(first, str) and first.strip().casefold() == "country":
            if not any(year_of(v) is not None for v in sheet.rows[row]):
                raise sheet.fail(row, 1, sheet.value(row, 1), "year headers (1949, 1950, ...)")
            return year_header(sheet, row)
    raise DataError(
        f"{sheet.path}: sheet '{sheet.name}', column A: no header cell 'Country' in rows"
        f" 1-{_HEADER_SEARCH_ROWS}. Expected a {WHAT}."
    )


def _currency_column(sheet: Sheet, header: YearHeader) -> int:
    for col, value in enumerate(sheet.rows[header.row][: header.first]):
        if isinstance(value, str) and value.strip().casefold() == "currency":
            return col
    raise sheet.fail(header.row, 1, sheet.value(header.row, 1), "a 'Currency' column header")


def _parse_sheet(
    sheet: Sheet, measure: Measure, wanted: set[str], problems: Problems
) -> tuple[list[dict], YearHeader]:
    header = _header(sheet)
    base_year = None
    if measure.indicator == "milex_usd_constant_m":
        match = _CONSTANT.match(sheet.name)
        base_year = int(match.group(1)) if match else None
    currency_col = (
        _currency_column(sheet, header) if measure.indicator == "milex_lcu_current" else -1
    )
    indicator = SIPRI_INDICATORS[measure.indicator]
    year_cols = {c for c, _, _ in header.columns}
    seen: dict[str, int] = {}
    records: list[dict] = []
    for row in range(header.row + 1, len(sheet.rows)):
        label = sheet.value(row, 0)
        if not isinstance(label, str) or not label.strip():
            continue
        iso3 = code_for_name(label)
        if iso3 not in wanted:
            continue
        if iso3 in seen:
            problems.add(
                sheet, row, 0, label, f"each country once (already in row {seen[iso3] + 1})"
            )
            continue
        seen[iso3] = row
        stray = [c for c, v in enumerate(sheet.rows[row]) if c not in year_cols and is_number(v)]
        if stray:
            problems.add(
                sheet,
                row,
                stray[0],
                sheet.value(row, stray[0]),
                f"no number outside the year columns {header.span} (is the header row shifted?)",
            )
            continue
        currency = None
        if measure.indicator == "milex_lcu_current":
            named = sheet.value(row, currency_col)
            try:
                currency = currency_code(str(named or ""), iso3)
            except DataError as exc:
                problems.add(sheet, row, currency_col, named, str(exc).rstrip("."))
                continue
        for col, year, _ in header.columns:
            value = sheet.value(row, col)
            if is_blank(value) or (isinstance(value, str) and value.strip() in ABSENT_MARKERS):
                continue
            if not is_number(value):
                problems.add(sheet, row, col, value, "a number, '...', 'xxx' or an empty cell")
                continue
            number = float(value) * 100 if measure.share else float(value)
            blue = sheet.blue is not None and col < len(sheet.blue[row]) and sheet.blue[row][col]
            records.append(
                {
                    "iso3": iso3,
                    "year": year,
                    "indicator": measure.indicator,
                    "value": number,
                    "unit": indicator.unit,
                    "price_base_year": base_year,
                    "currency": currency,
                    "estimate": bool(blue),
                    "raw": value,
                    "cell": (row, col),
                    "_cells": (sheet.name, row, col, currency_col if currency else 0),
                }
            )
    missing = sorted(wanted - set(seen))
    if missing:
        listed = ", ".join(f"{country_name(c)} ({c})" for c in missing)
        problems.items.append(
            f"sheet '{sheet.name}', column A: no row for {listed}; pass countries= to import"
            " fewer, or, if SIPRI renamed a country, add the name to"
            " burdenshare.countries.NAME_ALIASES"
        )
    return records, header


def _check_fractions(sheet: Sheet, records: list[dict], problems: Problems) -> None:
    """SIPRI stores shares as fractions: a stored value above 1 means the format changed."""
    for record in records:
        if is_number(record["raw"]) and record["raw"] > 1:
            row, col = record["cell"]
            problems.add(sheet, row, col, record["raw"], "a fraction (0.0345 for 3.45%)")
            return


def _sheet_for(names: list[str], measure: Measure, path: Path) -> str:
    if measure.indicator != "milex_usd_constant_m":
        return measure.sheet
    matches = [n for n in names if _CONSTANT.match(n)]
    if len(matches) != 1:
        raise DataError(
            f"{path}: expected exactly one sheet named like 'Constant (2023) US$', found"
            f" {matches or 'none'} (the workbook has: {', '.join(names)}). Expected a {WHAT}."
        )
    return matches[0]


#: Frame columns taken from a row's country (or currency) cell; the rest from the value cell.
_FROM_LABEL = frozenset({"iso3", "country", "currency"})


def read_sipri_workbook(
    path: str | Path,
    release: str | None = None,
    countries: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Parse SIPRI's Milex workbook into a validated ``sipri_milex`` frame (schemas.SIPRI).

    ``release``: the label to store (default: last year in the headers + 1, e.g. "2025" for the
    1949-2024 workbook). ``countries``: ISO3 codes to keep (default: :func:`default_countries`,
    the 32 NATO allies, Ukraine and Russia, like the bundled files); every one must have a row in
    every sheet. Raises :class:`~burdenshare.DataError` naming sheet, cell and expectation.
    """
    path = Path(path)
    if release is not None:
        check_year_label(release, "Release label")
    wanted = set(countries) if countries is not None else set(default_countries())
    book = open_workbook(path)
    try:
        names = book.sheetnames
        sheets = [
            read_sheet(book, _sheet_for(names, m, path), fonts=True, what=WHAT) for m in MEASURES
        ]
    finally:
        book.close()
    problems = Problems(path, WHAT)
    records: list[dict] = []
    last_years: list[int] = []
    for measure, sheet in zip(MEASURES, sheets, strict=True):
        found, header = _parse_sheet(sheet, measure, wanted, problems)
        if measure.share:
            _check_fractions(sheet, found, problems)
        records += found
        last_years.append(header.columns[-1][1])
    problems.raise_if_any()
    label = release or str(max(last_years) + 1)
    frame = pd.DataFrame.from_records(records).drop(columns=["raw", "cell"])
    cells = frame.pop("_cells").tolist()
    frame.insert(1, "country", frame["iso3"].map(country_name))
    frame["release"] = label
    frame = frame[list(SIPRI.columns)]
    frame["price_base_year"] = frame["price_base_year"].astype("Int64")
    frame["estimate"] = frame["estimate"].astype(bool)

    check_located(frame, SIPRI, problems, workbook_cells(cells, _FROM_LABEL))
    problems.raise_if_any()
    return frame
