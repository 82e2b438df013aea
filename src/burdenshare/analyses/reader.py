"""Reader values for a shown table: what a person sees, never what pandas prints.

:func:`reader_frame` turns a table into text cells by the column's name and values:

- missing (NaN, ``<NA>``, None, NaT) -> :data:`MISSING`, with a note under the table saying why;
- booleans -> "yes" / "no";
- numbers -> thousands separators and the decimals their unit deserves: shares and percentage
  points (``*_pct``, ``*_pp``) two decimals; a column of whole numbers without decimals; other
  numbers two decimals below 100, one below 1,000 and none above; never scientific notation;
  years (a column or index named like a year) without separators;
- ISO3 codes -> country names (an ``iso3`` index or column; a list or tuple of codes becomes
  "Poland, Germany"); an ``iso3`` column beside a ``country`` column is dropped;
- internal ids (``*_id``, ``ref``, ``source_row``) are dropped; URLs become links named by their
  site; snake_case words become words ("zero_may_be_blank" -> "zero may be blank");
- a default 0..n-1 index is not shown.

The CSV a report offers for download keeps the original columns at full precision (see
:func:`burdenshare.analyses.display.show`).
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from ..countries import name as country_name
from ..errors import ParameterError

#: What a missing value shows as.
MISSING = "–"
#: The note under a table with a missing value, unless the analysis gives its own reason.
MISSING_NOTE = f"{MISSING} no figure: not published, not comparable or not applicable."
#: Columns that hold internal identifiers (dropped from the visible table; kept in the CSV).
ID_COLUMNS = re.compile(r"^(?:ref|source_row|row_ref|[a-z_]*_id|id)$")
#: Columns that refer to other rows by their id: shown as what they refer to.
REFERENCES = re.compile(r"^(?:part_of|alternative_to|[a-z_]+_ref)$")
#: Columns that name a row for a reader, in order of preference (with its date, if any).
ROW_NAMES = ("donor", "country", "description", "lane", "topic")
YEAR_NAMES = re.compile(r"(?:^|_)(?:year|years|t0|start|end|from|to)(?:_|$)")
ISO3 = re.compile(r"^[A-Z]{3}$")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
URL = re.compile(r"^https?://\S+$")


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(float(value))
    return False


def _country(code: str) -> str:
    try:
        return country_name(code)
    except ParameterError:
        return code


def _is_year_column(name: object, values: pd.Series) -> bool:
    if not YEAR_NAMES.search(str(name).lower()):
        return False
    numbers_ = pd.to_numeric(values, errors="coerce").dropna()
    return bool(len(numbers_)) and bool(((numbers_ >= 1800) & (numbers_ <= 2200)).all())


def _numbers(values: pd.Series) -> pd.Series:
    """The real numbers of a column (booleans and text left out), as floats."""
    kept = [
        float(v)
        for v in values
        if isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_) and not _missing(v)
    ]
    return pd.Series(kept, dtype=float)


def _decimals(name: str, values: pd.Series) -> int:
    """Decimals for a column of numbers: none for whole numbers; by unit (two for % and pp,
    none for millions, one for billions); else by the size of its largest number (two below
    10, one below 1,000, none above)."""
    finite = values[np.isfinite(values)]
    if len(finite) and bool((finite == np.round(finite)).all()):
        return 0
    if name.endswith(("_pct", "_pp")) or "%" in name or "(pp" in name:
        return 2
    if name.endswith("_m") or "million" in name:
        return 0
    if name.endswith("_bn") or "bn" in name or "billion" in name:
        return 1
    largest = float(finite.abs().max()) if len(finite) else 0.0
    return 2 if largest < 10 else 1 if largest < 1000 else 0


def number(value: float, decimals: int, *, separators: bool = True) -> str:
    """A number as a reader reads it: ``1629630.0`` -> "1,629,630"; ``-0.0`` -> "0"."""
    text = f"{value:,.{decimals}f}" if separators else f"{value:.{decimals}f}"
    return "0" if text.lstrip("-").strip("0.,") == "" else text


def _word(text: str) -> str:
    return text.replace("_", " ") if SNAKE.match(text) else text


def _cell(value: object, *, decimals: int, year: bool, links: bool, codes: bool = True) -> str:
    if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Index):
        items = [v for v in value if not _missing(v)]
        if not items:
            return MISSING
        return ", ".join(
            _cell(v, decimals=decimals, year=year, links=links, codes=codes) for v in items
        )
    if _missing(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return str(int(value)) if year else f"{int(value):,}"
    if isinstance(value, numbers.Real):
        number_ = float(value)
        if math.isinf(number_):
            return "∞" if number_ > 0 else "-∞"
        if year and number_ == round(number_):
            return str(int(number_))
        return number(number_, decimals)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    text = str(value)
    if codes and ISO3.match(text):
        return _country(text)
    if links and URL.match(text):
        site = (urlsplit(text).hostname or "source").removeprefix("www.")
        return f'<a href="{html.escape(text, quote=True)}">{html.escape(site)}</a>'
    return html.escape(_word(text)) if links else _word(text)


def _column(name: object, values: pd.Series, *, links: bool) -> list[str]:
    year = _is_year_column(name, values)
    codes = not re.search(r"currency|unit", str(name).lower())
    decimals = _decimals(str(name), _numbers(values))
    return [_cell(v, decimals=decimals, year=year, links=links, codes=codes) for v in values]


def _named(table: pd.DataFrame) -> bool:
    """Whether a column already names the country (an ISO3 code beside it adds nothing)."""
    return "country" in table.columns or "donor" in table.columns


def _row_labels(table: pd.DataFrame) -> dict[str, str]:
    """Each row's id (an id column or index level) -> a name a reader knows it by."""
    flat = table.reset_index()
    ids = [c for c in flat.columns if ID_COLUMNS.match(str(c))]
    named = next((c for c in ROW_NAMES if c in flat.columns), None)
    if not ids or named is None:
        return {}
    labels = {}
    for _, row in flat.iterrows():
        text = _cell(row[named], decimals=2, year=False, links=False)
        if "date" in flat.columns and not _missing(row["date"]):
            text = f"{text} ({_cell(row['date'], decimals=0, year=True, links=False)})"
        for column in ids:
            if not _missing(row[column]):
                labels[str(row[column])] = text
    return labels


def _resolve_references(table: pd.DataFrame) -> pd.DataFrame:
    """References to other rows by id (``part_of: P002``) as what they refer to ("Denmark;
    Norway; Sweden (2025-08-05)"); an id not in the table as "another report"."""
    columns = [c for c in table.columns if REFERENCES.match(str(c))]
    if not columns:
        return table
    labels = _row_labels(table)

    def said(value: object) -> object:
        if _missing(value) or not str(value).strip():
            return value
        parts = [p.strip() for p in re.split(r"[;,]", str(value)) if p.strip()]
        return "; ".join(labels.get(p, "another report") for p in parts)

    out = table.copy()
    for column in columns:
        out[column] = out[column].astype(object).map(said)
    return out


def _visible_columns(table: pd.DataFrame) -> list[object]:
    columns = [c for c in table.columns if not ID_COLUMNS.match(str(c))]
    if "iso3" in columns and _named(table):
        columns.remove("iso3")
    return columns or list(table.columns)


def _visible_index(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` without index levels a reader does not need: a default 0..n-1 index, internal
    ids, an ISO3 level beside a country column."""
    index = table.index
    names = list(index.names)
    drop = [
        i
        for i, n in enumerate(names)
        if n is not None and (ID_COLUMNS.match(str(n)) or (n == "iso3" and _named(table)))
    ]
    if len(drop) == len(names):
        return table.reset_index(drop=True)
    return table.droplevel(drop) if drop else table


def _index(table: pd.DataFrame, *, links: bool) -> pd.Index | None:
    """The index to show, with country names and plain years; None for a default index."""
    index = table.index
    if isinstance(index, pd.RangeIndex) and index.name is None:
        return None
    if isinstance(index, pd.MultiIndex):
        levels = [
            pd.Index(_column(n, pd.Series(index.get_level_values(i)), links=links), name=n)
            for i, n in enumerate(index.names)
        ]
        return pd.MultiIndex.from_arrays(levels, names=index.names)
    return pd.Index(_column(index.name, pd.Series(index), links=links), name=index.name)


@dataclass
class ReaderTable:
    """A table as a reader sees it: text cells, readable headers, a note for missing values.

    Displayed in a notebook it gives both ``text/html`` (links live) and ``text/plain``.
    """

    cells: pd.DataFrame
    html_cells: pd.DataFrame
    show_index: bool
    note: str | None
    label: str = "Table"

    def __repr__(self) -> str:
        text = self.cells.to_string(index=self.show_index)
        return f"{text}\n{self.note}" if self.note else text

    def _repr_html_(self) -> str:
        table = self.html_cells.to_html(
            index=self.show_index, escape=False, border=0, classes="reader-table"
        )
        label = html.escape(self.label, quote=True)
        # a wide table scrolls in its own box, which a keyboard can reach
        body = f'<div class="bs-scroll" role="region" tabindex="0" aria-label="{label}">\n'
        body += f"{table}\n</div>"
        if self.note:
            body += f'\n<p class="table-note">{html.escape(self.note)}</p>'
        return body


def reader_frame(
    table: pd.DataFrame,
    headers: Mapping[str, str] | None = None,
    *,
    missing: str | None = None,
    label: str = "Table",
) -> ReaderTable:
    """The reader's view of ``table`` (see the module docstring); ``headers`` names columns,
    ``missing`` says why a value is missing (default :data:`MISSING_NOTE`), ``label`` names the
    table for screen readers."""
    from .display import readable

    table = _resolve_references(table)
    columns = _visible_columns(table)
    shown = _visible_index(table[columns])
    views = []
    for links in (False, True):
        cells = pd.DataFrame(
            {i: _column(c, shown.iloc[:, i], links=links) for i, c in enumerate(columns)}
        )
        cells.columns = [_header(c, headers, readable, links) for c in columns]
        index = _index(shown, links=links)
        if index is not None:
            cells.index = index
            names = [_header(n, headers, readable, links) if n else "" for n in index.names]
            cells.index = cells.index.set_names(names)
        views.append(cells)
    text, markup = views
    has_missing = bool((text == MISSING).to_numpy().any()) or any(
        MISSING in str(v) for v in text.index
    )
    note = (missing or MISSING_NOTE) if has_missing else None
    return ReaderTable(text, markup, _index(shown, links=False) is not None, note, label)


def _header(column: object, headers: Mapping[str, str] | None, readable, links: bool) -> str:
    if column == "iso3":
        return "Country"
    if isinstance(column, tuple):
        text = " – ".join(readable(part, headers) for part in column if str(part))
    else:
        text = readable(column, headers)
    return html.escape(text) if links else text
