"""Reading tidy CSV files and turning every schema problem into a :class:`DataError`.

One path for bundled and user-supplied files: the bytes are checked (a regular file under the size
limit, not empty, not binary, UTF-8 and not UTF-16), the CSV is parsed strictly (one header, no
repeated column, every row as many fields as the header, the delimiter a comma), every cell is
typed column by column with errors that name the line, then :func:`find_problems` applies the
table's schema (the catalogue's checks and bounds, the rules across columns, the unique key). Rows
in equal rows out, or an error: nothing is dropped, nothing is guessed.

Line numbers are those of the file as a text editor shows them (the header is line 1).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .errors import DataError
from .paths import read_data_file
from .schemas.model import Field, TableSpec

__all__ = [
    "MAX_LISTED",
    "Problem",
    "TableSpec",
    "check_frame",
    "find_problems",
    "raise_problems",
    "read_table",
    "read_text",
]

#: How many problems one error message lists before summarising the rest.
MAX_LISTED = 8
#: Delimiters a spreadsheet may have written instead of a comma.
OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
#: Whole numbers beyond this size lose precision as floats; no column of ours holds one.
LARGEST_WHOLE = 2**53

_EXPECTED = {
    "float": "a finite number",
    "int": "a whole number",
    "bool": "True or False",
    "date": "a date YYYY-MM-DD",
    "month": "a month YYYY-MM",
    "str": "text",
}


@dataclass(frozen=True)
class Problem:
    """One bad cell (or row, where ``column`` is empty).

    ``line``: the line in the file (None for a frame that did not come from a file); ``row``: the
    0-based position in the frame, so that callers can name the sheet and cell it came from.
    """

    line: int | None
    column: str
    value: object
    expected: str
    row: int | None = None
    first_row: int | None = None  # a repeated key: the row that has it first

    def __str__(self) -> str:
        if self.line is not None:
            where = f"line {self.line}"
        elif self.row is not None:
            where = f"row {self.row}"
        else:
            where = "file"
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
        f"Fix the file (`burdenshare data describe {table}` lists its columns and rules) or load"
        " the bundled data by leaving path=None."
    )
    err.problems = list(problems)  # type: ignore[attr-defined]
    raise err


# --- bytes to text --------------------------------------------------------------------------

_WIDE_ENCODINGS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _looks_utf16(raw: bytes) -> bool:
    """Text of two-byte characters without a byte-order mark: every other byte is NUL."""
    head = raw[:200]
    return len(head) >= 4 and (not any(head[1::2]) or not any(head[0::2]))


def read_text(path: Path | str, raw: bytes | None = None) -> str:
    """The file's text, or a :class:`DataError` for a missing, irregular, too large, empty,
    binary, UTF-16 or otherwise non-UTF-8 file. ``raw``: the bytes when already read."""
    path = Path(path)
    if raw is None:
        raw = read_data_file(path)
    if not raw.strip():
        raise DataError(f"{path}: the file is empty; expected a CSV with a header row and data.")
    resave = "Re-save the file as UTF-8 (e.g. from a spreadsheet: 'CSV UTF-8')."
    for bom, name in _WIDE_ENCODINGS:
        if raw.startswith(bom):
            raise DataError(f"{path}: the file is {name} text (byte-order mark); {resave}")
    if b"\x00" in raw:
        if _looks_utf16(raw):
            raise DataError(
                f"{path}: the file looks like UTF-16 text (no byte-order mark). {resave}"
            )
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
            f"{path}: line {line} is not valid UTF-8 (byte {raw[exc.start]:#04x}). {resave}"
        ) from None


# --- text to cells ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cells:
    """A parsed CSV file: header names, the cells column by column, and each row's line."""

    header: list[str]
    columns: dict[str, list[str]]
    lines: list[int]


def _split(path: Path, text: str) -> tuple[list[str], list[list[str]], list[int]]:
    reader = csv.reader(io.StringIO(text), strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            if record and header is None:
                header = record
            elif record:
                rows.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(
            f"{path}: line {start}: not well-formed CSV ({exc}). Check the quotes: a field with"
            ' a comma, quote or line break is written in double quotes, a quote inside as "".'
        ) from None
    if header is None:
        raise DataError(f"{path}: the file has no header row; expected a CSV.")
    return [name.strip() for name in header], rows, lines


def _delimiter_hint(text: str, spec: TableSpec) -> str:
    first = text.split("\n", 1)[0]
    for delimiter, word in OTHER_DELIMITERS.items():
        names = {n.strip().strip('"') for n in first.split(delimiter)}
        if delimiter in first and len(names & set(spec.columns)) >= 2:
            shown = repr(delimiter).strip("'")
            return (
                f" The header is separated by {word} ('{shown}'), not commas: save the file as"
                " comma-separated CSV."
            )
    return ""


def _cells(path: Path, text: str, spec: TableSpec) -> _Cells:
    header, rows, lines = _split(path, text)
    positions: dict[str, list[int]] = {}
    for number, name in enumerate(header, start=1):
        positions.setdefault(name, []).append(number)
    repeated = {n: p for n, p in positions.items() if len(p) > 1}
    if repeated:
        listed = "; ".join(
            f"{n!r} at columns {', '.join(map(str, p))}" for n, p in repeated.items()
        )
        raise DataError(
            f"{path}: line 1: the header repeats column(s) {listed}; a column may appear once."
            " Remove or rename the copies."
        )
    missing = [c for c in spec.columns if c not in positions and c not in spec.optional]
    if missing:
        raise DataError(
            f"{path}: line 1: missing column(s) {', '.join(repr(c) for c in missing)} for a"
            f" '{spec.name}' table. Expected columns: {', '.join(spec.columns)}."
            + _delimiter_hint(text, spec)
        )
    unknown = [n for n in header if n not in spec.columns]
    if unknown:
        shown = ", ".join(
            repr(n) if n else f"an unnamed one (column {positions[n][0]})" for n in unknown
        )
        raise DataError(
            f"{path}: line 1: column(s) {shown} are not part of a '{spec.name}' table, whose"
            f" columns are {', '.join(spec.columns)}. Remove them or correct their names."
        )
    if not rows:
        raise DataError(f"{path}: the header is there but the file has no data rows.")
    ragged = [
        Problem(line, "", f"{len(row)} fields", f"{len(header)} fields, as in the header")
        for row, line in zip(rows, lines, strict=True)
        if len(row) != len(header)
    ]
    if ragged:
        raise DataError(
            f"{path}: {len(ragged)} row(s) with a different number of fields than the header:\n  "
            + "\n  ".join(str(p) for p in ragged[:MAX_LISTED])
            + "\nAn extra comma, or a value holding a comma without double quotes, shifts the"
            " columns: fix those lines."
        )
    columns = dict(zip(header, (list(c) for c in zip(*rows, strict=True)), strict=True))
    return _Cells(header, columns, lines)


def _stripped(cells: list[str]) -> pd.Series:
    """A column's cells without surrounding blanks, as text, with one string object per distinct
    text (a column of 10,000 cells holding 34 codes keeps 34 strings, not 10,000): a tenth of
    the memory, and copying the column touches only those few objects (a report kernel forked
    from the warm process copies, so writes to, every page holding a string it copies)."""
    unique: dict[str, str] = {}
    texts = [cell.strip() for cell in cells]
    return pd.Series([unique.setdefault(text, text) for text in texts], dtype="str")


# --- cells to typed columns -------------------------------------------------------------------


def _parse_expectation(field: Field) -> str:
    text = _EXPECTED[field.type]
    if field.type == "int" and field.bounds is not None:
        text += f", {field.bounds}"
    return text


def _parse(stripped: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Typed values and a mask of cells that failed to parse (empty cells are NA, not failures);
    ``stripped``: the column's text without surrounding blanks."""
    empty = stripped == ""
    if kind == "str":
        return stripped.mask(empty), pd.Series(False, index=stripped.index)
    if kind in ("float", "int"):
        numbers = pd.to_numeric(stripped.mask(empty), errors="coerce").astype("float64")
        bad = (numbers.isna() & ~empty) | ~(np.isfinite(numbers) | numbers.isna())
        if kind == "float":
            return numbers.mask(bad), bad
        bad |= (numbers != numbers.round()) & numbers.notna()
        bad |= numbers.abs() > LARGEST_WHOLE
        return numbers.mask(bad).astype("Int64"), bad
    if kind == "bool":
        parsed = stripped.str.lower().map(_BOOL)
        bad = parsed.isna() & ~empty
        return parsed.astype("boolean"), bad
    if kind in ("date", "month"):
        fmt = "%Y-%m-%d" if kind == "date" else "%Y-%m"
        parsed = pd.to_datetime(stripped.mask(empty), format=fmt, errors="coerce")
        bad = parsed.isna() & ~empty
        return parsed, bad
    raise ValueError(f"unknown column type {kind!r}")


_BOOL = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _empty_dtype(kind: str) -> str:
    return {
        "float": "float64",
        "int": "Int64",
        "bool": "boolean",
        "date": "datetime64[ns]",
        "month": "datetime64[ns]",
    }.get(kind, "object")


# --- checking a typed frame ---------------------------------------------------------------------


#: When several checks fail on one cell, the one reported: a check of the value on its own (allowed
#: values, pattern, a code that exists), else a rule across columns (which knows the row's unit or
#: indicator), else the field's coarse plausibility bounds.
_RANK_CHECK, _RANK_RULE, _RANK_BOUNDS = 0, 1, 2


_Found = tuple[int, Problem, tuple[str, ...]]  # rank, problem, the other columns a rule read


def _schema_problems(frame: pd.DataFrame, spec: TableSpec) -> list[_Found]:
    """The pandera schema's failures as (rank, problem, columns read): one per bad cell, one per
    bad row of a rule (reported on the rule's column)."""
    try:
        spec.schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    found: list[_Found] = []
    on_frame = cases["schema_context"] == "DataFrameSchema"
    for case in cases[~on_frame].itertuples(index=False):
        row = None if pd.isna(case.index) else int(case.index)
        column = str(case.column)
        expected = str(case.check)
        field = spec.field(column) if column in spec.columns else None
        rank = _RANK_BOUNDS if field and expected == str(field.bounds) else _RANK_CHECK
        if expected == "not_nullable":
            expected = f"{_EXPECTED[spec.columns.get(column, 'str')]} (the cell is empty)"
        found.append((rank, Problem(None, column, case.failure_case, expected, row), ()))
    rule_cases = cases[on_frame].dropna(subset=["check_number"])
    for number, group in rule_cases.groupby("check_number"):
        rule = spec.rules[int(number)]
        rows = sorted({int(i) for i in group["index"].dropna()})
        if not rows:  # the rule itself failed (e.g. a column of an unexpected type)
            found.append(
                (
                    _RANK_RULE,
                    Problem(None, rule.column, group["failure_case"].iloc[0], rule.expected),
                )
            )
            continue
        failing = frame.iloc[rows]
        texts = rule.explain(failing)
        values = failing[rule.column].tolist()
        found += [
            (_RANK_RULE, Problem(None, rule.column, value, text, row), rule.uses)
            for row, value, text in zip(rows, values, texts, strict=True)
        ]
    return found


def _one_per_cell(found: list[_Found]) -> list[Problem]:
    """One problem per cell (see :data:`_RANK_CHECK`), and none from a rule that read a cell of
    its row already reported: the first cause is named, not its echoes. Row-less ones all."""
    kept: dict[tuple[int, str], Problem] = {}
    loose: list[Problem] = []
    for _, problem, uses in sorted(found, key=lambda item: item[0]):  # stable: rule order kept
        if problem.row is None:
            loose.append(problem)
            continue
        cell = (problem.row, problem.column)
        if cell in kept or any((problem.row, column) in kept for column in uses):
            continue
        kept[cell] = problem
    return loose + list(kept.values())


def _duplicate_keys(frame: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """Rows repeating an earlier row's key (linear: one hash pass and one group pass)."""
    key = list(spec.key)
    repeats = frame.duplicated(key, keep="first").to_numpy()
    if not key or not repeats.any():
        return []
    group = frame.groupby(key, dropna=False, sort=False).ngroup().to_numpy()
    first_of_group = np.full(group.max() + 1, len(frame))
    np.minimum.at(first_of_group, group, np.arange(len(frame)))
    rows = np.flatnonzero(repeats)
    shown = frame.iloc[rows][key].astype(str)
    texts = shown.columns[0] + "=" + shown.iloc[:, 0]
    for column in shown.columns[1:]:
        texts = texts + f", {column}=" + shown[column]
    column = "/".join(key)
    return [
        Problem(
            None,
            column,
            text,
            f"a unique key (same as row {first_of_group[group[row]]})",
            int(row),
            int(first_of_group[group[row]]),
        )
        for row, text in zip(rows, texts, strict=True)
    ]


def find_problems(frame: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    """Every problem of a typed frame against ``spec``, each with its 0-based ``row``.

    Missing columns, empty cells in columns that may not be empty, values outside the catalogue's
    allowed values, patterns and bounds, rows breaking a rule across columns, and repeated keys.
    ``line`` is None (the frame knows no file); :func:`check_frame` adds lines.
    """
    missing = [c for c in spec.columns if c not in frame.columns and c not in spec.optional]
    if missing:
        return [Problem(None, c, "", "the column to be present") for c in missing]
    frame = frame.reset_index(drop=True)
    for name in spec.optional - set(frame.columns):
        frame[name] = pd.Series(pd.NA, index=frame.index, dtype=_empty_dtype(spec.columns[name]))
    frame = frame[list(spec.columns)]
    problems = _one_per_cell(_schema_problems(frame, spec)) + _duplicate_keys(frame, spec)
    problems.sort(key=lambda p: (-1 if p.row is None else p.row, p.column))
    return problems


def _with_lines(problems: list[Problem], lines: Sequence[int]) -> list[Problem]:
    def located(problem: Problem) -> Problem:
        if problem.row is None:
            return problem
        expected = problem.expected
        if problem.first_row is not None:
            expected = f"a unique key (same as line {lines[problem.first_row]})"
        return replace(problem, line=lines[problem.row], expected=expected)

    return [located(p) for p in problems]


def check_frame(
    frame: pd.DataFrame,
    spec: TableSpec,
    source: Path | str,
    lines: Sequence[int] | None = None,
) -> None:
    """Check an already typed frame (e.g. from an importer) against ``spec``; raise on problems.

    ``lines``: the file line of each row (default: a file with a header line, row 0 on line 2).
    """
    lines = list(lines) if lines is not None else list(range(2, len(frame) + 2))
    raise_problems(source, _with_lines(find_problems(frame, spec), lines), spec.name)


def _as_written(problems: list[Problem], cells: _Cells) -> list[Problem]:
    """Problems showing each bad cell's text as written in the file (not its typed value)."""
    return [
        replace(p, value=cells.columns[p.column][p.row])
        if p.row is not None and p.column in cells.columns
        else p
        for p in problems
    ]


def read_table(
    path: Path | str, spec: TableSpec, raw: bytes | None = None, *, rules: bool = True
) -> pd.DataFrame:
    """Read and validate one tidy CSV file against ``spec``.

    Returns a frame with the spec's columns, typed; raises :class:`DataError` naming the file, line,
    column, bad value and expectation for every problem found. ``raw``: the file's bytes when the
    caller has already read them (so the bytes validated are the bytes hashed). ``rules=False``
    checks the header and that every cell parses as its type, not the schema's rules (allowed
    values, bounds, patterns, keys): for bytes already checked, such as a bundled file whose
    sha256 matched its manifest.
    """
    path = Path(path)
    text = read_text(path, raw)
    cells = _cells(path, text, spec)
    index = pd.RangeIndex(len(cells.lines))
    problems: list[Problem] = []
    typed: dict[str, pd.Series] = {}
    for field in spec.fields:
        if field.name not in cells.columns:
            typed[field.name] = pd.Series(pd.NA, index=index, dtype=_empty_dtype(field.type))
            continue
        written = cells.columns[field.name]
        values, bad = _parse(_stripped(written), field.type)
        expected = _parse_expectation(field)
        problems += [
            Problem(cells.lines[i], field.name, written[i], expected, i)
            for i in np.flatnonzero(bad.to_numpy())
        ]
        typed[field.name] = values
    problems.sort(key=lambda p: (p.line or 0, p.column))
    raise_problems(path, problems, spec.name)
    frame = pd.DataFrame(typed)
    if rules:
        found = _with_lines(find_problems(frame, spec), cells.lines)
        raise_problems(path, _as_written(found, cells), spec.name)
    for field in spec.fields:
        if not field.nullable and field.type in ("int", "bool"):
            frame[field.name] = frame[field.name].astype("int64" if field.type == "int" else "bool")
    return frame
