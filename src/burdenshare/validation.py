"""Reading tidy CSV files and turning every schema problem into a :class:`DataError`.

One path for bundled and user-supplied files: bytes are checked (empty, binary, encoding), the CSV
is parsed with every cell as text, typed column by column with errors that name the line, then the
table's pandera schema checks values (ranges, allowed labels, cross-column rules) and its key is
checked for duplicates. Rows in equal rows out, or an error: nothing is dropped.

Line numbers are those of the file as a text editor shows them (the header is line 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .errors import DataError

#: How many problems one error message lists before summarising the rest.
MAX_LISTED = 8

ColumnType = str  # "str", "float", "int", "bool", "date", "month"


@dataclass(frozen=True, eq=False)
class TableSpec:
    """The schema of one tidy table.

    ``columns`` maps each required column to its type; ``optional`` columns may be absent (they are
    then added empty); ``nullable`` columns may hold empty cells; ``key`` columns must be unique
    together; ``schema`` is the pandera schema applied after typing.
    """

    name: str
    columns: Mapping[str, ColumnType]
    key: Sequence[str]
    schema: pa.DataFrameSchema
    nullable: frozenset[str] = field(default_factory=frozenset)
    optional: frozenset[str] = field(default_factory=frozenset)
    description: str = ""


@dataclass(frozen=True)
class Problem:
    """One bad cell (or row, where ``column`` is empty)."""

    line: int | None
    column: str
    value: object
    expected: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        col = f", column '{self.column}'" if self.column else ""
        return f"{where}{col}: got {self.value!r}, expected {self.expected}"


def raise_problems(path: Path | str, problems: Sequence[Problem], table: str) -> None:
    """Raise one :class:`DataError` listing the problems (no-op when there are none)."""
    if not problems:
        return
    listed = "\n  ".join(str(p) for p in problems[:MAX_LISTED])
    more = len(problems) - MAX_LISTED
    tail = f"\n  ... and {more} more problem(s)" if more > 0 else ""
    err = DataError(
        f"{path}: {len(problems)} problem(s) in a '{table}' table:\n  {listed}{tail}\n"
        f"Fix the file (see the '{table}' schema in burdenshare.schemas) or load the bundled data "
        "by leaving path=None."
    )
    err.problems = list(problems)  # type: ignore[attr-defined]
    raise err


def read_text(path: Path | str, raw: bytes | None = None) -> str:
    """The file's text, or a :class:`DataError` for a missing, empty, binary or non-UTF-8 file.

    ``raw``: the file's bytes when the caller has already read them.
    """
    path = Path(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise DataError(f"{path}: file not found. Check the path you passed.") from None
        except IsADirectoryError:
            raise DataError(f"{path}: is a folder, not a CSV file.") from None
    if not raw.strip():
        raise DataError(f"{path}: the file is empty; expected a CSV with a header row and data.")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DataError(
            f"{path}: line {line} holds a NUL byte: this looks like a binary file (e.g. a workbook),"
            " not a UTF-8 CSV. Export the sheet as CSV, or use `burdenshare data import` for a"
            " publisher's workbook."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{path}: line {line} is not valid UTF-8 (byte {raw[exc.start]:#04x}). Re-save the file"
            " as UTF-8 (e.g. from a spreadsheet: 'CSV UTF-8')."
        ) from None


def _line_numbers(text: str, n_rows: int) -> list[int]:
    """Editor line number of each data row (handles quoted fields spanning lines)."""
    reader = csv.reader(io.StringIO(text))
    lines: list[int] = []
    next(reader, None)
    start = reader.line_num + 1
    for row in reader:
        if row:
            lines.append(start)
        start = reader.line_num + 1
    return lines[:n_rows] if len(lines) >= n_rows else list(range(2, n_rows + 2))


_BOOL = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _parse(values: pd.Series, kind: ColumnType) -> tuple[pd.Series, pd.Series]:
    """Typed values and a mask of cells that failed to parse (empty cells are NA, not failures)."""
    empty = values.str.strip() == ""
    if kind == "str":
        return values.str.strip().mask(empty), pd.Series(False, index=values.index)
    if kind in ("float", "int"):
        parsed = pd.to_numeric(values.str.strip().mask(empty), errors="coerce")
        bad = parsed.isna() & ~empty
        if kind == "int":
            frac = parsed.notna() & (parsed != parsed.round())
            bad |= frac
            parsed = parsed.mask(frac).astype("Int64")
        else:
            parsed = parsed.astype("float64")
        return parsed, bad
    if kind == "bool":
        parsed = values.str.strip().str.lower().map(_BOOL)
        bad = parsed.isna() & ~empty
        return parsed.astype("boolean"), bad
    if kind in ("date", "month"):
        fmt = "%Y-%m-%d" if kind == "date" else "%Y-%m"
        parsed = pd.to_datetime(values.str.strip().mask(empty), format=fmt, errors="coerce")
        bad = parsed.isna() & ~empty
        return parsed, bad
    raise ValueError(f"unknown column type {kind!r}")


_EXPECTED = {
    "float": "a number",
    "int": "a whole number",
    "bool": "True or False",
    "date": "a date YYYY-MM-DD",
    "month": "a month YYYY-MM",
    "str": "text",
}


def _pandera_problems(frame: pd.DataFrame, spec: TableSpec, lines: Sequence[int]) -> list[Problem]:
    try:
        spec.schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems: list[Problem] = []
        cases = exc.failure_cases
        for _, case in cases.iterrows():
            idx = case.get("index")
            line = lines[int(idx)] if idx is not None and not pd.isna(idx) else None
            column = case.get("column")
            column = "" if column is None or pd.isna(column) else str(column)
            check = str(case.get("check"))
            problems.append(Problem(line, column, case.get("failure_case"), _describe(check)))
        problems.sort(key=lambda p: (p.line if p.line is not None else 0, p.column))
        return problems
    return []


def _describe(check: str) -> str:
    """Readable text for a pandera check name."""
    replacements = {
        "not_nullable": "a value (the cell is empty)",
        "column_in_dataframe": "the column to be present",
    }
    return replacements.get(check, check)


def check_frame(
    frame: pd.DataFrame,
    spec: TableSpec,
    source: Path | str,
    lines: Sequence[int] | None = None,
) -> None:
    """Check an already typed frame (e.g. from an importer) against ``spec``; raise on problems."""
    lines = list(lines) if lines is not None else list(range(2, len(frame) + 2))
    frame = frame.reset_index(drop=True)
    problems = _pandera_problems(frame, spec, lines)
    key = list(spec.key)
    if key and all(k in frame.columns for k in key):
        dup = frame.duplicated(key, keep="first")
        # compare keys as text so that empty cells in nullable key columns match each other
        as_text = (
            frame.loc[:, key].apply(lambda col: col.map(str)).agg("\x1f".join, axis=1)
            if dup.any()
            else None
        )
        for i in frame.index[dup]:
            assert as_text is not None
            first = as_text.index[as_text == as_text[i]][0]
            value = ", ".join(f"{k}={frame.at[i, k]}" for k in key)
            problems.append(
                Problem(
                    lines[i], "/".join(key), value, f"a unique key (same as line {lines[first]})"
                )
            )
    raise_problems(source, problems, spec.name)


def read_table(path: Path | str, spec: TableSpec, raw: bytes | None = None) -> pd.DataFrame:
    """Read and validate one tidy CSV file against ``spec``.

    Returns a frame with the spec's columns, typed; raises :class:`DataError` naming the file, line,
    column, bad value and expectation for every problem found. ``raw``: the file's bytes when the
    caller has already read them (so the bytes validated are the bytes hashed).
    """
    path = Path(path)
    text = read_text(path, raw)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.ParserError as exc:
        raise DataError(
            f"{path}: not a well-formed CSV ({exc}). Check quoting and commas."
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file has no header row; expected a CSV.") from None
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in spec.columns if c not in raw.columns and c not in spec.optional]
    if missing:
        raise DataError(
            f"{path}: missing column(s) {', '.join(repr(c) for c in missing)} for a '{spec.name}'"
            f" table. Expected columns: {', '.join(spec.columns)}."
        )
    if raw.empty:
        raise DataError(f"{path}: the header is there but the file has no data rows.")
    lines = _line_numbers(text, len(raw))
    problems: list[Problem] = []
    typed: dict[str, pd.Series] = {}
    for column, kind in spec.columns.items():
        if column not in raw.columns:
            typed[column] = pd.Series(pd.NA, index=raw.index, dtype=_empty_dtype(kind))
            continue
        values, bad = _parse(raw[column], kind)
        for i in raw.index[bad]:
            problems.append(Problem(lines[i], column, raw.at[i, column], _EXPECTED[kind]))
        if column not in spec.nullable:
            empty = values.isna() & ~bad
            for i in raw.index[empty]:
                problems.append(Problem(lines[i], column, "", f"{_EXPECTED[kind]} (cell is empty)"))
        typed[column] = values
    problems.sort(key=lambda p: (p.line or 0, p.column))
    raise_problems(path, problems, spec.name)
    frame = pd.DataFrame(typed)
    check_frame(frame, spec, path, lines)
    for column, kind in spec.columns.items():
        if column not in spec.nullable and kind in ("int", "bool"):
            frame[column] = frame[column].astype("int64" if kind == "int" else "bool")
    return frame


def _empty_dtype(kind: ColumnType) -> str:
    return {
        "float": "float64",
        "int": "Int64",
        "bool": "boolean",
        "date": "datetime64[ns]",
        "month": "datetime64[ns]",
    }.get(kind, "object")
