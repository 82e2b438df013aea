"""Kiel Institute's Ukraine Support Tracker release files -> the Kiel tables of one release.

Kiel publishes the chart data of the tracker's web pages as six CSV files per release (release 29:
``../shared/sources/raw/kiel_ust_r29_website/``, provenance in its SOURCES.md):

- ``release_info.csv``: release number ("29"), period ("04/2026": the last month with data),
  publication date and a label;
- ``data_explorer.csv``: per donor (``country``, ``iso``; "EU" = the EU institutions) and month:
  allocations (total, financial, humanitarian, military), commitments, ``to_be_allocated``
  (commitments minus allocations, may be negative), the donor's 2021 GDP and allocations as % of
  it -> ``kiel_support_monthly``;
- ``total_allocations.csv`` (all donors per month by aid type) and ``procurement_trends.csv``
  (military allocations by source: stockpile, procurement, unspecified, nato_purl) ->
  ``kiel_support_monthly_totals``;
- ``eu_aid_shares.csv``: EU members' allocations as % of 2021 GDP and their share of the EU
  institutions' aid (% of GDP and billion EUR) -> ``kiel_support`` (per donor, like bundled R29);
- ``weapons.csv``: heavy weapons per donor and category (count, EUR value, items) ->
  ``kiel_heavy_weapons``.

Money is billion EUR, except the weapons' value (EUR). Each file's header is checked by name (a
renamed, missing or new column stops the import naming the file and the column: a new column is
usually a new aid type or source), every cell by type, every month against the release's own
period (so a new release needs no code change), and every donor's name against its code (a
mismatch is an error, never a new country). The tables are built as the bundled R29 tables were,
so importing R29's files reproduces them value for value; the donors' 2021 GDP is checked but not
stored (the bundled ``kiel_donor_gdp`` table holds it).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import datasets
from ..countries import code_for_name, eu_members, is_known_code
from ..errors import DataError
from ..paths import MAX_FILE_ENV, max_file_bytes, missing_reason, read_regular_file
from ..schemas import HEAVY_WEAPONS, SUPPORT, SUPPORT_MONTHLY, SUPPORT_MONTHLY_TOTALS
from ..schemas import KIEL_FIRST_MONTH as FIRST_MONTH
from ..validation import TableSpec, read_text
from ._checks import check_located
from ._xlsx import Problems
from .labels import check_kiel_label

WHAT = (
    "set of Kiel Ukraine Support Tracker release files (release_info.csv, data_explorer.csv, ...)"
)
LICENCE = (
    "Kiel Institute for the World Economy, Ukraine Support Tracker: published for research use"
    " with citation (Trebesch et al., 'The Ukraine Support Tracker', Kiel Working Paper 2218)."
)
#: Kiel's donor codes that are not ISO3 codes -> ours.
KIEL_CODES = {"EU": "EU_INST"}

#: Each file's columns and their kinds: text, code (donor code), year, month (1-12), number
#: (a finite decimal), count (a whole number >= 0).
LAYOUTS: dict[str, dict[str, str]] = {
    "release_info.csv": {"release": "text", "period": "text", "date": "text", "label": "text"},
    "data_explorer.csv": {
        "country": "text",
        "iso": "code",
        "year": "year",
        "month": "month",
        "total": "number",
        "financial": "number",
        "humanitarian": "number",
        "military": "number",
        "commitments": "number",
        "to_be_allocated": "number",
        "gdp": "number",
        "pct_gdp": "number",
    },
    "total_allocations.csv": {
        "year": "year",
        "month": "month",
        "total_allocations": "number",
        "military": "number",
        "financial": "number",
        "humanitarian": "number",
    },
    "procurement_trends.csv": {
        "year": "year",
        "month": "month",
        "stockpile": "number",
        "procurement": "number",
        "unspecified": "number",
        "nato_purl": "number",
    },
    "eu_aid_shares.csv": {
        "country": "text",
        "iso": "code",
        "bilateral_pct_gdp": "number",
        "eu_share_pct_gdp": "number",
        "total_pct_gdp": "number",
        "eu_share_bn": "number",
    },
    "weapons.csv": {
        "donor": "text",
        "category": "text",
        "number_of_weapons": "count",
        "monetary_value_eur": "number",
        "weapons_list": "text",
    },
}
#: Columns that identify a row of each file (each combination once).
KEYS: dict[str, tuple[str, ...]] = {
    "data_explorer.csv": ("iso", "year", "month"),
    "total_allocations.csv": ("year", "month"),
    "procurement_trends.csv": ("year", "month"),
    "eu_aid_shares.csv": ("iso",),
    "weapons.csv": ("donor", "category"),
}
#: Cells that may be empty: (file, column).
OPTIONAL_CELLS = frozenset({("weapons.csv", "weapons_list")})

#: data_explorer.csv column -> (measure, aid_type, unit) of the monthly table, in output order.
MONTHLY_COLUMNS = {
    "total": ("allocation", "total", "billion EUR"),
    "financial": ("allocation", "financial", "billion EUR"),
    "humanitarian": ("allocation", "humanitarian", "billion EUR"),
    "military": ("allocation", "military", "billion EUR"),
    "commitments": ("commitment", "total", "billion EUR"),
    "to_be_allocated": ("commitment_minus_allocation", "total", "billion EUR"),
    "pct_gdp": ("allocation", "total", "% of 2021 GDP"),
}
#: total_allocations.csv column -> aid_type; procurement_trends.csv column -> military_source.
TOTAL_COLUMNS = {
    "total_allocations": "total",
    "military": "military",
    "financial": "financial",
    "humanitarian": "humanitarian",
}
SOURCE_COLUMNS = ("stockpile", "procurement", "unspecified", "nato_purl")
#: eu_aid_shares.csv column -> (scope, unit) of the per-donor summary (measure allocation, total).
SHARE_COLUMNS = {
    "bilateral_pct_gdp": ("bilateral", "% of 2021 GDP"),
    "eu_share_pct_gdp": ("eu_share", "% of 2021 GDP"),
    "total_pct_gdp": ("bilateral_plus_eu_share", "% of 2021 GDP"),
    "eu_share_bn": ("eu_share", "billion EUR"),
}
_CURRENCY = {"billion EUR": "EUR", "% of 2021 GDP": None}

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[0-9]+")
_CODE = re.compile(r"[A-Z]{2,3}")
_RELEASE = re.compile(r"([0-9]{2})(v[0-9]+)?")
_PERIOD = re.compile(r"(0[1-9]|1[0-2])/([0-9]{4})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# ------------------------------------------------------------------------------------------------
# The files: a folder or a zip of them
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SourceFile:
    """One release file: its name, how messages show it, and its bytes."""

    name: str
    shown: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _from_zip(path: Path) -> dict[str, SourceFile]:
    raw = read_regular_file(path, what="a .zip of Kiel's release files")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(
            f"{path}: not a readable zip archive ({exc}). Pass the folder with Kiel's six CSV"
            " files, or a .zip of them."
        ) from None
    found: dict[str, SourceFile] = {}
    with archive:
        for member in archive.infolist():
            base = member.filename.rsplit("/", 1)[-1]
            if member.is_dir() or base not in LAYOUTS:
                continue
            shown = f"{path}:{member.filename}"
            if base in found:
                raise DataError(
                    f"{shown}: a second {base} in the archive (first: {found[base].shown}). Zip"
                    " one release's six files only."
                )
            if member.file_size > max_file_bytes():
                raise DataError(
                    f"{shown}: {member.file_size:,} bytes when unpacked, above the size limit of"
                    f" {max_file_bytes() / 1e6:,.0f} MB; Kiel's release files are far smaller."
                    f" Check the archive (or, if it is right, set {MAX_FILE_ENV} to more MB)."
                )
            try:
                data = archive.read(member)
            except (zipfile.BadZipFile, RuntimeError, OSError, NotImplementedError) as exc:
                raise DataError(f"{shown}: cannot be unpacked ({exc}).") from None
            found[base] = SourceFile(base, shown, data)
    return found


def _from_folder(path: Path) -> dict[str, SourceFile]:
    found = {}
    for name in LAYOUTS:
        file = path / name
        if os.path.lexists(file):  # a pipe, device or oversized file is refused, not skipped
            data = read_regular_file(file, what="one of Kiel's release CSV files")
            found[name] = SourceFile(name, str(file), data)
    return found


def read_files(source: str | Path) -> dict[str, SourceFile]:
    """The six release files from a folder or a zip archive, or a DataError naming what lacks."""
    path = Path(source)
    reason = missing_reason(path)
    if reason == "not found":
        raise DataError(f"{path}: no such folder or file. Check the path you passed.")
    if reason is not None:
        raise DataError(f"{path}: {reason}")
    found = _from_folder(path) if path.is_dir() else _from_zip(path)
    missing = [name for name in LAYOUTS if name not in found]
    if missing:
        raise DataError(
            f"{path}: {', '.join(missing)} missing. Expected Kiel's six release files"
            f" ({', '.join(LAYOUTS)}) in this {'folder' if path.is_dir() else 'archive'}."
        )
    return found


def fingerprint(files: dict[str, SourceFile]) -> str:
    """sha256 of the release's files (their names and sha256s), the same for a folder or a zip."""
    text = "".join(f"{name}\0{files[name].sha256}\n" for name in sorted(files))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------------------
# Parsing one file: header by name, cells by kind
# ------------------------------------------------------------------------------------------------
@dataclass
class Parsed:
    """A release file's rows, typed (column -> value), each with its line in the file."""

    file: SourceFile
    rows: list[dict[str, object]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    texts: list[dict[str, str]] = field(default_factory=list)  # the cells as written

    def place(self, index: int, column: str) -> str:
        return f"{self.file.shown}, line {self.lines[index]}, column '{column}'"


def _header(file: SourceFile, header: list[str]) -> dict[str, int]:
    expected = LAYOUTS[file.name]
    names = [h.strip() for h in header]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise DataError(
                f"{file.shown}, line 1: column '{name}' appears twice (columns {seen[name] + 1}"
                f" and {i + 1}). Expected the columns {', '.join(expected)}."
            )
        seen[name] = i
    unknown = [n for n in names if n not in expected]
    missing = [n for n in expected if n not in seen]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(f"no column {', '.join(repr(m) for m in missing)}")
        if unknown:
            parts.append(
                f"a new column {', '.join(repr(u) for u in unknown)} (a renamed column, or a new"
                " aid type or source that burdenshare does not know yet)"
            )
        raise DataError(
            f"{file.shown}, line 1: {' and '.join(parts)}. Expected exactly the columns"
            f" {', '.join(expected)} (Kiel's layout of release 29). Nothing was imported; if"
            " Kiel changed the layout, please report it with the file."
        )
    return seen


def _cell(text: str, kind: str) -> tuple[object, str | None]:
    """(value, None) or (None, what was expected)."""
    text = text.strip()
    if kind == "text":
        return text, None
    if kind == "code":
        return (text, None) if _CODE.fullmatch(text) else (None, "a donor code such as DEU or EU")
    if kind in ("year", "month", "count"):
        if not _WHOLE.fullmatch(text):
            return None, {"year": "a year such as 2026", "month": "a month number 1-12"}.get(
                kind, "a whole number >= 0"
            )
        number = int(text)
        if kind == "year" and not 2000 <= number <= 2100:
            return None, "a year such as 2026"
        if kind == "month" and not 1 <= number <= 12:
            return None, "a month number 1-12"
        return number, None
    if _NUMBER.fullmatch(text):
        return float(text), None
    return None, "a number written with digits 0-9 and a decimal point"


def parse(file: SourceFile, problems: Problems) -> Parsed:
    """Rows of one release file; cell problems go to ``problems`` (file, line, column)."""
    text = read_text(file.shown, file.data)
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(f"{file.shown}: no header row. Expected a Kiel release CSV.") from None
    except csv.Error as exc:
        raise DataError(f"{file.shown}, line 1: not a well-formed CSV ({exc}).") from None
    columns = _header(file, header)
    kinds = LAYOUTS[file.name]
    parsed = Parsed(file)
    line = reader.line_num + 1
    try:
        for fields in reader:
            if not fields or not any(f.strip() for f in fields):
                line = reader.line_num + 1
                continue
            if len(fields) != len(header):
                problems.at(
                    f"{file.shown}, line {line}",
                    f"{len(fields)} fields",
                    f"{len(header)} fields, one per column",
                )
                line = reader.line_num + 1
                continue
            row: dict[str, object] = {}
            texts: dict[str, str] = {}
            for name, kind in kinds.items():
                raw = fields[columns[name]]
                texts[name] = raw.strip()
                if not raw.strip():
                    if (file.name, name) not in OPTIONAL_CELLS:
                        problems.at(
                            f"{file.shown}, line {line}, column '{name}'",
                            raw,
                            "a value (Kiel's files have no empty cells here)",
                        )
                    row[name] = None
                    continue
                value, expected = _cell(raw, kind)
                if expected is not None:
                    problems.at(f"{file.shown}, line {line}, column '{name}'", raw, expected)
                row[name] = value
            parsed.rows.append(row)
            parsed.texts.append(texts)
            parsed.lines.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(
            f"{file.shown}, line {reader.line_num}: not a well-formed CSV ({exc})."
        ) from None
    if not parsed.rows:
        raise DataError(f"{file.shown}: the header is there but the file has no data rows.")
    return parsed


def check_unique(parsed: Parsed, problems: Problems) -> None:
    """Each row of a file once by its key (e.g. a donor and month), else name both lines."""
    key = KEYS.get(parsed.file.name)
    if not key:
        return
    first: dict[tuple[object, ...], int] = {}
    for i, row in enumerate(parsed.rows):
        values = tuple(row[c] for c in key)
        if values in first:
            shown = ", ".join(f"{c}={parsed.texts[i][c]}" for c in key)
            problems.at(
                parsed.place(i, key[0]),
                shown,
                f"each {' and '.join(key)} once (already on line {parsed.lines[first[values]]})",
            )
        else:
            first[values] = i


# ------------------------------------------------------------------------------------------------
# The release: label, period, date
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReleaseInfo:
    """What release_info.csv says: the label (R29), last month of data, publication date."""

    label: str
    data_through: pd.Timestamp
    published: dt.date
    title: str


def release_info(parsed: Parsed) -> ReleaseInfo:
    """The release named by release_info.csv (exactly one row), or a DataError naming the cell."""
    if len(parsed.rows) != 1:
        raise DataError(
            f"{parsed.file.shown}: {len(parsed.rows)} data rows; expected exactly one row naming"
            " the release."
        )
    row = parsed.rows[0]

    def fail(column: str, expected: str) -> DataError:
        return DataError(
            f"{parsed.place(0, column)}: got {row[column]!r}, expected {expected}. Nothing was"
            " imported."
        )

    release = _RELEASE.fullmatch(str(row["release"]))
    if release is None:
        raise fail("release", "a release number of two digits 0-9, e.g. 29 (or 30v2)")
    period = _PERIOD.fullmatch(str(row["period"]))
    if period is None:
        raise fail("period", "the last month with data as MM/YYYY, e.g. 04/2026")
    through = pd.Timestamp(int(period.group(2)), int(period.group(1)), 1)
    if through < FIRST_MONTH:
        raise fail("period", f"a month from {FIRST_MONTH:%m/%Y} on")
    try:
        if not _DATE.fullmatch(str(row["date"])):
            raise ValueError
        published = dt.date.fromisoformat(str(row["date"]))
    except ValueError:
        raise fail("date", "the publication date as YYYY-MM-DD, e.g. 2026-08-04") from None
    if published < through.date():
        raise fail("date", f"a publication date after the period's first day ({through.date()})")
    label = check_kiel_label("R" + release.group(0), f"{parsed.place(0, 'release')}: label")
    return ReleaseInfo(label, through, published, str(row["label"]))


# ------------------------------------------------------------------------------------------------
# Checks across cells: months within the release, donors' names against their codes
# ------------------------------------------------------------------------------------------------
def _month(row: dict[str, object]) -> pd.Timestamp | None:
    if row.get("year") is None or row.get("month") is None:
        return None
    return pd.Timestamp(int(row["year"]), int(row["month"]), 1)  # type: ignore[call-overload]


def check_months(parsed: Parsed, info: ReleaseInfo, problems: Problems) -> None:
    """Every month from January 2022 to the release's period (release_info.csv)."""
    for i, row in enumerate(parsed.rows):
        month = _month(row)
        if month is not None and not FIRST_MONTH <= month <= info.data_through:
            problems.at(
                parsed.place(i, "month"),
                f"{month:%m/%Y}",
                f"a month from {FIRST_MONTH:%m/%Y} to the release's period"
                f" {info.data_through:%m/%Y} (release_info.csv)",
            )


def _code(parsed: Parsed, i: int, name_column: str, code_column: str | None, problems: Problems):
    """Our code for a donor row; checks that the name and Kiel's code (if any) agree."""
    row = parsed.rows[i]
    name = row[name_column]
    if name is None:
        return None
    by_name = code_for_name(str(name))
    if code_column is None:
        if by_name is None:
            problems.at(
                parsed.place(i, name_column),
                name,
                "a donor name burdenshare knows (a country, or 'EU (Commission and Council)')",
            )
        return by_name
    kiel = row[code_column]
    if kiel is None:
        return None
    code = KIEL_CODES.get(str(kiel), str(kiel))
    if not is_known_code(code):
        problems.at(parsed.place(i, code_column), kiel, "an ISO3 country code, or EU")
        return None
    if by_name is None:
        problems.at(
            parsed.place(i, name_column),
            name,
            f"the name of the donor coded {kiel} (a name burdenshare does not know)",
        )
    elif by_name != code:
        problems.at(
            parsed.place(i, code_column),
            kiel,
            f"the code of {name!r} ({by_name}): the donor's name and code disagree",
        )
    return code


# ------------------------------------------------------------------------------------------------
# The tables
# ------------------------------------------------------------------------------------------------
#: Number columns of the tables, written as the release file wrote them (no re-rounding).
_AS_WRITTEN = ("value", "number")


@dataclass
class Built:
    """A table being built: its rows and, per row, the source place of each of its columns."""

    spec: TableSpec
    rows: list[dict[str, object]] = field(default_factory=list)
    places: list[tuple[Parsed, int, dict[str, str]]] = field(default_factory=list)

    def add(self, record: dict[str, object], parsed: Parsed, i: int, columns: dict[str, str]):
        self.rows.append(record)
        self.places.append((parsed, i, columns))

    def frame(self, problems: Problems) -> pd.DataFrame:
        """The typed table, checked against its schema (problems at their source places)."""
        frame = pd.DataFrame.from_records(self.rows, columns=list(self.spec.columns))
        for column, kind in self.spec.columns.items():
            if kind == "int":
                frame[column] = frame[column].astype("int64")
            elif kind == "bool":
                frame[column] = frame[column].astype(bool)
            elif kind == "float":
                frame[column] = frame[column].astype("float64")

        def locate(row: int, columns: tuple[str, ...]) -> str:
            parsed, i, sources = self.places[row]
            # a rule over the whole row is about its number: name the number's cell
            involved = [c for c in (*_AS_WRITTEN, *columns) if c in columns and c in sources]
            return parsed.place(i, sources[involved[0]] if involved else sources["value"])

        check_located(frame, self.spec, problems, locate)
        return frame

    def as_written(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with its numbers as the release files wrote them ("0", not "0.0"), so a
        stored table carries Kiel's figures digit for digit."""
        written = frame.copy()
        for column in _AS_WRITTEN:
            if column in written.columns:
                written[column] = [
                    parsed.texts[i][sources[column]] for parsed, i, sources in self.places
                ]
        return written


def monthly(parsed: Parsed, label: str, codes: list[str | None]) -> Built:
    built = Built(SUPPORT_MONTHLY)
    for i, row in enumerate(parsed.rows):
        for column, (measure, aid_type, unit) in MONTHLY_COLUMNS.items():
            record = {
                "release": label,
                "donor": row["country"],
                "iso3": codes[i],
                "month": _month(row),
                "measure": measure,
                "aid_type": aid_type,
                "value": row[column],
                "unit": unit,
                "currency": _CURRENCY[unit],
                "source_column": column,
            }
            columns = {"donor": "country", "iso3": "iso", "month": "month", "value": column}
            built.add(record, parsed, i, columns)
    return built


def monthly_totals(totals: Parsed, sources: Parsed, label: str) -> Built:
    built = Built(SUPPORT_MONTHLY_TOTALS)
    for parsed, columns in (
        (totals, [(c, t, None) for c, t in TOTAL_COLUMNS.items()]),
        (sources, [(c, "military", c) for c in SOURCE_COLUMNS]),
    ):
        for i, row in enumerate(parsed.rows):
            for column, aid_type, source in columns:
                record = {
                    "release": label,
                    "donor_group": "ALL_DONORS",
                    "month": _month(row),
                    "measure": "allocation",
                    "aid_type": aid_type,
                    "military_source": source,
                    "value": row[column],
                    "unit": "billion EUR",
                    "currency": "EUR",
                    "source_file": parsed.file.name,
                }
                built.add(record, parsed, i, {"month": "month", "value": column})
    return built


def eu_shares(parsed: Parsed, info: ReleaseInfo, codes: list[str | None]) -> Built:
    built = Built(SUPPORT)
    members = set(eu_members(info.published))
    for i, row in enumerate(parsed.rows):
        for column, (scope, unit) in SHARE_COLUMNS.items():
            record = {
                "release": info.label,
                "donor": row["country"],
                "iso3": codes[i],
                "eu_member": codes[i] in members,
                "measure": "allocation",
                "aid_type": "total",
                "scope": scope,
                "value": row[column],
                "unit": unit,
                "currency": _CURRENCY[unit],
                "zero_may_be_blank": False,
            }
            columns = {"donor": "country", "iso3": "iso", "value": column}
            built.add(record, parsed, i, columns)
    return built


def heavy_weapons(parsed: Parsed, label: str, codes: list[str | None]) -> Built:
    built = Built(HEAVY_WEAPONS)
    for i, row in enumerate(parsed.rows):
        record = {
            "release": label,
            "donor": row["donor"],
            "iso3": codes[i],
            "category": row["category"],
            "number": row["number_of_weapons"],
            "value": row["monetary_value_eur"],
            "unit": "EUR",
            "currency": "EUR",
            "weapons_list": row["weapons_list"],
        }
        columns = {
            "donor": "donor",
            "iso3": "donor",
            "category": "category",
            "number": "number_of_weapons",
            "value": "monetary_value_eur",
            "weapons_list": "weapons_list",
        }
        built.add(record, parsed, i, columns)
    return built


@dataclass(frozen=True)
class KielRelease:
    """One parsed and validated release: its info, files and tables by dataset (typed, and as
    written: numbers as the release files wrote them, for storing)."""

    info: ReleaseInfo
    files: dict[str, SourceFile]
    tables: dict[str, pd.DataFrame]
    written: dict[str, pd.DataFrame]


def read_kiel_release(source: str | Path, release: str | None = None) -> KielRelease:
    """Parse and validate Kiel's six release files (a folder or a zip of them).

    ``release``: the label to store (default: read from release_info.csv, e.g. "R29"). Returns
    the tables ``kiel_support_monthly``, ``kiel_support_monthly_totals``, ``kiel_support`` and
    ``kiel_heavy_weapons``, each validated against its schema. Raises
    :class:`~burdenshare.DataError` naming the file, line and column of every problem.
    """
    if release is not None:
        check_kiel_label(release)
    files = read_files(source)
    problems = Problems(Path(source), WHAT)
    parsed = {name: parse(file, problems) for name, file in files.items()}
    problems.raise_if_any()
    info = release_info(parsed["release_info.csv"])
    if release is not None:
        info = ReleaseInfo(release, info.data_through, info.published, info.title)
    for name in ("data_explorer.csv", "total_allocations.csv", "procurement_trends.csv"):
        check_months(parsed[name], info, problems)
    for table in parsed.values():
        check_unique(table, problems)
    explorer = parsed["data_explorer.csv"]
    for i, row in enumerate(explorer.rows):
        gdp = row["gdp"]
        if isinstance(gdp, float) and gdp < 0:
            problems.at(explorer.place(i, "gdp"), gdp, "the donor's 2021 GDP, >= 0")
    explorer_codes = [
        _code(explorer, i, "country", "iso", problems) for i in range(len(explorer.rows))
    ]
    shares = parsed["eu_aid_shares.csv"]
    share_codes = [_code(shares, i, "country", "iso", problems) for i in range(len(shares.rows))]
    weapons = parsed["weapons.csv"]
    weapon_codes = [_code(weapons, i, "donor", None, problems) for i in range(len(weapons.rows))]
    problems.raise_if_any()
    built = {
        datasets.KIEL_MONTHLY: monthly(explorer, info.label, explorer_codes),
        datasets.KIEL_MONTHLY_TOTALS: monthly_totals(
            parsed["total_allocations.csv"], parsed["procurement_trends.csv"], info.label
        ),
        datasets.KIEL_SUPPORT: eu_shares(shares, info, share_codes),
        datasets.KIEL_HEAVY_WEAPONS: heavy_weapons(weapons, info.label, weapon_codes),
    }
    tables = {dataset: table.frame(problems) for dataset, table in built.items()}
    problems.raise_if_any()
    written = {dataset: built[dataset].as_written(frame) for dataset, frame in tables.items()}
    return KielRelease(info, files, tables, written)
